// The pipeline: filters in the order they run (a site's rejection is counted under the first that fails) and the scorers.
import type { Filter, Scorer } from './context.js';
import { carbonCapFilter } from './filters/carbon-cap.js';
import { categoryFilter } from './filters/category.js';
import { dataLocalityFilter } from './filters/data-locality.js';
import { jurisdictionFilter } from './filters/jurisdiction.js';
import { latencyFilter } from './filters/latency.js';
import { maxPriceFilter } from './filters/max-price.js';
import { pinnedFilter } from './filters/pinned.js';
import { providerFilter } from './filters/provider.js';
import { quotaFilter } from './filters/quota.js';
import { resourcesFilter } from './filters/resources.js';
import { runtimeFilter } from './filters/runtime.js';
import { spreadFilter } from './filters/spread.js';
import { taintsFilter } from './filters/taints.js';
import { balanceScorer } from './scorers/balance.js';
import { binpackScorer } from './scorers/binpack.js';
import { carbonScorer } from './scorers/carbon.js';
import { latencyScorer } from './scorers/latency.js';
import { priceScorer } from './scorers/price.js';

/**
 * Order matters twice: explanations count each site under the first filter it fails, and the index
 * prunes whole cells on the filters that can judge a cell (pinned, category, jurisdiction, carbon,
 * provider, latency, runtime, taints, resources, price), so those come first. Filters whose verdict
 * changes within a decision (resources, spread, quota) are re-checked for every replica.
 */
export const FILTERS: readonly Filter[] = [
  pinnedFilter,
  categoryFilter,
  jurisdictionFilter,
  carbonCapFilter,
  providerFilter,
  latencyFilter,
  runtimeFilter,
  taintsFilter,
  resourcesFilter,
  maxPriceFilter,
  spreadFilter,
  dataLocalityFilter,
  quotaFilter,
];

/** Weighted by the request (defaults in defaults.ts); each yields 0..100. */
export const SCORERS: readonly Scorer[] = [latencyScorer, priceScorer, carbonScorer, balanceScorer, binpackScorer];
