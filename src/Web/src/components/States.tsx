import { useState } from 'react';
import { ApiError } from '../api/client';

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** "No data" is not an error: the request worked and there is nothing to show. */
export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="state empty">{children}</p>;
}

/** An error as the API stated it, with the request id to quote (copyable); a 404 reads as "not found". */
export function ErrorState({ error, what }: { error: unknown; what: string }) {
  const [copied, setCopied] = useState(false);
  if (error instanceof ApiError && error.isNotFound) {
    return (
      <div className="state error" role="alert">
        <h2>Not found</h2>
        <p>This {what} does not exist, or it is not yours to see.</p>
      </div>
    );
  }

  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <div className="state error" role="alert">
      <p>
        Could not load the {what}: {error instanceof Error ? error.message : 'unknown error'}
      </p>
      {requestId ? (
        <p>
          Request id <code>{requestId}</code>{' '}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(requestId).then(() => setCopied(true))}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        </p>
      ) : null}
    </div>
  );
}

/** A view the caller's role does not include (a direct URL to it): said plainly, nothing fetched. */
export function NotAllowed({ what }: { what: string }) {
  return (
    <div className="state error" role="alert">
      <h2>Not allowed</h2>
      <p>Your role does not include the {what}.</p>
    </div>
  );
}

const statusClass: Record<string, string> = {
  Online: 'ok',
  Offline: 'muted',
  Alert: 'bad',
  Maintenance: 'warn',
  Provisioning: 'muted',
  critical: 'bad',
  warning: 'warn',
  info: 'muted',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${statusClass[status] ?? 'muted'}`}>{status}</span>;
}

export function formatTime(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleString() : '—';
}

/** A measured value as a person reads it: at most three decimals, so a stored real's 329.70001220703125 reads 329.7. */
export function formatReading(value: number): string {
  return value.toLocaleString(undefined, { maximumFractionDigits: 3, useGrouping: false });
}
