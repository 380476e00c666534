// rollout history/undo/status through the real CLI: revisions recorded by the controller, undo rolls workloads back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureEnv, type SecureEnv } from '../../api/testing/secure-env.js';
import { waitFor } from '../../lib/testing/index.js';
import {
  ApplicationKind,
  ControllerRevisionKind,
  DeploymentKind,
  NamespaceKind,
  ProviderKind,
  REVISION_HISTORY_LIMIT,
  SiteKind,
  WorkloadKind,
} from '../../model/index.js';
import { application, component, deployment, namespace, provider, site } from '../../model/testing/index.js';
import { runCli } from '../testing/run.js';

let env: SecureEnv;
let admin: string[];
let agent: NodeJS.Timeout | undefined;

const args = (v: string) => ({ components: [component('web', { artifact: { command: 'node', args: [v] } })] });
const workloadArgs = async (): Promise<string[]> =>
  (await env.cp.store.list(WorkloadKind, { namespace: 'team', fieldSelector: 'spec.deployment=shop' })).items
    .filter((w) => !w.metadata.deletionTimestamp)
    .map((w) => String(w.spec.artifact.args?.[0]));
const setApp = async (v: string, cause?: string): Promise<void> => {
  const app = (await env.cp.store.get(ApplicationKind, 'team', 'shop'))!;
  await env.cp.store.update(ApplicationKind, {
    ...app,
    metadata: { ...app.metadata, annotations: cause ? { 'kubernetes.io/change-cause': cause } : undefined },
    spec: args(v),
  });
};
const revisions = async () =>
  (await env.cp.store.list(ControllerRevisionKind, { namespace: 'team' })).items
    .map((r) => [r.spec.revision, r.spec.applicationSpec.components[0].artifact.args?.[0]] as const)
    .sort((a, b) => a[0] - b[0]);

beforeAll(async () => {
  env = await startSecureEnv({ siteGraceSeconds: 3600 });
  admin = ['--server', env.cp.url, '--token', env.adminToken, '-n', 'team'];
  const store = env.cp.store;
  await store.create(NamespaceKind, namespace('team'));
  await store.create(ProviderKind, provider('p'));
  const now = new Date().toISOString();
  const s = await store.create(SiteKind, site('mad', { provider: 'p' }));
  await store.updateStatus(SiteKind, {
    ...s,
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'AgentHeartbeat', lastTransitionTime: now }],
      lastHeartbeatTime: now,
    },
  });
  // A simulated agent: every scheduled workload becomes Running and Ready.
  agent = setInterval(() => {
    void (async () => {
      for (const w of (await store.list(WorkloadKind)).items) {
        if (w.status?.phase === 'Running' || !w.spec.siteName || w.metadata.deletionTimestamp) continue;
        await store
          .updateStatus(WorkloadKind, {
            ...w,
            status: {
              phase: 'Running',
              siteName: w.spec.siteName,
              conditions: [{ type: 'Ready', status: 'True', reason: 'HealthCheckPassed' }],
            },
          })
          .catch(() => undefined);
      }
    })();
  }, 50);
  await store.create(ApplicationKind, { ...application('team', 'shop'), spec: args('v1.mjs') });
  await store.create(DeploymentKind, deployment('team', 'shop'));
}, 60_000);
afterAll(async () => {
  clearInterval(agent);
  await env?.stop();
});

describe('rollout', () => {
  it('records a revision per distinct spec; undo restores the previous one and the workloads roll back', async () => {
    const st = await runCli('rollout', 'status', 'deployment', 'shop', '--timeout', '60', ...admin);
    expect([st.code, st.out]).toEqual([0, expect.stringMatching(/deployment "shop" successfully rolled out\n$/)]);
    expect(await workloadArgs()).toEqual(['v1.mjs']);

    await setApp('v2.mjs', 'ship v2');
    await waitFor(async () => (await workloadArgs()).join() === 'v2.mjs', 'the rollout', 30_000);
    await waitFor(async () => (await revisions()).length === 2, 'the rollout', 30_000);
    const hist = await runCli('rollout', 'history', 'deploy/shop', ...admin);
    expect(hist.out.split('\n').map((l) => l.split(/\s{2,}/))).toEqual([
      ['deployment/shop'],
      ['REVISION', 'CHANGE-CAUSE'],
      ['1', '<none>'],
      ['2', 'ship v2'],
      [''],
    ]);
    const shown = await runCli('rollout', 'history', 'deployment', 'shop', '--revision', '1', ...admin);
    expect(shown.out).toContain('- v1.mjs');

    const undo = await runCli('rollout', 'undo', 'deployment', 'shop', ...admin);
    expect([undo.code, undo.out]).toEqual([0, 'deployment/shop rolled back to revision 1\n']);
    expect((await env.cp.store.get(ApplicationKind, 'team', 'shop'))!.spec).toEqual(args('v1.mjs'));
    // The workloads really roll back, and the restored snapshot becomes the newest revision (as in Kubernetes).
    await waitFor(async () => (await workloadArgs()).join() === 'v1.mjs', 'the rollout', 30_000);
    await waitFor(
      async () =>
        JSON.stringify(await revisions()) ===
        JSON.stringify([
          [2, 'v2.mjs'],
          [3, 'v1.mjs'],
        ]),
      'revision 1 renumbered as 3',
      30_000,
    );
    const done = await runCli('rollout', 'status', 'deployment', 'shop', '--timeout', '60', ...admin);
    expect(done.out).toMatch(/successfully rolled out\n$/);

    const to = await runCli('rollout', 'undo', 'deployment', 'shop', '--to-revision', '2', ...admin);
    expect(to.out).toBe('deployment/shop rolled back to revision 2\n');
    await waitFor(async () => (await workloadArgs()).join() === 'v2.mjs', 'the rollout', 30_000);
  }, 120_000);

  it('keeps a bounded history and refuses revisions that do not exist', async () => {
    for (let i = 3; i <= REVISION_HISTORY_LIMIT + 3; i++) {
      await setApp(`v${i}.mjs`);
      await waitFor(async () => (await revisions()).some(([, a]) => a === `v${i}.mjs`), 'the rollout', 30_000);
    }
    await waitFor(async () => (await revisions()).length === REVISION_HISTORY_LIMIT, 'the rollout', 30_000);
    const revs = await revisions();
    expect(revs.at(-1)![1]).toBe(`v${REVISION_HISTORY_LIMIT + 3}.mjs`);
    const missing = await runCli('rollout', 'undo', 'deployment', 'shop', '--to-revision', '1', ...admin);
    expect([missing.code, missing.err]).toEqual([2, expect.stringContaining('has no revision 1 (has: ')]);
    expect((await runCli('rollout', 'restart', 'deployment', 'shop', ...admin)).code).toBe(2);
    expect((await runCli('rollout', 'undo', 'application', 'shop', ...admin)).code).toBe(2);
  }, 120_000);

  it('revisions are read-only for tenants', async () => {
    const { token } = await env.issue({ role: 'use-case-admin', tenant: 'team' });
    const list = await runCli('get', 'revisions', '-n', 'team', '--server', env.cp.url, '--token', token);
    expect(list.code).toBe(0);
    const name = (await env.cp.store.list(ControllerRevisionKind, { namespace: 'team' })).items[0].metadata.name;
    const del = await runCli('delete', 'revision', name, '-n', 'team', '--server', env.cp.url, '--token', token);
    expect([del.code, del.err]).toEqual([1, expect.stringContaining('allows delete ControllerRevision')]);
  });
});
