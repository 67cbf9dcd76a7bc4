import { describe, expect, it } from 'vitest';
import { cluster } from './MapPage';

const pin = (id: string, lat: number, lng: number) => ({ id, label: id, status: 'Online', lat, lng });

describe('cluster', () => {
  it('gathers nearby pins into one counted marker and leaves distant ones alone', () => {
    const groups = cluster([pin('a', 17.44, 78.35), pin('b', 17.4401, 78.3501), pin('c', 12.97, 77.59)]);
    expect(groups.map((g) => g.pins.map((p) => p.id).sort())).toEqual([['a', 'b'], ['c']]);
  });
});
