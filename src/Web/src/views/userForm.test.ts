import { describe, expect, it } from 'vitest';
import type { UserInput } from '../api/services';
import { checkUser, offeredRoles } from './userForm';

const input = (over: Partial<UserInput> = {}): UserInput => ({
  email: 'ops@example.com', displayName: 'Ops', role: 'Customer', plan: 'free', distributorId: '', customerId: 'c1', password: '', isActive: true, ...over,
});

describe('offeredRoles', () => {
  it("never offers a role above the caller's own", () => {
    expect(offeredRoles('distributor')).toEqual(['Distributor', 'Customer']);
    expect(offeredRoles('superadmin')).toEqual(['Superadmin', 'Distributor', 'Customer']);
    expect(offeredRoles('customer')).toEqual([]);
  });
});

describe('checkUser', () => {
  it('names each field as the API does', () => {
    expect(checkUser(input({ email: 'x', displayName: ' ', role: 'Superadmin', plan: 'gold', password: 'short' }), true, 'distributor')).toEqual({
      email: 'Give an email address.',
      displayName: 'Give a display name.',
      role: 'Choose a role you may give.',
      plan: 'Choose free, pro or enterprise.',
      password: 'A password has 10 to 200 characters.',
    });
    expect(checkUser(input({ customerId: '' }), true, 'distributor')).toEqual({ customerId: 'Choose the customer the user belongs to.' });
    expect(checkUser(input({ role: 'Distributor', customerId: '' }), true, 'superadmin')).toEqual({ distributorId: 'Choose the distributor the user belongs to.' });
  });

  it('passes what the API accepts; an edit keeps its email', () => {
    expect(checkUser(input({ password: 'long enough 1' }), true, 'distributor')).toEqual({});
    expect(checkUser(input({ email: '' }), false, 'distributor')).toEqual({});
  });
});
