import { describe, expect, it } from 'vitest';
import { rangeFrom } from './range';

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
