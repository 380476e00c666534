// Filter: one replica's hourly price at the site must not exceed the request's maxPricePerHour.
import { NODE_MIXED } from '../stage.js';
import type { Filter } from '../stage.js';
import { pricePerHour, round } from '../defaults.js';
import type { Amounts } from '../types.js';

interface State {
  max: number;
  req: Amounts;
}

export const maxPriceFilter: Filter<State> = {
  stage: 'filter',
  name: 'price',
  order: 100,
  description: "One replica's hourly price at the site must not exceed maxPricePerHour.",
  reads: { request: ['resources', 'requirements.maxPricePerHour'], site: ['pricing'] },
  prepare: (_ctx, plan) => {
    const max = plan.component.requirements.maxPricePerHour;
    return max === undefined ? null : { max, req: plan.req };
  },
  site: (site, s) => (pricePerHour(site.pricing, s.req) > s.max ? 1 : 0),
  node: (node, s) => {
    const floor = pricePerHour(
      {
        currency: '',
        cpuHour: node.minCpuHour,
        memoryGiBHour: node.minMemoryGiBHour,
        gpuHour: node.minGpuHour,
        storageGiBHour: node.minStorageGiBHour,
      },
      s.req,
    );
    return floor > s.max ? 1 : NODE_MIXED;
  },
  describe: (_code, n, s) => `${n} charge more than ${round(s.max, 6)}/h for one replica`,
};
