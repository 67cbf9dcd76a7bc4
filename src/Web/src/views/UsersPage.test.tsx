import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { UserForm } from './UsersPage';

const state = vi.hoisted(() => ({ save: { error: null as unknown, isPending: false, mutate: vi.fn(), reset: vi.fn() } }));

vi.mock('../auth/AuthContext', () => ({ useAuth: () => ({ me: { id: 'me', role: 'superadmin', distributorId: null }, can: () => true }) }));
vi.mock('../hooks/queries', () => ({
  useUserSave: () => state.save,
  useDistributorChoices: () => ({ data: [{ id: 'd1', name: 'AquaFlow' }] }),
  useCustomerChoices: () => ({ data: [{ id: 'c1', name: 'Green Valley Household 1' }] }),
}));
vi.mock('../api/services', () => ({ fetchUserVersion: () => Promise.resolve(9) }));

describe('UserForm', () => {
  beforeEach(() => {
    state.save = { error: null, isPending: false, mutate: vi.fn(), reset: vi.fn() };
  });

  it('offers the roles the caller may give and asks where a customer user belongs', () => {
    render(<UserForm user={null} onDone={() => undefined} />);
    expect([...screen.getByLabelText('Role').querySelectorAll('option')].map((o) => o.value)).toEqual(['Superadmin', 'Distributor', 'Customer']);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText('Give an email address.')).toBeTruthy();
    expect(screen.getByText('Choose the customer the user belongs to.').id).toBe(screen.getByLabelText('Customer').getAttribute('aria-describedby'));
    expect(state.save.mutate).not.toHaveBeenCalled();

    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'Distributor' } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ops@example.com' } });
    fireEvent.change(screen.getByLabelText('Display name'), { target: { value: 'Ops' } });
    fireEvent.change(screen.getByLabelText('Distributor'), { target: { value: 'd1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(state.save.mutate).toHaveBeenCalledWith(
      { id: null, version: 0, input: expect.objectContaining({ email: 'ops@example.com', role: 'Distributor', distributorId: 'd1', customerId: '', plan: 'free' }) },
      expect.anything(),
    );
  });

  it("stands the API's refusal on its field", () => {
    state.save.error = new ApiError(409, [{ code: 'CONFLICT', message: 'A user with this email already exists.', field: 'email' }], 'r1');
    render(<UserForm user={null} onDone={() => undefined} />);
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('A user with this email already exists.')).toBeTruthy();
  });
});
