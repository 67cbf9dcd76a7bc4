import { ApiError } from '../api/client';

/** Someone saved the resource after the form read it (409 CONCURRENCY_CONFLICT). */
export function isVersionConflict(error: unknown): boolean {
  return error instanceof ApiError && error.isConflict && error.errors[0]?.code === 'CONCURRENCY_CONFLICT';
}

/**
 * The end of an edit form: what the save answered that no field shows (someone saved first: said so, with what they
 * changed where the form knows it and a reload of their version that keeps the input; any other refusal: its message), then Save and Cancel.
 */
export function FormFooter({ what, error, pending, reloaded, onReload, onCancel, changes = [] }: {
  what: string;
  /** What they changed, one line per field, once known. */
  changes?: string[];
  error: unknown;
  pending: boolean;
  reloaded: boolean;
  onReload: () => void;
  onCancel: () => void;
}) {
  const onAField = error instanceof ApiError && error.errors.some((e) => e.field);
  return (
    <>
      {isVersionConflict(error) ? (
        <div role="alert" className="error-text">
          <p>Someone changed this {what} after you opened it. Your input is still here.</p>
          {changes.length > 0 ? (
            <ul aria-label="What they changed">
              {changes.map((change) => (
                <li key={change}>{change}</li>
              ))}
            </ul>
          ) : null}
          <button type="button" onClick={onReload}>
            Load their version and keep my input
          </button>
        </div>
      ) : error instanceof Error && !onAField ? (
        <p role="alert" className="error-text">
          {error.message}
        </p>
      ) : null}
      {reloaded && !error ? <p role="status">Their version is loaded; saving now replaces it with your input.</p> : null}
      <div className="actions">
        <button type="submit" disabled={pending}>
          Save
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
