/** Adds a value to a repeated query parameter (status=Online&status=Alert), or takes it out; the others stay. */
export function toggle(params: URLSearchParams, name: string, value: string): void {
  const values = params.getAll(name);
  params.delete(name);
  for (const v of values.includes(value) ? values.filter((x) => x !== value) : [...values, value]) params.append(name, v);
}
