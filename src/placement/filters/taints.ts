// Filter: the site must be ready and schedulable, and every NoSchedule/NoExecute taint must be tolerated.
import type { Taint, Toleration } from '../../model/index.js';
import { NODE_MIXED, NODE_PASS } from '../stage.js';
import type { Filter } from '../stage.js';

/** Implicit taints, tolerable like Kubernetes' node.kubernetes.io/not-ready and /unschedulable. */
export const NOT_READY_TAINT: Taint = Object.freeze({ key: 'continuum.io/not-ready', effect: 'NoSchedule' });
export const UNSCHEDULABLE_TAINT: Taint = Object.freeze({ key: 'continuum.io/unschedulable', effect: 'NoSchedule' });

const NOT_READY = 1;
const MAINTENANCE = 2;
const TAINTED = 3;

/** Kubernetes toleration semantics: empty key with Exists matches every taint; empty effect matches every effect. */
export function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

export const taintsFilter: Filter<readonly Toleration[]> = {
  stage: 'filter',
  name: 'taints',
  order: 80,
  description: 'The site must be ready and schedulable, and every NoSchedule/NoExecute taint must be tolerated.',
  reads: { request: ['tolerations'], site: ['ready', 'unschedulable', 'taints', 'clean'] },
  prepare: (_ctx, plan) => plan.component.tolerations,
  site: (site, tol) => {
    if (site.clean) return 0;
    if (!site.ready && !tolerates(tol, NOT_READY_TAINT)) return NOT_READY;
    if (site.unschedulable && !tolerates(tol, UNSCHEDULABLE_TAINT)) return MAINTENANCE;
    for (const t of site.taints) if (t.effect !== 'PreferNoSchedule' && !tolerates(tol, t)) return TAINTED;
    return 0;
  },
  node: (node) => (node.allClean ? NODE_PASS : NODE_MIXED),
  describe: (code, n) =>
    code === NOT_READY
      ? `${n} not ready`
      : code === MAINTENANCE
        ? `${n} in maintenance`
        : `${n} have taints the component does not tolerate`,
};
