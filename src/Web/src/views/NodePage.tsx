import { useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { fetchTelemetryCsv } from '../api/services';
import { saveFile } from './saveFile';
import { LineChart, type ChartPoint } from '../components/LineChart';
import { ErrorState, formatTime, Loading, StatusBadge } from '../components/States';
import { useLatestReading, useNode, useNodeHealth, useSeries, useUptime } from '../hooks/queries';
import { local } from './params';
import { Presets, rangeFrom, Resolutions } from './range';
import { NodeManage } from './NodeManage';

/** One node: its state, health and latest values, a chart of the chosen range and metric, uptime, CSV export. */
export default function NodePage() {
  const { id = '' } = useParams();
  const node = useNode(id);
  if (node.isPending) return <Loading what="node" />;
  if (node.isError) return <ErrorState error={node.error} what="node" />;
  const { node: summary, state } = node.data;
  return (
    <section aria-labelledby="node-title">
      <h1 id="node-title">
        {summary.label} <StatusBadge status={state.status} />
      </h1>
      <p className="muted-text">
        {summary.nodeKey} · {summary.category} · {summary.locationName ?? 'no location'} · last seen {formatTime(state.lastSeen)}
      </p>
      {state.lastError ? (
        <p className="error-text">
          Last poll error ({formatTime(state.lastErrorAt)}): {state.lastError}
        </p>
      ) : null}
      <div className="cards">
        <HealthCard id={id} />
        <LatestCard id={id} />
      </div>
      <SeriesPanel id={id} />
      <NodeManage details={node.data} />
    </section>
  );
}

function HealthCard({ id }: { id: string }) {
  const health = useNodeHealth(id);
  return (
    <article className="card" aria-label="Health">
      <h2>Health</h2>
      {health.isPending ? (
        <Loading what="health" />
      ) : health.isError ? (
        <ErrorState error={health.error} what="health" />
      ) : (
        <>
          <p className="big" data-testid="health-score">{Math.round(health.data.score)}</p>
          <dl>
            {health.data.parts.map((part) => (
              <div key={part.name}>
                <dt>{part.name}</dt>
                <dd>{part.score === null || part.score === undefined ? 'no data' : `${Math.round(part.score * 100)} %`}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </article>
  );
}

function LatestCard({ id }: { id: string }) {
  const latest = useLatestReading(id);
  return (
    <article className="card" aria-label="Latest values">
      <h2>Latest values</h2>
      {latest.isPending ? (
        <Loading what="latest values" />
      ) : latest.isError ? (
        <ErrorState error={latest.error} what="latest values" />
      ) : !latest.data.timestamp ? (
        <p className="state empty">No reading yet.</p>
      ) : (
        <>
          <p className="muted-text" data-testid="latest-at">{formatTime(latest.data.timestamp)}</p>
          <dl data-testid="latest-values">
            {Object.entries(latest.data.values).map(([metric, value]) => (
              <div key={metric}>
                <dt>{metric}</dt>
                <dd>
                  {String(value)} {latest.data.units[metric] ?? ''}
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </article>
  );
}

function SeriesPanel({ id }: { id: string }) {
  const [params, setParams] = useSearchParams();
  const { from, to, preset } = rangeFrom(params);
  const resolution = params.get('resolution') ?? 'auto';
  const metric = params.get('metric') ?? '';
  const series = useSeries(id, { from, to, resolution, metrics: [] });
  const uptime = useUptime(id, from, to);
  const [exportError, setExportError] = useState<string | null>(null);
  const set = (name: string, value: string) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      next.set(name, value);
      return next;
    });

  const metrics = useMemo(() => {
    const names = new Set<string>();
    for (const point of series.data?.points ?? []) for (const [name, value] of Object.entries(point.values)) if (typeof value === 'number') names.add(name);
    return [...names];
  }, [series.data]);
  const shown = metrics.includes(metric) ? metric : (metrics[0] ?? '');
  const points = useMemo<ChartPoint[]>(
    () =>
      (series.data?.points ?? []).flatMap((p) => {
        const value = p.values[shown];
        return typeof value === 'number' ? [{ t: Date.parse(p.timestamp), v: value }] : [];
      }),
    [series.data, shown],
  );

  return (
    <section className="panel" aria-labelledby="series-title">
      <h2 id="series-title">Readings</h2>
      <div className="toolbar">
        <div role="group" aria-label="Range">
          {Object.keys(Presets).map((name) => (
            <button key={name} type="button" aria-pressed={preset === name} onClick={() => set('range', name)}>
              {name}
            </button>
          ))}
        </div>
        <form className="custom-range" onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            setParams((current) => {
              const next = new URLSearchParams(current);
              next.set('range', 'custom');
              next.set('from', new Date(String(data.get('from'))).toISOString());
              next.set('to', new Date(String(data.get('to'))).toISOString());
              return next;
            });
          }}>
          <label>
            From
            <input type="datetime-local" name="from" required defaultValue={local(from)} />
          </label>
          <label>
            To
            <input type="datetime-local" name="to" required defaultValue={local(to)} />
          </label>
          <button type="submit" aria-pressed={preset === 'custom'}>Custom range</button>
        </form>
        <label>
          Resolution
          <select value={resolution} onChange={(e) => set('resolution', e.target.value)}>
            {Resolutions.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Metric
          <select value={shown} onChange={(e) => set('metric', e.target.value)}>
            {metrics.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <a className="button" href={`/api/v1/nodes/${id}/telemetry/export?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`}
          onClick={(e) => { e.preventDefault(); setExportError(null); download(id, from, to).catch((error: Error) => setExportError(error.message)); }}>
          Export CSV
        </a>
      </div>
      {exportError ? <p role="alert" className="error-text">{exportError}</p> : null}
      {series.data?.truncated ? <p className="muted-text">The range holds more readings than the chart takes: it shows the first 30,000. Choose hour or a shorter range.</p> : null}
      {series.isPending ? (
        <Loading what="readings" />
      ) : series.isError ? (
        <ErrorState error={series.error} what="readings" />
      ) : (
        <LineChart points={points} label={shown || 'readings'} />
      )}
      <p className="muted-text" data-testid="series-resolution">
        Resolution: {series.data?.resolution ?? resolution} · {points.length} points
      </p>
      <h3>Uptime</h3>
      {uptime.isPending ? (
        <Loading what="uptime" />
      ) : uptime.isError ? (
        <ErrorState error={uptime.error} what="uptime" />
      ) : (
        <>
          <p data-testid="uptime">
            {uptime.data.uptime.uptimePercent === null ? 'no observation' : `${uptime.data.uptime.uptimePercent.toFixed(2)} % up`} · {uptime.data.uptime.outages.length} outage{uptime.data.uptime.outages.length === 1 ? '' : 's'} ·{' '}
            {Math.round(uptime.data.uptime.downtimeSeconds / 60)} min down in {Math.round(uptime.data.uptime.observedSeconds / 3600)} h observed
          </p>
          {uptime.data.uptime.outages.length > 0 ? (
            <table className="list" aria-label="Outages">
              <thead>
                <tr>
                  <th scope="col">Offline from</th>
                  <th scope="col">Until</th>
                  <th scope="col">Minutes</th>
                </tr>
              </thead>
              <tbody>
                {uptime.data.uptime.outages.map((outage) => (
                  <tr key={outage.start}>
                    <td>{formatTime(outage.start)}</td>
                    <td>{outage.ongoing ? 'still offline' : formatTime(outage.end)}</td>
                    <td>{outage.seconds === undefined ? '—' : Math.round(outage.seconds / 60)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      )}
    </section>
  );
}

/** Hands the range's CSV to the browser as a file. */
async function download(id: string, from: string, to: string) {
  saveFile(await fetchTelemetryCsv(id, from, to), `telemetry-${id}.csv`);
}
