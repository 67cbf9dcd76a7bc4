import type { TenantInput, TenantKind } from '../api/services';

/** What each tenant level calls its fields, as the API names them. */
export const TenantFields: Record<TenantKind, { one: string; parent: string | null; second: string; secondLabel: string }> = {
  distributors: { one: 'distributor', parent: null, second: 'contactEmail', secondLabel: 'Contact email' },
  communities: { one: 'community', parent: 'distributorId', second: 'slug', secondLabel: 'Slug' },
  customers: { one: 'customer', parent: 'communityId', second: 'contactEmail', secondLabel: 'Contact email' },
};

/**
 * The form's problems per field, named as the API names its fields, checked as the API checks them (so the message
 * stands on its field before any request): a name of 1 to 200 characters, a slug of 1 to 100, an email that is one,
 * and on create the parent a community or a customer goes under.
 */
export function checkTenant(kind: TenantKind, input: TenantInput, creating: boolean): Record<string, string> {
  const fields = TenantFields[kind];
  const problems: Record<string, string> = {};
  const name = input.name.trim();
  if (!name) problems.name = 'Give it a name.';
  else if (name.length > 200) problems.name = 'A name has at most 200 characters.';
  const second = input.second.trim();
  if (fields.second === 'slug') {
    if (!second) problems.slug = 'Give it a slug (short, for addresses: green-valley).';
    else if (second.length > 100) problems.slug = 'A slug has at most 100 characters.';
  } else if (second && (second.length > 320 || !/^[^@\s]+@[^@\s]+$/.test(second))) {
    problems.contactEmail = 'That is not an email address.';
  }

  if (creating && fields.parent && !input.parentId) problems[fields.parent] = kind === 'communities' ? 'Choose its distributor.' : 'Choose its community.';
  return problems;
}
