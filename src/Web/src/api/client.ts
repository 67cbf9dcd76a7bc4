import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** An error as the API's envelope states it: what went wrong, on which field, and the request to quote. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: Schemas['ErrorDetail'][],
    readonly requestId: string | null,
  ) {
    super(errors[0]?.message ?? `The request failed (HTTP ${status}).`);
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  get isConflict(): boolean {
    return this.status === 409;
  }
}

interface Session {
  token: () => string | null;
  onUnauthorized: () => void;
}

let session: Session = { token: () => null, onUnauthorized: () => undefined };

/** The auth provider plugs the in-memory token in here; nothing else holds it. */
export function bindSession(next: Session): void {
  session = next;
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) session.onUnauthorized();
    return response;
  },
};

/** The typed client of the platform's API, generated from its OpenAPI document (same origin). */
export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

interface Enveloped<T> {
  data?: { data?: T | null; meta?: Schemas['ResponseMeta'] } | undefined;
  error?: unknown;
  response: Response;
}

/** The envelope's data, or an {@link ApiError} carrying its errors and request id. */
export async function unwrap<T>(call: Promise<Enveloped<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) {
    const envelope = (error ?? {}) as { errors?: Schemas['ErrorDetail'][] | null; meta?: { requestId?: string } };
    throw new ApiError(response.status, envelope.errors ?? [], envelope.meta?.requestId ?? response.headers.get('x-request-id'));
  }

  return data?.data as T;
}

/** The envelope's data with its page metadata (cursor or totals). */
export async function unwrapPage<T>(call: Promise<Enveloped<T>>): Promise<{ items: T; pagination: Schemas['PaginationMeta'] | null }> {
  const result = await call;
  const items = await unwrap(Promise.resolve(result));
  const pagination = result.data?.meta?.pagination;
  return { items, pagination: pagination && typeof pagination === 'object' ? (pagination as Schemas['PaginationMeta']) : null };
}

/** The most a choice list loads; a fleet larger than this needs a search, not a longer list. */
export const MaxChoices = 5000;

/**
 * Every page of a list, for the pickers that offer all of a caller's nodes or tenants (one page holds 100 at most):
 * pages are read in turn until the last, or until {@link MaxChoices} items.
 */
export async function unwrapAll<T>(readPage: (page: number) => Promise<Enveloped<T[]>>): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const { items: batch, pagination } = await unwrapPage(readPage(page));
    items.push(...(batch ?? []));
    const last = pagination?.totalPages ?? 1;
    if (page >= last || items.length >= MaxChoices || (batch ?? []).length === 0) return items.slice(0, MaxChoices);
  }
}
