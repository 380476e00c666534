// Tenant ComputeQuota end to end: placement refuses the replica that would exceed it (the quota named in the
// explanation), admission refuses a Deployment that cannot fit, and tenants cannot raise their own quota.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentEnv, testSiteSpec, waitFor } from '../agent/testing/env.js';
import { ContinuumClient } from '../client/index.js';
import { API_VERSION, DeploymentKind, WorkloadKind } from '../model/index.js';
import { application, component, deployment } from '../model/testing/index.js';
import { ComputeQuotaKind } from '../management/index.js';

const env = new AgentEnv();
let admin: ContinuumClient;
let tenant: ContinuumClient;
const idle = {
  command: process.execPath,
  args: ['-e', 'setInterval(()=>{},1000);process.on("SIGTERM",()=>process.exit(0))'],
};
const app = (name: string, cpu: string, replicas: number) =>
  application('default', name, {
    components: [component('c', { artifact: idle, replicas, resources: { cpu, memory: '32Mi' } })],
  });
const workloadsOf = async (dep: string): Promise<number> =>
  (await env.cp!.store.list(WorkloadKind, { namespace: 'default' })).items.filter((w) => w.spec.deployment === dep)
    .length;

beforeAll(async () => {
  await env.startControlPlane();
  admin = new ContinuumClient({ server: env.url, token: env.token });
  await env.agent(env.siteName('quota'), { siteSpec: testSiteSpec(), usageIntervalMs: 0 });
  const t = await admin.http.json<{ token: string }>('POST', '/auth/v1/tokens', {
    role: 'use-case-admin',
    tenant: 'default',
  });
  tenant = new ContinuumClient({ server: env.url, token: t.body.token });
});
afterAll(() => env.cleanup());

describe('compute quota', () => {
  it('placement refuses the replica over the quota and names the quota; admission refuses what cannot fit', async () => {
    // 400m already running; a paused Deployment of 2 × 400m is admitted while no quota exists.
    await tenant.create(app('one', '400m', 1));
    await tenant.create(deployment('default', 'one'));
    await waitFor(async () => (await workloadsOf('one')) === 1, 'the first deployment placed');
    await tenant.create(app('pair', '400m', 2));
    await tenant.create(deployment('default', 'pair', { paused: true }));
    await admin.create({
      apiVersion: API_VERSION,
      kind: 'ComputeQuota',
      metadata: { name: 'compute', namespace: 'default' },
      spec: { cpu: '1', memory: '4Gi' },
    });
    // Unpaused: 400m + 400m fit under 1 core, the second replica of pair does not.
    const d = await tenant.get(DeploymentKind, 'default', 'pair');
    await tenant.update({ ...d, spec: { ...d.spec, paused: false } });
    const st = await waitFor(async () => {
      const s = (await tenant.get(DeploymentKind, 'default', 'pair')).status;
      return s?.placement?.unplaced?.length === 1 && s;
    }, 'the second replica refused by the quota');
    expect(await workloadsOf('pair')).toBe(1);
    const reasons = st.placement!.explanation.flatMap((e) => e.reasons).join('; ');
    expect(reasons).toMatch(/exceed ComputeQuota default\/compute cpu \(0\.8 of 1 used, 0\.4 more asked\)/);
    // The quota's status shows what the tenant's workloads request.
    await waitFor(
      async () => (await admin.get(ComputeQuotaKind, 'default', 'compute')).status?.used?.cpu === 0.8,
      'the quota status to count 800m',
    );

    // Admission: a new Deployment of 300m does not fit next to the 800m placed (and says which quota).
    await tenant.create(app('big', '300m', 1));
    await expect(tenant.create(deployment('default', 'big'))).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/ComputeQuota default\/compute cpu/),
    });
  });

  it('a tenant cannot raise, replace or delete its own quota', async () => {
    const q = await tenant.get(ComputeQuotaKind, 'default', 'compute');
    expect(q.spec.cpu).toBe('1');
    await expect(tenant.update({ ...q, spec: { ...q.spec, cpu: '64' } })).rejects.toMatchObject({ status: 403 });
    await expect(
      tenant.http.json('DELETE', '/apis/continuum.eu/v1alpha1/namespaces/default/computequotas/compute'),
    ).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      tenant.create({
        apiVersion: API_VERSION,
        kind: 'ComputeQuota',
        metadata: { name: 'mine', namespace: 'default' },
        spec: { cpu: '64' },
      }),
    ).rejects.toMatchObject({ status: 403 });
  });
});
