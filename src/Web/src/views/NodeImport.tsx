import { useState, type FormEvent } from 'react';
import { useNodeImport } from '../hooks/queries';
import { ImportColumns, importOutcome, planImport, type ImportOutcome } from './nodeImport';

/**
 * Creates many nodes from a CSV file through the batch route: each row stands alone, or with "all or nothing" one bad
 * row stores none. Says how many were created and names every refused row by its line and field.
 */
export function NodeImport({ onDone }: { onDone: () => void }) {
  const send = useNodeImport();
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
    const atomic = (form.elements.namedItem('atomic') as HTMLInputElement).checked;
    setOutcome(null);
    if (!file || file.size === 0) {
      setFileProblem('Choose a CSV file.');
      return;
    }

    const plan = planImport(await readText(file));
    setFileProblem(plan.fileProblem);
    if (plan.fileProblem) return;
    // All or nothing with a row that can't even be sent: nothing is.
    if (plan.operations.length === 0 || (atomic && plan.rowProblems.length > 0)) {
      setOutcome(importOutcome(plan, null, atomic));
      return;
    }

    send.mutate({ atomic, operations: plan.operations }, { onSuccess: (result) => setOutcome(importOutcome(plan, result, atomic)) });
  };

  return (
    <form className="panel edit-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Import nodes">
      <h2>Import nodes from CSV</h2>
      <p className="muted-text">
        One node per row under a header naming its columns: {ImportColumns.join(', ')}. The first four are required; the
        owner's id goes in the column of its tenant type.
      </p>
      <div className="field">
        <label htmlFor="import-file">CSV file</label>
        <input id="import-file" name="file" type="file" accept=".csv,text/csv" aria-invalid={fileProblem ? true : undefined}
          aria-describedby={fileProblem ? 'import-file-problem' : undefined} />
        {fileProblem ? (
          <span id="import-file-problem" className="error-text">
            {fileProblem}
          </span>
        ) : null}
      </div>
      <label className="check">
        <input type="checkbox" name="atomic" /> All or nothing
      </label>
      <div className="actions">
        <button type="submit" disabled={send.isPending}>
          Import
        </button>
        <button type="button" onClick={onDone}>
          Close
        </button>
      </div>
      {send.error ? (
        <p role="alert" className="error-text">
          {send.error.message}
        </p>
      ) : null}
      {outcome ? <ImportResult outcome={outcome} /> : null}
    </form>
  );
}

/** The file's text (FileReader: what every browser, and the component tests' DOM, can read a file with). */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsText(file);
  });
}

function ImportResult({ outcome }: { outcome: ImportOutcome }) {
  return (
    <div className="import-result" role="status">
      <p data-testid="import-summary">
        {outcome.rolledBack
          ? `Nothing was created: ${new Set(outcome.problems.map((p) => p.row)).size} row(s) failed.`
          : `${outcome.created} created, ${new Set(outcome.problems.map((p) => p.row)).size} failed.`}
      </p>
      {outcome.problems.length > 0 ? (
        <table className="list" data-testid="import-errors">
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Field</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {outcome.problems.map((p, i) => (
              <tr key={i}>
                <td>{p.row}</td>
                <td data-label="Field">{p.field ?? '—'}</td>
                <td data-label="Problem">{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
