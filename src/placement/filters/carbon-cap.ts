// Filter: the site's effective carbon intensity (grid × PUE) must not exceed the request's maximum.
import { NODE_MIXED, NODE_PASS } from '../context.js';
import type { Filter } from '../context.js';

export const carbonCapFilter: Filter<number> = {
  name: 'carbon',
  prepare: (_ctx, plan) => plan.component.requirements.maxCarbonIntensity ?? null,
  site: (site, max) => (site.carbonIntensity > max ? 1 : 0),
  node: (node, max) => (node.minCarbon > max ? 1 : node.maxCarbon <= max ? NODE_PASS : NODE_MIXED),
  describe: (_code, n, max) => `${n} above ${max} gCO2/kWh (grid intensity × PUE)`,
};
