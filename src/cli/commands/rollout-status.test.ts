// `rollout status` decisions from the objects the server holds (controllers stopped, states written by the test).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureEnv, type SecureEnv } from '../../api/testing/secure-env.js';
import {
  ApplicationKind,
  DeploymentKind,
  NamespaceKind,
  WorkloadKind,
  type Condition,
  type Deployment,
} from '../../model/index.js';
import { application, deployment, namespace, workload } from '../../model/testing/index.js';
import { runCli } from '../testing/run.js';

let env: SecureEnv;
let admin: string[];
let dep: Deployment;

const READY: Condition[] = [{ type: 'Ready', status: 'True', reason: 'HealthCheckPassed', lastTransitionTime: '' }];

async function setDeploymentStatus(progressing: Condition): Promise<void> {
  dep = (await env.cp.store.get(DeploymentKind, 'team', 'shop'))!;
  await env.cp.store.updateStatus(DeploymentKind, {
    ...dep,
    status: {
      observedGeneration: dep.metadata.generation,
      phase: 'Running',
      components: [{ name: 'web', phase: 'Running', replicas: 1, ready: 1 }],
      conditions: [progressing],
    },
  });
}

beforeAll(async () => {
  env = await startSecureEnv({ runControllers: false });
  admin = ['--server', env.cp.url, '--token', env.adminToken, '-n', 'team'];
  const store = env.cp.store;
  await store.create(NamespaceKind, namespace('team'));
  await store.create(ApplicationKind, application('team', 'shop'));
  dep = await store.create(DeploymentKind, deployment('team', 'shop'));
  const w = await store.create(WorkloadKind, {
    ...workload('team', 'shop-web-0', {
      siteName: 's1',
      spec: { deployment: 'shop', artifact: { command: 'node', args: ['web.mjs'] } },
    }),
    metadata: {
      name: 'shop-web-0',
      namespace: 'team',
      ownerReferences: [{ apiVersion: dep.apiVersion, kind: 'Deployment', name: 'shop', uid: dep.metadata.uid }],
    },
  });
  await store.updateStatus(WorkloadKind, { ...w, status: { phase: 'Running', conditions: READY } });
}, 30_000);
afterAll(() => env?.stop());

describe('rollout status', () => {
  it('is done only when every replica runs the current artifact, is ready, and the controller is not progressing', async () => {
    await setDeploymentStatus({ type: 'Progressing', status: 'False', reason: 'Converged', lastTransitionTime: '' });
    const done = await runCli('rollout', 'status', 'deployment', 'shop', '--watch=false', ...admin);
    expect([done.code, done.out]).toEqual([0, 'deployment "shop" successfully rolled out\n']);

    await setDeploymentStatus({
      type: 'Progressing',
      status: 'True',
      reason: 'RollingUpdate',
      message: '1 to place, 0 to remove',
      lastTransitionTime: '',
    });
    const rolling = await runCli('rollout', 'status', 'deployment', 'shop', '--watch=false', ...admin);
    expect([rolling.code, rolling.out]).toEqual([
      1,
      expect.stringContaining('RollingUpdate (1 to place, 0 to remove)'),
    ]);
    const timeout = await runCli('rollout', 'status', 'deploy/shop', '--timeout', '0.5', ...admin);
    expect([timeout.code, timeout.err]).toEqual([1, expect.stringContaining('timed out waiting for the rollout')]);

    // A new artifact in the Application: the replica is not "updated" until it runs it.
    await setDeploymentStatus({ type: 'Progressing', status: 'False', reason: 'Converged', lastTransitionTime: '' });
    const app = (await env.cp.store.get(ApplicationKind, 'team', 'shop'))!;
    await env.cp.store.update(ApplicationKind, {
      ...app,
      spec: { components: [{ name: 'web', artifact: { command: 'node', args: ['web2.mjs'] } }] },
    });
    const stale = await runCli('rollout', 'status', 'deployment', 'shop', '--watch=false', ...admin);
    expect([stale.code, stale.out]).toEqual([1, expect.stringContaining('0 out of 1 new replicas have been updated')]);
  });
});
