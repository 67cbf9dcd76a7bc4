import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { notificationRuleApi, type NotificationRule } from '../api/services';
import { useAuth } from '../auth/AuthContext';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { fieldProblems, Problem, problemProps, TextField } from '../components/FieldProblems';
import { FormFooter } from '../components/FormFooter';
import { Pager } from '../components/Pager';
import { Empty, ErrorState, formatTime, Loading, NotAllowed } from '../components/States';
import {
  useDeliveries, useNodeChoices, useNotificationDelete, useNotificationRules, useNotificationSave, useNotificationTest, useTags,
} from '../hooks/queries';
import { channelIndexes, checkNotification, describeChannels, NotificationCategories, NotificationSeverities } from './notificationForm';

/**
 * The caller's own notification rules (how they are told of alerts: webhook, email, SMS; from which severity, for which
 * nodes, repeated how often): create, edit, delete, and a test send that shows each receiver's answer; below, the
 * caller's delivery log.
 */
export default function NotificationsPage() {
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Math.trunc(Number(params.get('page') ?? '1')) || 1);
  const logPage = Math.max(1, Math.trunc(Number(params.get('log') ?? '1')) || 1);
  const rules = useNotificationRules(page);
  const remove = useNotificationDelete();
  const test = useNotificationTest();
  const [editing, setEditing] = useState<{ rule: NotificationRule | null } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  if (!can('alerts:read')) return <NotAllowed what="notifications" />;

  return (
    <section aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <div className="toolbar">
        <button type="button" onClick={() => setEditing({ rule: null })}>
          New notification rule
        </button>
      </div>
      {editing ? <NotificationForm key={editing.rule?.id ?? 'new'} rule={editing.rule} onDone={() => setEditing(null)} /> : null}
      {remove.error ? (
        <p role="alert" className="error-text">
          {remove.error.message}
        </p>
      ) : null}
      {rules.isPending ? (
        <Loading what="notification rules" />
      ) : rules.isError ? (
        <ErrorState error={rules.error} what="notification rules" />
      ) : rules.data.items.length === 0 ? (
        <Empty>You are told of no alerts yet.</Empty>
      ) : (
        <table className="list" data-testid="notification-rules-table">
          <thead>
            <tr>
              <th scope="col">Channels</th>
              <th scope="col">From severity</th>
              <th scope="col">Nodes</th>
              <th scope="col">Repeat</th>
              <th scope="col">On</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rules.data.items.map((rule) => (
              <tr key={rule.id} data-notification-rule-id={rule.id}>
                <td>{describeChannels(rule)}</td>
                <td data-label="From severity">{rule.severityMin}</td>
                <td data-label="Nodes">
                  {[rule.nodeIds ? `${rule.nodeIds.length} chosen` : 'all mine', rule.categories?.join(', '), rule.tagIds ? `${rule.tagIds.length} tag(s)` : null].filter(Boolean).join(' · ')}
                </td>
                <td data-label="Repeat">{rule.repeatIntervalMinutes ? `every ${rule.repeatIntervalMinutes} min` : 'never'}</td>
                <td data-label="On">{rule.isEnabled ? 'yes' : 'no'}</td>
                <td>
                  <ConfirmDelete name="this rule" confirming={confirming === rule.id} pending={remove.isPending}
                    onAsk={() => { remove.reset(); setConfirming(rule.id); }} onKeep={() => setConfirming(null)}
                    onConfirm={() => remove.mutate({ id: rule.id, version: rule.version }, { onSettled: () => setConfirming(null) })}>
                    <button type="button" onClick={() => setEditing({ rule })}>
                      Edit
                    </button>
                    <button type="button" disabled={test.isPending} onClick={() => test.mutate(rule.id)}>
                      Send test
                    </button>
                  </ConfirmDelete>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Notification rule pages" page={page} totalPages={rules.data?.pagination?.totalPages ?? 1}
        onPage={(to) => setParams({ page: String(to), log: String(logPage) })} />
      {test.isPending ? <Loading what="test results" /> : null}
      {test.error ? (
        <p role="alert" className="error-text">
          {test.error.message}
        </p>
      ) : null}
      {test.data ? (
        <div className="panel" role="status" aria-label="Test results">
          <h2>Test sent</h2>
          <ul data-testid="test-results">
            {test.data.channels.map((c, i) => (
              <li key={i} className={c.delivered ? undefined : 'error-text'}>
                {c.type} {c.target}: {c.delivered ? 'delivered' : 'not delivered'} — {c.answer}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <DeliveryLog page={logPage} onPage={(to) => setParams({ page: String(page), log: String(to) })} />
    </section>
  );
}

function DeliveryLog({ page, onPage }: { page: number; onPage: (page: number) => void }) {
  const deliveries = useDeliveries(page);
  return (
    <section className="panel" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Delivery log</h2>
      {deliveries.isPending ? (
        <Loading what="deliveries" />
      ) : deliveries.isError ? (
        <ErrorState error={deliveries.error} what="deliveries" />
      ) : deliveries.data.items.length === 0 ? (
        <Empty>Nothing has been sent to you yet.</Empty>
      ) : (
        <table className="list" data-testid="deliveries-table">
          <thead>
            <tr>
              <th scope="col">Queued</th>
              <th scope="col">Channel</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.items.map((d) => (
              <tr key={d.id}>
                <td>{formatTime(d.createdAt)}</td>
                <td data-label="Channel">{d.channel}{d.repeatNumber > 0 ? ` (repeat ${d.repeatNumber})` : ''}</td>
                <td data-label="Status">{d.status}{d.sentAt ? ` ${formatTime(d.sentAt)}` : ''}</td>
                <td data-label="Attempts">{d.attempts}</td>
                <td data-label="Error">{d.error ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Delivery log pages" page={page} totalPages={deliveries.data?.pagination?.totalPages ?? 1} onPage={onPage} />
    </section>
  );
}

/** Create or edit one notification rule; a webhook's secret is write-only: left empty on edit, the stored one is kept. */
export function NotificationForm({ rule, onDone }: { rule: NotificationRule | null; onDone: () => void }) {
  const save = useNotificationSave();
  const nodes = useNodeChoices();
  const tags = useTags();
  const stored = rule?.channels ?? [];
  const storedWebhook = stored.find((c) => c.type === 'webhook');
  const storedEmail = stored.find((c) => c.type === 'email');
  const storedSms = stored.find((c) => c.type === 'sms');
  const [chosen, setChosen] = useState({ webhook: !!storedWebhook, email: rule ? !!storedEmail : true, sms: !!storedSms });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [version, setVersion] = useState(rule?.version ?? 0);
  const [reloaded, setReloaded] = useState(false);
  const shown = fieldProblems(save.error, problems);
  const at = channelIndexes(chosen);
  // Channels beyond the first of a type (made through the API) are kept as they are: the form edits the first of each.
  const extra = stored.filter((c) => c !== storedWebhook && c !== storedEmail && c !== storedSms);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const value = (name: string) => String(data.get(name) ?? '');
    const { problems: found, input } = checkNotification({
      severityMin: value('severityMin'), ...chosen, webhookUrl: value('webhookUrl'), webhookSecret: value('webhookSecret'),
      emailAddress: value('emailAddress'), smsNumber: value('smsNumber'), categories: data.getAll('categories').map(String),
      nodeIds: data.getAll('nodeIds').map(String), tagIds: data.getAll('tagIds').map(String), repeatIntervalMinutes: value('repeatIntervalMinutes'), isEnabled: data.get('isEnabled') === 'on',
    }, storedWebhook?.url ?? null);
    setProblems(found);
    const kept = extra.map((c) => ({ type: c.type, url: c.url, secret: null, address: c.address, number: c.number }));
    if (input) save.mutate({ id: rule?.id ?? null, version, input: { ...input, channels: [...(input.channels ?? []), ...kept] } }, { onSuccess: onDone });
  };

  const reload = async () => {
    if (!rule) return;
    setVersion(await notificationRuleApi.version(rule.id));
    setReloaded(true);
    save.reset();
  };

  // The pickers select the rule's stored nodes and tags once: they must hold their options by then.
  if (nodes.isPending || tags.isPending) return <Loading what="the nodes and tags to choose from" />;
  const nodeOptions = [...(nodes.data ?? []).map((n) => ({ id: n.id!, label: n.label ?? n.id! })),
    ...(rule?.nodeIds ?? []).filter((id) => !nodes.data?.some((n) => n.id === id)).map((id) => ({ id, label: id }))];
  const toggle = (channel: keyof typeof chosen) => (
    <label className="check">
      <input type="checkbox" checked={chosen[channel]} onChange={(e) => setChosen({ ...chosen, [channel]: e.target.checked })} />{' '}
      {channel === 'webhook' ? 'Webhook' : channel === 'email' ? 'Email' : 'SMS'}
    </label>
  );
  return (
    <form className="panel edit-form" onSubmit={submit} noValidate aria-label={rule ? 'Edit notification rule' : 'New notification rule'}>
      <h2>{rule ? 'Edit notification rule' : 'New notification rule'}</h2>
      <div className="field">
        <label htmlFor="notification-severityMin">From severity</label>
        <select name="severityMin" defaultValue={rule?.severityMin ?? 'warning'} {...problemProps('notification', 'severityMin', shown)}>
          {NotificationSeverities.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <Problem form="notification" name="severityMin" problems={shown} />
      </div>
      <fieldset className="settings" aria-describedby={shown.channels ? 'notification-channels-problem' : undefined}>
        <legend>Tell me by</legend>
        {toggle('webhook')}
        {toggle('email')}
        {toggle('sms')}
        <Problem form="notification" name="channels" problems={shown} />
        {at.webhook >= 0 ? (
          <>
            <ChannelField index={at.webhook} part="url" name="webhookUrl" label="Webhook URL" problems={shown} defaultValue={storedWebhook?.url} />
            <ChannelField index={at.webhook} part="secret" name="webhookSecret" label={storedWebhook ? 'Secret (empty: keep the stored one)' : 'Secret'}
              problems={shown} password />
          </>
        ) : null}
        {at.email >= 0 ? (
          <ChannelField index={at.email} part="address" name="emailAddress" label="Email address (empty: my own)" problems={shown} defaultValue={storedEmail?.address} />
        ) : null}
        {at.sms >= 0 ? <ChannelField index={at.sms} part="number" name="smsNumber" label="Phone number" problems={shown} defaultValue={storedSms?.number} /> : null}
        {extra.length > 0 ? <p className="muted-text">Also kept as they are: {describeChannels({ channels: extra })}.</p> : null}
      </fieldset>
      <fieldset className="settings">
        <legend>Only these categories (none: any)</legend>
        {NotificationCategories.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" name="categories" value={c} defaultChecked={rule?.categories?.includes(c)} /> {c}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="notification-nodeIds">Only these nodes (none: all mine)</label>
        <select name="nodeIds" multiple defaultValue={rule?.nodeIds ?? []} {...problemProps('notification', 'nodeIds', shown)}>
          {nodeOptions.map((n) => (
            <option key={n.id} value={n.id}>
              {n.label}
            </option>
          ))}
        </select>
        <Problem form="notification" name="nodeIds" problems={shown} />
      </div>
      <div className="field">
        <label htmlFor="notification-tagIds">Only nodes with these tags (none: any)</label>
        <select name="tagIds" multiple defaultValue={rule?.tagIds ?? []} {...problemProps('notification', 'tagIds', shown)}>
          {(tags.data ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}: {t.value}
            </option>
          ))}
        </select>
        <Problem form="notification" name="tagIds" problems={shown} />
      </div>
      <TextField form="notification" name="repeatIntervalMinutes" label="Repeat while open (min, 0: never)" problems={shown}
        defaultValue={String(rule?.repeatIntervalMinutes ?? 240)} decimal />
      <label className="check">
        <input type="checkbox" name="isEnabled" defaultChecked={rule?.isEnabled ?? true} /> On
      </label>
      <FormFooter what="notification rule" error={save.error} pending={save.isPending} reloaded={reloaded} onReload={() => void reload()} onCancel={onDone} />
    </form>
  );
}

/** One channel's field, its problem named as the API names it (`channels[1].url`). */
function ChannelField({ index, part, name, label, problems, defaultValue, password = false }: {
  index: number;
  part: string;
  name: string;
  label: string;
  problems: Record<string, string>;
  defaultValue?: string | null | undefined;
  password?: boolean;
}) {
  const field = `channels[${index}].${part}`;
  const props = problemProps('notification', field, problems);
  return (
    <div className="field">
      <label htmlFor={props.id}>{label}</label>
      <input name={name} type={password ? 'password' : 'text'} autoComplete={password ? 'new-password' : undefined} defaultValue={defaultValue ?? ''} {...props} />
      <Problem form="notification" name={field} problems={problems} />
    </div>
  );
}
