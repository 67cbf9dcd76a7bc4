import { describe, expect, it } from 'vitest';
import { project, tilesFor, type Viewport } from './mapProjection';

const hyderabad: Viewport = { width: 800, height: 500, west: 78.3, east: 78.5, south: 17.35, north: 17.5 };

describe('project', () => {
  it('fits the area inside the view, north up', () => {
    const northWest = project(hyderabad, hyderabad.north, hyderabad.west);
    const southEast = project(hyderabad, hyderabad.south, hyderabad.east);
    for (const p of [northWest, southEast]) {
      expect(p.x).toBeGreaterThanOrEqual(-0.5);
      expect(p.x).toBeLessThanOrEqual(800.5);
      expect(p.y).toBeGreaterThanOrEqual(-0.5);
      expect(p.y).toBeLessThanOrEqual(500.5);
    }

    expect(northWest.y).toBeLessThan(southEast.y);
    expect(northWest.x).toBeLessThan(southEast.x);
  });
});

describe('tilesFor', () => {
  it('asks the template for the tiles covering the view at a city zoom', () => {
    const tiles = tilesFor(hyderabad, 'https://tiles.example/{z}/{x}/{y}.png');
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.length).toBeLessThan(30);
    const zooms = new Set(tiles.map((t) => Number(/\/(\d+)\/\d+\/\d+\.png$/.exec(t.href)![1])));
    expect([...zooms]).toHaveLength(1);
    expect([...zooms][0]).toBeGreaterThanOrEqual(9);
    expect(tiles.every((t) => t.x < 800 && t.y < 500 && t.x + t.size > 0 && t.y + t.size > 0)).toBe(true);
  });
});
