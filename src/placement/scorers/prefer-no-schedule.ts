// Score penalty: PreferNoSchedule taints the component does not tolerate push a site below every untainted one.
import type { Toleration } from '../../model/index.js';
import { tolerates } from '../filters/taints.js';
import type { Penalty } from '../stage.js';
import type { SnapshotSite } from '../types.js';

/**
 * Subtracted from a site's score per PreferNoSchedule taint the component does not tolerate.
 * Kubernetes' TaintToleration plugin scores a node lower the more such taints it has, as one
 * weighted score among others, so a near tainted node can still win. Here the penalty is above the
 * whole score range (0..100): within a category tier, a site with fewer untolerated PreferNoSchedule
 * taints always beats one with more, so a tainted site is chosen only when no untainted site fits
 * (the promise docs/topology.md makes for the factory sites). Category preference tiers still come
 * first; in the batch objective (100 − score + 101 × tier) one such taint costs as much as a tier step.
 */
export const PREFER_NO_SCHEDULE_PENALTY = 101;

/**
 * At most this many taints count, so a placed replica always costs less than an unplaced one in the
 * objective: 100 + 101 × (5 − 1) tiers + 101 × 3 = 807 < UNPLACED_PENALTY (1000).
 */
export const PREFER_NO_SCHEDULE_MAX_COUNTED = 3;

/** PreferNoSchedule taints of the site that `tolerations` do not tolerate (Kubernetes toleration semantics). */
export function untoleratedPreferNoSchedule(site: SnapshotSite, tolerations: readonly Toleration[]): number {
  let n = 0;
  for (const t of site.taints) if (t.effect === 'PreferNoSchedule' && !tolerates(tolerations, t)) n++;
  return n;
}

export const preferNoSchedulePenalty: Penalty<readonly Toleration[]> = {
  stage: 'penalty',
  name: 'taints',
  order: 10,
  description: `Each PreferNoSchedule taint the component does not tolerate costs ${PREFER_NO_SCHEDULE_PENALTY} points (up to ${PREFER_NO_SCHEDULE_MAX_COUNTED}): such sites are chosen only when no untainted site of the same category tier fits.`,
  reads: { request: ['tolerations'], site: ['taints'] },
  prepare: (_ctx, plan) => plan.component.tolerations,
  penalty: (site, tolerations) =>
    site.taints.length === 0
      ? 0
      : PREFER_NO_SCHEDULE_PENALTY *
        Math.min(PREFER_NO_SCHEDULE_MAX_COUNTED, untoleratedPreferNoSchedule(site, tolerations)),
  // The index keeps no aggregate of PreferNoSchedule taints, so no cell is known to be all tainted.
  floor: () => 0,
  describe: (n) => `${n} scored down for PreferNoSchedule taints not tolerated`,
};
