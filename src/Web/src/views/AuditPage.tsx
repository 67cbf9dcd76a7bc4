import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { fetchAuditCsv } from '../api/services';
import { useAuth } from '../auth/AuthContext';
import { fieldProblems, Problem, problemProps } from '../components/FieldProblems';
import { Empty, ErrorState, formatTime, Loading, NotAllowed } from '../components/States';
import { useAuditLogs, useUserNames, type AuditFilters } from '../hooks/queries';
import { checkAuditFilters, summarise, type AuditSummary } from './auditMetadata';
import { local, useUrlFilters } from './params';
import { saveFile } from './saveFile';

const ActionTypes = ['CREATE', 'UPDATE', 'DELETE', 'ACCESS', 'AUTHENTICATE'];

/** The form's fields, named as the API's query parameters (and the URL's). */
const TextFields = ['action_type', 'resource_type', 'resource_id', 'user_id'] as const;

/**
 * The audit trail (superadmins: all of it; distributors: their subtree): filters in the URL, checked on their fields
 * before any request; keyset pages; each record's before → after; the filtered trail as CSV.
 */
export default function AuditPage() {
  const { can } = useAuth();
  const { params, filter, page } = useUrlFilters();
  const allowed = can('audit:read');
  const filters: AuditFilters = {
    actionType: params.get('action_type') ?? undefined,
    resourceType: params.get('resource_type') ?? undefined,
    resourceId: params.get('resource_id') ?? undefined,
    userId: params.get('user_id') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    cursor: params.get('cursor') ?? undefined,
  };
  const logs = useAuditLogs(filters, allowed);
  const users = useUserNames(logs.data?.items.flatMap((record) => (record.userId ? [record.userId] : [])) ?? []);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [exportError, setExportError] = useState<string | null>(null);
  if (!allowed) return <NotAllowed what="audit trail" />;

  // The API's own refusal of a filter stands on the field it names, like the form's.
  const refused = logs.error instanceof ApiError && logs.error.status === 400 ? logs.error : null;
  const shown = fieldProblems(refused, problems);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const found = checkAuditFilters({ userId: value('user_id'), from: value('from'), to: value('to') });
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    filter((next) => {
      for (const name of TextFields) {
        if (value(name)) next.set(name, value(name));
        else next.delete(name);
      }

      for (const name of ['from', 'to']) {
        if (value(name)) next.set(name, new Date(value(name)).toISOString());
        else next.delete(name);
      }
    });
  };

  const field = (name: string) => ({ name, ...problemProps('audit', name, shown) });
  const problem = (name: string) => <Problem form="audit" name={name} problems={shown} />;

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <form className="toolbar" onSubmit={apply} noValidate aria-label="Audit filters">
        <div className="field">
          <label htmlFor="audit-action_type">Action</label>
          <select {...field('action_type')} defaultValue={filters.actionType ?? ''}>
            <option value="">any</option>
            {ActionTypes.map((action) => (
              <option key={action} value={action}>
                {action.toLowerCase()}
              </option>
            ))}
          </select>
          {problem('action_type')}
        </div>
        <div className="field">
          <label htmlFor="audit-resource_type">Resource type</label>
          <input {...field('resource_type')} defaultValue={filters.resourceType} placeholder="node, alert_rule, user…" />
          {problem('resource_type')}
        </div>
        <div className="field">
          <label htmlFor="audit-resource_id">Resource id</label>
          <input {...field('resource_id')} defaultValue={filters.resourceId} />
          {problem('resource_id')}
        </div>
        <div className="field">
          <label htmlFor="audit-user_id">User id</label>
          <input {...field('user_id')} defaultValue={filters.userId} />
          {problem('user_id')}
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input type="datetime-local" {...field('from')} defaultValue={filters.from ? local(filters.from) : undefined} />
          {problem('from')}
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input type="datetime-local" {...field('to')} defaultValue={filters.to ? local(filters.to) : undefined} />
          {problem('to')}
        </div>
        <button type="submit">Apply</button>
        <button type="button" onClick={() => { setExportError(null); download(filters).catch((error: Error) => setExportError(error.message)); }}>
          Export CSV
        </button>
      </form>
      {exportError ? (
        <p role="alert" className="error-text">
          {exportError}
        </p>
      ) : null}
      {logs.isPending ? (
        <Loading what="audit trail" />
      ) : refused ? (
        <p role="alert" className="error-text">
          The filters were refused: see the fields above.
        </p>
      ) : logs.isError ? (
        <ErrorState error={logs.error} what="audit trail" />
      ) : logs.data.items.length === 0 ? (
        <Empty>No audit record matches these filters.</Empty>
      ) : (
        <table className="list" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Resource</th>
              <th scope="col">By</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {logs.data.items.map((record) => (
              <tr key={record.id} data-audit-id={record.id}>
                <td>{formatTime(record.timestamp)}</td>
                <td data-label="Action">{record.actionType.toLowerCase()}</td>
                <td>
                  {record.resourceType}
                  {record.resourceId ? (
                    <>
                      <br />
                      {record.resourceType === 'node' ? <Link to={`/nodes/${record.resourceId}`}>{record.resourceId}</Link> : <small>{record.resourceId}</small>}
                    </>
                  ) : null}
                </td>
                <td>
                  {record.userId ? (users.get(record.userId) ?? record.userId) : 'the platform'}
                  {record.ipAddress ? (
                    <>
                      <br />
                      <small>{record.ipAddress}</small>
                    </>
                  ) : null}
                </td>
                <td>
                  <Summary summary={summarise(record.metadata)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {logs.data?.pagination?.nextCursor ? (
        <button type="button" onClick={() => page(logs.data.pagination!.nextCursor!)}>
          Older records
        </button>
      ) : null}
    </section>
  );
}

/** A record's lines: before → after for a change, the state a create made or a delete removed. */
export function Summary({ summary }: { summary: AuditSummary }) {
  if (summary.lines.length === 0) return null;
  return (
    <ul className="audit-lines" aria-label={summary.kind}>
      {summary.lines.map((line) => (
        <li key={line.field}>
          <code>{line.field}</code>:{' '}
          {line.before !== undefined && line.after !== undefined ? (
            <>
              <del>{line.before || '(none)'}</del> → <ins>{line.after || '(none)'}</ins>
            </>
          ) : line.before !== undefined ? (
            <del>{line.before || '(none)'}</del>
          ) : (
            <span>{line.after || '(none)'}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

async function download(filters: AuditFilters) {
  saveFile(await fetchAuditCsv(filters), 'audit-logs.csv');
}
