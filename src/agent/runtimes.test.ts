// An agent with several runtime drivers against an in-process control plane: detection into Site status, routing, refusal, placement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../client/index.js';
import {
  getCondition,
  SiteKind,
  validateObject,
  WorkloadKind,
  type AnyResource,
  type Resource,
  type SiteSpec,
  type SiteStatus,
  type WorkloadStatus,
} from '../model/index.js';
import { buildSnapshot, place } from '../placement/index.js';
import { comp, req } from '../placement/testing/fixtures.js';
import type { SiteAgent } from './agent.js';
import { processDriver } from './drivers/process/index.js';
import { fakeRegistration } from './drivers/testing/fake.js';
import { AgentEnv, pidGone, processesOf, testSiteSpec, waitFor } from './testing/env.js';

const env = new AgentEnv();
let client: ContinuumClient;
let site: string;
let agent: SiteAgent;
const container = fakeRegistration('container', { available: true, message: 'fake containers' });
const fn = fakeRegistration('function', { available: false, reason: 'fn-runner not found in PATH' });

beforeAll(async () => {
  await env.startControlPlane();
  client = new ContinuumClient({ server: env.url, token: env.token });
  site = env.siteName('multi');
  agent = await env.agent(site, { siteSpec: testSiteSpec(), drivers: [processDriver, container, fn] });
});
afterAll(() => env.cleanup());

const siteObj = async (name: string): Promise<AnyResource> => client.get(SiteKind, undefined, name);
const wlStatus = async (name: string): Promise<WorkloadStatus> =>
  ((await env.getWorkload(name))?.status ?? {}) as WorkloadStatus;

describe('an agent with several runtimes', () => {
  it('reports every runtime kind in the Site status: detected, missing, or without a driver', async () => {
    const st = await waitFor(
      async () => ((await siteObj(site)).status as SiteStatus | undefined)?.runtimes,
      'status.runtimes',
    );
    expect(st).toEqual([
      { name: 'process', available: true, message: expect.stringMatching(/limits/) },
      { name: 'function', available: false, reason: 'fn-runner not found in PATH' },
      { name: 'kubernetes', available: false, reason: 'this agent has no kubernetes driver' },
      { name: 'container', available: true, message: 'fake containers' },
    ]);
    expect(validateObject(SiteKind, await siteObj(site))).toEqual([]);
    expect(((await siteObj(site)).status as SiteStatus).agent?.driver).toBe('process,container');
    expect(agent.snapshot().runtimes).toEqual(st);
    // Each driver has its own state dir under the agent's.
    expect(container.createdWith[0].stateDir).toMatch(/[/]drivers[/]container$/);
  });

  it('routes each workload to the driver of its runtime', async () => {
    await env.workload('proc', site);
    await env.workload('box', site, { runtime: 'container', artifact: { image: 'example/box:1' } });
    const proc = await waitFor(
      async () => {
        const s = await wlStatus('proc');
        return s.phase === 'Running' && s.pid && s;
      },
      'proc Running',
      10_000,
    );
    expect(processesOf(site, 'default/proc')).toEqual([proc.pid]);
    const box = await waitFor(async () => {
      const s = await wlStatus('box');
      return s.phase === 'Running' && s;
    }, 'box Running');
    expect(box).toMatchObject({ host: '127.0.0.1', ports: { http: 40000 }, limits: { reason: 'fake driver' } });
    expect(container.created[0].ensured.map((s) => [s.id, s.runtime, s.artifact])).toEqual([
      ['default/box', 'container', { image: 'example/box:1' }],
    ]);
    expect(processesOf(site, 'default/box')).toEqual([]);
    expect(
      agent
        .snapshot()
        .workloads.map((w) => w.id)
        .sort(),
    ).toEqual(['default/box', 'default/proc']);
    await client.delete(WorkloadKind, 'default', 'proc');
    await client.delete(WorkloadKind, 'default', 'box');
    await waitFor(() => pidGone(proc.pid!) && agent.driver.list().length === 0, 'both workloads removed');
    expect(container.created[0].removed).toEqual(['default/box']);
  });

  it('fails a workload whose runtime the site does not offer, saying why, and runs it nowhere', async () => {
    await env.workload('lambda', site, { runtime: 'function', artifact: { handler: 'index.handler' } });
    const st = await waitFor(async () => {
      const s = await wlStatus('lambda');
      return s.phase === 'Failed' && s;
    }, 'lambda Failed');
    const why =
      "this site's agent does not offer the function runtime (fn-runner not found in PATH); it offers process, container";
    expect(getCondition(st.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'RuntimeUnavailable',
      message: why,
    });
    expect(st.message).toBe(why);
    expect(agent.driver.get('default/lambda')).toBeUndefined();
    expect(container.created[0].ensured.map((s) => s.id)).not.toContain('default/lambda');
  });

  it('placement offers the site what its agent detected, and names it when rejecting', async () => {
    const stored = (await siteObj(site)) as Resource<SiteSpec, SiteStatus>;
    const decide = (runtime: 'function' | 'container' | 'process', restrict?: SiteSpec['runtimes']) =>
      place(
        buildSnapshot({
          sites: [restrict ? { ...stored, spec: { ...stored.spec, runtimes: restrict } } : stored],
          providers: [],
          areas: [],
          workloads: [],
          now: new Date(),
        }),
        req([comp('api', { runtime })]),
      );
    const refused = decide('function');
    expect(refused.unplaced).toEqual(['api/0']);
    expect(refused.explanation[0].reasons).toEqual(['1 offer process/container but not function']);
    expect(decide('container').assignments.map((a) => a.site)).toEqual([site]);
    // Site.spec.runtimes still restricts what the admin allows.
    expect(decide('container', ['process']).explanation[0].reasons).toEqual(['1 offer process but not container']);
  });

  it('tries only the runtimes it is given (and the older single driver option)', async () => {
    for (const [name, over] of [
      ['only', { runtimes: ['process'] }],
      ['alias', { driver: 'process' }],
    ] as const) {
      const other = env.siteName(`multi-${name}`);
      const a = await env.agent(other, { siteSpec: testSiteSpec(), drivers: [processDriver, container, fn], ...over });
      const st = await waitFor(
        async () => ((await siteObj(other)).status as SiteStatus | undefined)?.runtimes,
        'status.runtimes',
      );
      expect(st.map((r) => [r.name, r.available, r.reason])).toEqual([
        ['process', true, undefined],
        ['function', false, 'not enabled on this agent (runtimes: process)'],
        ['kubernetes', false, 'this agent has no kubernetes driver'],
        ['container', false, 'not enabled on this agent (runtimes: process)'],
      ]);
      expect(a.driver.kinds).toEqual(['process']);
      await a.stop({ detach: false });
      env.forget(a);
    }
  });
});
