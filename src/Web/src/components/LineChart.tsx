import { useMemo } from 'react';

export interface ChartPoint {
  t: number;
  v: number;
}

/** A span of time marked on the chart (an alert from raised to resolved; `to` null: still open). */
export interface ChartMark {
  from: number;
  to: number | null;
  label: string;
}

/**
 * Draws the points as one SVG path (a few thousand points stay one DOM node); gaps in the data stay gaps. Marks are
 * shaded behind the line, each with its label as a tooltip.
 */
export function LineChart({ points, label, unit, marks = [] }: { points: ChartPoint[]; label: string; unit?: string | undefined; marks?: ChartMark[] }) {
  const width = 800;
  const height = 220;
  const pad = 36;
  const path = useMemo(() => toPath(points, width, height, pad), [points]);
  if (points.length === 0) return <p className="state empty">No {label} in this range.</p>;
  const values = points.map((p) => p.v);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: ${points.length} points from ${fmt(min)} to ${fmt(max)}${unit ? ` ${unit}` : ''}`}
        data-points={points.length}>
        <line x1={pad} y1={height - pad} x2={width - pad} y2={height - pad} className="axis" />
        <line x1={pad} y1={pad} x2={pad} y2={height - pad} className="axis" />
        <text x={4} y={pad} className="tick">{fmt(max)}</text>
        <text x={4} y={height - pad} className="tick">{fmt(min)}</text>
        <text x={pad} y={height - 8} className="tick">{new Date(points[0]!.t).toLocaleString()}</text>
        <text x={width - pad} y={height - 8} className="tick" textAnchor="end">{new Date(points[points.length - 1]!.t).toLocaleString()}</text>
        {marks.length > 0 ? (
          <g aria-label={`${marks.length} marked`}>
            {marks.map((mark) => {
              const [x1, x2] = markSpan(points, mark, width, pad);
              return (
                <rect key={`${mark.from}-${mark.label}`} className="mark" x={x1.toFixed(1)} y={pad} width={Math.max(x2 - x1, 2).toFixed(1)} height={height - 2 * pad}>
                  <title>{mark.label}</title>
                </rect>
              );
            })}
          </g>
        ) : null}
        <path d={path} className="line" />
      </svg>
      <figcaption>
        {label}
        {unit ? ` (${unit})` : ''}
      </figcaption>
    </figure>
  );
}

function fmt(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** A mark's left and right edge in the box, clamped to the points' time range. */
export function markSpan(points: ChartPoint[], mark: ChartMark, width: number, pad: number): [number, number] {
  const tMin = points[0]?.t ?? 0;
  const tMax = points[points.length - 1]?.t ?? 0;
  const x = (t: number) => pad + ((Math.min(Math.max(t, tMin), tMax) - tMin) / (tMax - tMin || 1)) * (width - 2 * pad);
  return [x(mark.from), x(mark.to ?? tMax)];
}

/** Scales the points into the box, breaking the line where consecutive points are far apart in time. */
export function toPath(points: ChartPoint[], width: number, height: number, pad: number): string {
  if (points.length === 0) return '';
  let tMin = Infinity, tMax = -Infinity, vMin = Infinity, vMax = -Infinity;
  for (const p of points) {
    tMin = Math.min(tMin, p.t); tMax = Math.max(tMax, p.t); vMin = Math.min(vMin, p.v); vMax = Math.max(vMax, p.v);
  }
  const tSpan = tMax - tMin || 1;
  const vSpan = vMax - vMin || 1;
  const gap = (tSpan / Math.max(points.length, 1)) * 10;
  const parts: string[] = [];
  let previous: number | null = null;
  for (const p of points) {
    const x = pad + ((p.t - tMin) / tSpan) * (width - 2 * pad);
    const y = height - pad - ((p.v - vMin) / vSpan) * (height - 2 * pad);
    parts.push(`${previous === null || p.t - previous > gap ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`);
    previous = p.t;
  }
  return parts.join('');
}
