import { periodProblem } from './range';

/** One line of an audit record's detail: a field and its value before and after (a create has no before, a delete no after). */
export interface AuditLine {
  field: string;
  before?: string;
  after?: string;
}

/** What an audit record says happened, in lines a person reads. */
export interface AuditSummary {
  kind: 'changed' | 'created' | 'deleted' | 'details';
  lines: AuditLine[];
}

/**
 * An audit record's metadata (the JSON the platform stores) as lines: an update's changed fields before → after, a
 * create's or a delete's state, and anything else the record carries (an operation's name, say) as it is.
 */
export function summarise(metadata: string): AuditSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata);
  } catch {
    return { kind: 'details', lines: [{ field: 'metadata', after: metadata }] };
  }

  if (!isRecord(parsed)) return { kind: 'details', lines: [{ field: 'metadata', after: text(parsed) }] };
  const { changes, created, deleted, ...rest } = parsed;
  const details = Object.entries(rest).map(([field, value]) => ({ field, after: text(value) }));
  if (isRecord(changes)) {
    return {
      kind: 'changed',
      lines: [
        ...Object.entries(changes).map(([field, change]) =>
          isRecord(change) && ('from' in change || 'to' in change) ? { field, before: text(change.from), after: text(change.to) } : { field, after: text(change) },
        ),
        ...details,
      ],
    };
  }

  if (isRecord(created)) return { kind: 'created', lines: [...Object.entries(created).map(([field, value]) => ({ field, after: text(value) })), ...details] };
  if (isRecord(deleted)) return { kind: 'deleted', lines: [...Object.entries(deleted).map(([field, value]) => ({ field, before: text(value) })), ...details] };
  return { kind: 'details', lines: details };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON value as text: strings as they are, nothing as empty, an object as its set entries, the rest as compact JSON. */
function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (isRecord(value)) {
    return Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${k}=${text(v)}`)
      .join(', ');
  }

  return JSON.stringify(value);
}

/** The filter form's values, checked as the API will check them, so the message can stand on its field before any request. */
export interface AuditFilterInput {
  userId: string;
  from: string;
  to: string;
}

const Uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The first problem per field (`user_id`, `to`), named as the API names its fields; empty when the filters are fine. */
export function checkAuditFilters(input: AuditFilterInput): Record<string, string> {
  const problems: Record<string, string> = {};
  if (input.userId && !Uuid.test(input.userId.trim())) problems.user_id = 'A user id looks like 0192f000-0000-7000-8000-000000000001.';
  const period = periodProblem(input.from, input.to);
  if (period) problems.to = period;
  return problems;
}
