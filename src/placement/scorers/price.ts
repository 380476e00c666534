// Scorer: cheapness — site price list × requested resources, 50 at the reference price, 100 when free.
import type { Scorer } from '../stage.js';
import { pricePerHour, REFERENCE_PRICING } from '../defaults.js';
import type { Amounts } from '../types.js';

interface State {
  req: Amounts;
  /** The replica's price at reference prices. */
  reference: number;
}

export const priceScore = (price: number, reference: number): number =>
  (100 * reference) / (reference + Math.max(0, price));

export const priceScorer: Scorer<State> = {
  stage: 'scorer',
  name: 'price',
  order: 20,
  defaultWeight: 30,
  description: "Cheapness: one replica's hourly price at the site; 50 at the reference price list, 100 when free.",
  reads: { request: ['resources'], site: ['pricing'] },
  prepare: (_ctx, plan) => {
    const reference = pricePerHour(REFERENCE_PRICING, plan.req);
    return reference > 0 ? { req: plan.req, reference } : null;
  },
  score: (site, s) => priceScore(pricePerHour(site.pricing, s.req), s.reference),
  bound: (node, s) =>
    priceScore(
      pricePerHour(
        {
          currency: '',
          cpuHour: node.minCpuHour,
          memoryGiBHour: node.minMemoryGiBHour,
          gpuHour: node.minGpuHour,
          storageGiBHour: node.minStorageGiBHour,
        },
        s.req,
      ),
      s.reference,
    ),
};
