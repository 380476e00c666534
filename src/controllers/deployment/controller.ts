// The deployment controller (Workload Deployment Manager): Deployment + placement → Workloads, rolling, failing over.
import {
  API_VERSION,
  ApiError,
  ApplicationKind,
  DeploymentKind,
  getCondition,
  ProviderKind,
  SiteKind,
  UserAreaKind,
  WorkloadKind,
  type Application,
  type Assignment,
  type Deployment,
  type DeploymentStatus,
  type Site,
  type Workload,
} from '../../model/index.js';
import { buildRequest, buildSnapshot, place, type PlacementRequest } from '../../placement/index.js';
import { jsonEqual } from '../../store/index.js';
import { eventRecorder } from '../events/recorder.js';
import { TerminalError, type ControllerSpec } from '../../runtime/controller.js';
import { objectKey } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';
import { exposedPortsOf } from './ports.js';
import { planRollout, type SlotNeed } from './rollout.js';
import { computeStatus } from './status.js';
import { LABEL_COMPONENT, LABEL_DEPLOYMENT, LABEL_HASH, LABEL_SLOT, workloadName } from './template.js';

export interface DeploymentControllerOptions {
  /** Seconds a workload may sit on a NotReady site before it is re-placed (default 0: as soon as the site is NotReady). */
  defaultTolerationSeconds?: number;
  /** Re-check period while a deployment is converging. */
  progressRequeueMs?: number;
}

const UNREACHABLE = 'continuum.eu/unreachable';

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
    /** Workloads created but maybe not yet in the informer: counted in snapshots (single worker). */
    const pending = new Map<string, Workload>();

    const depsOnSite = (site: string): string[] => [
      ...new Set(
        workloads
          .list()
          .filter((w) => w.spec.siteName === site && w.metadata.labels?.[LABEL_DEPLOYMENT])
          .map((w) => `${w.metadata.namespace}/${w.metadata.labels![LABEL_DEPLOYMENT]}`),
      ),
    ];

    const lostSince = (site: Site | undefined): number | undefined => {
      if (!site || site.metadata.deletionTimestamp) return 0;
      const ready = getCondition(site.status?.conditions, 'Ready');
      if (ready?.status === 'True') return undefined;
      return Date.parse(ready?.lastTransitionTime ?? '') || 0;
    };

    return {
      name: 'deployment',
      workers: 1,
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
          map: (s: Site, old: Site | undefined) =>
            getCondition(s.status?.conditions, 'Ready')?.status !==
            getCondition(old?.status?.conditions, 'Ready')?.status
              ? depsOnSite(s.metadata.name)
              : [],
        },
      ],
      async reconcile(ctx, key) {
        const [ns, name] = key.split('/');
        const dep = await store.get(DeploymentKind, ns, name);
        if (!dep || dep.metadata.deletionTimestamp) return;
        const now = ctx.now();
        const writeStatus = async (status: DeploymentStatus): Promise<void> => {
          if (jsonEqual(status, dep.status)) return;
          await store.updateStatus(DeploymentKind, { ...dep, status });
        };
        const app = await store.get(ApplicationKind, ns, dep.spec.application);
        if (!app) {
          await writeStatus({
            ...dep.status,
            observedGeneration: dep.metadata.generation,
            phase: 'Failed',
            conditions: [
              {
                type: 'Placed',
                status: 'False',
                reason: 'ApplicationNotFound',
                message: `application ${dep.spec.application} not found in namespace ${ns}`,
                lastTransitionTime: now.toISOString(),
              },
            ],
          });
          return;
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
            site: siteOf,
          });
        } catch (e) {
          await events.warning(dep, 'InvalidApplication', (e as Error).message);
          throw new TerminalError((e as Error).message, 'InvalidApplication');
        }
        let placementStatus = dep.status?.placement;
        let unplaced: string[] = [];
        if (plan.place.length && !dep.spec.paused) {
          const result = await schedule(plan.place, dep, app, ns, name);
          placementStatus = result.placement;
          unplaced = result.unplaced;
        } else if (dep.status?.placement?.unplaced?.length && plan.place.length)
          unplaced = dep.status.placement.unplaced;
        const status = computeStatus({
          generation: dep.metadata.generation,
          previous: dep.status,
          plan,
          exposedPorts: exposedPortsOf(app.spec),
          placement: placementStatus,
          unplaced,
          now: now.toISOString(),
        });
        // Status (with the new endpoints) before removals, so nothing routes to a workload being stopped.
        await writeStatus(status);
        for (const r of plan.remove) {
          await store
            .delete(WorkloadKind, ns, r.workload.metadata.name, { preconditions: { uid: r.workload.metadata.uid } })
            .catch((e: unknown) => {
              if (!(e instanceof ApiError && (e.code === 'NotFound' || e.code === 'Conflict'))) throw e;
            });
          pending.delete(objectKey(r.workload));
          if (r.reason === 'SiteLost')
            await events.warning(
              dep,
              'Failover',
              `workload ${r.workload.metadata.name} on unavailable site ${r.workload.spec.siteName} removed; its slot is re-placed`,
            );
        }
        if (status.phase !== 'Running')
          return { requeueAfterMs: opts.progressRequeueMs ?? (unplaced.length ? 5000 : 1000) };
      },
    };

    async function schedule(
      needs: SlotNeed[],
      dep: Deployment,
      app: Application,
      ns: string,
      name: string,
    ): Promise<{ placement: DeploymentStatus['placement']; unplaced: string[] }> {
      const now = m.clock();
      const all = new Map(workloads.list().map((w) => [objectKey(w), w]));
      for (const [k, w] of pending) if (!all.has(k)) all.set(k, w);
      const snapshot = buildSnapshot({
        sites: sites.list(),
        providers: providers.list(),
        areas: areas.list(),
        workloads: [...all.values()],
        now,
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
      };
      const decision = place(snapshot, request, { seed: dep.spec.placement?.seed ?? 0 });
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
        const verb = need.reason === 'Failover' ? 'Failover' : need.reason === 'Update' ? 'RollingUpdate' : 'Scheduled';
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
            .filter((e) => e.feasible === 0)
            .map((e) => e.summary)
            .join('; '),
        );
      const explanation = new Map(
        (dep.status?.placement?.explanation ?? []).map((e) => [`${e.component}|${e.area ?? ''}`, e]),
      );
      for (const e of decision.explanation) explanation.set(`${e.component}|${e.area ?? ''}`, e);
      return {
        placement: {
          decidedAt: now.toISOString(),
          seed: decision.seed,
          assignments: [...previous.values()],
          explanation: [...explanation.values()],
          ...(decision.unplaced.length ? { unplaced: decision.unplaced } : {}),
        },
        unplaced: decision.unplaced,
      };
    }
  };
}
