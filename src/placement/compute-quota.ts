// Tenant compute quotas in placement: the quota hook the quota filter runs, and the admission of Deployments.
import {
  ApiError,
  ApplicationKind,
  DeploymentKind,
  WorkloadKind,
  isObjectOf,
  type AnyResource,
  type Deployment,
} from '../model/index.js';
import { ComputeQuotaKind, quotaExceeded, type ComputeQuota, type Requested } from '../management/index.js';
import type { Admission } from '../store/index.js';
import { buildRequest, toAmounts } from './request.js';
import type { Amounts, QuotaHook } from './types.js';

/** Placement amounts (millicores, MiB) in quota units (cores, bytes). */
const requested = (a: Amounts): Requested => ({ cpu: a.cpu / 1000, memory: a.memory * 1024 ** 2, gpu: a.gpu });
const sum = (xs: Iterable<Amounts>): Amounts => {
  const t = { cpu: 0, memory: 0, gpu: 0, storage: 0 };
  for (const x of xs) {
    t.cpu += x.cpu;
    t.memory += x.memory;
    t.gpu += x.gpu;
    t.storage += x.storage;
  }
  return t;
};

/** What the workloads in `workloads` request together (missing resources count as the default request). */
export const workloadsRequest = (
  workloads: Iterable<{ spec: { resources?: Parameters<typeof toAmounts>[0] } }>,
): Amounts => sum([...workloads].map((w) => toAmounts(w.spec.resources)));

/**
 * The quota hook for one decision in a tenant: `used` is what its workloads already request, `spend` its rated
 * spend this month. Undefined when the tenant has no ComputeQuota (the filter stays inactive).
 */
export function computeQuotaHook(
  quotas: readonly ComputeQuota[],
  used: Amounts,
  spend?: number,
): QuotaHook | undefined {
  if (!quotas.length) return undefined;
  return {
    check: ({ component, placed }) =>
      quotaExceeded(quotas, requested(sum([used, placed])), requested(component.resources), spend),
  };
}

/**
 * Admission: a Deployment whose replicas, added to what the tenant's other workloads request, exceed a
 * ComputeQuota of the tenant is refused (403) with the quota named. Scaling down or unchanged requests pass.
 */
export const computeQuotaAdmission: Admission = async (op, kind, obj, old, store) => {
  if (op === 'delete' || kind.kind !== DeploymentKind.kind || !isObjectOf(DeploymentKind, obj)) return;
  const ns = obj.metadata.namespace ?? 'default';
  const quotas = (await store.list(ComputeQuotaKind, { namespace: ns })).items;
  if (!quotas.length) return;
  const want = await deploymentRequest(store, ns, obj);
  if (!want) return;
  if (old && isObjectOf(DeploymentKind, old as AnyResource)) {
    const before = await deploymentRequest(store, ns, old as Deployment);
    if (before && want.cpu <= before.cpu && want.memory <= before.memory && want.gpu <= before.gpu) return;
  }
  const others = (await store.list(WorkloadKind, { namespace: ns })).items.filter(
    (w) => w.spec.deployment !== obj.metadata.name && !w.metadata.deletionTimestamp,
  );
  const reason = quotaExceeded(quotas, requested(workloadsRequest(others)), requested(want));
  if (reason)
    throw new ApiError('Forbidden', `deployment ${ns}/${obj.metadata.name} would ${reason}`, [
      { field: 'spec', message: reason },
    ]);
};

/** Everything a Deployment's replicas request together; undefined when its Application does not exist (yet). */
async function deploymentRequest(
  store: Parameters<Admission>[4],
  ns: string,
  dep: Deployment,
): Promise<Amounts | undefined> {
  const app = await store.get(ApplicationKind, ns, dep.spec.application);
  if (!app) return undefined;
  const req = buildRequest(ns, dep.metadata.name, app.spec, dep.spec);
  return sum(
    req.components.flatMap((c) =>
      c.groups.map((g) => ({
        cpu: c.resources.cpu * g.replicas,
        memory: c.resources.memory * g.replicas,
        gpu: c.resources.gpu * g.replicas,
        storage: c.resources.storage * g.replicas,
      })),
    ),
  );
}
