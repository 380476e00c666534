// Issue 9 regression through the real CLI: ten unplaceable Deployments in `continuum up` leave it quiet and responsive.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../src/client/index.js';
import { DeploymentKind, EventKind, SiteKind, WorkloadKind } from '../src/model/index.js';
import {
  adminToken,
  BIN,
  getTrusting,
  killHard,
  ROOT,
  sleep,
  startChild,
  stopGracefully,
  tempDir,
  until,
  upCa,
} from './harness.js';
import { killTree, processesUnder, type Child } from './harness.js';

const children: Child[] = [];
const workdirs: string[] = [];
afterAll(async () => {
  for (const c of children.reverse()) await stopGracefully(c, 5000);
  // Workloads left running on purpose by a detached stop (or orphaned by a kill) end with the test.
  for (const dir of workdirs) for (const pid of processesUnder(dir, 'server.mjs')) killTree(pid);
});

/** Runs the CLI in `cwd`; returns exit status, output and how long it took. */
/** A client of the `up` started in `cwd` (its admin token; its CA: TLS is on by default). */
const upClient = (cwd: string, server: string): ContinuumClient => {
  const ca = upCa(join(cwd, '.continuum'));
  return new ContinuumClient({ server, token: adminToken(join(cwd, '.continuum')), ...(ca ? { ca } : {}) });
};

function cli(cwd: string, ...args: string[]): { status: number | null; out: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, HOME: cwd },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, ms: Date.now() - t0 };
}

const huge = (i: number): string => `---
apiVersion: continuum.eu/v1alpha1
kind: Application
metadata: { name: huge-${i}, namespace: default }
spec:
  components:
    - name: web
      runtime: process
      artifact: { command: node, args: ["-e", "setInterval(() => {}, 1000)"] }
      resources: { cpu: "900000", memory: 128Mi }
---
apiVersion: continuum.eu/v1alpha1
kind: Deployment
metadata: { name: huge-${i}, namespace: default }
spec: { application: huge-${i} }
`;

/** Counts watch events of `kind` in namespace default from `rv` on, until `signal` aborts. */
function countWrites(
  client: ContinuumClient,
  kind: typeof DeploymentKind | typeof EventKind,
  rv: string,
  signal: AbortSignal,
) {
  const counter = { n: 0, done: Promise.resolve() };
  counter.done = (async () => {
    try {
      for await (const ev of client.watch(
        kind as typeof DeploymentKind,
        { namespace: 'default', resourceVersion: rv },
        signal,
      ))
        if (ev.type !== 'BOOKMARK') counter.n++;
    } catch (e) {
      if (!signal.aborted) throw e;
    }
  })();
  return counter;
}

describe('ten unplaceable deployments in continuum up (issue 9)', () => {
  it('take ≤ 1 write/s with their events; /healthz, apply, get and explain keep answering', async () => {
    const cwd = tempDir('converge');
    const up = await startChild(['up', '--port', '0'], /API:\s+(\S+)/, { HOME: cwd }, 120_000, cwd);
    children.push(up);
    const file = join(cwd, 'huge.yaml');
    writeFileSync(file, Array.from({ length: 10 }, (_, i) => huge(i)).join(''));
    const applied = cli(cwd, 'apply', '-f', file);
    expect(applied.status, applied.out).toBe(0);
    const client = upClient(cwd, up.url);
    await until(
      'all ten to say Unplaceable',
      async () =>
        (await client.list(DeploymentKind, { namespace: 'default' })).items.filter((d) =>
          d.status?.conditions?.some((c) => c.type === 'Placed' && c.reason === 'Unplaceable'),
        ).length === 10,
      60_000,
      250,
    );
    const rv = (await client.list(DeploymentKind, { namespace: 'default' })).metadata.resourceVersion!;
    const ac = new AbortController();
    const deps = countWrites(client, DeploymentKind, rv, ac.signal);
    const events = countWrites(client, EventKind, rv, ac.signal);
    // The window: /healthz probed all along (each answer timed), apply and get once each in the middle.
    const windowMs = 10_000;
    const t0 = Date.now();
    const health: number[] = [];
    let cliChecks: Array<ReturnType<typeof cli>> = [];
    while (Date.now() - t0 < windowMs) {
      const h0 = performance.now();
      const res = await getTrusting(`${up.url}/healthz`, upCa(join(cwd, '.continuum')), {}, 5000);
      expect(res.status).toBe(200);
      health.push(performance.now() - h0);
      if (!cliChecks.length && Date.now() - t0 > windowMs / 2)
        cliChecks = [cli(cwd, 'apply', '-f', file), cli(cwd, 'get', 'deployments'), cli(cwd, 'explain', 'huge-3')];
      await sleep(100);
    }
    const elapsed = (Date.now() - t0) / 1000;
    ac.abort();
    await Promise.all([deps.done, events.done]);
    const rate = (deps.n + events.n) / elapsed;
    health.sort((a, b) => a - b);
    const p50 = health[Math.floor(health.length / 2)];
    const p99 = health[Math.min(health.length - 1, Math.floor(health.length * 0.99))];
    console.log(
      `issue 9: ${deps.n} deployment + ${events.n} event writes in ${elapsed.toFixed(1)} s (${rate.toFixed(2)}/s); ` +
        `/healthz p50 ${p50.toFixed(1)} ms p99 ${p99.toFixed(1)} ms (${health.length} probes, load ${loadavg()[0]}); ` +
        `apply ${cliChecks[0]?.ms} ms, get ${cliChecks[1]?.ms} ms, explain ${cliChecks[2]?.ms} ms`,
    );
    expect(rate).toBeLessThanOrEqual(1);
    // 100 ms for the typical probe; on a machine loaded beyond its cores (other tests, other work) the budget
    // scales with the load, as every time bound of the suite does. The livelock this guards against answered never.
    const load = Math.max(1, loadavg()[0] / Math.max(1, cpus().length));
    expect(p50, `p50 ${p50} ms with load factor ${load.toFixed(1)}`).toBeLessThanOrEqual(100 * load);
    const [apply, get, explain] = cliChecks;
    expect(apply.status, apply.out).toBe(0);
    expect(apply.out).toMatch(/deployment\/huge-0 unchanged/);
    expect(get.status, get.out).toBe(0);
    expect(get.out).toMatch(/huge-9/);
    expect(explain.status, explain.out).toBe(0);
    expect(explain.out).toMatch(/cpu|capacity|resources/i);
  }, 180_000);
});

/** Hello, allowed only in Belgium: the bundled topology has one Belgian site (hexa-brussels-near). */
const BELGIAN = `---
apiVersion: continuum.eu/v1alpha1
kind: Application
metadata: { name: only-be, namespace: default }
spec:
  requirements: { jurisdiction: { allowedCountries: [BE] } }
  components:
    - name: web
      runtime: process
      artifact: { command: node, args: ["${join(ROOT, 'examples', 'hello', 'server.mjs')}"] }
      ports: [{ name: http, protocol: HTTP, expose: true }]
      resources: { cpu: 100m, memory: 64Mi }
      healthCheck: { http: { path: /healthz, port: http }, periodSeconds: 1 }
      restartPolicy: Always
---
apiVersion: continuum.eu/v1alpha1
kind: Deployment
metadata: { name: only-be, namespace: default }
spec: { application: only-be }
`;

describe('restart of continuum up (issue 9)', () => {
  it('a deployment that fits one site runs again after a graceful stop and after a kill, no row surgery', async () => {
    const cwd = tempDir('converge-restart');
    workdirs.push(cwd);
    const start = async (...flags: string[]): Promise<Child> => {
      const c = await startChild(['up', '--port', '0', ...flags], /API:\s+(\S+)/, { HOME: cwd }, 120_000, cwd);
      children.push(c);
      return c;
    };
    const serving = async (url: string): Promise<string | undefined> => {
      const client = upClient(cwd, url);
      const d = await client.get(DeploymentKind, 'default', 'only-be').catch(() => undefined);
      const ep = d?.status?.endpoints?.[0]?.url;
      if (d?.status?.phase !== 'Running' || !ep) return undefined;
      const res = await fetch(ep, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
      return res?.ok ? (d.status.components?.[0]?.sites?.[0] ?? '?') : undefined;
    };
    let up = await start('--stop-workloads-on-exit');
    const file = join(cwd, 'only-be.yaml');
    writeFileSync(file, BELGIAN);
    const applied = cli(cwd, 'apply', '-f', file);
    expect(applied.status, applied.out).toBe(0);
    await until('only-be to serve', async () => !!(await serving(up.url)), 60_000, 250);
    expect(await serving(up.url)).toBe('hexa-brussels-near');

    const pidOf = async (): Promise<number | undefined> => {
      const client = upClient(cwd, up.url);
      return (await client.list(WorkloadKind, { namespace: 'default' })).items[0]?.status?.pid;
    };
    const pid = await pidOf();
    expect(pid).toBeGreaterThan(0);

    // 1. Graceful stop that stops the workload; down for longer than the 5 s site grace, so at boot every
    // site's last heartbeat is stale and the only feasible site is not ready yet.
    await stopGracefully(up, 20_000);
    await sleep(7000);
    up = await start();
    await until('only-be to serve after a restart', async () => !!(await serving(up.url)), 60_000, 250);
    expect(await pidOf()).not.toBe(pid);

    // 2. Crash: SIGKILL the whole `up`, start again.
    await killHard(up);
    up = await start();
    await until('only-be to serve after a crash', async () => !!(await serving(up.url)), 90_000, 250);
    expect(await serving(up.url)).toBe('hexa-brussels-near');
    // The Deployment's status catches up with the serving workload (the agents report after their restart).
    await until(
      'only-be Running',
      () => /only-be\s.*Running/.test(cli(cwd, 'get', 'deployment', 'only-be').out),
      60_000,
      500,
    );
  }, 300_000);
});

/** Hello allowed in Portugal only: two sites in the bundled topology (iberlink-lisbon-metro, iberlink-porto-far). */
const PORTUGUESE = BELGIAN.replaceAll('only-be', 'only-pt').replace('[BE]', '[PT]');

describe('continuum site cordon|drain|fail|recover inside up (issue 9)', () => {
  it('drain moves a workload to the other allowed site, fail withdraws readiness and stops the agent, recover brings it back', async () => {
    const cwd = tempDir('converge-site');
    workdirs.push(cwd);
    const up = await startChild(['up', '--port', '0'], /API:\s+(\S+)/, { HOME: cwd }, 120_000, cwd);
    children.push(up);
    const client = upClient(cwd, up.url);
    const file = join(cwd, 'apps.yaml');
    writeFileSync(file, BELGIAN + PORTUGUESE);
    const applied = cli(cwd, 'apply', '-f', file);
    expect(applied.status, applied.out).toBe(0);
    const dep = (n: string) => client.get(DeploymentKind, 'default', n);
    const runningOn = async (n: string): Promise<string | undefined> => {
      const d = await dep(n);
      return d.status?.phase === 'Running' ? d.status.components?.[0]?.sites?.[0] : undefined;
    };
    await until(
      'both to run',
      async () => !!(await runningOn('only-be')) && !!(await runningOn('only-pt')),
      60_000,
      250,
    );

    // drain: the Portuguese replica moves to the other Portuguese site; the site is cordoned.
    const from = (await runningOn('only-pt'))!;
    const drained = cli(cwd, 'site', 'drain', from);
    expect(drained.status, drained.out).toBe(0);
    expect(drained.out).toMatch(new RegExp(`site/${from} draining`));
    await until(
      'only-pt to run on the other site',
      async () => {
        const on = await runningOn('only-pt');
        return !!on && on !== from;
      },
      60_000,
      250,
    );
    const evs = (await client.list(EventKind, { namespace: 'default' })).items.map((e) => e.spec.reason);
    expect(evs).toContain('Drained');
    const cordoned = await client.get(SiteKind, undefined, from);
    expect(cordoned.spec.unschedulable).toBe(true);
    const uncordoned = cli(cwd, 'site', 'uncordon', from);
    expect(uncordoned.status, uncordoned.out).toBe(0);
    expect((await client.get(SiteKind, undefined, from)).spec.unschedulable).toBeUndefined();

    // fail: Belgium's only site fails; the deployment stops saying Running at once and cannot be re-placed.
    const pidBefore = (await client.list(WorkloadKind, { namespace: 'default' })).items.find(
      (w) => w.metadata.labels?.['continuum.eu/deployment'] === 'only-be',
    )?.status?.pid;
    const failed = cli(cwd, 'site', 'fail', 'hexa-brussels-near');
    expect(failed.status, failed.out).toBe(0);
    await until(
      'only-be to stop claiming Running',
      async () => (await dep('only-be')).status?.phase !== 'Running',
      20_000,
      100,
    );
    const site = await client.get(SiteKind, undefined, 'hexa-brussels-near');
    expect(site.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'SimulatedFailure',
    });
    await until(
      'the workload process to stop',
      () => !pidBefore || !processesUnder(cwd, 'server.mjs').includes(pidBefore),
      30_000,
      250,
    );
    const siteEvents = (await client.list(EventKind, { namespace: 'continuum-system' })).items.map(
      (e) => e.spec.reason,
    );
    expect(siteEvents).toContain('SiteFailed');

    // recover: the agent starts again, renews its lease, and the deployment runs again.
    const recovered = cli(cwd, 'site', 'recover', 'hexa-brussels-near');
    expect(recovered.status, recovered.out).toBe(0);
    await until('only-be to run again', async () => (await runningOn('only-be')) === 'hexa-brussels-near', 60_000, 250);
  }, 300_000);
});
