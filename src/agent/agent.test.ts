// The site agent against an in-process control plane: registration, heartbeats, workloads, logs through the tunnel, RTT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../client/index.js';
import {
  getCondition,
  LeaseKind,
  siteLeaseName,
  SiteKind,
  validateObject,
  WorkloadKind,
  type SiteStatus,
  type WorkloadStatus,
} from '../model/index.js';
import { site as siteFixture } from '../model/testing/index.js';
import type { SiteAgent } from './agent.js';
import { AgentEnv, hostPidOf, pidGone, processesOf, testSiteSpec, waitFor } from './testing/env.js';

const env = new AgentEnv();
let client: ContinuumClient;
let site: string;
let agent: SiteAgent;

beforeAll(async () => {
  await env.startControlPlane();
  client = new ContinuumClient({ server: env.url, token: env.token });
  site = env.siteName('edge-a');
  agent = await env.agent(site, { siteSpec: testSiteSpec() });
});
afterAll(() => env.cleanup());

const siteStatus = async (name: string): Promise<SiteStatus> =>
  ((await client.get(SiteKind, undefined, name)).status ?? {}) as SiteStatus;
const wlStatus = async (name: string): Promise<WorkloadStatus> =>
  ((await env.getWorkload(name))?.status ?? {}) as WorkloadStatus;

describe('registration and heartbeat', () => {
  it('creates its Site from the declared spec, renews its Lease and writes the Site only on change', async () => {
    expect(agent.connected).toBe(true);
    const first = await waitFor(async () => {
      const s = await siteStatus(site);
      return getCondition(s.conditions, 'Ready')?.status === 'True' && !!s.allocatable && s;
    }, 'the site to turn Ready from its lease, with its first status');
    const obj = await client.get(SiteKind, undefined, site);
    expect(validateObject(SiteKind, obj)).toEqual([]);
    expect(getCondition(first.conditions, 'Ready')).toMatchObject({ reason: 'AgentLeaseRenewed' });
    expect(first.allocatable).toEqual({ cpu: 4, memory: '8Gi' });
    expect(first.allocated).toEqual({ cpu: '0', memory: '0Mi' });
    // The offered runtimes: process, plus container where podman works on this host.
    const offered = agent.runtimes.filter((r) => r.available).map((r) => r.name);
    expect(offered[0]).toBe('process');
    expect(first.agent).toMatchObject({
      driver: offered.join(','),
      address: agent.address,
      version: expect.any(String),
    });
    expect(first.agent?.address).toMatch(/^127\.0\.0\.1:\d+$/);
    // Heartbeats renew the site's Lease (300 ms period, 1 s duration) ...
    const lease = await client.get(LeaseKind, undefined, siteLeaseName(site));
    expect(lease.spec).toMatchObject({ holderIdentity: expect.stringContaining(site), leaseDurationSeconds: 1 });
    await waitFor(
      async () =>
        (await client.get(LeaseKind, undefined, siteLeaseName(site))).metadata.resourceVersion !==
        lease.metadata.resourceVersion,
      'a lease renewal',
    );
    // ... and leave the Site alone while nothing about it changes.
    const rv = (await client.get(SiteKind, undefined, site)).metadata.resourceVersion;
    const renewals = async (): Promise<string> =>
      (await client.get(LeaseKind, undefined, siteLeaseName(site))).metadata.resourceVersion;
    const r0 = await renewals();
    await waitFor(async () => (await renewals()) !== r0, 'another lease renewal');
    expect(first.lastHeartbeatTime).toBeUndefined();
    expect((await client.get(SiteKind, undefined, site)).metadata.resourceVersion).toBe(rv);
  });

  it('adopts an existing Site as it is, and refuses an absent one without a spec', async () => {
    const other = env.siteName('edge-adopt');
    await client.create(siteFixture(other, { spec: { ...testSiteSpec(), capacity: { cpu: 2 } } }));
    const a = await env.agent(other);
    const s = await waitFor(async () => (await siteStatus(other)).allocatable, 'a heartbeat of the adopting agent');
    expect(s.cpu).toBe(2);
    expect(s.memory).toMatch(/^\d+(Mi|Gi)$/); // not declared: the host's memory
    expect((await client.get(SiteKind, undefined, other)).spec.capacity).toEqual({ cpu: 2 });
    await a.stop({ detach: false });
    env.forget(a);
    await expect(env.agent(env.siteName('edge-missing'))).rejects.toThrow(/does not exist/);
  });
});

describe('workloads', () => {
  it('runs a bound workload, reports a valid Running status with a URL that answers, and stops it when deleted', async () => {
    await env.workload('web', site, {
      resources: { cpu: '250m', memory: '64Mi' },
      env: [{ name: 'GREETING', value: 'hi' }],
    });
    const st = await waitFor(
      async () => {
        const s = await wlStatus('web');
        return s.phase === 'Running' && getCondition(s.conditions, 'Ready')?.status === 'True' && s.url && s;
      },
      'workload Running',
      10_000,
    );
    expect(validateObject(WorkloadKind, await env.getWorkload('web'))).toEqual([]);
    expect(st).toMatchObject({
      siteName: site,
      restarts: 0,
      host: '127.0.0.1',
      observedGeneration: 1,
      limits: expect.any(Object),
    });
    expect(st.url).toBe(`http://127.0.0.1:${st.ports?.http}`);
    const body = await waitFor(
      async () =>
        fetch(st.url!)
          .then((r) => r.json())
          .catch(() => undefined),
      'the URL to answer',
    );
    expect(body).toEqual({ pid: expect.any(Number), site, workload: 'default/web' });
    expect(hostPidOf((body as { pid: number }).pid, st.pid!)).toBeGreaterThan(0); // answered from its sandbox
    expect(processesOf(site, 'default/web')).toEqual([st.pid]);
    const s = await waitFor(async () => {
      const x = await siteStatus(site);
      return x.workloads === 1 && x.allocated?.cpu === '250m' && x;
    }, 'allocation in the site status');
    expect(s.allocated).toEqual({ cpu: '250m', memory: '64Mi' });

    await client.delete(WorkloadKind, 'default', 'web');
    await waitFor(() => pidGone(st.pid!), 'the process to stop');
    await waitFor(() => agent.driver.list().length === 0, 'the driver to forget it');
    expect(processesOf(site, 'default/web')).toEqual([]);
  });

  it('reports a workload it cannot start as Failed', async () => {
    await env.workload('broken', site, { artifact: { command: '/nonexistent/program' } });
    const st = await waitFor(async () => {
      const s = await wlStatus('broken');
      return s.phase === 'Failed' && s;
    }, 'Failed status');
    // A missing program has its own machine-readable reason (ADR 0024), naming the path.
    expect(getCondition(st.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'CommandNotFound',
      message: expect.stringContaining('/nonexistent/program'),
    });
    await client.delete(WorkloadKind, 'default', 'broken');
  });
});

describe('logs through the agent tunnel', () => {
  it('serves tailLines and follow, and 503 for a site without agent', async () => {
    await env.workload('chatty', site);
    await waitFor(async () => (await wlStatus('chatty')).phase === 'Running', 'chatty Running', 10_000);
    await waitFor(async () => {
      const lines: string[] = [];
      for await (const chunk of client.logs('default', 'chatty', { tailLines: 30 })) lines.push(chunk);
      return lines.join('').includes('tick 2');
    }, 'a few ticks logged');

    const tail: string[] = [];
    for await (const chunk of client.logs('default', 'chatty', { tailLines: 5 })) tail.push(chunk);
    const lines = tail.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toMatch(/^tick \d+$/);

    const ac = new AbortController();
    const seen: string[] = [];
    const last = Number(/tick (\d+)/.exec(lines.at(-1)!)![1]);
    try {
      for await (const chunk of client.logs('default', 'chatty', { follow: true, tailLines: 1 }, ac.signal)) {
        seen.push(...chunk.split('\n').filter(Boolean));
        if (seen.some((l) => Number(/tick (\d+)/.exec(l)?.[1]) >= last + 3)) ac.abort();
      }
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    // The reader left: the hub cancels, and the agent stops streaming.
    await waitFor(
      () => agent.snapshot().tunnel.activeRequests === 0,
      'the agent to stop serving the cancelled request',
    );
    expect(agent.snapshot().tunnel.open).toBe(true);

    // A workload the agent does not run: the agent's error report ends the stream with its message.
    await env.workload('ghost', site, { artifact: { command: '/nonexistent/ghost' } });
    await waitFor(async () => (await wlStatus('ghost')).phase === 'Failed', 'ghost Failed');
    const ghost: string[] = [];
    for await (const chunk of client.logs('default', 'ghost', {})) ghost.push(chunk);
    expect(ghost.join('')).toMatch(/log stream ended: workload default\/ghost is not running at site/);

    const lonely = env.siteName('no-agent');
    await client.create(siteFixture(lonely, { spec: testSiteSpec() }));
    await env.workload('orphan', lonely);
    const gen = client.logs('default', 'orphan', {});
    await expect(gen[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'Unavailable',
      message: expect.stringMatching(/no connected agent/),
    });
    await client.delete(WorkloadKind, 'default', 'chatty');
  });
});

describe('round-trip times', () => {
  it('two agents report each other in latencyMs', async () => {
    const a = env.siteName('rtt-a');
    const b = env.siteName('rtt-b');
    await env.agent(a, { siteSpec: testSiteSpec(), rttIntervalMs: 200 });
    await env.agent(b, { siteSpec: testSiteSpec(), rttIntervalMs: 200 });
    const [sa, sb] = await waitFor(
      async () => {
        const x = await siteStatus(a);
        const y = await siteStatus(b);
        return x.latencyMs?.[b] !== undefined && y.latencyMs?.[a] !== undefined && [x, y];
      },
      'mutual latencies',
      10_000,
    );
    expect(sa.latencyMs![b]).toBeGreaterThan(0);
    expect(sb.latencyMs![a]).toBeLessThan(1000);
    expect(validateObject(SiteKind, await client.get(SiteKind, undefined, a))).toEqual([]);
  });
});
