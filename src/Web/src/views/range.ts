/** The chart's time range presets, and how a range is kept in the URL (preset, or custom from/to). */
export const Presets: Record<string, number> = { '6h': 6, '24h': 24, '7d': 24 * 7, '30d': 24 * 30, '90d': 24 * 90 };

export const Resolutions = ['auto', 'raw', 'hour', 'day'] as const;

export function rangeFrom(params: URLSearchParams, now: Date = new Date()): { from: string; to: string; preset: string } {
  const preset = params.get('range') ?? '24h';
  if (preset === 'custom') {
    const from = Date.parse(params.get('from') ?? '');
    const to = Date.parse(params.get('to') ?? '');
    if (Number.isFinite(from) && Number.isFinite(to)) return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), preset };
  }

  const known = Object.hasOwn(Presets, preset);
  const hours = known ? Presets[preset]! : 24;
  // Whole minutes, so the query key stays the same for a minute and the cache can serve it.
  const end = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
  return { from: new Date(end.getTime() - hours * 3_600_000).toISOString(), to: end.toISOString(), preset: known ? preset : '24h' };
}
