// Scorer (opt-in by weight): bin-packing — prefers sites that are fullest after the replica lands.
import type { Scorer } from '../stage.js';
import { utilisationAfter } from './utilisation.js';

export const binpackScorer: Scorer<true> = {
  stage: 'scorer',
  name: 'binpack',
  order: 50,
  defaultWeight: 0,
  description: 'Bin-packing (opt-in by weight): sites that are fullest after the replica lands.',
  reads: { request: ['resources'], site: ['allocatable', 'allocated'], context: ['load'] },
  prepare: () => true,
  score: (site, _s, ctx, plan) => Math.max(0, Math.min(100, 100 * utilisationAfter(site, ctx, plan))),
  // Other decisions' load can only raise utilisation, so no bound below the maximum is safe without tracking it.
  bound: () => 100,
};
