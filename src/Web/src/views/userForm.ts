import type { Role, UserInput } from '../api/services';

export const Plans = ['free', 'pro', 'enterprise'] as const;

/** The roles a caller may give: never one above its own (a distributor offers distributor and customer). */
export function offeredRoles(callerRole: string | undefined): Role[] {
  return callerRole === 'superadmin' ? ['Superadmin', 'Distributor', 'Customer'] : callerRole === 'distributor' ? ['Distributor', 'Customer'] : [];
}

/**
 * The form's problems per field, named as the API names its fields and checked as it checks them: an email (on
 * create) and a display name, a plan it knows, a password of 10 to 200 characters when one is set, and where the
 * user belongs (a customer user's customer; a superadmin placing a distributor user chooses the distributor).
 */
export function checkUser(input: UserInput, creating: boolean, callerRole: string | undefined): Record<string, string> {
  const problems: Record<string, string> = {};
  if (creating && !/^[^@\s]+@[^@\s]+$/.test(input.email.trim())) problems.email = 'Give an email address.';
  if (!input.displayName.trim()) problems.displayName = 'Give a display name.';
  else if (input.displayName.trim().length > 200) problems.displayName = 'A display name has at most 200 characters.';
  if (!offeredRoles(callerRole).includes(input.role)) problems.role = 'Choose a role you may give.';
  if (!(Plans as readonly string[]).includes(input.plan)) problems.plan = 'Choose free, pro or enterprise.';
  if (input.password && (input.password.length < 10 || input.password.length > 200)) problems.password = 'A password has 10 to 200 characters.';
  if (input.role === 'Customer' && !input.customerId) problems.customerId = 'Choose the customer the user belongs to.';
  if (input.role === 'Distributor' && callerRole === 'superadmin' && !input.distributorId) problems.distributorId = 'Choose the distributor the user belongs to.';
  return problems;
}
