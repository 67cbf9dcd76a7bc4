import { Fragment, useMemo, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { alertRuleApi, type AlertRule, type BacktestResult } from '../api/services';
import { useAuth } from '../auth/AuthContext';
import { fieldProblems, Problem, problemProps, TextField } from '../components/FieldProblems';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { FormFooter } from '../components/FormFooter';
import { LineChart, type ChartPoint } from '../components/LineChart';
import { Pager } from '../components/Pager';
import { Empty, ErrorState, formatReading, formatTime, Loading, NotAllowed } from '../components/States';
import {
  useAlertRules, useCommunities, useDeviceTypes, useDistributorChoices, useNodeChoices, useNodeLabels, useRuleBacktest, useRuleDelete, useRuleSave, useSeries,
  useTags,
} from '../hooks/queries';
import { AnalyticsTypes, checkRule, describeRule, inputOf, Operators, Severities, type RuleFormValues } from './ruleForm';

/**
 * The caller's alert rules (alerts:write): a page by name; create, edit at the version read, switch on or off, delete;
 * before saving, a backtest says what the rule would have raised over the last 7 or 30 days and marks it on the chart.
 */
export default function RulesPage() {
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Math.trunc(Number(params.get('page') ?? '1')) || 1);
  const allowed = can('alerts:write');
  const rules = useAlertRules(page, allowed);
  const save = useRuleSave();
  const remove = useRuleDelete();
  const communities = useCommunities(allowed);
  const tags = useTags();
  const [editing, setEditing] = useState<{ rule: AlertRule | null } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const nodeLabels = useNodeLabels((rules.data?.items ?? []).flatMap((r) => (r.nodeId ? [r.nodeId] : [])));
  if (!allowed) return <NotAllowed what="alert rules" />;

  const tagName = (id: string) => {
    const tag = tags.data?.find((t) => t.id === id);
    return tag ? `tag ${tag.name}: ${tag.value}` : 'a tag';
  };
  const target = (rule: AlertRule) =>
    rule.nodeId
      ? (nodeLabels.get(rule.nodeId) ?? rule.nodeId)
      : [
          rule.selectorCommunityId ? (communities.data?.find((c) => c.id === rule.selectorCommunityId)?.name ?? 'a community') : null,
          rule.selectorAnalyticsType,
          rule.selectorTagId ? tagName(rule.selectorTagId) : null,
        ].filter(Boolean).join(' · ');
  const refused = save.error ?? remove.error;
  return (
    <section aria-labelledby="rules-title">
      <h1 id="rules-title">Alert rules</h1>
      <div className="toolbar">
        <button type="button" onClick={() => setEditing({ rule: null })}>
          New rule
        </button>
      </div>
      {editing ? <RuleForm key={editing.rule?.id ?? 'new'} rule={editing.rule} onDone={() => setEditing(null)} /> : null}
      {refused && !editing ? (
        <p role="alert" className="error-text">
          {refused.message}
        </p>
      ) : null}
      {rules.isPending ? (
        <Loading what="alert rules" />
      ) : rules.isError ? (
        <ErrorState error={rules.error} what="alert rules" />
      ) : rules.data.items.length === 0 ? (
        <Empty>No alert rules yet.</Empty>
      ) : (
        <table className="list" data-testid="rules-table">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Watches</th>
              <th scope="col">Condition</th>
              <th scope="col">Severity</th>
              <th scope="col">On</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rules.data.items.map((rule) => (
              <tr key={rule.id} data-rule-id={rule.id}>
                <td>{rule.name}</td>
                <td data-label="Watches">{target(rule)}</td>
                <td data-label="Condition">{describeRule(rule)}</td>
                <td data-label="Severity">{rule.severity}</td>
                <td data-label="On">{rule.isEnabled ? 'yes' : 'no'}</td>
                <td>
                  <ConfirmDelete name={rule.name} confirming={confirming === rule.id} pending={remove.isPending}
                    onAsk={() => { remove.reset(); setConfirming(rule.id); }} onKeep={() => setConfirming(null)}
                    onConfirm={() => remove.mutate({ id: rule.id, version: rule.version }, { onSettled: () => setConfirming(null) })}>
                    <button type="button" aria-label={`Edit ${rule.name}`} onClick={() => setEditing({ rule })}>
                      Edit
                    </button>
                    <button type="button" aria-label={`${rule.isEnabled ? 'Disable' : 'Enable'} ${rule.name}`} disabled={save.isPending}
                      onClick={() => save.mutate({ id: rule.id, version: rule.version, input: { ...inputOf(rule), isEnabled: !rule.isEnabled } })}>
                      {rule.isEnabled ? 'Disable' : 'Enable'}
                    </button>
                  </ConfirmDelete>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Rule pages" page={page} totalPages={rules.data?.pagination?.totalPages ?? 1} onPage={(to) => setParams({ page: String(to) })} />
    </section>
  );
}

const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

/** Create or edit one rule; the backtest runs the form's rule as it stands, saved or not. */
export function RuleForm({ rule, onDone }: { rule: AlertRule | null; onDone: () => void }) {
  const { me } = useAuth();
  const superadmin = me?.role === 'superadmin';
  const save = useRuleSave();
  const backtest = useRuleBacktest();
  const nodes = useNodeChoices();
  const communities = useCommunities(true);
  const distributors = useDistributorChoices(superadmin);
  const deviceTypes = useDeviceTypes();
  const tags = useTags();
  const form = useRef<HTMLFormElement>(null);
  const [target, setTarget] = useState<'node' | 'selector'>(rule && !rule.nodeId ? 'selector' : 'node');
  const [nodeId, setNodeId] = useState(rule?.nodeId ?? '');
  const [analyticsType, setAnalyticsType] = useState(rule?.selectorAnalyticsType ?? '');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [version, setVersion] = useState(rule?.version ?? 0);
  const [reloaded, setReloaded] = useState(false);
  const [days, setDays] = useState(7);
  const shown = fieldProblems(save.error ?? backtest.error, problems);

  // The metrics the targeted nodes report: the node's type, the selector's type, or every type's.
  const type = target === 'node' ? nodes.data?.find((n) => n.id === nodeId)?.analyticsType : analyticsType || null;
  const metrics = useMemo(() => {
    const types = (deviceTypes.data ?? []).filter((t) => !type || t.analyticsType === type);
    return [...new Set(types.flatMap((t) => t.fields.filter((f) => f.dataType !== 'string' || f.name === 'pump_status').map((f) => f.name)))];
  }, [deviceTypes.data, type]);

  const read = () => {
    const data = new FormData(form.current!);
    const value = (name: string) => String(data.get(name) ?? '');
    const values: RuleFormValues = {
      name: value('name'), target, nodeId, communityId: value('communityId'), analyticsType, tagId: value('tagId'), distributorId: value('distributorId'),
      metric: value('metric'), operator: value('operator'), threshold: value('threshold'), upperThreshold: value('upperThreshold'),
      clearThreshold: value('clearThreshold'), durationMinutes: value('durationMinutes'), severity: value('severity'),
      cooldownMinutes: value('cooldownMinutes'), isEnabled: data.get('isEnabled') === 'on',
    };
    const checked = checkRule(values, superadmin);
    setProblems(checked.problems);
    return checked.input;
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input = read();
    if (input) save.mutate({ id: rule?.id ?? null, version, input }, { onSuccess: onDone });
  };

  const runBacktest = () => {
    const input = read();
    save.reset();
    if (input) backtest.mutate({ input, days });
  };

  const reload = async () => {
    if (!rule) return;
    setVersion(await alertRuleApi.version(rule.id));
    setReloaded(true);
    save.reset();
  };

  const field = (name: string) => problemProps('rule', name, shown);
  const problem = (name: string) => <Problem form="rule" name={name} problems={shown} />;
  const select = (name: string, label: string, options: readonly (string | [string, string])[], props: Record<string, unknown> = {}) => (
    <div className="field">
      <label htmlFor={`rule-${name}`}>{label}</label>
      <select name={name} {...field(name)} {...props}>
        <option value="">choose…</option>
        {options.map((o) => (typeof o === 'string' ? [o, o] : o)).map(([value, name]) => (
          <option key={value} value={value}>
            {name}
          </option>
        ))}
      </select>
      {problem(name)}
    </div>
  );

  return (
    <form ref={form} className="panel edit-form" onSubmit={submit} noValidate aria-label={rule ? `Edit ${rule.name}` : 'New rule'}>
      <h2>{rule ? `Edit ${rule.name}` : 'New rule'}</h2>
      <TextField form="rule" name="name" label="Name" problems={shown} defaultValue={rule?.name} />
      <fieldset className="settings">
        <legend>Watches</legend>
        <label className="check">
          <input type="radio" name="target" checked={target === 'node'} onChange={() => setTarget('node')} /> One node
        </label>
        <label className="check">
          <input type="radio" name="target" checked={target === 'selector'} onChange={() => setTarget('selector')} /> Every node with a tag, of a community or of a type
        </label>
        {target === 'node'
          ? select('nodeId', 'Node', (nodes.data ?? []).map((n) => [n.id!, n.label ?? n.id!] as [string, string]), { value: nodeId, onChange: (e: { target: { value: string } }) => setNodeId(e.target.value) })
          : (
            <>
              {select('communityId', 'Community', (communities.data ?? []).map((c) => [c.id, c.name] as [string, string]), { defaultValue: rule?.selectorCommunityId ?? '' })}
              {select('tagId', 'Tag', (tags.data ?? []).map((t) => [t.id, `${t.name}: ${t.value} (${t.nodes})`] as [string, string]), { defaultValue: rule?.selectorTagId ?? '' })}
              {select('analyticsType', 'Node type', AnalyticsTypes, { value: analyticsType, onChange: (e: { target: { value: string } }) => setAnalyticsType(e.target.value) })}
              {superadmin ? select('distributorId', 'Owning distributor', (distributors.data ?? []).map((d) => [d.id, d.name] as [string, string]), { defaultValue: rule?.distributorId ?? '' }) : null}
              {problem('nodeId')}
            </>
          )}
      </fieldset>
      <Fragment key={`metric-${type ?? 'any'}`}>{select('metric', 'Metric', metrics, { defaultValue: rule?.metric ?? '' })}</Fragment>
      {select('operator', 'Operator', Operators, { defaultValue: rule?.operator ?? '' })}
      <TextField form="rule" name="threshold" label="Threshold" problems={shown} defaultValue={text(rule?.threshold)} decimal />
      <TextField form="rule" name="upperThreshold" label="Upper threshold (outside only)" problems={shown} defaultValue={text(rule?.upperThreshold)} decimal />
      <TextField form="rule" name="clearThreshold" label="Clear threshold" problems={shown} defaultValue={text(rule?.clearThreshold)} decimal />
      <div className="field">
        <label htmlFor="rule-durationSeconds">Holds for (min)</label>
        <input name="durationMinutes" inputMode="numeric" defaultValue={rule ? String(rule.durationSeconds / 60) : '0'} {...field('durationSeconds')} />
        {problem('durationSeconds')}
      </div>
      {select('severity', 'Severity', Severities, { defaultValue: rule?.severity ?? 'warning' })}
      <TextField form="rule" name="cooldownMinutes" label="Cooldown (min)" problems={shown} defaultValue={rule ? String(rule.cooldownMinutes) : '15'} decimal />
      <label className="check">
        <input type="checkbox" name="isEnabled" defaultChecked={rule?.isEnabled ?? true} /> On
      </label>
      <fieldset className="settings backtest">
        <legend>Backtest</legend>
        <label>
          Over the last
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <option value={7}>7 days</option>
            <option value={30}>30 days</option>
          </select>
        </label>
        <button type="button" onClick={runBacktest} disabled={backtest.isPending}>
          Backtest
        </button>
        {backtest.isPending ? <Loading what="backtest" /> : null}
        {backtest.data && backtest.variables ? (
          <BacktestView result={backtest.data} days={backtest.variables.days} nodeId={backtest.variables.input.nodeId ?? null} metric={backtest.variables.input.metric ?? ''} />
        ) : null}
      </fieldset>
      <FormFooter what="rule" error={save.error ?? backtest.error} pending={save.isPending} reloaded={reloaded} onReload={() => void reload()} onCancel={onDone} />
    </form>
  );
}

/** What the backtest found: the count, each alert, and for one node its metric over the period with the alerts marked. */
function BacktestView({ result, days, nodeId, metric }: { result: BacktestResult; days: number; nodeId: string | null; metric: string }) {
  const labels = useNodeLabels(result.alerts.map((a) => a.nodeId));
  return (
    <div data-testid="backtest-result" role="status">
      <p>
        This rule would have raised <strong>{result.raised}</strong> alert{result.raised === 1 ? '' : 's'} in the last {days} days ({result.readings.toLocaleString()} readings of{' '}
        {result.nodes} node{result.nodes === 1 ? '' : 's'}){result.truncated ? '; only the first are shown' : ''}.
      </p>
      {nodeId ? <BacktestChart result={result} nodeId={nodeId} metric={metric} /> : null}
      {result.alerts.length > 0 ? (
        <table className="list" aria-label="Backtested alerts">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Raised</th>
              <th scope="col">Value</th>
              <th scope="col">Cleared</th>
            </tr>
          </thead>
          <tbody>
            {result.alerts.map((a) => (
              <tr key={`${a.nodeId}-${a.raisedAt}`}>
                <td>{labels.get(a.nodeId) ?? a.nodeId}</td>
                <td data-label="Raised">{formatTime(a.raisedAt)}</td>
                <td data-label="Value">{formatReading(a.value)}</td>
                <td data-label="Cleared">{a.resolvedAt ? formatTime(a.resolvedAt) : 'still open'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function BacktestChart({ result, nodeId, metric }: { result: BacktestResult; nodeId: string; metric: string }) {
  const series = useSeries(nodeId, { from: result.from, to: result.to, resolution: 'auto', metrics: [metric] });
  const points = useMemo<ChartPoint[]>(
    () =>
      (series.data?.points ?? []).flatMap((p) => {
        // Hourly and daily points carry the metric's average under its rollup's name.
        const value = p.values[metric] ?? Object.values(p.values).find((v) => typeof v === 'number');
        return typeof value === 'number' ? [{ t: Date.parse(p.timestamp), v: value }] : [];
      }),
    [series.data, metric],
  );
  if (series.isPending) return <Loading what="readings" />;
  if (series.isError) return <ErrorState error={series.error} what="readings" />;
  return (
    <LineChart points={points} label={metric} marks={result.alerts.map((a) => ({
      from: Date.parse(a.raisedAt), to: a.resolvedAt ? Date.parse(a.resolvedAt) : null, label: `${a.message} (${formatTime(a.raisedAt)})`,
    }))} />
  );
}
