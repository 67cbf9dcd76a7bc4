import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { Schemas } from '../api/client';
import { fetchUserVersion, type Role, type UserInput } from '../api/services';
import { useAuth } from '../auth/AuthContext';
import { fieldProblems, Problem, problemProps } from '../components/FieldProblems';
import { FormFooter } from '../components/FormFooter';
import { Pager } from '../components/Pager';
import { Empty, ErrorState, Loading, NotAllowed } from '../components/States';
import { useCustomerChoices, useDistributorChoices, useUsers, useUserSave } from '../hooks/queries';
import { checkUser, offeredRoles, Plans } from './userForm';

type User = Schemas['UserDto'];

const roleOf = (role: string) => (role[0]!.toUpperCase() + role.slice(1).toLowerCase()) as Role;

/** The user as the form and a (de)activation send it back. */
const inputOf = (user: User): UserInput => ({
  email: user.email, displayName: user.displayName, role: roleOf(user.role), plan: user.plan, distributorId: user.distributorId ?? '',
  customerId: user.customerId ?? '', password: '', isActive: user.isActive,
});

/**
 * The users the caller may see, by role; where the caller may manage them (superadmins), create one with a role the
 * caller may give (never one above its own), edit, deactivate and activate again; every change at the version read, a
 * conflict explained with the input kept.
 */
export default function UsersPage() {
  const { can, me } = useAuth();
  const [params, setParams] = useSearchParams();
  const allowed = can('users:read');
  const mayWrite = can('users:write');
  // Filters by every role the caller can see; the form offers only the roles the caller may give.
  const roles = offeredRoles(me?.role === 'superadmin' ? 'superadmin' : 'distributor');
  const role = roles.map((r) => r.toLowerCase()).find((r) => r === params.get('role')) ?? '';
  const page = Math.max(1, Math.trunc(Number(params.get('page') ?? '1')) || 1);
  const users = useUsers(role, page, allowed);
  const toggle = useUserSave();
  const [editing, setEditing] = useState<{ user: User | null } | null>(null);
  if (!allowed) return <NotAllowed what="users" />;

  const go = (next: Record<string, string>) => {
    setEditing(null);
    setParams(next);
  };
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <div className="toolbar">
        <div role="group" aria-label="Filter by role">
          {['', ...roles.map((r) => r.toLowerCase())].map((r) => (
            <button key={r || 'all'} type="button" aria-pressed={r === role} onClick={() => go(r ? { role: r } : {})}>
              {r || 'all'}
            </button>
          ))}
        </div>
        {mayWrite ? (
          <button type="button" onClick={() => setEditing({ user: null })}>
            New user
          </button>
        ) : null}
      </div>
      {editing ? <UserForm key={editing.user?.id ?? 'new'} user={editing.user} onDone={() => setEditing(null)} /> : null}
      {toggle.error ? (
        <p role="alert" className="error-text">
          {toggle.error.message}
        </p>
      ) : null}
      {users.isPending ? (
        <Loading what="users" />
      ) : users.isError ? (
        <ErrorState error={users.error} what="users" />
      ) : users.data.items.length === 0 ? (
        <Empty>No user with this role.</Empty>
      ) : (
        <table className="list" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Plan</th>
              <th scope="col">Active</th>
              {mayWrite ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((user) => (
              <tr key={user.id} data-user-id={user.id}>
                <td>{user.displayName}</td>
                <td>{user.email}</td>
                <td data-label="Role">{user.role}</td>
                <td data-label="Plan">{user.plan}</td>
                <td data-label="Active">{user.isActive ? 'yes' : 'no'}</td>
                {mayWrite ? (
                  <td>
                    {user.id !== me?.id ? (
                      <>
                        <button type="button" aria-label={`Edit ${user.email}`} onClick={() => setEditing({ user })}>
                          Edit
                        </button>
                        <button type="button" aria-label={`${user.isActive ? 'Deactivate' : 'Activate'} ${user.email}`} disabled={toggle.isPending}
                          onClick={() => toggle.mutate({ id: user.id, version: user.version, input: { ...inputOf(user), isActive: !user.isActive } })}>
                          {user.isActive ? 'Deactivate' : 'Activate'}
                        </button>
                      </>
                    ) : (
                      <small>you</small>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="User pages" page={page} totalPages={users.data?.pagination?.totalPages ?? 1}
        onPage={(to) => go({ ...(role ? { role } : {}), page: String(to) })} />
    </section>
  );
}

/** Create or edit one user; the role offered is never above the caller's own. */
export function UserForm({ user, onDone }: { user: User | null; onDone: () => void }) {
  const { me } = useAuth();
  const save = useUserSave();
  const superadmin = me?.role === 'superadmin';
  const roles = offeredRoles(me?.role);
  const [role, setRole] = useState<Role>(user ? roleOf(user.role) : roles[roles.length - 1]!);
  const distributors = useDistributorChoices(superadmin && role === 'Distributor');
  const customers = useCustomerChoices(role === 'Customer');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [version, setVersion] = useState(user?.version ?? 0);
  const [reloaded, setReloaded] = useState(false);
  const shown = fieldProblems(save.error, problems);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const input: UserInput = {
      email: user?.email ?? text('email'),
      displayName: text('displayName'),
      role,
      plan: text('plan'),
      // A distributor's users belong to it; a superadmin chooses.
      distributorId: role === 'Distributor' ? (superadmin ? text('distributorId') : (me?.distributorId ?? '')) : '',
      customerId: role === 'Customer' ? text('customerId') : '',
      password: String(data.get('password') ?? ''),
      isActive: user ? data.get('isActive') === 'on' : true,
    };
    const found = checkUser(input, !user, me?.role);
    setProblems(found);
    if (Object.keys(found).length === 0) save.mutate({ id: user?.id ?? null, version, input }, { onSuccess: onDone });
  };

  const field = (name: string) => ({ name, ...problemProps('user', name, shown) });
  const problem = (name: string) => <Problem form="user" name={name} problems={shown} />;
  return (
    <form className="panel edit-form" onSubmit={submit} noValidate aria-label={user ? `Edit ${user.email}` : 'New user'}>
      <h2>{user ? `Edit ${user.email}` : 'New user'}</h2>
      {!user ? (
        <div className="field">
          <label htmlFor="user-email">Email</label>
          <input type="email" {...field('email')} />
          {problem('email')}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="user-displayName">Display name</label>
        <input {...field('displayName')} defaultValue={user?.displayName} />
        {problem('displayName')}
      </div>
      <div className="field">
        <label htmlFor="user-role">Role</label>
        <select {...field('role')} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r.toLowerCase()}
            </option>
          ))}
        </select>
        {problem('role')}
      </div>
      {role === 'Distributor' && superadmin ? (
        <div className="field">
          <label htmlFor="user-distributorId">Distributor</label>
          <select {...field('distributorId')} defaultValue={user?.distributorId ?? ''}>
            <option value="">choose…</option>
            {(distributors.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
          {problem('distributorId')}
        </div>
      ) : null}
      {role === 'Customer' ? (
        <div className="field">
          <label htmlFor="user-customerId">Customer</label>
          <select {...field('customerId')} defaultValue={user?.customerId ?? ''}>
            <option value="">choose…</option>
            {(customers.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {problem('customerId')}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="user-plan">Plan</label>
        <select {...field('plan')} defaultValue={user?.plan ?? 'free'}>
          {Plans.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        {problem('plan')}
      </div>
      <div className="field">
        <label htmlFor="user-password">{user ? 'New password (optional)' : 'Password (optional)'}</label>
        <input type="password" autoComplete="new-password" {...field('password')} />
        {problem('password')}
      </div>
      {user ? (
        <label className="check">
          <input type="checkbox" name="isActive" defaultChecked={user.isActive} /> Active
        </label>
      ) : null}
      <FormFooter what="user" error={save.error} pending={save.isPending} reloaded={reloaded} onCancel={onDone}
        onReload={() => void fetchUserVersion(user!.id).then((v) => { setVersion(v); setReloaded(true); save.reset(); })} />
    </form>
  );
}
