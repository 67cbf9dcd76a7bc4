import { useState, type FormEvent } from 'react';
import { fetchNode, nodeApi, type NodeDetails } from '../api/services';
import { fieldProblems, Problem, problemProps, TextField } from '../components/FieldProblems';
import { FormFooter } from '../components/FormFooter';
import { formatReading, formatTime, Loading } from '../components/States';
import { useChannelPreview, useDeviceTypes, useNodeChange } from '../hooks/queries';
import { ChannelSources, checkChannel, mappingIndexes, SourceFields, type MappingRow } from './channelForm';

/**
 * The node's ThingSpeak channel: id, read key (write-only: shown masked, kept when left empty), reporting interval,
 * source, and field1..field8 → metric with scale and offset. A preview reads the channel's last entries through the
 * platform and shows them mapped and calibrated, refusals and all, before anything is saved. A write key for the
 * device is issued here and shown once.
 */
export function NodeChannel({ details }: { details: NodeDetails }) {
  const id = details.node.id!;
  const stored = details.channel;
  const deviceTypes = useDeviceTypes();
  const fields = deviceTypes.data?.find((t) => t.analyticsType === details.node.analyticsType)?.fields ?? [];
  const dataTypes = Object.fromEntries(fields.map((f) => [f.name, f.dataType]));
  // The node as last read (every change to it reads it again), unless the user loaded a newer one after a conflict.
  const [reloadedVersion, setReloadedVersion] = useState<number | null>(null);
  const version = reloadedVersion ?? details.node.version ?? 0;
  const reloaded = reloadedVersion !== null;
  const save = useNodeChange(id, (body: Parameters<typeof nodeApi.channel>[2]) => nodeApi.channel(id, version, body));
  const preview = useChannelPreview(id);
  const writeKey = useNodeChange(id, () => nodeApi.issueWriteKey(id));
  const [chosen, setChosen] = useState<Record<string, string>>(
    Object.fromEntries(SourceFields.map((f) => [f, stored?.mappings.find((m) => m.field === f)?.canonicalField ?? ''])));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const shown = fieldProblems(save.error ?? preview.error, problems);
  const at = mappingIndexes(SourceFields.map((field) => ({ field, canonicalField: chosen[field] ?? '' })));

  const read = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '');
    const rows: MappingRow[] = SourceFields.map((field) => ({
      field, canonicalField: chosen[field] ?? '', scaleFactor: value(`${field}.scaleFactor`), offset: value(`${field}.offset`),
    }));
    const checked = checkChannel({ channelId: value('channelId'), readKey: value('readKey'), reportingIntervalSeconds: value('reportingIntervalSeconds'), source: value('source'), rows }, dataTypes);
    setProblems(checked.problems);
    setSaved(false);
    return checked.body;
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = read(event.currentTarget);
    if (body) save.mutate(body, { onSuccess: () => { setReloadedVersion(null); setSaved(true); } });
  };

  const tryIt = (form: HTMLFormElement | null) => {
    const body = form ? read(form) : null;
    save.reset();
    if (body) preview.mutate({ channelId: body.channelId, readKey: body.readKey, mappings: body.mappings!.map(({ field, canonicalField, dataType, scaleFactor, offset }) => ({ field, canonicalField, dataType, scaleFactor, offset })) });
  };

  const reload = async () => {
    setReloadedVersion((await fetchNode(id)).node.version ?? version);
    save.reset();
  };

  return (
    <form className="edit-form channel-form" onSubmit={submit} noValidate aria-label="ThingSpeak channel">
      <h3>ThingSpeak channel</h3>
      <TextField form="channel" name="channelId" label="Channel id" problems={shown} defaultValue={stored ? String(stored.channelId) : ''} decimal />
      <div className="field">
        <label htmlFor="channel-readKey">Read key{stored?.readKey ? ` (stored: ${stored.readKey}; empty keeps it)` : ''}</label>
        <input name="readKey" type="password" autoComplete="off" {...problemProps('channel', 'readKey', shown)} />
        <Problem form="channel" name="readKey" problems={shown} />
      </div>
      <TextField form="channel" name="reportingIntervalSeconds" label="Reports every (s)" problems={shown} defaultValue={String(stored?.reportingIntervalSeconds ?? 60)} decimal />
      <div className="field">
        <label htmlFor="channel-source">Readings come</label>
        <select id="channel-source" name="source" defaultValue={stored?.source ?? 'both'}>
          {ChannelSources.map((s) => (
            <option key={s} value={s}>
              {s === 'both' ? 'polled and pushed' : s}
            </option>
          ))}
        </select>
      </div>
      <table className="list mappings" aria-label="Field mappings">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Metric</th>
            <th scope="col">Scale</th>
            <th scope="col">Offset</th>
          </tr>
        </thead>
        <tbody>
          {SourceFields.map((field) => {
            const mapping = stored?.mappings.find((m) => m.field === field);
            const index = at[field];
            const name = (part: string) => (index === undefined ? `${field}.${part}` : `mappings[${index}].${part}`);
            const cell = (part: 'scaleFactor' | 'offset', value: number | undefined) => (
              <td data-label={part === 'scaleFactor' ? 'Scale' : 'Offset'}>
                <input name={`${field}.${part}`} aria-label={`${field} ${part === 'scaleFactor' ? 'scale' : 'offset'}`} inputMode="decimal" defaultValue={value === undefined ? '' : String(value)}
                  disabled={!chosen[field]} {...problemProps('channel', name(part), shown)} />
                <Problem form="channel" name={name(part)} problems={shown} />
              </td>
            );
            return (
              <tr key={field}>
                <td>{field}</td>
                <td data-label="Metric">
                  <select aria-label={`${field} metric`} value={chosen[field]} onChange={(e) => setChosen({ ...chosen, [field]: e.target.value })}
                    {...problemProps('channel', name('canonicalField'), shown)}>
                    <option value="">not mapped</option>
                    {fields.map((f) => (
                      <option key={f.name} value={f.name}>
                        {f.name}{f.unit ? ` (${f.unit})` : ''}
                      </option>
                    ))}
                  </select>
                  <Problem form="channel" name={name('canonicalField')} problems={shown} />
                </td>
                {cell('scaleFactor', mapping?.scaleFactor)}
                {cell('offset', mapping?.offset)}
              </tr>
            );
          })}
        </tbody>
      </table>
      <Problem form="channel" name="mappings" problems={shown} />
      <div className="actions">
        <button type="button" disabled={preview.isPending} onClick={(e) => tryIt(e.currentTarget.form)}>
          Preview
        </button>
        <button type="button" disabled={writeKey.isPending} onClick={() => writeKey.mutate(undefined)}>
          Issue a new write key
        </button>
      </div>
      {writeKey.data ? (
        <p role="status" data-testid="write-key">
          New write key (shown once; the previous one stops working): <code>{writeKey.data.writeKey}</code>
        </p>
      ) : null}
      {preview.isPending ? <Loading what="preview" /> : null}
      {preview.data ? <PreviewTable preview={preview.data} /> : null}
      {saved && !save.error ? <p role="status">Channel saved.</p> : null}
      <FormFooter what="node" error={save.error ?? preview.error} pending={save.isPending} reloaded={reloaded} onReload={() => void reload()}
        onCancel={() => { setProblems({}); save.reset(); preview.reset(); }} />
    </form>
  );
}

function PreviewTable({ preview }: { preview: NonNullable<ReturnType<typeof useChannelPreview>['data']> }) {
  if (preview.entries.length === 0) return <p className="state empty">The channel has no entries yet.</p>;
  return (
    <table className="list" aria-label="Preview" data-testid="channel-preview">
      <thead>
        <tr>
          <th scope="col">Entry</th>
          <th scope="col">As sent</th>
          <th scope="col">Stored as</th>
          <th scope="col">Refused</th>
        </tr>
      </thead>
      <tbody>
        {preview.entries.map((e) => (
          <tr key={`${e.entryId}-${e.timestamp}`}>
            <td>
              {e.entryId ?? '—'} · {formatTime(e.timestamp)}
            </td>
            <td data-label="As sent">{Object.entries(e.raw).map(([k, v]) => `${k}=${v ?? ''}`).join(' ')}</td>
            <td data-label="Stored as">{e.values ? Object.entries(e.values).map(([k, v]) => `${k} ${formatReading(v)}`).join(', ') : 'nothing'}</td>
            <td data-label="Refused" className={e.rejections.length ? 'error-text' : undefined}>{e.rejections.join('; ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
