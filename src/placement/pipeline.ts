// The pipeline: filters in the order they run (a site's rejection is counted under the first that fails) and the scorers.
import type { Filter, Scorer } from './context.js';
import {
  carbonCapFilter,
  categoryFilter,
  dataLocalityFilter,
  jurisdictionFilter,
  latencyFilter,
  maxPriceFilter,
  pinnedFilter,
  providerFilter,
  quotaFilter,
  resourcesFilter,
  runtimeFilter,
  spreadFilter,
  taintsFilter,
} from './filters/index.js';
import { balanceScorer, binpackScorer, carbonScorer, latencyScorer, priceScorer } from './scorers/index.js';

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
