// Scorer: load balance — prefers sites that stay emptiest after the replica lands (100 = idle, 0 = full).
import type { Scorer } from '../context.js';
import { utilisationAfter, utilisationLowerBound } from './utilisation.js';

const SLACK = 1e-9;

export const balanceScorer: Scorer<true> = {
  name: 'balance',
  prepare: () => true,
  score: (site, _s, ctx, plan) => Math.max(0, Math.min(100, 100 * (1 - utilisationAfter(site, ctx, plan)))),
  bound: (node, _s, _ctx, plan) => Math.max(0, Math.min(100, 100 * (1 - utilisationLowerBound(node, plan)) + SLACK)),
};
