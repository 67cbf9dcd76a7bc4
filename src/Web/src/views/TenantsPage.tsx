import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { tenantApi, type TenantKind, type TenantRow } from '../api/services';
import { useAuth } from '../auth/AuthContext';
import { fieldProblems, Problem, problemProps } from '../components/FieldProblems';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { FormFooter } from '../components/FormFooter';
import { Pager } from '../components/Pager';
import { Empty, ErrorState, Loading, NotAllowed } from '../components/States';
import { useCommunities, useDistributorChoices, useTenantDelete, useTenants, useTenantSave } from '../hooks/queries';
import { checkTenant, TenantFields } from './tenantForm';

const Kinds: readonly TenantKind[] = ['distributors', 'communities', 'customers'];

/** What the form edits: a new tenant (no row) or an existing one at the version read. */
type Editing = { row: TenantRow | null };

/**
 * Tenants the caller may manage (superadmins: distributors, communities, customers; distributors: their communities
 * and customers): a page of each by name; create and edit with every problem on its field; edits at the version read,
 * a conflict explained with a reload that keeps the input; a delete the API refuses (it still owns something) says why.
 */
export default function TenantsPage() {
  const { can, me } = useAuth();
  const [params, setParams] = useSearchParams();
  const superadmin = me?.role === 'superadmin';
  const kinds = Kinds.filter((k) => k !== 'distributors' || superadmin);
  const kind = kinds.find((k) => k === params.get('kind')) ?? kinds[0]!;
  const page = Math.max(1, Math.trunc(Number(params.get('page') ?? '1')) || 1);
  const allowed = can('tenants:write');
  const tenants = useTenants(kind, page, allowed);
  const remove = useTenantDelete(kind);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  if (!allowed) return <NotAllowed what="tenants" />;

  const fields = TenantFields[kind];
  const go = (next: Record<string, string>) => {
    setEditing(null);
    setConfirming(null);
    remove.reset();
    setParams(next);
  };
  const totalPages = tenants.data?.pagination?.totalPages ?? 1;
  return (
    <section aria-labelledby="tenants-title">
      <h1 id="tenants-title">Tenants</h1>
      <div className="toolbar">
        <div role="group" aria-label="Level">
          {kinds.map((k) => (
            <button key={k} type="button" aria-pressed={k === kind} onClick={() => go({ kind: k })}>
              {k[0]!.toUpperCase() + k.slice(1)}
            </button>
          ))}
        </div>
        <button type="button" onClick={() => setEditing({ row: null })}>
          New {fields.one}
        </button>
      </div>
      {editing ? <TenantForm key={editing.row?.id ?? 'new'} kind={kind} row={editing.row} onDone={() => setEditing(null)} /> : null}
      {remove.error ? (
        <p role="alert" className="error-text">
          {remove.error instanceof ApiError && remove.error.isConflict
            ? `Not deleted: ${remove.error.message}`
            : remove.error.message}
        </p>
      ) : null}
      {tenants.isPending ? (
        <Loading what={kind} />
      ) : tenants.isError ? (
        <ErrorState error={tenants.error} what={kind} />
      ) : tenants.data.items.length === 0 ? (
        <Empty>No {kind} yet.</Empty>
      ) : (
        <table className="list" data-testid="tenants-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">{fields.secondLabel}</th>
              <th scope="col">Active</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {tenants.data.items.map((row) => (
              <tr key={row.id} data-tenant-id={row.id}>
                <td>{row.name}</td>
                <td data-label={fields.secondLabel}>{row.second || '—'}</td>
                <td data-label="Active">{row.isActive ? 'yes' : 'no'}</td>
                <td>
                  <ConfirmDelete name={row.name} confirming={confirming === row.id} pending={remove.isPending}
                    onAsk={() => { remove.reset(); setConfirming(row.id); }} onKeep={() => setConfirming(null)}
                    onConfirm={() => remove.mutate({ id: row.id, version: row.version }, { onSettled: () => setConfirming(null) })}>
                    <button type="button" onClick={() => setEditing({ row })} aria-label={`Edit ${row.name}`}>
                      Edit
                    </button>
                  </ConfirmDelete>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Tenant pages" page={page} totalPages={totalPages} onPage={(to) => go({ kind, page: String(to) })} />
    </section>
  );
}

/** Create or edit one tenant. Problems stand on their fields; the API's own refusals too, by the field it names. */
export function TenantForm({ kind, row, onDone }: { kind: TenantKind; row: TenantRow | null; onDone: () => void }) {
  const { me } = useAuth();
  const fields = TenantFields[kind];
  const save = useTenantSave(kind);
  const superadmin = me?.role === 'superadmin';
  const distributors = useDistributorChoices(kind === 'communities' && !row && superadmin);
  const communities = useCommunities(kind === 'customers' && !row);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [version, setVersion] = useState(row?.version ?? 0);
  const [reloaded, setReloaded] = useState(false);
  const shown = fieldProblems(save.error, problems);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const input = {
      // A distributor's own communities go under it; a superadmin chooses.
      parentId: String(data.get('parent') ?? (kind === 'communities' && !superadmin ? (me?.distributorId ?? '') : '')),
      name: String(data.get('name') ?? ''),
      second: String(data.get('second') ?? ''),
      isActive: data.get('isActive') === 'on',
    };
    const found = checkTenant(kind, { ...input, name: input.name.trim(), second: input.second.trim() }, !row);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    save.mutate({ id: row?.id ?? null, version, input: { ...input, name: input.name.trim(), second: input.second.trim() } }, { onSuccess: onDone });
  };

  const reload = async () => {
    if (!row) return;
    setVersion(await tenantApi[kind].get(row.id));
    setReloaded(true);
    save.reset();
  };

  const field = (name: string) => problemProps('tenant', name, shown);
  const problem = (name: string) => <Problem form="tenant" name={name} problems={shown} />;

  const parentChoices = kind === 'communities' ? (superadmin ? (distributors.data ?? []) : []) : kind === 'customers' ? (communities.data ?? []) : [];
  return (
    <form className="panel edit-form" onSubmit={submit} noValidate aria-label={row ? `Edit ${row.name}` : `New ${fields.one}`}>
      <h2>{row ? `Edit ${row.name}` : `New ${fields.one}`}</h2>
      {!row && fields.parent && parentChoices.length > 0 ? (
        <div className="field">
          <label htmlFor={`tenant-${fields.parent}`}>{kind === 'communities' ? 'Distributor' : 'Community'}</label>
          <select name="parent" defaultValue="" {...field(fields.parent)}>
            <option value="">choose…</option>
            {parentChoices.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          {problem(fields.parent)}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="tenant-name">Name</label>
        <input name="name" defaultValue={row?.name} {...field('name')} />
        {problem('name')}
      </div>
      <div className="field">
        <label htmlFor={`tenant-${fields.second}`}>{fields.secondLabel}</label>
        <input name="second" defaultValue={row?.second} {...field(fields.second)} />
        {problem(fields.second)}
      </div>
      {row ? (
        <label className="check">
          <input type="checkbox" name="isActive" defaultChecked={row.isActive} /> Active
        </label>
      ) : null}
      <FormFooter what={fields.one} error={save.error} pending={save.isPending} reloaded={reloaded} onReload={() => void reload()} onCancel={onDone} />
    </form>
  );
}
