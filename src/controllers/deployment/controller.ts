// The deployment controller (Workload Deployment Manager): Deployment + placement → Workloads, rolling, failing over.
import {
  API_VERSION,
  ApiError,
  ApplicationKind,
  DeploymentKind,
  getCondition,
  NamespaceKind,
  ProviderKind,
  setCondition,
  SITE_DRAIN_ANNOTATION,
  SiteKind,
  UserAreaKind,
  WorkloadKind,
  type Application,
  type Assignment,
  type Deployment,
  type DeploymentStatus,
  type Namespace,
  type Site,
  type Workload,
} from '../../model/index.js';
import type { BackoffConfig } from '../../lib/index.js';
import {
  buildRequest,
  buildSnapshot,
  computeQuotaHook,
  place,
  workloadsRequest,
  type Decision,
  type ExistingReplica,
  type PlacementRequest,
} from '../../placement/index.js';
import type { CarbonSource } from '../../sustainability/index.js';
import { ComputeQuotaKind } from '../../management/index.js';
import { jsonEqual } from '../../store/index.js';
import { eventRecorder } from '../events/recorder.js';
import { TerminalError, type ControllerSpec } from '../../runtime/controller.js';
import { objectKey, type ChangeType } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';
import { exposedPortsOf } from './ports.js';
import { calls, planRollout, type SlotNeed } from './rollout.js';
import { computeStatus } from './status.js';
import { carbonSourceAt, plannedStart, type CarbonForecast } from './carbon.js';
import { LABEL_COMPONENT, LABEL_DEPLOYMENT, LABEL_HASH, LABEL_SLOT, workloadName } from './template.js';

export interface DeploymentControllerOptions {
  /** Seconds a workload may sit on a NotReady site before it is re-placed (default 0: as soon as the site is NotReady). */
  defaultTolerationSeconds?: number;
  /** Re-check period after a pass that changed the status (a pass that changed nothing backs off instead). */
  progressRequeueMs?: number;
  /**
   * How long a replaced workload outlives the last caller removed before it (default 5 s): that caller's
   * process may still finish in-flight requests while its agent stops it, and they must not find the peer gone.
   */
  peerDrainMs?: number;
  /** Re-check policy of a deployment that cannot progress (default: 1 s doubling to 5 min). */
  stalledBackoff?: BackoffConfig;
  /** Carbon-intensity forecasts: placement reads each site's mean over the run's window; deferrable runs wait. */
  carbon?: CarbonForecast;
  /** The tenant's rated spend this month, for ComputeQuota monthlySpend (absent: spend is not limited). */
  monthlySpend?: (namespace: string) => number | undefined;
}

const UNREACHABLE = 'continuum.eu/unreachable';

const readyOf = (s: Site | undefined): string | undefined => getCondition(s?.status?.conditions, 'Ready')?.status;

/**
 * Whether a Site changed in a way placement reads (spec, labels, measured capacity, offered runtimes, deletion).
 * Heartbeat times and latency samples are left out: they change all the time, and the backoff re-check sees them.
 */
function siteInputChanged(s: Site, old: Site | undefined): boolean {
  if (!old) return true;
  return (
    !jsonEqual(s.spec, old.spec) ||
    !jsonEqual(s.metadata.labels ?? {}, old.metadata.labels ?? {}) ||
    !!s.metadata.deletionTimestamp !== !!old.metadata.deletionTimestamp ||
    !jsonEqual(s.status?.allocatable ?? null, old.status?.allocatable ?? null) ||
    !jsonEqual(s.status?.runtimes ?? null, old.status?.runtimes ?? null)
  );
}

export function deploymentController(opts: DeploymentControllerOptions = {}) {
  return (m: Manager): ControllerSpec => {
    const store = m.opts.store;
    const events = eventRecorder(store, 'deployment-controller', m.clock);
    const deployments = m.informer(DeploymentKind);
    const workloads = m.informer(WorkloadKind);
    const sites = m.informer(SiteKind);
    const providers = m.informer(ProviderKind);
    const areas = m.informer(UserAreaKind);
    const applications = m.informer(ApplicationKind);
    const quotas = m.informer(ComputeQuotaKind);
    /**
     * Slots whose workload was removed from a lost site and not yet re-placed (`ns/dep/slot`): their next
     * placement is a Failover even when it happens in a later pass (e.g. after waiting for capacity).
     */
    const failingOver = new Set<string>();
    /** Workloads created but maybe not yet in the informer: counted in snapshots (single worker). */
    const pending = new Map<string, Workload>();
    /** uid → until when a workload stays although replaced (a caller removed just before may still call it). */
    const drainUntil = new Map<string, number>();
    const peerDrainMs = opts.peerDrainMs ?? 5000;

    const depsOnSite = (site: string): string[] => [
      ...new Set(
        workloads
          .list()
          .filter((w) => w.spec.siteName === site && w.metadata.labels?.[LABEL_DEPLOYMENT])
          .map((w) => `${w.metadata.namespace}/${w.metadata.labels![LABEL_DEPLOYMENT]}`),
      ),
    ];

    /** Deployments whose last decision left replicas unplaced: any new capacity may place them. */
    const stalledIn = (ns?: string): string[] =>
      deployments
        .list()
        .filter((d) => (!ns || d.metadata.namespace === ns) && !!d.status?.placement?.unplaced?.length)
        .map(objectKey);

    const lostSince = (site: Site | undefined): number | undefined => {
      if (!site || site.metadata.deletionTimestamp) return 0;
      const ready = getCondition(site.status?.conditions, 'Ready');
      // Unknown: readiness withdrawn but failover held back (mass outage); see the site health controller.
      if (ready?.status === 'True' || ready?.status === 'Unknown') return undefined;
      return Date.parse(ready?.lastTransitionTime ?? '') || 0;
    };

    return {
      name: 'deployment',
      workers: 1,
      ...(opts.stalledBackoff ? { stalledBackoff: opts.stalledBackoff } : {}),
      watches: [
        { informer: deployments },
        {
          informer: workloads,
          map: (w: Workload) =>
            w.metadata.labels?.[LABEL_DEPLOYMENT]
              ? [`${w.metadata.namespace}/${w.metadata.labels[LABEL_DEPLOYMENT]}`]
              : [],
        },
        {
          informer: applications,
          map: (a: Application) =>
            deployments
              .list()
              .filter((d) => d.metadata.namespace === a.metadata.namespace && d.spec.application === a.metadata.name)
              .map(objectKey),
        },
        {
          informer: sites,
          map: (s: Site, old: Site | undefined) => {
            const drain = (x: Site | undefined): string | undefined => x?.metadata.annotations?.[SITE_DRAIN_ANNOTATION];
            const ready = readyOf(s) !== readyOf(old) || drain(s) !== drain(old);
            const placement = ready || siteInputChanged(s, old);
            return [...(ready ? depsOnSite(s.metadata.name) : []), ...(placement ? stalledIn() : [])];
          },
        },
        // Capacity, areas, providers and quotas are placement inputs: their change re-evaluates stalled deployments.
        {
          informer: workloads,
          map: (w: Workload, _old: Workload | undefined, type: ChangeType) =>
            type === 'DELETED' || w.metadata.deletionTimestamp ? stalledIn() : [],
        },
        { informer: providers, map: () => stalledIn() },
        { informer: areas, map: () => stalledIn() },
        { informer: m.informer(NamespaceKind), map: (n: Namespace) => stalledIn(n.metadata.name) },
        { informer: quotas, map: (q) => stalledIn(q.metadata.namespace) },
      ],
      async reconcile(ctx, key) {
        const [ns, name] = key.split('/');
        const dep = await store.get(DeploymentKind, ns, name);
        if (!dep || dep.metadata.deletionTimestamp) {
          for (const k of failingOver) if (k.startsWith(`${key}/`)) failingOver.delete(k);
          return;
        }
        const now = ctx.now();
        const writeStatus = async (computed: DeploymentStatus): Promise<void> => {
          // status.cost belongs to the cost controller: carried over, never dropped (no write fight).
          const withCost = (d: Deployment): DeploymentStatus =>
            d.status?.cost ? { ...computed, cost: d.status.cost } : computed;
          if (jsonEqual(withCost(dep), dep.status)) return;
          try {
            await store.updateStatus(DeploymentKind, { ...dep, status: withCost(dep) });
          } catch (e) {
            // Another writer (the cost controller's status.cost) got in between. This pass may already have
            // created workloads, so its decision must not be lost: written again over the latest copy.
            if (!(e instanceof ApiError && e.code === 'Conflict')) throw e;
            const latest = await store.get(DeploymentKind, ns, name);
            if (!latest || latest.metadata.generation !== dep.metadata.generation) throw e;
            await store.updateStatus(DeploymentKind, { ...latest, status: withCost(latest) });
          }
        };
        const app = await store.get(ApplicationKind, ns, dep.spec.application);
        if (!app) {
          // The Application watch re-queues this deployment when the application appears.
          const placed = getCondition(dep.status?.conditions, 'Placed');
          const notFound = {
            type: 'Placed',
            status: 'False' as const,
            reason: 'ApplicationNotFound',
            message: `application ${dep.spec.application} not found in namespace ${ns}`,
          };
          await writeStatus({
            ...dep.status,
            observedGeneration: dep.metadata.generation,
            phase: 'Failed',
            conditions: setCondition(
              placed?.reason === 'ApplicationNotFound' ? [placed] : [],
              notFound,
              now.toISOString(),
            ),
          });
          return { stalled: true };
        }
        const own = (
          await store.list(WorkloadKind, { namespace: ns, labelSelector: `${LABEL_DEPLOYMENT}=${name}` })
        ).items.filter((w) => w.metadata.ownerReferences?.some((r) => r.uid === dep.metadata.uid));
        for (const w of own) pending.delete(objectKey(w));
        const siteOf = (n: string): Site | undefined => sites.get(n);
        const tolerationMs = (w: Workload): number =>
          1000 *
          ((w.spec.tolerations ?? []).find((t) => t.key === UNREACHABLE)?.tolerationSeconds ??
            opts.defaultTolerationSeconds ??
            0);
        const lost = (w: Workload): boolean => {
          // A workload without a site counts as on a lost site.
          const since = lostSince(w.spec.siteName ? siteOf(w.spec.siteName) : undefined);
          return since !== undefined && now.getTime() - since >= tolerationMs(w);
        };
        let plan;
        try {
          plan = planRollout({
            depName: name,
            appName: app.metadata.name,
            app: app.spec,
            dep: dep.spec,
            workloads: own,
            lost,
            draining: (w) =>
              !!w.spec.siteName && !!siteOf(w.spec.siteName)?.metadata.annotations?.[SITE_DRAIN_ANNOTATION],
            site: siteOf,
          });
        } catch (e) {
          await events.warning(dep, 'InvalidApplication', (e as Error).message);
          throw new TerminalError((e as Error).message, 'InvalidApplication');
        }
        let placementStatus = dep.status?.placement;
        let unplaced: string[] = [];
        // A deferrable run that has not started waits for its greenest window (decided once per generation).
        const timing =
          own.length === 0 && plan.place.length
            ? plannedStart(opts.carbon, dep, now.getTime(), (src) => meanIntensity(plan.place, dep, app, ns, name, src))
            : dep.status?.schedule;
        const waitMs = timing && own.length === 0 ? Date.parse(timing.plannedStart) - now.getTime() : 0;
        if (waitMs > 0) {
          const status = {
            ...computeStatus({
              generation: dep.metadata.generation,
              previous: dep.status,
              plan,
              exposedPorts: exposedPortsOf(app.spec),
              unplaced: [],
              now: now.toISOString(),
              deferred: timing!.message,
            }),
            schedule: timing!,
          };
          await writeStatus(status);
          return { requeueAfterMs: Math.min(waitMs + 50, 2 ** 31 - 1) };
        }
        if (plan.place.length && !dep.spec.paused) {
          // Replicas that stay where they are: spread and other cross-replica constraints count them.
          const placing = new Set(plan.place.map((n) => n.slot.id));
          const leaving = new Set(plan.remove.map((r) => r.workload.metadata.uid));
          const existing = own
            .filter((w) => w.spec.siteName && !w.metadata.deletionTimestamp && !leaving.has(w.metadata.uid))
            .filter((w) => !placing.has(w.metadata.labels?.[LABEL_SLOT] ?? '') && !lost(w))
            .map((w) => ({ component: w.metadata.labels?.[LABEL_COMPONENT] ?? '', site: w.spec.siteName as string }));
          const result = await schedule(plan.place, dep, app, ns, name, existing);
          placementStatus = result.placement;
          unplaced = result.unplaced;
        } else if (dep.status?.placement?.unplaced?.length && plan.place.length)
          unplaced = dep.status.placement.unplaced;
        const status = {
          ...computeStatus({
            generation: dep.metadata.generation,
            previous: dep.status,
            plan,
            exposedPorts: exposedPortsOf(app.spec),
            placement: placementStatus,
            unplaced,
            now: now.toISOString(),
            siteReady: (n) => readyOf(siteOf(n)) === 'True',
          }),
          ...(timing ? { schedule: timing } : {}),
        };
        // Status (with the new endpoints) before removals, so nothing routes to a workload being stopped.
        const changed = !jsonEqual(status, dep.status);
        await writeStatus(status);
        const nowMs = now.getTime();
        for (const [uid, until] of drainUntil) if (until <= nowMs) drainUntil.delete(uid);
        const deferred: number[] = [];
        for (const r of plan.remove) {
          const until = r.reason === 'Replaced' ? (drainUntil.get(r.workload.metadata.uid) ?? 0) : 0;
          if (until > nowMs) {
            deferred.push(until - nowMs);
            continue;
          }
          for (const peer of own) if (calls(r.workload, peer)) drainUntil.set(peer.metadata.uid, nowMs + peerDrainMs);
          drainUntil.delete(r.workload.metadata.uid);
          await store
            .delete(WorkloadKind, ns, r.workload.metadata.name, { preconditions: { uid: r.workload.metadata.uid } })
            .catch((e: unknown) => {
              if (!(e instanceof ApiError && (e.code === 'NotFound' || e.code === 'Conflict'))) throw e;
            });
          pending.delete(objectKey(r.workload));
          const slotId = r.workload.metadata.labels?.[LABEL_SLOT];
          if (r.reason === 'SiteLost' && slotId) failingOver.add(`${ns}/${name}/${slotId}`);
          if (r.reason === 'SiteLost')
            await events.warning(
              dep,
              'Failover',
              `workload ${r.workload.metadata.name} on unavailable site ${r.workload.spec.siteName} removed; its slot is re-placed`,
            );
        }
        // A replaced workload kept for a caller that is still stopping: back once its drain time is over.
        if (deferred.length) return { requeueAfterMs: Math.min(...deferred) + 50 };
        if (status.phase === 'Running' && !plan.remove.length) return nextToleration(own, now.getTime());
        // Unplaceable or waiting on workloads/sites: watches bring the changes; a pass that changed nothing backs off.
        const progressed = changed || plan.remove.length > 0 || plan.place.length > unplaced.length;
        return {
          stalled: !progressed,
          requeueAfterMs: progressed
            ? (opts.progressRequeueMs ?? 1000)
            : nextToleration(own, now.getTime())?.requeueAfterMs,
        };
      },
    };

    /** When the first workload on a NotReady site outlives its toleration (nothing else would wake us then). */
    function nextToleration(own: Workload[], now: number): { requeueAfterMs: number } | undefined {
      let next = Infinity;
      for (const w of own) {
        const since = lostSince(w.spec.siteName ? sites.get(w.spec.siteName) : undefined);
        if (since === undefined) continue;
        const at =
          since +
          1000 *
            ((w.spec.tolerations ?? []).find((t) => t.key === UNREACHABLE)?.tolerationSeconds ??
              opts.defaultTolerationSeconds ??
              0);
        if (at > now) next = Math.min(next, at - now + 50);
      }
      return Number.isFinite(next) ? { requeueAfterMs: next } : undefined;
    }

    /** The placement decision for the slots in `needs` (nothing written), against `carbon` when given. */
    function decide(
      needs: SlotNeed[],
      dep: Deployment,
      app: Application,
      ns: string,
      name: string,
      existing: ExistingReplica[],
      carbon: CarbonSource | undefined,
    ): { decision: Decision; wanted: Map<string, SlotNeed[]> } {
      const all = new Map(workloads.list().map((w) => [objectKey(w), w]));
      for (const [k, w] of pending) if (!all.has(k)) all.set(k, w);
      const snapshot = buildSnapshot({
        sites: sites.list(),
        providers: providers.list(),
        areas: areas.list(),
        workloads: [...all.values()],
        now: m.clock(),
        ...(carbon ? { carbon } : {}),
      });
      const full = buildRequest(ns, name, app.spec, dep.spec);
      // Only the slots that need a workload are placed; the others keep their sites.
      const wanted = new Map<string, SlotNeed[]>();
      for (const n of needs)
        wanted.set(`${n.slot.component}|${n.slot.area ?? ''}`, [
          ...(wanted.get(`${n.slot.component}|${n.slot.area ?? ''}`) ?? []),
          n,
        ]);
      const request: PlacementRequest = {
        ...full,
        components: full.components
          .map((c) => ({
            ...c,
            groups: c.groups
              .map((g) => ({ ...g, replicas: wanted.get(`${c.name}|${g.area ?? ''}`)?.length ?? 0 }))
              .filter((g) => g.replicas > 0),
          }))
          .filter((c) => c.groups.length > 0),
        existing,
      };
      // Tenant ComputeQuota: what the tenant's other workloads request (not the ones being replaced now).
      const replaced = new Set(needs.map((n) => n.replaces?.metadata.uid).filter(Boolean));
      const used = workloadsRequest(
        [...all.values()].filter(
          (w) => w.metadata.namespace === ns && !w.metadata.deletionTimestamp && !replaced.has(w.metadata.uid),
        ),
      );
      const quota = computeQuotaHook(
        quotas.list().filter((q) => q.metadata.namespace === ns),
        used,
        opts.monthlySpend?.(ns),
      );
      const decision = place(snapshot, request, {
        seed: dep.spec.placement?.seed ?? 0,
        ...(quota ? { hooks: { quota } } : {}),
      });
      return { decision, wanted };
    }

    /** Mean effective gCO2/kWh of the replicas a decision against `carbon` would place; undefined if any is left out. */
    function meanIntensity(
      needs: SlotNeed[],
      dep: Deployment,
      app: Application,
      ns: string,
      name: string,
      carbon: CarbonSource,
    ): number | undefined {
      const { decision } = decide(needs, dep, app, ns, name, [], carbon);
      if (decision.unplaced.length || !decision.assignments.length) return undefined;
      return decision.assignments.reduce((a, x) => a + (x.carbonIntensity ?? 0), 0) / decision.assignments.length;
    }

    async function schedule(
      needs: SlotNeed[],
      dep: Deployment,
      app: Application,
      ns: string,
      name: string,
      existing: ExistingReplica[],
    ): Promise<{ placement: DeploymentStatus['placement']; unplaced: string[] }> {
      const now = m.clock();
      const { decision, wanted } = decide(needs, dep, app, ns, name, existing, carbonSourceAt(opts.carbon, dep, +now));
      const taken = new Map<string, number>();
      const previous = new Map<string, Assignment>(
        (dep.status?.placement?.assignments ?? []).map((a) => [`${a.component}/${a.replica}@${a.area ?? ''}`, a]),
      );
      for (const a of decision.assignments) {
        const k = `${a.component}|${a.area ?? ''}`;
        const i = taken.get(k) ?? 0;
        taken.set(k, i + 1);
        const need = wanted.get(k)![i];
        const wname = workloadName(name, need.slot, need.hash, a.site);
        const obj = {
          apiVersion: API_VERSION,
          kind: 'Workload',
          metadata: {
            name: wname,
            namespace: ns,
            labels: {
              [LABEL_DEPLOYMENT]: name,
              [LABEL_COMPONENT]: need.slot.component,
              [LABEL_SLOT]: need.slot.id,
              [LABEL_HASH]: need.hash,
            },
            ownerReferences: [
              {
                apiVersion: API_VERSION,
                kind: 'Deployment',
                name,
                uid: dep.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          spec: { ...need.spec, siteName: a.site, ...(a.runtime ? { runtime: a.runtime } : {}) },
        };
        try {
          const created = await store.create(WorkloadKind, obj);
          pending.set(objectKey(created), created);
          await store
            .updateStatus(WorkloadKind, { ...created, status: { phase: 'Scheduled', siteName: a.site } })
            .catch(() => undefined);
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 'AlreadyExists')) throw e;
        }
        previous.set(`${a.component}/${need.slot.index}@${a.area ?? ''}`, { ...a, replica: need.slot.index });
        const verb = { Failover: 'Failover', Update: 'RollingUpdate', Drain: 'Drained', Create: 'Scheduled' }[
          need.reason
        ];
        await events.normal(
          dep,
          verb,
          `${need.slot.component} replica ${need.slot.index}${a.area ? ` (area ${a.area})` : ''} → site ${a.site}${a.latencyMs !== undefined ? ` (${a.latencyMs} ms)` : ''}${need.replaces ? `, replacing ${need.replaces.metadata.name}` : ''}`,
        );
      }
      if (decision.unplaced.length)
        await events.warning(
          dep,
          'Unplaceable',
          decision.explanation
            // Groups with replicas left out (also when some sites were feasible but taken by the others).
            .filter((e) =>
              decision.unplaced.some(
                (u) => u.startsWith(`${e.component}/`) && (u.split('@')[1] ?? '') === (e.area ?? ''),
              ),
            )
            .map((e) => e.summary)
            .join('; '),
        );
      const explanation = new Map(
        (dep.status?.placement?.explanation ?? []).map((e) => [`${e.component}|${e.area ?? ''}`, e]),
      );
      for (const e of decision.explanation) explanation.set(`${e.component}|${e.area ?? ''}`, e);
      const decided = {
        seed: decision.seed,
        assignments: [...previous.values()],
        explanation: [...explanation.values()],
        ...(decision.unplaced.length ? { unplaced: decision.unplaced } : {}),
      };
      // decidedAt dates the decision: the same decision taken again keeps its time (and the status its version).
      const { decidedAt: before, ...prior } = dep.status?.placement ?? {};
      const same = before !== undefined && jsonEqual(prior, decided);
      return {
        placement: { decidedAt: same ? before : now.toISOString(), ...decided },
        unplaced: decision.unplaced,
      };
    }
  };
}
