/** One bar: what it counts and how many. */
export interface Bar {
  label: string;
  value: number;
}

/**
 * Counts as horizontal bars, longest = the largest count, each with its number written beside it (the chart is read
 * as text too: a screen reader hears the figure's summary, then each bar). "No data" is said as such.
 */
export function BarChart({ title, bars }: { title: string; bars: readonly Bar[] }) {
  const largest = Math.max(0, ...bars.map((b) => b.value));
  return (
    <figure className="bars">
      <figcaption>{title}</figcaption>
      {largest === 0 ? (
        <p className="state empty">None in this period.</p>
      ) : (
        <ul aria-label={title}>
          {bars.map((bar) => (
            <li key={bar.label} data-bar={bar.label} data-value={bar.value}>
              <span className="bar-label">{bar.label}</span>
              <span className="bar-track" aria-hidden="true">
                <span className={`bar-fill ${bar.label}`} style={{ width: `${(bar.value / largest) * 100}%` }} />
              </span>
              <span className="bar-value">{bar.value.toLocaleString('en-US')}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
