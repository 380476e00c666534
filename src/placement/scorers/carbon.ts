// Scorer: low carbon — grid intensity of the site's country × PUE; 50 at 200 gCO2/kWh.
import type { Scorer } from '../stage.js';

/** Effective intensity (gCO2/kWh) that scores 50. */
export const CARBON_HALF_SCORE = 200;

export const carbonScore = (intensity: number): number =>
  (100 * CARBON_HALF_SCORE) / (CARBON_HALF_SCORE + Math.max(0, intensity));

export const carbonScorer: Scorer<true> = {
  stage: 'scorer',
  name: 'carbon',
  order: 30,
  defaultWeight: 15,
  description: "Low carbon: the site's grid intensity × PUE; 50 at 200 gCO2/kWh.",
  reads: { request: [], site: ['carbonIntensity'] },
  prepare: () => true,
  score: (site) => carbonScore(site.carbonIntensity),
  bound: (node) => carbonScore(node.minCarbon),
};
