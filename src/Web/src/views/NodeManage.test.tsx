import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import type { NodeDetails } from '../api/services';
import { NodeManage } from './NodeManage';

const mutation = () => ({ error: null as unknown, isPending: false, data: undefined as unknown, mutate: vi.fn(), reset: vi.fn() });
const state = vi.hoisted(() => ({ changes: {} as Record<string, ReturnType<typeof mutation>>, permissions: ['nodes:write'] as string[] }));

vi.mock('react-router-dom', () => ({ useNavigate: () => vi.fn() }));
vi.mock('../api/services', () => ({ nodeApi: {}, fetchNode: vi.fn() }));
vi.mock('../auth/AuthContext', () => ({ useAuth: () => ({ me: { role: 'distributor', distributorId: 'd1' }, can: (p: string) => state.permissions.includes(p) }) }));
// The management forms' own mutations, told apart by what they call; the channel and calibration forms have tests of their own.
vi.mock('./NodeChannel', () => ({ NodeChannel: () => null }));
vi.mock('./NodeCalibrations', () => ({ NodeCalibrations: () => null }));
vi.mock('../hooks/queries', () => ({
  useNodeChange: (_id: string, call: { toString(): string }) => {
    const text = call.toString();
    const key = ['maintenance', 'remove', 'move', 'untag', 'tag', 'firmware'].find((k) => text.includes(`nodeApi.${k}(`)) ?? 'other';
    return (state.changes[key] ??= mutation());
  },
  useNodeSave: () => mutation(),
  useTheirNode: () => ({ data: undefined }),
  useDistributorChoices: () => ({ data: [] }),
  useCommunities: () => ({ data: [{ id: 'c1', name: 'Green Valley' }] }),
  useCustomerChoices: () => ({ data: [] }),
}));

const details = {
  node: { id: 'n1', label: 'Tank', tenantType: 'community', analyticsType: 'EvaraTank', version: 4 },
  state: { status: 'Online' },
  tags: [{ name: 'zone', value: 'north' }],
  firmware: null,
} as unknown as NodeDetails;

describe('NodeManage', () => {
  beforeEach(() => {
    state.changes = {};
    state.permissions = ['nodes:write'];
  });

  it('offers nothing to a role that may not write nodes', () => {
    state.permissions = ['nodes:read'];
    const { container } = render(<NodeManage details={details} />);
    expect(container.textContent).toBe('');
  });

  it('offers delete only to a role that may delete nodes', () => {
    render(<NodeManage details={details} />);
    expect(screen.queryByRole('button', { name: 'Delete node' })).toBeNull();
  });

  it("checks a tag's name and value on their fields before sending, and removes one", () => {
    render(<NodeManage details={details} />);
    fireEvent.change(screen.getByLabelText('Tag name'), { target: { value: 'Zone!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add tag' }));
    expect(screen.getByLabelText('Tag name').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Tag value').getAttribute('aria-invalid')).toBe('true');
    expect(state.changes.tag!.mutate).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText('Tag name'), { target: { value: 'zone' } });
    fireEvent.change(screen.getByLabelText('Tag value'), { target: { value: 'south' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add tag' }));
    expect(state.changes.tag!.mutate).toHaveBeenCalledWith({ name: 'zone', value: 'south' }, expect.anything());
    fireEvent.click(screen.getByRole('button', { name: 'Remove tag zone: north' }));
    expect(state.changes.untag!.mutate).toHaveBeenCalledWith({ name: 'zone', value: 'north' });
  });

  it('needs a firmware version, and records the status chosen', () => {
    render(<NodeManage details={details} />);
    fireEvent.click(screen.getByRole('button', { name: 'Record firmware' }));
    expect(screen.getByText('Give the firmware version.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Firmware version'), { target: { value: '2.1.0' } });
    fireEvent.change(screen.getByLabelText('Update status'), { target: { value: 'update_failed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Record firmware' }));
    expect(state.changes.firmware!.mutate).toHaveBeenCalledWith(expect.objectContaining({ firmwareVersion: '2.1.0', updateStatus: 'update_failed' }));
  });

  it('needs a new owner to move to, and explains a move that met someone else’s change', () => {
    render(<NodeManage details={details} />);
    fireEvent.click(screen.getByRole('button', { name: 'Move' }));
    expect(screen.getByText('Choose its new owner.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('New owner'), { target: { value: 'Community:c1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Move' }));
    expect(state.changes.move!.mutate).toHaveBeenCalledWith({ tenantType: 'Community', id: 'c1' }, expect.anything());
  });

  it('says so when a move met a newer version of the node', () => {
    state.changes.move = { ...mutation(), error: new ApiError(409, [{ code: 'CONCURRENCY_CONFLICT', message: 'changed', field: null }], 'r1') };
    render(<NodeManage details={details} />);
    expect(screen.getByRole('alert').textContent).toBe('Someone changed this node meanwhile; it has been read again, try once more.');
  });

  it('switches maintenance', () => {
    render(<NodeManage details={details} />);
    fireEvent.click(screen.getByRole('button', { name: 'Start maintenance' }));
    expect(state.changes.maintenance!.mutate).toHaveBeenCalledWith(true);
  });
});
