import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LineChart, markSpan, toPath } from './LineChart';

describe('toPath', () => {
  it('moves rather than draws across a gap ten times the average spacing', () => {
    const points = [...Array.from({ length: 10 }, (_, i) => ({ t: i, v: i % 3 })), { t: 1000, v: 3 }];
    const path = toPath(points, 100, 100, 0);
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path.match(/L/g)).toHaveLength(9);
  });

  it('draws a flat series in the middle band without dividing by zero', () => {
    expect(toPath([{ t: 0, v: 5 }, { t: 1, v: 5 }], 100, 100, 0)).not.toContain('NaN');
  });
});

describe('LineChart', () => {
  it('draws 5,000 points as one path', () => {
    const points = Array.from({ length: 5000 }, (_, i) => ({ t: i * 60_000, v: Math.sin(i / 50) }));
    const { container } = render(<LineChart points={points} label="level" unit="cm" />);
    expect(container.querySelectorAll('path')).toHaveLength(1);
    expect(container.querySelector('svg')?.getAttribute('data-points')).toBe('5000');
  });

  it('says there is no data rather than drawing an empty box', () => {
    const { getByText } = render(<LineChart points={[]} label="level" />);
    expect(getByText('No level in this range.')).toBeTruthy();
  });
});

describe('alert marks', () => {
  const points = Array.from({ length: 11 }, (_, i) => ({ t: i * 1000, v: i }));

  it('spans from raised to resolved, an open one to the end, clamped to the data', () => {
    expect(markSpan(points, { from: 2000, to: 4000, label: '' }, 100, 0)).toEqual([20, 40]);
    expect(markSpan(points, { from: 9000, to: null, label: '' }, 100, 0)).toEqual([90, 100]);
    expect(markSpan(points, { from: -5000, to: 50_000, label: '' }, 100, 0)).toEqual([0, 100]);
  });

  it('shades each behind the line with its label', () => {
    const { container } = render(<LineChart points={points} label="level" marks={[{ from: 2000, to: 4000, label: 'low at 2' }, { from: 9000, to: null, label: 'open' }]} />);
    expect([...container.querySelectorAll('rect.mark')].map((r) => r.textContent)).toEqual(['low at 2', 'open']);
  });
});
