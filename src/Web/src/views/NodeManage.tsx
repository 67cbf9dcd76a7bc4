import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { nodeApi, type NodeDetails, type NodeOwner } from '../api/services';
import { useAuth } from '../auth/AuthContext';
import { fieldProblems, Problem, problemProps, TextField } from '../components/FieldProblems';
import { isVersionConflict } from '../components/FormFooter';
import { formatTime } from '../components/States';
import { useNodeChange } from '../hooks/queries';
import { NodeCalibrations } from './NodeCalibrations';
import { NodeChannel } from './NodeChannel';
import { NodeForm, OwnerPicker } from './NodeForm';
import { ownerFrom } from './nodeForm';

const FirmwareStatuses = ['up_to_date', 'update_available', 'update_in_progress', 'update_failed'];

/**
 * What the caller may do to a node (nodes:write): edit it, switch maintenance, map its ThingSpeak channel (previewed
 * first), calibrate its fields, move it to another owner, tag it, record its firmware; superadmins (nodes:delete) may
 * delete it. Nothing of it is offered to a read-only role.
 */
export function NodeManage({ details }: { details: NodeDetails }) {
  const { can } = useAuth();
  const [editing, setEditing] = useState(false);
  if (!can('nodes:write')) return null;
  return (
    <section className="panel manage" aria-labelledby="manage-title">
      <h2 id="manage-title">Manage</h2>
      {editing ? (
        <NodeForm details={details} onDone={() => setEditing(false)} />
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setEditing(true)}>
            Edit node
          </button>
          <Maintenance details={details} />
          {can('nodes:delete') ? <DeleteNode details={details} /> : null}
        </div>
      )}
      <NodeChannel details={details} />
      <NodeCalibrations details={details} />
      <MoveNode details={details} />
      <Tags details={details} />
      <Firmware details={details} />
    </section>
  );
}

function Refusal({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="error-text">
      {isVersionConflict(error) ? 'Someone changed this node meanwhile; it has been read again, try once more.' : error instanceof Error ? error.message : 'The request failed.'}
    </p>
  );
}

function Maintenance({ details }: { details: NodeDetails }) {
  const id = details.node.id!;
  const on = details.state.status === 'Maintenance';
  const change = useNodeChange(id, (enabled: boolean) => nodeApi.maintenance(id, enabled));
  return (
    <>
      <button type="button" disabled={change.isPending} onClick={() => change.mutate(!on)}>
        {on ? 'End maintenance' : 'Start maintenance'}
      </button>
      <Refusal error={change.error} />
    </>
  );
}

function DeleteNode({ details }: { details: NodeDetails }) {
  const id = details.node.id!;
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const remove = useNodeChange(id, () => nodeApi.remove(id, details.node.version ?? 0));
  return confirming ? (
    <span>
      Delete {details.node.label} and its history?{' '}
      <button type="button" disabled={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: () => navigate('/nodes') })}>
        Yes, delete
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Keep
      </button>
      <Refusal error={remove.error} />
    </span>
  ) : (
    <button type="button" onClick={() => setConfirming(true)}>
      Delete node
    </button>
  );
}

function MoveNode({ details }: { details: NodeDetails }) {
  const id = details.node.id!;
  const move = useNodeChange(id, (owner: NodeOwner) => nodeApi.move(id, details.node.version ?? 0, owner));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const shown = fieldProblems(move.error, problems);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const owner = ownerFrom(String(new FormData(form).get('owner') ?? ''));
    setProblems(owner ? {} : { tenantType: 'Choose its new owner.' });
    if (owner) move.mutate(owner, { onSuccess: () => form.reset() });
  };
  return (
    <form className="edit-form" onSubmit={submit} noValidate aria-label="Move node">
      <h3>Move</h3>
      <p className="muted-text">Owned by a {details.node.tenantType}. Its history moves with it.</p>
      <OwnerPicker form="move" problems={shown} label="New owner" />
      <div className="actions">
        <button type="submit" disabled={move.isPending}>
          Move
        </button>
      </div>
      {Object.keys(shown).length === 0 ? <Refusal error={move.error} /> : null}
    </form>
  );
}

function Tags({ details }: { details: NodeDetails }) {
  const id = details.node.id!;
  const tag = useNodeChange(id, ({ name, value }: { name: string; value: string }) => nodeApi.tag(id, name, value));
  const untag = useNodeChange(id, ({ name, value }: { name: string; value: string }) => nodeApi.untag(id, name, value));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const shown = fieldProblems(tag.error, problems);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const value = String(data.get('value') ?? '').trim();
    const found: Record<string, string> = {};
    if (!/^[a-z0-9][a-z0-9_.-]{0,99}$/.test(name)) found.name = "A tag name is 1 to 100 lowercase letters, digits, '_', '.' or '-'.";
    if (!value) found.value = 'Give the tag a value.';
    else if (value.length > 255) found.value = 'A tag value has at most 255 characters.';
    setProblems(found);
    if (Object.keys(found).length === 0) tag.mutate({ name, value }, { onSuccess: () => form.reset() });
  };
  return (
    <form className="edit-form" onSubmit={submit} noValidate aria-label="Tags">
      <h3>Tags</h3>
      <ul className="tags" aria-label="Node tags">
        {details.tags.length === 0 ? <li className="muted-text">No tags.</li> : null}
        {details.tags.map((t) => (
          <li key={`${t.name}:${t.value}`}>
            {t.name}: {t.value}{' '}
            <button type="button" aria-label={`Remove tag ${t.name}: ${t.value}`} disabled={untag.isPending} onClick={() => untag.mutate({ name: t.name, value: t.value })}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <TextField form="tag" name="name" label="Tag name" problems={shown} />
      <TextField form="tag" name="value" label="Tag value" problems={shown} />
      <div className="actions">
        <button type="submit" disabled={tag.isPending}>
          Add tag
        </button>
      </div>
      <Refusal error={untag.error} />
    </form>
  );
}

function Firmware({ details }: { details: NodeDetails }) {
  const id = details.node.id!;
  const record = useNodeChange(id, (body: Parameters<typeof nodeApi.firmware>[1]) => nodeApi.firmware(id, body));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const shown = fieldProblems(record.error, problems);
  const current = details.firmware;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const found: Record<string, string> = {};
    if (!text('firmwareVersion')) found.firmwareVersion = 'Give the firmware version.';
    for (const name of ['firmwareVersion', 'hardwareRevision', 'bootloaderVersion']) {
      if (text(name).length > 50) found[name] = 'At most 50 characters.';
    }
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    record.mutate({
      firmwareVersion: text('firmwareVersion'),
      hardwareRevision: text('hardwareRevision') || null,
      bootloaderVersion: text('bootloaderVersion') || null,
      lastUpdate: new Date().toISOString(),
      updateStatus: text('updateStatus') || null,
    });
  };
  return (
    <form className="edit-form" onSubmit={submit} noValidate aria-label="Firmware" key={current?.firmwareVersion ?? 'none'}>
      <h3>Firmware</h3>
      <p className="muted-text" data-testid="firmware-now">
        {current ? `${current.firmwareVersion} · ${current.updateStatus} · updated ${formatTime(current.lastUpdate)}` : 'No firmware recorded.'}
      </p>
      <TextField form="firmware" name="firmwareVersion" label="Firmware version" problems={shown} defaultValue={current?.firmwareVersion} />
      <TextField form="firmware" name="hardwareRevision" label="Hardware revision" problems={shown} defaultValue={current?.hardwareRevision} />
      <TextField form="firmware" name="bootloaderVersion" label="Bootloader version" problems={shown} defaultValue={current?.bootloaderVersion} />
      <div className="field">
        <label htmlFor="firmware-updateStatus">Update status</label>
        <select name="updateStatus" defaultValue={current?.updateStatus ?? 'up_to_date'} {...problemProps('firmware', 'updateStatus', shown)}>
          {FirmwareStatuses.map((s) => (
            <option key={s} value={s}>
              {s.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
        <Problem form="firmware" name="updateStatus" problems={shown} />
      </div>
      <div className="actions">
        <button type="submit" disabled={record.isPending}>
          Record firmware
        </button>
      </div>
    </form>
  );
}
