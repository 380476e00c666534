// Filter: every latency bound of the group (from each user area its replicas serve) must hold at the site.
import { NODE_MIXED, NODE_PASS } from '../stage.js';
import type { ResolvedBound } from '../context.js';
import type { Filter } from '../stage.js';
import { latencyLowerBound, latencyUpperBound } from '../geo-bounds.js';

/** Reason code i+1 means bound i of the group failed. */
export const latencyFilter: Filter<readonly ResolvedBound[]> = {
  stage: 'filter',
  name: 'latency',
  order: 60,
  description: "Every latency bound of the replica's group must hold from its user area to the site.",
  reads: { request: ['groups'], site: [], context: ['latency'] },
  prepare: (_ctx, plan) => (plan.latencyBounds.length > 0 ? plan.latencyBounds : null),
  site: (site, bounds, ctx) => {
    for (let i = 0; i < bounds.length; i++) {
      const b = bounds[i];
      if (!b.area || ctx.snapshot.latencyMs(b.area, site) > b.maxMs) return i + 1;
    }
    return 0;
  },
  node: (node, bounds, ctx) => {
    let all = true;
    for (let i = 0; i < bounds.length; i++) {
      const b = bounds[i];
      if (!b.area || latencyLowerBound(ctx.snapshot, node, b.area) > b.maxMs) return i + 1;
      if (latencyUpperBound(ctx.snapshot, node, b.area) > b.maxMs) all = false;
    }
    return all ? NODE_PASS : NODE_MIXED;
  },
  describe: (code, n, bounds) => {
    const b = bounds[code - 1];
    return b.area
      ? `${n} over ${b.maxMs} ms from ${b.area.label}`
      : `${n} rejected: user area ${b.areaName} is unknown`;
  },
};
