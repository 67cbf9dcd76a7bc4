import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { TenantForm } from './TenantsPage';

const state = vi.hoisted(() => ({
  save: { error: null as unknown, isPending: false, mutate: vi.fn(), reset: vi.fn() },
  version: 7,
}));

vi.mock('../auth/AuthContext', () => ({ useAuth: () => ({ me: { role: 'distributor', distributorId: 'd1' }, can: () => true }) }));
vi.mock('../hooks/queries', () => ({
  useTenantSave: () => state.save,
  useDistributorChoices: () => ({ data: [] }),
  useCommunities: () => ({ data: [{ id: 'c1', name: 'Green Valley' }] }),
}));
vi.mock('../api/services', () => ({ tenantApi: { customers: { get: () => Promise.resolve(state.version) } } }));

const row = { id: 't1', parentId: 'c1', name: 'House 1', second: 'house1@example.com', isActive: true, version: 3 };

describe('TenantForm', () => {
  beforeEach(() => {
    state.save = { error: null, isPending: false, mutate: vi.fn(), reset: vi.fn() };
  });

  it('puts each problem on its field and sends nothing', () => {
    render(<TenantForm kind="customers" row={null} onDone={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Contact email'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Give it a name.').id).toBe(screen.getByLabelText('Name').getAttribute('aria-describedby'));
    expect(screen.getByText('That is not an email address.')).toBeTruthy();
    expect(screen.getByText('Choose its community.')).toBeTruthy();
    expect(state.save.mutate).not.toHaveBeenCalled();
  });

  it('sends a valid edit at the version it read', () => {
    render(<TenantForm kind="customers" row={row} onDone={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'House One' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(state.save.mutate).toHaveBeenCalledWith(
      { id: 't1', version: 3, input: { parentId: '', name: 'House One', second: 'house1@example.com', isActive: true } },
      expect.anything(),
    );
  });

  it('explains a conflict, keeps the input, and saves over their version after a reload', async () => {
    state.save.error = new ApiError(409, [{ code: 'CONCURRENCY_CONFLICT', message: 'The customer was changed by someone else.', field: null }], 'r1');
    const view = render(<TenantForm kind="customers" row={row} onDone={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'House Uno' } });
    expect(screen.getByRole('alert').textContent).toContain('Someone changed this customer after you opened it.');

    fireEvent.click(screen.getByRole('button', { name: 'Load their version and keep my input' }));
    await waitFor(() => expect(state.save.reset).toHaveBeenCalled());
    state.save.error = null;
    view.rerender(<TenantForm kind="customers" row={row} onDone={() => undefined} />);
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('House Uno');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(state.save.mutate).toHaveBeenCalledWith(expect.objectContaining({ version: 7, input: expect.objectContaining({ name: 'House Uno' }) }), expect.anything());
  });

  it("stands the API's refusal on the field it names", () => {
    state.save.error = new ApiError(400, [{ code: 'VALIDATION_ERROR', message: "'Contact Email' is not a valid email address.", field: 'contactEmail' }], 'r2');
    render(<TenantForm kind="customers" row={row} onDone={() => undefined} />);
    expect(screen.getByLabelText('Contact email').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText("'Contact Email' is not a valid email address.")).toBeTruthy();
  });
});
