// Public surface of the scorers: soft preferences scored 0..100 and weighted by the request.
export { balanceScorer } from './balance.js';
export { binpackScorer } from './binpack.js';
export { CARBON_HALF_SCORE, carbonScore, carbonScorer } from './carbon.js';
export { LATENCY_HALF_SCORE_MS, latencyScore, latencyScorer } from './latency.js';
export { priceScore, priceScorer } from './price.js';
export { utilisationAfter, utilisationLowerBound } from './utilisation.js';
