// Geometric bounds on area→site latency over an index cell, valid for the snapshot's declared latency kind.
import { ACCESS_RTT_MS, FIBRE_KM_PER_MS, greatCircleKm, ROUTE_FACTOR } from '../topology/latency.js';
import type { IndexNode } from './site-index.js';
import type { Snapshot, SnapshotArea } from './types.js';

/** Slack that absorbs floating-point differences between a bound and the exact per-site value. */
const SLACK_KM = 1e-6;
const SLACK_MS = 1e-9;

/** Great-circle distance range from `area` to any site in `node` (triangle inequality on the ball). */
export function distanceRangeKm(node: IndexNode, area: SnapshotArea): [number, number] {
  const d = greatCircleKm(area, node);
  return [Math.max(0, d - node.radiusKm - SLACK_KM), d + node.radiusKm + SLACK_KM];
}

/** No site in `node` has a lower latency from `area` than this. */
export function latencyLowerBound(snapshot: Snapshot, node: IndexNode, area: SnapshotArea): number {
  if (snapshot.latencyBound === 'none') return 0;
  const [lo] = distanceRangeKm(node, area);
  if (snapshot.latencyBound === 'physics') return Math.max(0, (2 * lo) / FIBRE_KM_PER_MS - SLACK_MS);
  const category = snapshot.index.roots[node.root].category;
  return Math.max(0, (2 * lo * ROUTE_FACTOR) / FIBRE_KM_PER_MS + ACCESS_RTT_MS[category] - SLACK_MS);
}

/** No site in `node` has a higher latency from `area` than this (Infinity unless latency is the model). */
export function latencyUpperBound(snapshot: Snapshot, node: IndexNode, area: SnapshotArea): number {
  if (snapshot.latencyBound !== 'model') return Infinity;
  const [, hi] = distanceRangeKm(node, area);
  const category = snapshot.index.roots[node.root].category;
  return (2 * hi * ROUTE_FACTOR) / FIBRE_KM_PER_MS + ACCESS_RTT_MS[category] + SLACK_MS;
}
