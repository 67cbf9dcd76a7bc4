import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { fetchUptimeCsv } from '../api/services';
import { useAuth } from '../auth/AuthContext';
import { BarChart } from '../components/BarChart';
import { Problem, problemProps } from '../components/FieldProblems';
import { Pager } from '../components/Pager';
import { Empty, ErrorState, Loading } from '../components/States';
import { useAlertStats, useUptimeReport } from '../hooks/queries';
import { local } from './params';
import { formatDuration, periodProblem, rangeFrom } from './range';
import { saveFile } from './saveFile';

const PeriodPresets = ['7d', '30d', '90d'] as const;

/** The longest period the API reports on (a year and a day). */
const MaxDays = 367;

const Severities = ['critical', 'warning', 'info'];
const Statuses = ['triggered', 'acknowledged', 'resolved'];

/**
 * Reports over a period kept in the URL (a preset or a custom one, checked on its field): every node's uptime a page at
 * a time, with the whole report as CSV, and the alert statistics (counts by severity and status as bars, mean times
 * to acknowledge and resolve).
 */
export default function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const { can } = useAuth();
  const { from, to, preset } = rangeFrom(params, new Date(), '7d');
  const page = Math.max(1, Math.trunc(Number(params.get('page') ?? '1')) || 1);
  const uptime = useUptimeReport(from, to, page);
  const stats = useAlertStats(from, to);
  const [problem, setProblem] = useState<string | null>(null);
  const problems: Record<string, string> = problem ? { to: problem } : {};
  const [exportError, setExportError] = useState<string | null>(null);
  const change = (edit: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    edit(next);
    setParams(next);
  };

  const custom = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const [start, end] = [String(data.get('from') ?? ''), String(data.get('to') ?? '')];
    const found = !start || !end ? 'Give both ends of the period.' : periodProblem(start, end, MaxDays);
    setProblem(found);
    if (found) return;
    change((next) => {
      next.set('range', 'custom');
      next.set('from', new Date(start).toISOString());
      next.set('to', new Date(end).toISOString());
      next.delete('page');
    });
  };

  const totalPages = uptime.data?.pagination?.totalPages ?? 1;
  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">Reports</h1>
      <div className="toolbar">
        <div role="group" aria-label="Period">
          {PeriodPresets.map((name) => (
            <button key={name} type="button" aria-pressed={preset === name}
              onClick={() => change((next) => { next.set('range', name); next.delete('from'); next.delete('to'); next.delete('page'); })}>
              {name}
            </button>
          ))}
        </div>
        <form className="toolbar" onSubmit={custom} noValidate aria-label="Custom period">
          <div className="field">
            <label htmlFor="report-from">From</label>
            <input id="report-from" type="datetime-local" name="from" defaultValue={local(from)} />
          </div>
          <div className="field">
            <label htmlFor="report-to">To</label>
            <input type="datetime-local" name="to" defaultValue={local(to)} {...problemProps('report', 'to', problems)} />
            <Problem form="report" name="to" problems={problems} />
          </div>
          <button type="submit" aria-pressed={preset === 'custom'}>
            Custom period
          </button>
        </form>
      </div>

      {can('alerts:read') ? (
        <section aria-labelledby="alert-stats-title">
          <h2 id="alert-stats-title">Alerts</h2>
          {stats.isPending ? (
            <Loading what="alert statistics" />
          ) : stats.isError ? (
            <ErrorState error={stats.error} what="alert statistics" />
          ) : (
            <>
              <dl className="figures">
                <div>
                  <dt>Raised</dt>
                  <dd data-testid="alerts-total">{stats.data.total.toLocaleString('en-US')}</dd>
                </div>
                <div>
                  <dt>Still open</dt>
                  <dd data-testid="alerts-open">{stats.data.open.toLocaleString('en-US')}</dd>
                </div>
                <div>
                  <dt>Mean time to acknowledge</dt>
                  <dd data-testid="alerts-mtta">{formatDuration(stats.data.meanSecondsToAcknowledge)}</dd>
                </div>
                <div>
                  <dt>Mean time to resolve</dt>
                  <dd data-testid="alerts-mttr">{formatDuration(stats.data.meanSecondsToResolve)}</dd>
                </div>
              </dl>
              <div className="report-figures">
                <BarChart title="By severity" bars={Severities.map((label) => ({ label, value: stats.data.bySeverity[label] ?? 0 }))} />
                <BarChart title="By status" bars={Statuses.map((label) => ({ label, value: stats.data.byStatus[label] ?? 0 }))} />
              </div>
            </>
          )}
        </section>
      ) : null}

      <section aria-labelledby="uptime-title">
        <h2 id="uptime-title">Uptime</h2>
        <button type="button" onClick={() => { setExportError(null); download(from, to).catch((error: Error) => setExportError(error.message)); }}>
          Export CSV (every node)
        </button>
        {exportError ? (
          <p role="alert" className="error-text">
            {exportError}
          </p>
        ) : null}
        {uptime.isPending ? (
          <Loading what="uptime report" />
        ) : uptime.isError ? (
          <ErrorState error={uptime.error} what="uptime report" />
        ) : uptime.data.items.length === 0 ? (
          <Empty>No node in your scope.</Empty>
        ) : (
          <table className="list" data-testid="uptime-table">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Uptime</th>
                <th scope="col">Down</th>
                <th scope="col">Outages</th>
                <th scope="col">Observed</th>
              </tr>
            </thead>
            <tbody>
              {uptime.data.items.map((line) => (
                <tr key={line.nodeId} data-uptime-node={line.nodeId}>
                  <td><Link to={`/nodes/${line.nodeId}`}>{line.label}</Link></td>
                  <td data-label="Uptime">{line.uptimePercent === null ? 'not observed' : `${line.uptimePercent.toFixed(2)} %`}</td>
                  <td data-label="Down">{formatDuration(line.downtimeSeconds)}</td>
                  <td data-label="Outages">{line.outages}</td>
                  <td data-label="Observed">{formatDuration(line.observedSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager label="Uptime pages" page={page} totalPages={totalPages} onPage={(to) => change((next) => next.set('page', String(to)))} />
      </section>
    </section>
  );
}

async function download(from: string, to: string) {
  saveFile(await fetchUptimeCsv(from, to), 'uptime.csv');
}
