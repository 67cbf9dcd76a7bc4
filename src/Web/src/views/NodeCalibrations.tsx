import { useState, type FormEvent } from 'react';
import { nodeApi, type NodeDetails } from '../api/services';
import { fieldProblems, Problem, problemProps, TextField } from '../components/FieldProblems';
import { formatTime } from '../components/States';
import { useDeviceTypes, useNodeChange } from '../hooks/queries';
import { local } from './params';
import { CalibrationTypes, checkCalibration, describeParameters } from './calibrationForm';

/**
 * The node's calibrations per field with their validity periods; add a linear, polynomial or lookup-table one (a
 * period overlapping another of the same field is refused on its start), close an open one now.
 */
export function NodeCalibrations({ details }: { details: NodeDetails }) {
  const id = details.node.id!;
  const deviceTypes = useDeviceTypes();
  const numeric = (deviceTypes.data?.find((t) => t.analyticsType === details.node.analyticsType)?.fields ?? []).filter((f) => f.dataType === 'float' || f.dataType === 'integer');
  const add = useNodeChange(id, (body: Parameters<typeof nodeApi.addCalibration>[1]) => nodeApi.addCalibration(id, body));
  const close = useNodeChange(id, (calibrationId: string) => nodeApi.closeCalibration(id, calibrationId, new Date().toISOString()));
  const [type, setType] = useState('linear');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const shown = fieldProblems(add.error, problems);
  const calibrations = [...details.calibrations].sort((a, b) => a.field.localeCompare(b.field) || b.validFrom.localeCompare(a.validFrom));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '');
    const { problems: found, body } = checkCalibration({
      field: value('field'), type, slope: value('parameters.slope'), intercept: value('parameters.intercept'),
      coefficients: value('parameters.coefficients'), points: value('parameters.points'),
      validFrom: value('validFrom'), validUntil: value('validUntil'),
    });
    setProblems(found);
    if (body) add.mutate(body, { onSuccess: () => form.reset() });
  };

  return (
    <form className="edit-form" onSubmit={submit} noValidate aria-label="Calibrations">
      <h3>Calibrations</h3>
      {calibrations.length === 0 ? (
        <p className="muted-text">No calibrations: values are stored as mapped.</p>
      ) : (
        <table className="list" data-testid="calibrations-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Type</th>
              <th scope="col">Parameters</th>
              <th scope="col">Valid</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {calibrations.map((c) => (
              <tr key={c.id}>
                <td>{c.field}</td>
                <td data-label="Type">{c.type}</td>
                <td data-label="Parameters">{describeParameters(c.type, c.parameters)}</td>
                <td data-label="Valid">
                  {formatTime(c.validFrom)} → {c.validUntil ? formatTime(c.validUntil) : 'open'}
                </td>
                <td>
                  {c.validUntil ? null : (
                    <button type="button" disabled={close.isPending} onClick={() => close.mutate(c.id)} aria-label={`Close the ${c.field} calibration now`}>
                      Close now
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {close.error ? (
        <p role="alert" className="error-text">
          {close.error.message}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="calibration-field">Calibrated field</label>
        <select name="field" defaultValue="" {...problemProps('calibration', 'field', shown)}>
          <option value="">choose…</option>
          {numeric.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
            </option>
          ))}
        </select>
        <Problem form="calibration" name="field" problems={shown} />
      </div>
      <div className="field">
        <label htmlFor="calibration-type">Calibration type</label>
        <select value={type} onChange={(e) => setType(e.target.value)} {...problemProps('calibration', 'type', shown)}>
          {CalibrationTypes.map(([value, name]) => (
            <option key={value} value={value}>
              {name}
            </option>
          ))}
        </select>
      </div>
      {type === 'linear' ? (
        <>
          <TextField form="calibration" name="parameters.slope" label="Slope" problems={shown} decimal />
          <TextField form="calibration" name="parameters.intercept" label="Intercept" problems={shown} decimal />
        </>
      ) : type === 'polynomial' ? (
        <TextField form="calibration" name="parameters.coefficients" label="Coefficients (lowest power first)" problems={shown} />
      ) : (
        <TextField form="calibration" name="parameters.points" label="Points (raw:value, …)" problems={shown} />
      )}
      <div className="field">
        <label htmlFor="calibration-validFrom">Valid from</label>
        <input type="datetime-local" name="validFrom" defaultValue={local(new Date().toISOString())} {...problemProps('calibration', 'validFrom', shown)} />
        <Problem form="calibration" name="validFrom" problems={shown} />
      </div>
      <div className="field">
        <label htmlFor="calibration-validUntil">Valid until (empty: open)</label>
        <input type="datetime-local" name="validUntil" {...problemProps('calibration', 'validUntil', shown)} />
        <Problem form="calibration" name="validUntil" problems={shown} />
      </div>
      {add.error && !Object.keys(fieldProblems(add.error, {})).length ? (
        <p role="alert" className="error-text">
          {add.error.message}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={add.isPending}>
          Add calibration
        </button>
      </div>
    </form>
  );
}
