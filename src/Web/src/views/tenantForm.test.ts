import { describe, expect, it } from 'vitest';
import { checkTenant } from './tenantForm';

const input = (over: Partial<{ parentId: string; name: string; second: string; isActive: boolean }> = {}) => ({ parentId: '', name: 'North', second: '', isActive: true, ...over });

describe('checkTenant', () => {
  it('names each field as the API does', () => {
    expect(checkTenant('communities', input({ name: ' ', second: '' }), true)).toEqual({
      name: 'Give it a name.',
      slug: 'Give it a slug (short, for addresses: green-valley).',
      distributorId: 'Choose its distributor.',
    });
    expect(checkTenant('customers', input({ second: 'not-an-email' }), true)).toEqual({
      contactEmail: 'That is not an email address.',
      communityId: 'Choose its community.',
    });
    expect(checkTenant('distributors', input({ name: 'x'.repeat(201) }), true)).toEqual({ name: 'A name has at most 200 characters.' });
  });

  it('passes what the API accepts; an edit keeps its parent', () => {
    expect(checkTenant('customers', input({ second: 'ops@example.com', parentId: 'c1' }), true)).toEqual({});
    expect(checkTenant('communities', input({ second: 'north' }), false)).toEqual({});
    expect(checkTenant('distributors', input(), true)).toEqual({});
  });
});
