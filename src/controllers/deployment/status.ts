// Computes a Deployment's status from its slots, workloads and the latest placement decision.
import { setCondition, type Condition, type DeploymentStatus, type Workload } from '../../model/index.js';
import { isReady as workloadReady, workloadUrl } from './env.js';
import type { RolloutPlan } from './rollout.js';

export interface StatusInput {
  generation: number;
  previous: DeploymentStatus | undefined;
  plan: RolloutPlan;
  exposedPorts: Map<string, string[]>;
  placement?: DeploymentStatus['placement'];
  unplaced: string[];
  now: string;
  /**
   * Whether a site is Ready now. A workload on a site that is not counts as not ready whatever it last
   * reported: its status is only as fresh as its site's lease (default: every site is).
   */
  siteReady?: (site: string) => boolean;
  /** A deferrable run waiting for its greenest window: why (the arithmetic); nothing is placed meanwhile. */
  deferred?: string;
}

export function computeStatus(s: StatusInput): DeploymentStatus {
  const { plan } = s;
  const isReady = (w: Workload): boolean =>
    workloadReady(w) && (!s.siteReady || (!!w.spec.siteName && s.siteReady(w.spec.siteName)));
  const total = plan.slots.length;
  const readySlots = plan.slots.filter((sl) => {
    const w = plan.serving.get(sl.id);
    return w && isReady(w);
  }).length;
  const components = [...new Set(plan.slots.map((sl) => sl.component))].map((name) => {
    const slots = plan.slots.filter((sl) => sl.component === name);
    const serving = slots.map((sl) => plan.serving.get(sl.id)).filter((w): w is Workload => !!w);
    const ready = serving.filter(isReady);
    const waiting = plan.waiting.get(name);
    const phase =
      ready.length === slots.length
        ? 'Running'
        : waiting
          ? `Waiting (for ${waiting.join(', ')})`
          : s.unplaced.some((u) => u.startsWith(`${name}/`))
            ? 'Unplaceable'
            : 'Starting';
    return {
      name,
      phase,
      replicas: slots.length,
      ready: ready.length,
      sites: [...new Set(serving.map((w) => w.spec.siteName as string))].sort(),
    };
  });
  const endpoints: NonNullable<DeploymentStatus['endpoints']> = [];
  for (const sl of plan.slots) {
    const w = plan.serving.get(sl.id);
    if (!w || !isReady(w)) continue;
    for (const port of s.exposedPorts.get(sl.component) ?? []) {
      const url = workloadUrl(w, port);
      if (url)
        endpoints.push({
          component: sl.component,
          port,
          ...(sl.area ? { area: sl.area } : {}),
          site: w.spec.siteName,
          url,
        });
    }
  }
  const progressing = plan.place.length > 0 || plan.remove.length > 0 || readySlots < total;
  const phase: DeploymentStatus['phase'] =
    s.deferred !== undefined
      ? 'Pending'
      : readySlots === total && !progressing
        ? 'Running'
        : s.unplaced.length
          ? readySlots > 0
            ? 'Degraded'
            : 'Pending'
          : 'Deploying';
  let conditions: Condition[] | undefined = s.previous?.conditions;
  const cond = (c: Condition): void => {
    conditions = setCondition(conditions, { ...c, observedGeneration: s.generation }, s.now);
  };
  cond(
    s.deferred !== undefined
      ? { type: 'Placed', status: 'False', reason: 'DeferredForCarbon', message: s.deferred }
      : s.unplaced.length
        ? {
            type: 'Placed',
            status: 'False',
            reason: 'Unplaceable',
            message:
              (s.placement?.explanation ?? [])
                .filter((e) => e.feasible === 0)
                .map((e) => e.summary)
                .join('; ') || `unplaced: ${s.unplaced.join(', ')}`,
          }
        : { type: 'Placed', status: 'True', reason: 'AllReplicasPlaced', message: `${total} replica(s) placed` },
  );
  cond(
    readySlots === total
      ? {
          type: 'Available',
          status: 'True',
          reason: 'AllReplicasReady',
          message: `${readySlots}/${total} replicas ready`,
        }
      : {
          type: 'Available',
          status: 'False',
          reason: plan.waiting.size ? 'WaitingForDependencies' : 'ReplicasNotReady',
          message: `${readySlots}/${total} replicas ready`,
        },
  );
  cond(
    progressing
      ? {
          type: 'Progressing',
          status: 'True',
          reason: plan.place.some((p) => p.reason === 'Failover')
            ? 'Failover'
            : plan.place.some((p) => p.reason === 'Update')
              ? 'RollingUpdate'
              : plan.place.some((p) => p.reason === 'Drain')
                ? 'Draining'
                : 'Deploying',
          message: `${plan.place.length} to place, ${plan.remove.length} to remove`,
        }
      : { type: 'Progressing', status: 'False', reason: 'Converged', message: 'nothing to do' },
  );
  return {
    observedGeneration: s.generation,
    phase,
    ...(s.placement ? { placement: s.placement } : s.previous?.placement ? { placement: s.previous.placement } : {}),
    components,
    endpoints,
    conditions,
    // Written by the cost controller; kept as is here.
    ...(s.previous?.cost ? { cost: s.previous.cost } : {}),
  };
}
