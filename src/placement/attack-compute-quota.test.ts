// Red-team of ComputeQuota through real HTTP: racing Deployments and growing an admitted Application's requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentEnv, testSiteSpec, waitFor } from '../agent/testing/env.js';
import { ContinuumClient } from '../client/index.js';
import { API_VERSION, ApplicationKind, DeploymentKind, WorkloadKind } from '../model/index.js';
import { application, component, deployment } from '../model/testing/index.js';
import { toAmounts } from './request.js';

const env = new AgentEnv();
let admin: ContinuumClient;
let tenant: ContinuumClient;
const idle = {
  command: process.execPath,
  args: ['-e', 'setInterval(()=>{},1000);process.on("SIGTERM",()=>process.exit(0))'],
};
const workloads = async () =>
  (await env.cp!.store.list(WorkloadKind, { namespace: 'default' })).items.filter((w) => !w.metadata.deletionTimestamp);
/** Millicores the tenant's workloads request together. */
const usedMilli = async () => (await workloads()).reduce((n, w) => n + toAmounts(w.spec.resources).cpu, 0);

beforeAll(async () => {
  await env.startControlPlane();
  admin = new ContinuumClient({ server: env.url, token: env.token });
  await env.agent(env.siteName('cq'), { siteSpec: testSiteSpec(), usageIntervalMs: 0 });
  const t = await admin.http.json<{ token: string }>('POST', '/auth/v1/tokens', {
    role: 'use-case-admin',
    tenant: 'default',
  });
  tenant = new ContinuumClient({ server: env.url, token: t.body.token });
  await admin.create({
    apiVersion: API_VERSION,
    kind: 'ComputeQuota',
    metadata: { name: 'compute', namespace: 'default' },
    spec: { cpu: '1', memory: '4Gi' },
  });
});
afterAll(() => env.cleanup());

describe('attack: ComputeQuota overshoot', () => {
  it('4 racing Deployments of 600m each (each fits alone) place at most 1 core', async () => {
    await tenant.create(
      application('default', 'a', {
        components: [component('c', { artifact: idle, resources: { cpu: '600m', memory: '32Mi' } })],
      }),
    );
    const names = ['d0', 'd1', 'd2', 'd3'];
    await Promise.allSettled(names.map((n) => tenant.create(deployment('default', n, { application: 'a' }))));
    // Every admitted Deployment settles: its replica placed or refused.
    await waitFor(async () => {
      for (const n of names) {
        const d = await env.cp!.store.get(DeploymentKind, 'default', n);
        if (!d) continue;
        const placed = (await workloads()).some((w) => w.spec.deployment === n);
        if (!placed && !d.status?.placement?.unplaced?.length) return false;
      }
      return true;
    }, 'every deployment placed or refused');
    expect(await usedMilli()).toBe(600);
  });

  it('growing the admitted Application afterwards does not grow placed requests beyond the quota', async () => {
    const app = await tenant.get(ApplicationKind, 'default', 'a');
    app.spec.components[0].resources = { cpu: '2', memory: '32Mi' };
    await tenant.update(app);
    // Settled when the placed workload carries the new request (attack) or is refused/unplaced (defence).
    await waitFor(async () => {
      const ws = await workloads();
      if (ws.some((w) => toAmounts(w.spec.resources).cpu >= 2000)) return true;
      const deps = (await env.cp!.store.list(DeploymentKind, { namespace: 'default' })).items;
      return deps.every((d) => (d.status?.placement?.unplaced?.length ?? 0) > 0);
    }, 'the grown application settled');
    expect(await usedMilli()).toBeLessThanOrEqual(1000);
  });
});
