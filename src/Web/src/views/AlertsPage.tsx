import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { Empty, ErrorState, formatTime, Loading, StatusBadge } from '../components/States';
import { useAlertAction, useAlerts, useNodeLabels, type AlertFilters } from '../hooks/queries';
import { ParamChecks } from '../components/ParamChecks';
import { local, useUrlFilters } from './params';

const Severities = ['critical', 'warning', 'info'];
const Statuses = ['triggered', 'acknowledged', 'resolved'];

/** Active alerts or the timeline, with the API's filters in the URL; acknowledge and resolve where permitted. */
export default function AlertsPage() {
  const { params, filter: set, page } = useUrlFilters();
  const { can } = useAuth();
  const filters: AlertFilters = {
    view: params.get('view') === 'timeline' ? 'timeline' : 'active',
    severity: params.getAll('severity'),
    status: params.getAll('status'),
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    nodeId: params.get('node_id') ?? undefined,
    cursor: params.get('cursor') ?? undefined,
  };
  const alerts = useAlerts(filters);
  const labels = useNodeLabels(alerts.data?.items.map((a) => a.nodeId) ?? []);
  const acknowledge = useAlertAction('acknowledge');
  const resolve = useAlertAction('resolve');
  const mayAct = can('alerts:write');
  const failure = acknowledge.error ?? resolve.error;

  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <div className="toolbar">
        <div role="group" aria-label="View">
          {(['active', 'timeline'] as const).map((view) => (
            <button key={view} type="button" aria-pressed={filters.view === view} onClick={() => set((n) => n.set('view', view))}>
              {view === 'active' ? 'Active (not acknowledged)' : 'Timeline'}
            </button>
          ))}
        </div>
        <ParamChecks legend="Severity" name="severity" options={Severities} selected={filters.severity} filter={set} />
        {filters.view === 'timeline' ? (
          <>
            <ParamChecks legend="Status" name="status" options={Statuses} selected={filters.status} filter={set} />
            <label>
              Raised from
              <input type="datetime-local" defaultValue={filters.from ? local(filters.from) : undefined}
                onChange={(e) => set((n) => (e.target.value ? n.set('from', new Date(e.target.value).toISOString()) : n.delete('from')))} />
            </label>
            <label>
              Raised to
              <input type="datetime-local" defaultValue={filters.to ? local(filters.to) : undefined}
                onChange={(e) => set((n) => (e.target.value ? n.set('to', new Date(e.target.value).toISOString()) : n.delete('to')))} />
            </label>
          </>
        ) : null}
      </div>
      {failure ? (
        <p role="alert" className="error-text">
          {failure instanceof ApiError && failure.isConflict
            ? 'Someone else changed this alert first (it is already acknowledged or resolved); the list shows it as it is now.'
            : failure.message}
        </p>
      ) : null}
      {alerts.isPending ? (
        <Loading what="alerts" />
      ) : alerts.isError ? (
        <ErrorState error={alerts.error} what="alerts" />
      ) : alerts.data.items.length === 0 ? (
        <Empty>{filters.view === 'active' ? 'No open alert awaits acknowledgement.' : 'No alert in this view.'}</Empty>
      ) : (
        <table className="list" data-testid="alerts-table">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Rule</th>
              <th scope="col">Node</th>
              <th scope="col">Status</th>
              <th scope="col">Raised</th>
              {mayAct ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {alerts.data.items.map((alert) => (
              <tr key={alert.id} data-alert-id={alert.id}>
                <td><StatusBadge status={alert.severity} /></td>
                <td>{alert.ruleName}<br /><small>{alert.message}</small></td>
                <td><Link to={`/nodes/${alert.nodeId}`}>{labels.get(alert.nodeId) ?? 'node'}</Link></td>
                <td>{alert.status}</td>
                <td>{formatTime(alert.triggeredAt)}</td>
                {mayAct ? (
                  <td>
                    {alert.status === 'triggered' ? (
                      <button type="button" onClick={() => acknowledge.mutate(alert.id)} disabled={acknowledge.isPending}>
                        Acknowledge
                      </button>
                    ) : null}
                    {alert.status !== 'resolved' ? (
                      <button type="button" onClick={() => resolve.mutate(alert.id)} disabled={resolve.isPending}>
                        Resolve
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {alerts.data?.pagination?.nextCursor ? (
        <button type="button" onClick={() => page(alerts.data.pagination!.nextCursor!)}>
          Next page
        </button>
      ) : null}
    </section>
  );
}

