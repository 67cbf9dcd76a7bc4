/** The chart's time range presets, and how a range is kept in the URL (preset, or custom from/to). */
export const Presets: Record<string, number> = { '6h': 6, '24h': 24, '7d': 24 * 7, '30d': 24 * 30, '90d': 24 * 90 };

export const Resolutions = ['auto', 'raw', 'hour', 'day'] as const;

export function rangeFrom(params: URLSearchParams, now: Date = new Date(), fallback = '24h'): { from: string; to: string; preset: string } {
  const preset = params.get('range') ?? fallback;
  if (preset === 'custom') {
    const from = Date.parse(params.get('from') ?? '');
    const to = Date.parse(params.get('to') ?? '');
    if (Number.isFinite(from) && Number.isFinite(to)) return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), preset };
  }

  const known = Object.hasOwn(Presets, preset);
  const hours = Presets[known ? preset : fallback] ?? 24;
  // Whole minutes, so the query key stays the same for a minute and the cache can serve it.
  const end = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
  return { from: new Date(end.getTime() - hours * 3_600_000).toISOString(), to: end.toISOString(), preset: known ? preset : fallback };
}

/** What is wrong with a period the user typed (datetime-local values), or null: the API refuses the same. */
export function periodProblem(from: string, to: string, maxDays?: number): string | null {
  if (!from || !to) return null;
  const span = new Date(to).getTime() - new Date(from).getTime();
  if (!(span > 0)) return 'To must be after From.';
  if (maxDays !== undefined && span > maxDays * 86_400_000) return `A period covers at most ${maxDays} days.`;
  return null;
}

/** Seconds as a person reads a duration: "2 h 5 min", "45 s", "3 d 4 h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const [days, hours, minutes] = [Math.floor(whole / 86_400), Math.floor((whole % 86_400) / 3_600), Math.floor((whole % 3_600) / 60)];
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}
