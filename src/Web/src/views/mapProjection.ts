/** The map's view: its size in pixels and the area it shows, in degrees. */
export interface Viewport {
  width: number;
  height: number;
  west: number;
  east: number;
  south: number;
  north: number;
}

const TileSize = 256;

/** Web Mercator world pixels at zoom 0 (256 wide), as tile servers cut them. */
function world(lat: number, lng: number): { x: number; y: number } {
  const sin = Math.sin((lat * Math.PI) / 180);
  return { x: ((lng + 180) / 360) * TileSize, y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * TileSize };
}

/** The view's scale: the largest that fits its area, and the origin it is drawn from. */
function frame(view: Viewport) {
  const a = world(view.north, view.west);
  const b = world(view.south, view.east);
  const scale = Math.min(view.width / Math.max(b.x - a.x, 1e-9), view.height / Math.max(b.y - a.y, 1e-9));
  const cx = (a.x + b.x) / 2;
  const cy = (a.y + b.y) / 2;
  return { scale, left: cx - view.width / 2 / scale, top: cy - view.height / 2 / scale };
}

/** Where a point falls in the view, in pixels (Web Mercator, so tiles and pins agree). */
export function project(view: Viewport, lat: number, lng: number): { x: number; y: number } {
  const { scale, left, top } = frame(view);
  const p = world(lat, lng);
  return { x: (p.x - left) * scale, y: (p.y - top) * scale };
}

/** The tiles that cover the view at the zoom nearest its scale, each with where it is drawn. */
export function tilesFor(view: Viewport, template: string): { href: string; x: number; y: number; size: number }[] {
  const { scale, left, top } = frame(view);
  const zoom = Math.max(0, Math.min(19, Math.round(Math.log2(scale))));
  const tile = TileSize / 2 ** zoom;
  const size = tile * scale;
  const count = 2 ** zoom;
  const tiles = [];
  for (let tx = Math.floor(left / tile); tx <= Math.floor((left + view.width / scale) / tile); tx++) {
    for (let ty = Math.max(0, Math.floor(top / tile)); ty <= Math.min(count - 1, Math.floor((top + view.height / scale) / tile)); ty++) {
      const wrapped = ((tx % count) + count) % count;
      tiles.push({
        href: template.replace('{z}', String(zoom)).replace('{x}', String(wrapped)).replace('{y}', String(ty)),
        x: (tx * tile - left) * scale,
        y: (ty * tile - top) * scale,
        size,
      });
    }
  }

  return tiles;
}
