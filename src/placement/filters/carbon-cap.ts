// Filter: the site's effective carbon intensity (grid × PUE) must not exceed the request's maximum.
import { NODE_MIXED, NODE_PASS } from '../stage.js';
import type { Filter } from '../stage.js';

export const carbonCapFilter: Filter<number> = {
  stage: 'filter',
  name: 'carbon',
  order: 40,
  description: "The site's grid carbon intensity × PUE must not exceed maxCarbonIntensity.",
  reads: { request: ['requirements.maxCarbonIntensity'], site: ['carbonIntensity'] },
  prepare: (_ctx, plan) => plan.component.requirements.maxCarbonIntensity ?? null,
  site: (site, max) => (site.carbonIntensity > max ? 1 : 0),
  node: (node, max) => (node.minCarbon > max ? 1 : node.maxCarbon <= max ? NODE_PASS : NODE_MIXED),
  describe: (_code, n, max) => `${n} above ${max} gCO2/kWh (grid intensity × PUE)`,
};
