// Latency model used until agents measure real round-trip times: fibre distance plus access latency.
import type { Category } from '../model/index.js';

/** Mean Earth radius in km. */
const EARTH_RADIUS_KM = 6371.0088;
/** Light in fibre covers about 200 km per millisecond. */
export const FIBRE_KM_PER_MS = 200;
/** Fibre routes are longer than the great circle; 1.5 is a common planning factor. */
export const ROUTE_FACTOR = 1.5;

/**
 * Extra round-trip time added by the last mile and the site's own network, per category.
 * Chosen so that each category meets its ICRA latency class for nearby users
 * (near-premise <= 1 ms, far-edge <= 5 ms, near-edge <= 10 ms, metro-edge <= 20 ms).
 */
export const ACCESS_RTT_MS: Record<Category, number> = {
  'near-premise': 0.5,
  'far-edge': 2,
  'near-edge': 4,
  'metro-edge': 6,
  cloud: 10,
};

export interface LatLon {
  latitude: number;
  longitude: number;
}

/** Great-circle distance in km (haversine). */
export function greatCircleKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Modelled round-trip time in ms between users at `user` and a site of `category` at `site`. */
export function modelRttMs(user: LatLon, site: LatLon, category: Category): number {
  const km = greatCircleKm(user, site);
  return (2 * km * ROUTE_FACTOR) / FIBRE_KM_PER_MS + ACCESS_RTT_MS[category];
}
