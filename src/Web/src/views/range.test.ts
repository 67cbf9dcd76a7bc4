import { describe, expect, it } from 'vitest';
import { formatDuration, periodProblem, rangeFrom } from './range';

describe('rangeFrom', () => {
  const now = new Date('2026-12-04T10:00:30Z');

  it('reads a preset back to whole minutes, so the cache key holds for a minute', () => {
    const range = rangeFrom(new URLSearchParams('range=6h'), now);
    expect(range).toEqual({ from: '2026-12-04T04:01:00.000Z', to: '2026-12-04T10:01:00.000Z', preset: '6h' });
  });

  it('defaults to 24 hours, also for an unknown preset', () => {
    expect(rangeFrom(new URLSearchParams(''), now).preset).toBe('24h');
    expect(rangeFrom(new URLSearchParams('range=1y'), now).preset).toBe('24h');
  });

  it('takes a custom range from the URL', () => {
    const range = rangeFrom(new URLSearchParams('range=custom&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z'), now);
    expect(range).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z', preset: 'custom' });
  });
});

describe('periodProblem', () => {
  it('refuses a period that ends before it starts or runs past the longest', () => {
    expect(periodProblem('2026-12-02T10:00', '2026-12-01T10:00')).toBe('To must be after From.');
    expect(periodProblem('2026-12-01T10:00', '2026-12-01T10:00')).toBe('To must be after From.');
    expect(periodProblem('2025-01-01T00:00', '2026-12-01T00:00', 367)).toBe('A period covers at most 367 days.');
    expect(periodProblem('2026-11-01T00:00', '2026-12-01T00:00', 367)).toBeNull();
    expect(periodProblem('', '2026-12-01T00:00')).toBeNull();
  });

  it('reads a preset of its own default', () => {
    expect(rangeFrom(new URLSearchParams(''), new Date('2026-12-04T10:00:00Z'), '7d').preset).toBe('7d');
  });
});

describe('formatDuration', () => {
  it('reads seconds as a person does', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(125 * 60)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400 + 4 * 3_600 + 59)).toBe('3 d 4 h');
    expect(formatDuration(null)).toBe('—');
  });
});
