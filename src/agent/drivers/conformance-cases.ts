// The cases of the driver conformance suite, in terms of fixture programs; conformance.ts registers them per driver.
import { expect, test, type TestContext } from 'vitest';
import type { RunSpec, RunState, RuntimeDriver } from './driver.js';
import type { FixtureName } from './testing/fixtures.js';
import { collect, getJson, pidGone, sleep, waitFor, type Harness } from './testing/harness.js';

/** What the cases need from the suite: specs for fixtures, a fresh driver per test, and capability flags. */
export interface ConformanceKit {
  spec: (name: string, fixture: FixtureName, over?: Partial<RunSpec>) => RunSpec;
  setup: (ctx: TestContext) => Promise<{ h: Harness; d: RuntimeDriver; stateDir: string }>;
  ready: (d: RuntimeDriver, h: Harness, id: string) => Promise<RunState>;
  hostPids: boolean;
  adoption: boolean;
}

/** Registers every case (inside the caller's describe). */
export function conformanceCases(k: ConformanceKit): void {
  const { spec, setup, ready, hostPids } = k;
  test('starts a workload: Running, ready, and its port answers', async (ctx) => {
    const { h, d } = await setup(ctx);
    const first = h.note(await d.ensure(spec('web', 'http-server')));
    expect(first?.phase).toBe('Starting');
    expect(first?.ports.http).toBeGreaterThan(0);
    const s = await ready(d, h, 'conformance/web');
    const body = await getJson(s);
    if (hostPids) expect(body.pid).toBe(s.pid);
    expect(d.list().map((x) => x.id)).toEqual(['conformance/web']);
  });

  test('ensure is idempotent for a generation and replaces the run on a new one', async (ctx) => {
    const { h, d } = await setup(ctx);
    const v1 = spec('idem', 'http-server', { env: [{ name: 'VERSION', value: '1' }] });
    await d.ensure(v1);
    const s1 = await ready(d, h, v1.id);
    const again = await d.ensure(v1);
    expect(again.pid).toBe(s1.pid);
    expect(again.restarts).toBe(0);
    await d.ensure({ ...v1, generation: 2, env: [{ name: 'VERSION', value: '2' }] });
    const s2 = await waitFor(() => {
      const s = h.note(d.get(v1.id));
      return s?.generation === 2 && s.ready && s;
    }, 'generation 2 ready');
    expect(s2.pid).not.toBe(s1.pid);
    expect((await getJson(s2)).env.VERSION).toBe('2');
    if (hostPids && s1.pid) expect(pidGone(s1.pid)).toBe(true);
  });

  test('delivers env, PORT and PORT_<NAME>', async (ctx) => {
    const { h, d } = await setup(ctx);
    const sp = spec('env', 'http-server', {
      ports: [{ name: 'http' }, { name: 'metrics-api' }],
      env: [{ name: 'GREETING', value: 'hello' }],
    });
    await d.ensure(sp);
    const s = await ready(d, h, sp.id);
    expect(s.ports.http).not.toBe(s.ports['metrics-api']);
    const body = await getJson(s, 'metrics-api');
    expect(body.env.GREETING).toBe('hello');
    expect(body.env.PORT).toBe(String(s.ports.http));
    expect(body.env.PORT_HTTP).toBe(String(s.ports.http));
    expect(body.env.PORT_METRICS_API).toBe(String(s.ports['metrics-api']));
  });

  test('restarts a crashing workload with exponential back-off and counts restarts', async (ctx) => {
    const { h, d } = await setup(ctx);
    const sp = spec('crash', 'crash', { ports: [] });
    await d.ensure(sp);
    const s = await waitFor(() => {
      const x = h.note(d.get(sp.id));
      return x && x.restarts >= 3 && x;
    }, '3 restarts');
    const evs = h.eventsOf(sp.id);
    expect(evs.some((e) => e.exitCode === 3)).toBe(true);
    const delays = evs
      .map((e) => /back-off (\d+) ms/.exec(e.message ?? '')?.[1])
      .filter((x) => x !== undefined)
      .map(Number);
    const distinct = [...new Set(delays)];
    expect(distinct.length).toBeGreaterThanOrEqual(2);
    expect(distinct[1]).toBeGreaterThan(distinct[0]);
    const counts = evs.map((e) => e.restarts);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(s.restarts).toBeGreaterThanOrEqual(3);
  });

  test('OnFailure: a clean exit is Terminated and not restarted', async (ctx) => {
    const { h, d } = await setup(ctx);
    const sp = spec('done', 'crash', {
      ports: [],
      restartPolicy: 'OnFailure',
      env: [{ name: 'EXIT_CODE', value: '0' }],
    });
    await d.ensure(sp);
    const s = await waitFor(() => d.get(sp.id)?.phase === 'Terminated' && d.get(sp.id), 'Terminated');
    expect(s.exitCode).toBe(0);
    // What is checked is that nothing happens: no restart follows a moment later.
    await sleep(150);
    expect(h.note(d.get(sp.id))?.restarts).toBe(0);
  });

  test('Never: a failing workload ends Failed with its exit code', async (ctx) => {
    const { h, d } = await setup(ctx);
    const sp = spec('never', 'crash', {
      ports: [],
      restartPolicy: 'Never',
      env: [{ name: 'EXIT_CODE', value: '7' }],
    });
    await d.ensure(sp);
    const s = await waitFor(() => d.get(sp.id)?.phase === 'Failed' && d.get(sp.id), 'Failed');
    expect(s.exitCode).toBe(7);
    expect(s.ready).toBe(false);
    // What is checked is that nothing happens: no restart follows a moment later.
    await sleep(150);
    expect(h.note(d.get(sp.id))?.restarts).toBe(0);
    expect((await d.ensure(sp)).phase).toBe('Failed');
  });

  test('graceful stop: SIGTERM lets the workload shut down cleanly', async (ctx) => {
    const { h, d } = await setup(ctx);
    const sp = spec('graceful', 'http-server');
    await d.ensure(sp);
    const s = await ready(d, h, sp.id);
    // Ready only means "up for a while" here (no health check): wait until the fixture answers, by which time
    // it has installed its SIGTERM handler (a slow start would otherwise die of the default action, 143).
    await getJson(s);
    const t0 = Date.now();
    await d.remove(sp.id, 5);
    expect(Date.now() - t0).toBeLessThan(3000);
    const last = h.eventsOf(sp.id).at(-1);
    expect(last?.phase).toBe('Terminated');
    expect(last?.exitCode).toBe(0); // the fixture's SIGTERM handler exits 0; an unhandled SIGTERM would be 143
    if (hostPids && s.pid) expect(pidGone(s.pid)).toBe(true);
  });

  test('forced stop: SIGKILL after the grace period', async (ctx) => {
    const { h, d } = await setup(ctx);
    const sp = spec('stubborn', 'ignore-sigterm', { ports: [] });
    await d.ensure(sp);
    const s = await ready(d, h, sp.id);
    const t0 = Date.now();
    await d.remove(sp.id, 0.4);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(380);
    expect(took).toBeLessThan(3000);
    expect(h.eventsOf(sp.id).at(-1)?.exitCode).toBe(137);
    if (hostPids && s.pid) expect(pidGone(s.pid)).toBe(true);
  });

  test('remove is idempotent and forgets the workload', async (ctx) => {
    const { h, d } = await setup(ctx);
    await d.remove('conformance/nothing');
    const sp = spec('gone', 'http-server');
    await d.ensure(sp);
    await ready(d, h, sp.id);
    await Promise.all([d.remove(sp.id, 1), d.remove(sp.id, 1)]);
    await d.remove(sp.id);
    expect(d.get(sp.id)).toBeUndefined();
    expect(d.list()).toEqual([]);
    await expect(collect(d.logs(sp.id), () => true)).rejects.toThrow();
  });

  test('logs: tail and follow', async (ctx) => {
    const { h, d } = await setup(ctx);
    const sp = spec('logs', 'log-flood', {
      ports: [],
      env: [
        { name: 'LINES', value: '50' },
        { name: 'INTERVAL_MS', value: '25' },
      ],
    });
    await d.ensure(sp);
    await ready(d, h, sp.id);
    const num = (l: string) => Number(/^line (\d+)/.exec(l)?.[1]);
    await waitFor(
      async () => (await collect(d.logs(sp.id, { tail: 1 }), () => false)).some((l) => num(l) >= 52),
      'line 52',
    );
    const all = await collect(d.logs(sp.id), () => false);
    expect(all.slice(0, 3)).toEqual(['line 1', 'line 2', 'line 3']);
    const tail = await collect(d.logs(sp.id, { tail: 5 }), () => false);
    expect(tail).toHaveLength(5);
    expect(tail.map(num)).toEqual([0, 1, 2, 3, 4].map((i) => num(tail[0]) + i));
    const ac = new AbortController();
    const last = num(tail[4]);
    const followed = await collect(
      d.logs(sp.id, { tail: 1, follow: true, signal: ac.signal }),
      (ls) => num(ls.at(-1) ?? '') >= last + 4,
      ac,
    );
    const nums = followed.map(num);
    expect(nums).toEqual(nums.map((_, i) => nums[0] + i));
    expect(nums.at(-1)).toBeGreaterThanOrEqual(last + 4);
  });

  test('onChange reports transitions until unsubscribed', async (ctx) => {
    const { h, d } = await setup(ctx);
    const seen: string[] = [];
    const off = d.onChange((s) => seen.push(`${s.phase}:${s.ready}`));
    const sp = spec('events', 'http-server');
    await d.ensure(sp);
    await ready(d, h, sp.id);
    await waitFor(() => seen.includes('Running:true'), 'Running event');
    expect(seen[0]).toBe('Starting:false');
    off();
    const n = seen.length;
    await d.remove(sp.id, 1);
    expect(seen.length).toBe(n);
    expect(h.eventsOf(sp.id).at(-1)?.phase).toBe('Terminated');
  });

  test('a health check gates readiness', async (ctx) => {
    const { h, d } = await setup(ctx);
    const sp = spec('gated', 'http-server', {
      env: [{ name: 'READY_AFTER_MS', value: '700' }],
      healthCheck: { http: { path: '/healthz' }, periodSeconds: 0.1, failureThreshold: 50 },
    });
    const t0 = Date.now();
    await d.ensure(sp);
    await waitFor(() => d.get(sp.id)?.message?.includes('503'), 'a failed probe');
    expect(d.get(sp.id)).toMatchObject({ phase: 'Starting', ready: false });
    await ready(d, h, sp.id);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(650);
  });

  test('a failing health check restarts the workload (liveness)', async (ctx) => {
    const { h, d } = await setup(ctx);
    const sp = spec('sick', 'http-server', {
      healthCheck: { http: { path: '/fail' }, periodSeconds: 0.1, failureThreshold: 2 },
      terminationGracePeriodSeconds: 1,
    });
    await d.ensure(sp);
    const s = await waitFor(() => {
      const x = h.note(d.get(sp.id));
      return x && x.restarts >= 1 && x;
    }, 'a liveness restart');
    expect(s.ready).toBe(false);
    expect(h.eventsOf(sp.id).some((e) => /health check failed/.test(e.message ?? ''))).toBe(true);
  });

  test.skipIf(k.adoption === false)(
    'close({detach: true}) leaves workloads running; a new driver adopts them without duplicates',
    async (ctx) => {
      const { h, d: d1, stateDir } = await setup(ctx);
      const sp = spec('adopt', 'http-server');
      await d1.ensure(sp);
      const s1 = await ready(d1, h, sp.id);
      // The pid the program sees: the host pid where hostPids, else one in the workload's own pid namespace.
      const program = (await getJson(s1)).pid;
      if (hostPids) expect(program).toBe(s1.pid);
      await d1.close({ detach: true });
      expect((await getJson(s1)).pid).toBe(program);
      const d2 = await h.driver(stateDir);
      expect(d2.get(sp.id)).toMatchObject({ pid: s1.pid, generation: 1, ports: s1.ports });
      const s2 = await ready(d2, h, sp.id);
      expect((await d2.ensure(sp)).pid).toBe(s1.pid);
      expect(d2.list()).toHaveLength(1);
      expect((await getJson(s2)).pid).toBe(program);
      if (!hostPids || !s1.pid) return;
      // Edge autonomy: the adopted process still gets restarted locally when it dies.
      process.kill(s1.pid, 'SIGKILL');
      const s3 = await waitFor(() => {
        const x = h.note(d2.get(sp.id));
        return x && x.pid !== undefined && x.pid !== s1.pid && x.ready && x;
      }, 'a restarted adopted workload');
      expect(s3.restarts).toBe(s1.restarts + 1);
      expect((await getJson(s3)).pid).toBe(s3.pid);
    },
  );

  test('close({detach: false}) stops every workload', async (ctx) => {
    const { h, d, stateDir } = await setup(ctx);
    await d.ensure(spec('a', 'http-server'));
    await d.ensure(spec('b', 'ignore-sigterm', { ports: [], terminationGracePeriodSeconds: 0.2 }));
    const a = await ready(d, h, 'conformance/a');
    const b = await ready(d, h, 'conformance/b');
    await d.close({ detach: false });
    if (hostPids) for (const pid of [a.pid, b.pid]) if (pid) expect(pidGone(pid)).toBe(true);
    const again = await h.driver(stateDir);
    expect(again.list()).toEqual([]);
  });
}
