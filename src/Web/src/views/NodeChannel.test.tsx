import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import type { NodeDetails } from '../api/services';
import { NodeCalibrations } from './NodeCalibrations';
import { NodeChannel } from './NodeChannel';

const mutation = () => ({ error: null as unknown, isPending: false, data: undefined as unknown, mutate: vi.fn(), reset: vi.fn() });
const state = vi.hoisted(() => ({ changes: [] as ReturnType<typeof mutation>[], calls: 0, preview: null as unknown as ReturnType<typeof mutation> }));

vi.mock('../api/services', () => ({ nodeApi: {}, fetchNode: () => Promise.resolve({ node: { version: 9 } }) }));
vi.mock('../hooks/queries', () => ({
  useDeviceTypes: () => ({
    data: [{ analyticsType: 'EvaraTank', categories: [], fields: [
      { name: 'water_level_cm', dataType: 'float', unit: 'cm' }, { name: 'temperature_c', dataType: 'float', unit: '°C' }, { name: 'rssi_dbm', dataType: 'integer', unit: 'dBm' },
    ] }],
  }),
  useChannelPreview: () => state.preview,
  // One mutation per call site, in render order, every render: the channel's save, then its write key (or the calibration's add, then close).
  useNodeChange: () => state.changes[state.calls++ % state.changes.length],
}));

const details = {
  node: { id: 'n1', label: 'Tank', analyticsType: 'EvaraTank', version: 4 },
  channel: { channelId: 2900013, readKey: '…0013', writeKey: null, mappings: [{ field: 'field1', canonicalField: 'water_level_cm', dataType: 'float', unit: 'cm', scaleFactor: 1, offset: 0 }], reportingIntervalSeconds: 60, source: 'both' },
  calibrations: [{ id: 'c1', field: 'temperature_c', type: 'linear', parameters: { slope: 2, intercept: 1 }, validFrom: '2026-11-01T00:00:00Z', validUntil: null }],
} as unknown as NodeDetails;

describe('NodeChannel', () => {
  let save: ReturnType<typeof mutation>;
  beforeEach(() => {
    save = mutation();
    state.changes = [save, mutation()];
    state.calls = 0;
    state.preview = mutation();
  });

  it('previews the mapping as typed, the stored read key kept, and saves nothing', () => {
    render(<NodeChannel details={details} />);
    expect(screen.getByLabelText('Read key (stored: …0013; empty keeps it)')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('field2 metric'), { target: { value: 'temperature_c' } });
    fireEvent.change(screen.getByLabelText('field1 scale'), { target: { value: '0.5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(state.preview.mutate).toHaveBeenCalledWith({
      channelId: 2900013, readKey: null,
      mappings: [
        { field: 'field1', canonicalField: 'water_level_cm', dataType: 'float', scaleFactor: 0.5, offset: 0 },
        { field: 'field2', canonicalField: 'temperature_c', dataType: 'float', scaleFactor: 1, offset: 0 },
      ],
    });
    expect(save.mutate).not.toHaveBeenCalled();
  });

  it('shows the preview: each entry as sent, as stored, and what was refused', () => {
    state.preview.data = {
      channelId: 2900013,
      entries: [{ timestamp: '2026-12-07T09:00:00Z', entryId: 42, raw: { field1: '100', field3: 'flat' }, values: { water_level_cm: 50 }, rejections: ['field3: not a number'] }],
    };
    render(<NodeChannel details={details} />);
    const row = screen.getByTestId('channel-preview').querySelector('tbody tr')!;
    expect(row.textContent).toContain('field1=100 field3=flat');
    expect(row.textContent).toContain('water_level_cm 50');
    expect(row.textContent).toContain('field3: not a number');
  });

  it("puts a row's problem on that row's field, and the API's refusal of a preview on the field it names", () => {
    state.preview.error = new ApiError(422, [{ code: 'VALIDATION_ERROR', message: 'ThingSpeak: channel 1: no access (wrong or missing read key)', field: 'readKey' }], 'r1');
    render(<NodeChannel details={details} />);
    expect(screen.getByLabelText(/^Read key/).getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(screen.getByLabelText('field1 offset'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByLabelText('field1 offset').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('The offset is a number.')).toBeTruthy();
    expect(save.mutate).not.toHaveBeenCalled();
  });
});

describe('NodeChannel conflict', () => {
  it('explains that the node changed, keeps the input, and saves at their version after a reload', async () => {
    const save = { ...mutation(), error: new ApiError(409, [{ code: 'CONCURRENCY_CONFLICT', message: 'changed', field: null }], 'r4') as unknown };
    state.changes = [save, mutation()];
    state.calls = 0;
    state.preview = mutation();
    render(<NodeChannel details={details} />);
    fireEvent.change(screen.getByLabelText('Channel id'), { target: { value: '2900099' } });
    expect(screen.getByRole('alert').textContent).toContain('Someone changed this node after you opened it.');
    fireEvent.click(screen.getByRole('button', { name: 'Load their version and keep my input' }));
    await waitFor(() => expect(save.reset).toHaveBeenCalled());
    expect((screen.getByLabelText('Channel id') as HTMLInputElement).value).toBe('2900099');
  });
});

describe('NodeCalibrations', () => {
  it("lists each calibration's period and stands the overlap refusal on its start", () => {
    const add = mutation();
    add.error = new ApiError(409, [{ code: 'CONFLICT', message: 'The field already has a calibration valid in this period; close it first.', field: 'validFrom' }], 'r3');
    state.changes = [add, mutation()];
    state.calls = 0;
    render(<NodeCalibrations details={details} />);
    expect(screen.getByTestId('calibrations-table').textContent).toContain('2 · x + 1');
    expect(screen.getByRole('button', { name: 'Close the temperature_c calibration now' })).toBeTruthy();
    expect(screen.getByLabelText('Valid from').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('The field already has a calibration valid in this period; close it first.')).toBeTruthy();
  });

  it('sends a lookup table once its points are valid', () => {
    const add = mutation();
    state.changes = [add, mutation()];
    state.calls = 0;
    render(<NodeCalibrations details={details} />);
    fireEvent.change(screen.getByLabelText('Calibrated field'), { target: { value: 'rssi_dbm' } });
    fireEvent.change(screen.getByLabelText('Calibration type'), { target: { value: 'lookup_table' } });
    fireEvent.change(screen.getByLabelText('Points (raw:value, …)'), { target: { value: '0:0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add calibration' }));
    expect(screen.getByLabelText('Points (raw:value, …)').getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(screen.getByLabelText('Points (raw:value, …)'), { target: { value: '0:0, 100:90' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add calibration' }));
    expect(add.mutate).toHaveBeenCalledWith(expect.objectContaining({ field: 'rssi_dbm', type: 'lookup_table', parameters: { points: [[0, 0], [100, 90]] } }), expect.anything());
  });
});
