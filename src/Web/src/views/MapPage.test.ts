import { describe, expect, it } from 'vitest';
import { bounds, cluster } from './MapPage';
import { project } from './mapProjection';

const pin = (id: string, lat: number, lng: number) => ({ id, label: id, status: 'Online', lat, lng });

describe('cluster', () => {
  it('gathers nearby pins into one counted marker and leaves distant ones alone', () => {
    const groups = cluster([pin('a', 17.44, 78.35), pin('b', 17.4401, 78.3501), pin('c', 12.97, 77.59)]);
    expect(groups.map((g) => g.pins.map((p) => p.id).sort())).toEqual([['a', 'b'], ['c']]);
  });
});

describe('bounds', () => {
  it('keeps every pin a cluster marker away from the edge, two cities apart or one street', () => {
    const fleets = [
      [pin('hyderabad', 17.5, 78.3), pin('bengaluru', 12.84, 77.66), pin('kompally', 17.54, 78.48)],
      [pin('a', 17.44, 78.35), pin('b', 17.441, 78.352)],
    ];
    for (const pins of fleets) {
      const view = { width: 800, height: 500, ...bounds(pins) };
      for (const p of pins) {
        const { x, y } = project(view, p.lat, p.lng);
        expect(Math.min(x, 800 - x, y, 500 - y)).toBeGreaterThanOrEqual(12);
      }
    }
  });
});
