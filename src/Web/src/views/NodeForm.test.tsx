import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import type { NodeDetails } from '../api/services';
import { NodeForm } from './NodeForm';

const read = {
  node: { id: 'n1', label: 'Tank A', category: 'OHT', lat: 12.9, lng: 77.6, locationName: 'Roof', capacityLitres: 5000, tenantType: 'community', communityId: 'c1', version: 3 },
  config: { maxDepthCm: 200, sensorOffsetCm: 0, lowLevelPercent: 20, highLevelPercent: 90 },
  tags: [],
} as unknown as NodeDetails;
const theirs = { ...read, node: { ...(read.node as object), label: 'Tank A (east)', version: 4 }, config: { ...(read.config as object), maxDepthCm: 210 } } as unknown as NodeDetails;

const state = vi.hoisted(() => ({
  save: { error: null as unknown, isPending: false, mutate: vi.fn(), reset: vi.fn() },
  theirs: null as unknown,
}));

vi.mock('../auth/AuthContext', () => ({ useAuth: () => ({ me: { role: 'distributor', distributorId: 'd1' }, can: () => true }) }));
vi.mock('../hooks/queries', () => ({
  useNodeSave: () => state.save,
  useTheirNode: (_id: string, enabled: boolean) => ({ data: enabled ? state.theirs : undefined, refetch: () => Promise.resolve({ data: state.theirs }) }),
  useDistributorChoices: () => ({ data: [] }),
  useCommunities: () => ({ data: [{ id: 'c1', name: 'Green Valley' }] }),
  useCustomerChoices: () => ({ data: [{ id: 'k1', name: 'House 1' }] }),
}));

describe('NodeForm', () => {
  beforeEach(() => {
    state.save = { error: null, isPending: false, mutate: vi.fn(), reset: vi.fn() };
    state.theirs = theirs;
  });

  it('puts each problem on its field, the category’s settings among them, and sends nothing', () => {
    render(<NodeForm details={null} onDone={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Category'), { target: { value: 'FlowMeter' } });
    fireEvent.change(screen.getByLabelText('Latitude'), { target: { value: '91' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    for (const [label, message] of [
      ['Key', 'Give it a key (unique, e.g. WTR-OHT-012).'],
      ['Owner', 'Choose who owns it.'],
      ['Label', 'Give it a label.'],
      ['Latitude', 'Latitude is a number from -90 to 90.'],
      ['Pipe diameter (mm) *', 'Pipe diameter (mm) is required.'],
    ] as const) {
      const input = screen.getByLabelText(label);
      expect(input.getAttribute('aria-invalid'), label).toBe('true');
      expect(screen.getByText(message).id).toBe(input.getAttribute('aria-describedby'));
    }
    expect(screen.queryByLabelText('Tank depth (cm) *')).toBeNull();
    expect(state.save.mutate).not.toHaveBeenCalled();
  });

  it('creates with the owner chosen from the caller’s scope', () => {
    render(<NodeForm details={null} onDone={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Key'), { target: { value: 'K-1' } });
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Sump 1' } });
    fireEvent.change(screen.getByLabelText('Owner'), { target: { value: 'Customer:k1' } });
    fireEvent.change(screen.getByLabelText('Category'), { target: { value: 'Sump' } });
    fireEvent.change(screen.getByLabelText('Tank depth (cm) *'), { target: { value: '150' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(state.save.mutate).toHaveBeenCalledWith(
      { id: null, version: 0, input: expect.objectContaining({ nodeKey: 'K-1', category: 'Sump', owner: { tenantType: 'Customer', id: 'k1' }, config: { maxDepthCm: 150 } }) },
      expect.anything(),
    );
  });

  it("stands the API's refusal of a setting on that setting", () => {
    state.save.error = new ApiError(422, [{ code: 'INVALID_CONFIG', message: 'sensorOffsetCm is at least 0 and less than maxDepthCm.', field: 'config.sensorOffsetCm' }], 'r1');
    render(<NodeForm details={read} onDone={() => undefined} />);
    expect(screen.getByLabelText('Sensor offset (cm)').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('on a conflict says what they changed, keeps the input, and saves over their version after a reload', async () => {
    state.save.error = new ApiError(409, [{ code: 'CONCURRENCY_CONFLICT', message: 'The node was changed by someone else.', field: null }], 'r2');
    const view = render(<NodeForm details={read} onDone={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Tank A (mine)' } });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Someone changed this node after you opened it.');
    expect(screen.getByRole('list', { name: 'What they changed' }).textContent).toContain('Label: Tank A → Tank A (east)');
    expect(alert.textContent).toContain('Tank depth (cm): 200 → 210');

    fireEvent.click(screen.getByRole('button', { name: 'Load their version and keep my input' }));
    await waitFor(() => expect(state.save.reset).toHaveBeenCalled());
    state.save.error = null;
    view.rerender(<NodeForm details={read} onDone={() => undefined} />);
    expect((screen.getByLabelText('Label') as HTMLInputElement).value).toBe('Tank A (mine)');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(state.save.mutate).toHaveBeenCalledWith(
      { id: 'n1', version: 4, input: expect.objectContaining({ label: 'Tank A (mine)', config: expect.objectContaining({ maxDepthCm: 200 }) }) },
      expect.anything(),
    );
  });
});
