// Scorer: load balance — prefers sites that stay emptiest after the replica lands (100 = idle, 0 = full).
import type { Scorer } from '../stage.js';
import { utilisationAfter, utilisationLowerBound } from './utilisation.js';

const SLACK = 1e-9;

export const balanceScorer: Scorer<true> = {
  stage: 'scorer',
  name: 'balance',
  order: 40,
  defaultWeight: 15,
  description: 'Load balance: sites that stay emptiest after the replica lands (100 idle, 0 full).',
  reads: { request: ['resources'], site: ['allocatable', 'allocated'], context: ['load'] },
  prepare: () => true,
  score: (site, _s, ctx, plan) => Math.max(0, Math.min(100, 100 * (1 - utilisationAfter(site, ctx, plan)))),
  bound: (node, _s, _ctx, plan) => Math.max(0, Math.min(100, 100 * (1 - utilisationLowerBound(node, plan)) + SLACK)),
};
