import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { Schemas } from '../api/client';
import { Empty, ErrorState, Loading } from '../components/States';
import { useConsoleSettings, useNodeMap } from '../hooks/queries';
import { project, tilesFor, type Viewport } from './mapProjection';

type Pin = Schemas['MapPin'] & { lat: number; lng: number };

/** Cells of this many degrees gather their pins into one marker when the map is dense. */
const ClusterDegrees = 0.02;

/**
 * Every located node in scope, coloured by status and gathered into counted clusters where they crowd. The base is a
 * plain one drawn here, so the map works with no network; where the platform names a tile server (Console:MapTilesUrl)
 * its tiles are laid under the pins.
 */
export default function MapPage() {
  const map = useNodeMap();
  const settings = useConsoleSettings();
  const navigate = useNavigate();
  const pins = useMemo(() => (map.data ?? []).filter((p): p is Pin => typeof p.lat === 'number' && typeof p.lng === 'number'), [map.data]);
  const clusters = useMemo(() => cluster(pins), [pins]);
  if (map.isPending) return <Loading what="map" />;
  if (map.isError) return <ErrorState error={map.error} what="map" />;
  if (pins.length === 0) return <Empty>No node in your scope has a location.</Empty>;

  const width = 800;
  const height = 500;
  const view: Viewport = { width, height, ...bounds(pins) };
  const at = (lat: number, lng: number) => project(view, lat, lng);
  const tiles = settings.data?.mapTilesUrl ? tilesFor(view, settings.data.mapTilesUrl) : [];
  return (
    <section aria-labelledby="map-title">
      <h1 id="map-title">Map</h1>
      <svg className="map" viewBox={`0 0 ${width} ${height}`} role="group" aria-label={`${pins.length} located nodes`} data-testid="map">
        <rect width={width} height={height} className="map-base" />
        {tiles.map((tile) => (
          <image key={tile.href} href={tile.href} x={tile.x} y={tile.y} width={tile.size} height={tile.size} data-tile="" />
        ))}
        {clusters.map((c) =>
          c.pins.length === 1 ? (
            <a key={c.pins[0]!.id} href={`/nodes/${c.pins[0]!.id}`} data-node-id={c.pins[0]!.id} aria-label={`${c.pins[0]!.label}, ${c.pins[0]!.status}`}
              onClick={(e) => { e.preventDefault(); navigate(`/nodes/${c.pins[0]!.id}`); }}>
              <circle cx={at(c.lat, c.lng).x} cy={at(c.lat, c.lng).y} r={7} className={`pin ${c.pins[0]!.status}`} />
            </a>
          ) : (
            <g key={`${c.lat},${c.lng}`} aria-label={`${c.pins.length} nodes`} data-cluster={c.pins.map((p) => p.id).join(' ')}>
              <circle cx={at(c.lat, c.lng).x} cy={at(c.lat, c.lng).y} r={12} className="pin cluster" />
              <text x={at(c.lat, c.lng).x} y={at(c.lat, c.lng).y + 4} textAnchor="middle" className="cluster-count">{c.pins.length}</text>
            </g>
          ),
        )}
      </svg>
      <ul className="legend">
        {pins.map((p) => (
          <li key={p.id}>
            <Link to={`/nodes/${p.id}`}>{p.label}</Link> <span className={`dot ${p.status}`} /> {p.status}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The area the pins span, with a margin of a tenth of the span on every side (at least ~1 km), so the outermost pins
 * and clusters are drawn whole, not cut by the map's edge, at a city's scale and a country's alike.
 */
export function bounds(pins: Pin[]) {
  const lats = pins.map((p) => p.lat);
  const lngs = pins.map((p) => p.lng);
  const padLat = Math.max(0.01, (Math.max(...lats) - Math.min(...lats)) / 10);
  const padLng = Math.max(0.01, (Math.max(...lngs) - Math.min(...lngs)) / 10);
  return {
    west: Math.min(...lngs) - padLng,
    east: Math.max(...lngs) + padLng,
    south: Math.min(...lats) - padLat,
    north: Math.max(...lats) + padLat,
  };
}

export function cluster(pins: Pin[]): { lat: number; lng: number; pins: Pin[] }[] {
  const cells = new Map<string, Pin[]>();
  for (const pin of pins) {
    const key = `${Math.floor(pin.lat / ClusterDegrees)}:${Math.floor(pin.lng / ClusterDegrees)}`;
    cells.set(key, [...(cells.get(key) ?? []), pin]);
  }

  return [...cells.values()].map((members) => ({
    lat: members.reduce((sum, p) => sum + p.lat, 0) / members.length,
    lng: members.reduce((sum, p) => sum + p.lng, 0) / members.length,
    pins: members,
  }));
}
