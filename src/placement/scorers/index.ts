// Public surface of the scorers: soft preferences scored 0..100 and weighted by the request, and score penalties.
// Registration: every Scorer and Penalty exported here is in the pipeline (pipeline.ts collects them by
// `stage` and sorts them by `order`), so one export line registers one. A scorer's name must also be
// in the Application schema's SCORER_WEIGHT_NAMES (src/model/kinds/application.ts).
export { balanceScorer } from './balance.js';
export { binpackScorer } from './binpack.js';
export { CARBON_HALF_SCORE, carbonScore, carbonScorer } from './carbon.js';
export { LATENCY_HALF_SCORE_MS, latencyScore, latencyScorer } from './latency.js';
export {
  PREFER_NO_SCHEDULE_MAX_COUNTED,
  PREFER_NO_SCHEDULE_PENALTY,
  preferNoSchedulePenalty,
  untoleratedPreferNoSchedule,
} from './prefer-no-schedule.js';
export { priceScore, priceScorer } from './price.js';
export { RUNTIME_FALLBACK_PENALTY, runtimePreferencePenalty } from './runtime-preference.js';
export { utilisationAfter, utilisationLowerBound } from './utilisation.js';
