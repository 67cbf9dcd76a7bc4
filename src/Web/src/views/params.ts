import { useSearchParams } from 'react-router-dom';

/**
 * A list's filters live in the URL: the current ones, a way to change them (which starts the list again from its
 * first page), and a way to follow a cursor to the next page.
 */
export function useUrlFilters() {
  const [params, setParams] = useSearchParams();
  const filter = (change: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    next.delete('cursor');
    setParams(next);
  };
  const page = (cursor: string | null) => {
    const next = new URLSearchParams(params);
    if (cursor) next.set('cursor', cursor);
    else next.delete('cursor');
    setParams(next);
  };
  return { params, filter, page };
}

/** Adds a value to a repeated query parameter (status=Online&status=Alert), or takes it out; the others stay. */
export function toggle(params: URLSearchParams, name: string, value: string): void {
  const values = params.getAll(name);
  params.delete(name);
  for (const v of values.includes(value) ? values.filter((x) => x !== value) : [...values, value]) params.append(name, v);
}

/** An ISO instant as a datetime-local input's value, in the browser's zone. */
export function local(iso: string): string {
  const at = new Date(iso);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
