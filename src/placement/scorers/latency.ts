// Scorer: closeness to users — 100 at 0 ms, 50 at 20 ms — for the group's area, else its worst latency-bound area.
import type { Scorer } from '../stage.js';
import { latencyLowerBound } from '../geo-bounds.js';
import type { SnapshotArea } from '../types.js';

/** Round-trip time that scores 50. */
export const LATENCY_HALF_SCORE_MS = 20;

export const latencyScore = (ms: number): number =>
  (100 * LATENCY_HALF_SCORE_MS) / (LATENCY_HALF_SCORE_MS + Math.max(0, ms));

export const latencyScorer: Scorer<readonly SnapshotArea[]> = {
  stage: 'scorer',
  name: 'latency',
  order: 10,
  defaultWeight: 40,
  description:
    "Closeness to users: 100 at 0 ms, 50 at 20 ms round trip from the group's area (else its worst latency-bound area).",
  reads: { request: ['groups'], site: [], context: ['latency'] },
  prepare: (_ctx, plan) => {
    if (plan.area) return [plan.area];
    const areas = plan.latencyBounds.flatMap((b) => (b.area ? [b.area] : []));
    return areas.length > 0 ? areas : null;
  },
  score: (site, areas, ctx) => {
    let worst = 0;
    for (const a of areas) worst = Math.max(worst, ctx.snapshot.latencyMs(a, site));
    return latencyScore(worst);
  },
  bound: (node, areas, ctx) => {
    let worst = 0;
    for (const a of areas) worst = Math.max(worst, latencyLowerBound(ctx.snapshot, node, a));
    return latencyScore(worst);
  },
};
