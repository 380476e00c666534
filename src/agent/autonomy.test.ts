// Edge autonomy: the control plane goes away and comes back; workloads keep running, restart locally, and reconcile without duplicates.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../client/index.js';
import { SiteKind, WorkloadKind, type SiteStatus, type WorkloadStatus } from '../model/index.js';
import { SqliteBackend, Store } from '../store/index.js';
import type { SiteAgent } from './agent.js';
import { AgentEnv, hostPidOf, pidGone, processesOf, sleep, testSiteSpec, waitFor } from './testing/env.js';

const env = new AgentEnv();
let site: string;
let agent: SiteAgent;

beforeAll(async () => {
  await env.startControlPlane();
  site = env.siteName('edge-auto');
  agent = await env.agent(site, { siteSpec: testSiteSpec() });
});
afterAll(() => env.cleanup());

const wlStatus = async (name: string): Promise<WorkloadStatus> =>
  ((await env.getWorkload(name))?.status ?? {}) as WorkloadStatus;
/** Whether `answer` came from the sandbox whose (host) pid is `sandbox`: workloads see their own PID namespace. */
const from = (answer: { pid: number } | undefined, sandbox: number | undefined): boolean =>
  !!answer && !!sandbox && hostPidOf(answer.pid, sandbox) > 0;

const answers = async (url: string): Promise<{ pid: number } | undefined> =>
  fetch(url, { signal: AbortSignal.timeout(1000) })
    .then((r) => r.json() as Promise<{ pid: number }>)
    .catch(() => undefined);
const running = (name: string) => async (): Promise<WorkloadStatus | false> => {
  const s = await wlStatus(name);
  return s.phase === 'Running' && s.url !== undefined && s;
};

/** Deletes a workload straight in the stopped control plane's database (what an operator did while the agent was cut off). */
async function deleteOffline(name: string): Promise<void> {
  const store = new Store(new SqliteBackend({ path: join(env.dataDir, 'continuum.db') }));
  try {
    await store.delete(WorkloadKind, 'default', name);
  } finally {
    await store.close();
  }
}

describe('edge autonomy', () => {
  it('keeps serving and restarting offline, then reconciles without duplicates', async () => {
    await env.workload('app', site);
    await env.workload('doomed', site);
    const before = await waitFor(running('app'), 'app Running', 10_000);
    const doomed = await waitFor(running('doomed'), 'doomed Running', 10_000);
    await waitFor(() => answers(before.url!), 'app answering');

    // The control plane goes away: the app keeps answering.
    await env.stopControlPlane();
    await waitFor(() => !agent.connected, 'the agent to notice');
    expect(from(await answers(before.url!), before.pid)).toBe(true);

    // A crash while offline is restarted locally.
    process.kill(before.pid!, 'SIGKILL');
    const restarted = await waitFor(
      () => {
        const s = agent.driver.get('default/app');
        return s && s.phase === 'Running' && s.pid !== before.pid && s.restarts === 1 && s;
      },
      'a local restart while offline',
      10_000,
    );
    const again = await waitFor(
      () => answers(restarted.host && `http://${restarted.host}:${restarted.ports.http}`),
      'the restarted app answering',
    );
    expect(from(again, restarted.pid)).toBe(true);
    expect(agent.connected).toBe(false);
    expect(agent.snapshot().pendingStatuses).toBeGreaterThan(0);

    // Meanwhile "doomed" is deleted; the agent cannot know yet.
    await deleteOffline('doomed');
    expect(pidGone(doomed.pid!)).toBe(false);

    // The control plane comes back on the same data and port.
    await env.startControlPlane();
    await agent.waitConnected(10_000);
    const after = await waitFor(
      async () => {
        const s = await wlStatus('app');
        return s.pid === restarted.pid && s.restarts === 1 && s.phase === 'Running' && s;
      },
      'the offline restart reported',
      10_000,
    );
    expect(after.url).toBe(`http://127.0.0.1:${restarted.ports.http}`);
    await waitFor(() => pidGone(doomed.pid!), 'the workload deleted while offline to be stopped', 10_000);
    await waitFor(() => agent.driver.list().length === 1, 'the driver to forget it');
    expect(agent.driver.list().map((s) => s.id)).toEqual(['default/app']);
    expect(processesOf(site, 'default/app')).toEqual([restarted.pid]);
    expect(processesOf(site, 'default/doomed')).toEqual([]);

    const client = new ContinuumClient({ server: env.url, token: env.token });
    const msg = await waitFor(
      async () => ((await client.get(SiteKind, undefined, site)).status as SiteStatus | undefined)?.message,
      'the offline report',
    );
    expect(msg).toMatch(/offline from .* to .*\(\d+\.\d s/);
    expect(msg).toMatch(/restarted locally while offline: default\/app ×1/);

    // The log tunnel is back too (the new control plane's hub).
    const lines = await waitFor(async () => {
      const out: string[] = [];
      try {
        for await (const chunk of client.logs('default', 'app', { tailLines: 3 })) out.push(chunk);
      } catch {
        return undefined;
      }
      return out.join('').includes('tick') && out;
    }, 'logs through the reopened tunnel');
    expect(lines.join('').split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('re-adopts running workloads after an agent restart without restarting them', async () => {
    const s = await waitFor(running('app'), 'app Running');
    await agent.stop({ detach: true });
    env.forget(agent);
    expect(processesOf(site, 'default/app')).toEqual([s.pid]);

    agent = await env.agent(site);
    await waitFor(() => agent.synced, 'the new agent to sync');
    const again = agent.driver.get('default/app');
    expect(again).toMatchObject({ pid: s.pid, restarts: s.restarts, phase: 'Running' });
    // What is checked is that nothing happens: the adopted process is not restarted a moment later.
    await sleep(500);
    expect((await wlStatus('app')).pid).toBe(s.pid);
    expect(processesOf(site, 'default/app')).toEqual([s.pid]);
  });

  it('starts offline with adopted workloads and removes nothing until it has synced', async () => {
    const s = await waitFor(running('app'), 'app Running');
    await agent.stop({ detach: true });
    env.forget(agent);
    await env.stopControlPlane();

    agent = await env.agent(site);
    expect(agent.connected).toBe(false);
    // What is checked is that nothing happens: offline and unsynced, the agent removes and restarts nothing.
    await sleep(500);
    expect(agent.driver.get('default/app')).toMatchObject({ pid: s.pid, phase: 'Running' });
    expect(from(await answers(s.url!), s.pid)).toBe(true);

    await env.startControlPlane();
    await agent.waitConnected(10_000);
    await waitFor(() => agent.synced, 'sync');
    const client = new ContinuumClient({ server: env.url, token: env.token });
    const msg = await waitFor(async () => {
      const m = ((await client.get(SiteKind, undefined, site)).status as SiteStatus | undefined)?.message;
      return m?.startsWith('agent started without the control plane') && m;
    }, 'the offline-start report');
    expect(msg).toMatch(/no workload restarts while offline/);
    expect(processesOf(site, 'default/app')).toEqual([s.pid]);
    expect((await wlStatus('app')).restarts).toBe(s.restarts);
  });
});
