// The cost controller: rates each Deployment's usage this month into status.cost and keeps every tenant's
// monthly spend (ComputeQuota monthlySpend) and quota usage in the ComputeQuota's status.
import {
  DeploymentKind,
  SiteKind,
  WorkloadKind,
  type Deployment,
  type Site,
  type Workload,
} from '../../model/index.js';
import {
  ComputeQuotaKind,
  PriceListKind,
  rate,
  totals,
  type ComputeQuota,
  type RatedSite,
  type UsageStore,
} from '../../management/index.js';
import { workloadsRequest } from '../../placement/index.js';
import { jsonEqual } from '../../store/index.js';
import type { ControllerSpec } from '../../runtime/controller.js';
import { objectKey } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';

export interface CostControllerOptions {
  usage: UsageStore;
  /** How often each Deployment's cost is re-rated (default 60 s). */
  intervalMs?: number;
}

/** "YYYY-MM" and the first instant of the UTC month containing `now`. */
const monthOf = (now: Date): { period: string; from: number } => ({
  period: now.toISOString().slice(0, 7),
  from: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
});

/** Spend per tenant this month, as last rated (read by the deployment controller's quota hook). */
export class SpendLedger {
  private readonly byDeployment = new Map<string, { ns: string; period: string; amount: number }>();

  set(ns: string, dep: string, period: string, amount: number): void {
    this.byDeployment.set(`${ns}/${dep}`, { ns, period, amount });
  }

  forget(key: string): void {
    this.byDeployment.delete(key);
  }

  /** The tenant's spend in `period` (default: the current UTC month) over the Deployments rated so far. */
  spend(ns: string, period = new Date().toISOString().slice(0, 7)): number {
    let cents = 0;
    for (const v of this.byDeployment.values())
      if (v.ns === ns && v.period === period) cents += Math.round(v.amount * 100);
    return cents / 100;
  }
}

export function costController(opts: CostControllerOptions, ledger: SpendLedger) {
  return (m: Manager): ControllerSpec => {
    const store = m.opts.store;
    const deployments = m.informer(DeploymentKind);
    const lists = m.informer(PriceListKind);
    const sites = m.informer(SiteKind);
    const quotas = m.informer(ComputeQuotaKind);
    const workloads = m.informer(WorkloadKind);
    const interval = opts.intervalMs ?? 60_000;
    const every = (): string[] => deployments.list().map(objectKey);
    const siteInfo = (): Map<string, RatedSite> =>
      new Map(
        sites
          .list()
          .map((s: Site) => [
            s.metadata.name,
            { provider: s.spec.provider, ...(s.spec.pricing ? { pricing: s.spec.pricing } : {}) },
          ]),
      );

    async function rateDeployment(d: Deployment, now: Date): Promise<void> {
      const ns = d.metadata.namespace ?? 'default';
      const { period, from } = monthOf(now);
      const rows = await opts.usage.query({
        granularity: 'hour',
        from,
        to: now.getTime() + 1,
        namespace: ns,
        deployment: d.metadata.name,
      });
      const t = totals(rate(rows, lists.list(), siteInfo()).lines);
      const [currency, amount] = Object.entries(t)[0] ?? ['', 0];
      ledger.set(ns, d.metadata.name, period, amount);
      const prev = d.status?.cost;
      if (prev && prev.period === period && prev.amount === amount && prev.currency === currency) return;
      // A merge patch of status.cost only: the deployment controller owns the rest of the status, and a full
      // replace from this (possibly older) copy would drop what it wrote meanwhile (placement, conditions).
      await store.patch(
        DeploymentKind,
        d.metadata.namespace,
        d.metadata.name,
        { status: { cost: { period, amount, currency, asOf: now.toISOString() } } },
        'status',
      );
    }

    async function updateQuota(q: ComputeQuota, now: Date): Promise<void> {
      const ns = q.metadata.namespace ?? '';
      // What the tenant's workloads request (cores, bytes, GPUs; as placement counts them) and its spend this month.
      const req = workloadsRequest(
        workloads.list().filter((w) => w.metadata.namespace === ns && !w.metadata.deletionTimestamp),
      );
      const used = {
        cpu: req.cpu / 1000,
        memory: req.memory * 1024 ** 2,
        gpu: req.gpu,
        monthlySpend: ledger.spend(ns, monthOf(now).period),
      };
      if (jsonEqual(used, q.status?.used ?? {})) return;
      await store.updateStatus(ComputeQuotaKind, { ...q, status: { ...q.status, used } });
    }

    return {
      name: 'cost',
      workers: 1,
      watches: [
        { informer: deployments, map: (d: Deployment) => [objectKey(d)] },
        // A new or changed price list re-rates everything.
        { informer: lists, map: () => every() },
        { informer: quotas, map: (q: ComputeQuota) => [`quota:${objectKey(q)}`] },
        // Workloads coming and going change what each quota of their tenant has used.
        {
          informer: workloads,
          map: (w: Workload) =>
            quotas
              .list()
              .filter((q) => q.metadata.namespace === w.metadata.namespace)
              .map((q) => `quota:${objectKey(q)}`),
        },
      ],
      async reconcile(ctx, key) {
        const now = ctx.now();
        if (key.startsWith('quota:')) {
          const [ns, name] = key.slice(6).split('/');
          const q = await store.get(ComputeQuotaKind, ns, name);
          if (q) await updateQuota(q, now);
          return;
        }
        const [ns, name] = key.split('/');
        const d = await store.get(DeploymentKind, ns, name);
        if (!d || d.metadata.deletionTimestamp) {
          ledger.forget(key);
          return;
        }
        await rateDeployment(d, now);
        for (const q of quotas.list().filter((x) => x.metadata.namespace === ns)) await updateQuota(q, now);
        return { requeueAfterMs: interval };
      },
    };
  };
}
