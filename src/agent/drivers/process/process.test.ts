// Process driver tests: the shared conformance suite, then process-specific behaviour.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, test, type TestContext } from 'vitest';
import { isApiError } from '../../../model/errors.js';
import { describeDriverConformance } from '../conformance.js';
import type { RunState } from '../driver.js';
import { AGENT_CHILD, FIXTURE_DIR, fixturePath, nodeFixture, REGISTER_TS } from '../testing/fixtures.js';
import { collect, getJson, Harness, hostPidOf, makeSpec, pidGone, waitFor } from '../testing/harness.js';
import { createProcessDriver, type ProcessDriverOptions } from './driver.js';
import { processDriver } from './index.js';
import { SANDBOX_WORKDIR } from './sandbox.js';
import { workloadPaths } from './state.js';

const fast = {
  backoff: { baseMs: 20, maxMs: 1000, resetAfterMs: 5000 },
  pollIntervalMs: 50,
  // Without a health check, "ready" means up this long: long enough for Node to start (and install its signal
  // handlers) inside a sandbox on a loaded machine.
  readyAfterMs: 750,
  logPollMs: 25,
  // Workloads are confined: the fixture programs must be visible in the sandbox.
  readOnlyPaths: [FIXTURE_DIR],
};

// Confined workloads live in their own PID namespace: the pid a program sees is not RunState.pid (the host pid of
// its sandbox, checked by the process-specific tests below).
describeDriverConformance(processDriver, { artifact: (f) => nodeFixture(f), options: fast, hostPids: false });

describe('process driver', () => {
  const setup = (ctx: TestContext, extra: Partial<ProcessDriverOptions> = {}) => {
    const h = new Harness((stateDir) => createProcessDriver({ stateDir, ...fast, ...extra }));
    ctx.onTestFinished(() => h.cleanup());
    return h;
  };
  const until = (
    d: { get(id: string): RunState | undefined },
    h: Harness,
    id: string,
    ok: (s: RunState) => boolean,
    what: string,
  ) =>
    waitFor(() => {
      const s = h.note(d.get(id));
      return s && ok(s) && s;
    }, what);
  const isReady = (s: RunState) => s.phase === 'Running' && s.ready;

  test('expands $(VAR) in args, resolves relative commands against ARTIFACTS, runs in its own work dir', async (ctx) => {
    const h = setup(ctx);
    const stateDir = h.newStateDir();
    const d = await h.driver(stateDir);
    const base = dirname(dirname(process.execPath));
    const sp = makeSpec(
      'args',
      {
        command: `${basename(dirname(process.execPath))}/${basename(process.execPath)}`,
        args: [
          fixturePath('http-server'),
          '--greeting=$(GREETING)',
          '$$(GREETING)',
          '--port=$(PORT)',
          '$(WORKDIR)',
          '$(ARTIFACTS)',
          '$(UNDEFINED)',
        ],
      },
      {
        artifactBaseDir: base,
        env: [{ name: 'GREETING', value: 'hi' }],
      },
    );
    await d.ensure(sp);
    const s = await until(d, h, sp.id, isReady, 'ready');
    const body = await getJson(s);
    const work = SANDBOX_WORKDIR; // the private work dir, wherever it lies on the host
    expect(body.argv).toEqual(['--greeting=hi', '$(GREETING)', `--port=${s.ports.http}`, work, base, '$(UNDEFINED)']);
    expect(body.cwd).toBe(work);
    expect(body.env).toMatchObject({ HOME: work, WORKDIR: work, ARTIFACTS: base });
    expect(Object.keys(body.env).filter((k) => k.startsWith('VITEST'))).toEqual([]); // the agent's own env stays private
  });

  test('rejects an unusable spec and leaves the running generation alone', async (ctx) => {
    const h = setup(ctx);
    const d = await h.driver();
    const sp = makeSpec('keep', nodeFixture('http-server'));
    await d.ensure(sp);
    const s1 = await until(d, h, sp.id, isReady, 'ready');
    const bad = [
      { ...sp, generation: 2, artifact: { command: '/nonexistent/server' } },
      { ...sp, generation: 2, artifact: {} },
      { ...sp, generation: 2, runtime: 'function' as const },
      { ...sp, generation: 2, ports: [{ name: 'a' }, { name: 'a' }] },
    ];
    for (const b of bad) await expect(d.ensure(b)).rejects.toSatisfy((e) => isApiError(e, 'Invalid'));
    expect(d.get(sp.id)).toMatchObject({ generation: 1, pid: s1.pid, phase: 'Running' });
  });

  test('gives workloads distinct ports and keeps them across restarts and generations', async (ctx) => {
    const h = setup(ctx);
    const d = await h.driver();
    const a = makeSpec('pa', nodeFixture('http-server'), { ports: [{ name: 'http' }, { name: 'admin' }] });
    const b = makeSpec('pb', nodeFixture('http-server'));
    const [sa, sb] = [await d.ensure(a), await d.ensure(b)];
    expect(new Set([...Object.values(sa.ports), ...Object.values(sb.ports)]).size).toBe(3);
    const ra = await until(d, h, a.id, isReady, 'ready');
    process.kill(ra.pid ?? 0, 'SIGKILL');
    const restarted = await until(d, h, a.id, (s) => isReady(s) && s.restarts === 1, 'restart');
    expect(restarted.ports).toEqual(sa.ports);
    await d.ensure({ ...a, generation: 2 });
    const g2 = await until(d, h, a.id, (s) => isReady(s) && s.generation === 2, 'generation 2');
    expect(g2.ports).toEqual(sa.ports);
  });

  test('kills the whole process group: on stop, and when the leader dies', async (ctx) => {
    const h = setup(ctx);
    const d = await h.driver();
    const sp = makeSpec('group', nodeFixture('spawn-child'), { ports: [] });
    // The fixture prints its child's pid inside the sandbox's PID namespace: map it to the host pid.
    const childOf = async () => {
      const line = (await collect(d.logs(sp.id), () => false)).findLast((l) => l.startsWith('child '));
      return line ? hostPidOf(Number(line.slice(6)), d.get(sp.id)?.pid ?? 0) : 0;
    };
    await d.ensure(sp);
    const s1 = await until(d, h, sp.id, isReady, 'ready');
    const child1 = await waitFor(childOf, 'grandchild pid');
    process.kill(s1.pid ?? 0, 'SIGKILL');
    await waitFor(() => pidGone(child1), 'grandchild of the dead leader killed');
    await until(d, h, sp.id, (s) => isReady(s) && s.restarts === 1, 'restart');
    const child2 = await waitFor(async () => {
      const c = await childOf();
      return c !== child1 && c;
    }, 'second grandchild');
    await d.remove(sp.id, 1);
    // The group was signalled; the orphaned grandchild is reaped by init a moment later.
    await waitFor(() => pidGone(child2), 'grandchild killed on remove', 2000);
  });

  test('TCP and exec health checks gate readiness', async (ctx) => {
    const h = setup(ctx);
    const stateDir = h.newStateDir();
    const d = await h.driver(stateDir);
    const tcp = makeSpec('tcp', nodeFixture('http-server'), { healthCheck: { tcp: {}, periodSeconds: 0.1 } });
    const gate = `process.exit(require('fs').existsSync('$(WORKDIR)/gate') ? 0 : 1)`;
    const exec = makeSpec('exec', nodeFixture('ignore-sigterm'), {
      ports: [],
      terminationGracePeriodSeconds: 0.2,
      healthCheck: { exec: { command: [process.execPath, '-e', gate] }, periodSeconds: 0.1, failureThreshold: 100 },
    });
    await d.ensure(tcp);
    await d.ensure(exec);
    await until(d, h, tcp.id, isReady, 'tcp ready');
    await waitFor(() => /exec .*exit 1/.test(d.get(exec.id)?.message ?? ''), 'a failed exec probe');
    expect(d.get(exec.id)).toMatchObject({ phase: 'Starting', ready: false });
    writeFileSync(join(workloadPaths(stateDir, exec.id).work, 'gate'), '');
    await until(d, h, exec.id, isReady, 'exec ready');
  });

  test('rotates logs by size and still serves them oldest first', async (ctx) => {
    const h = setup(ctx, { logMaxBytes: 2048, logFiles: 2, logCheckIntervalMs: 20 });
    const stateDir = h.newStateDir();
    const d = await h.driver(stateDir);
    const sp = makeSpec('rotate', nodeFixture('log-flood'), {
      ports: [],
      env: [
        { name: 'LINES', value: '0' },
        { name: 'PAD', value: '60' },
        { name: 'INTERVAL_MS', value: '2' },
      ],
    });
    await d.ensure(sp);
    const logs = workloadPaths(stateDir, sp.id).logs;
    await waitFor(() => existsSync(join(logs, 'current.log.2')), 'two rotated files', 8000);
    const num = (l: string) => Number(/^line (\d+)/.exec(l)?.[1]);
    const ac = new AbortController();
    const followed = await collect(d.logs(sp.id, { follow: true, signal: ac.signal }), (ls) => ls.length > 150, ac);
    const nums = followed.map(num);
    expect(nums.every((n, i) => i === 0 || n > nums[i - 1])).toBe(true); // copy-truncate may drop lines, never reorder
    expect(existsSync(join(logs, 'current.log.3'))).toBe(false);
    for (const f of ['current.log', 'current.log.1', 'current.log.2'])
      expect(statSync(join(logs, f)).size).toBeLessThan(2048 + 8192);
  });

  test('after the agent was away: a dead Always workload restarts, a dead Never workload is Failed', async (ctx) => {
    const h = setup(ctx);
    const stateDir = h.newStateDir();
    const d1 = await h.driver(stateDir);
    const always = makeSpec('always', nodeFixture('http-server'));
    const never = makeSpec('never', nodeFixture('ignore-sigterm'), {
      ports: [],
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0.2,
    });
    await d1.ensure(always);
    await d1.ensure(never);
    const [a, n] = [await until(d1, h, always.id, isReady, 'ready'), await until(d1, h, never.id, isReady, 'ready')];
    await d1.close({ detach: true });
    for (const pid of [a.pid ?? 0, n.pid ?? 0]) process.kill(pid, 'SIGKILL');
    await waitFor(() => pidGone(a.pid ?? 0) && pidGone(n.pid ?? 0), 'both dead');
    const d2 = await h.driver(stateDir);
    const a2 = await until(d2, h, always.id, isReady, 'restarted');
    expect(a2.restarts).toBe(1);
    expect(a2.pid).not.toBe(a.pid);
    expect(d2.get(never.id)).toMatchObject({ phase: 'Failed', ready: false, restarts: 0 });
    expect(d2.get(never.id)?.message).toMatch(/agent was away/);
  });

  test('state files hold no env values (0600); a workload adopted dead waits for its env from ensure', async (ctx) => {
    const h = setup(ctx);
    const stateDir = h.newStateDir();
    const d1 = await h.driver(stateDir);
    const sp = makeSpec('secretive', nodeFixture('http-server'), {
      env: [{ name: 'DB_PASSWORD', value: 's3cr3t-v4lue' }],
    });
    await d1.ensure(sp);
    const s1 = await until(d1, h, sp.id, isReady, 'ready');
    const file = workloadPaths(stateDir, sp.id).state;
    expect(readFileSync(file, 'utf8')).not.toContain('s3cr3t-v4lue');
    expect(readFileSync(file, 'utf8')).toContain('DB_PASSWORD');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(workloadPaths(stateDir, sp.id).root).mode & 0o777).toBe(0o700);
    await d1.close({ detach: true });
    process.kill(-(s1.pid ?? 0), 'SIGKILL');
    await waitFor(() => pidGone(s1.pid ?? 0), 'the workload killed while no agent ran');
    const d2 = await h.driver(stateDir);
    const waiting = await until(
      d2,
      h,
      sp.id,
      (s) => s.envPending === true && /waiting for the agent to resend the environment/.test(s.message ?? ''),
      'env pending',
    );
    expect(waiting).toMatchObject({ phase: 'Starting', ready: false });
    expect(waiting.pid).toBeUndefined();
    await d2.ensure(sp);
    const s2 = await until(d2, h, sp.id, (s) => isReady(s) && !s.envPending, 'relaunched with its env');
    expect((await getJson(s2)).env.DB_PASSWORD).toBe('s3cr3t-v4lue');
    expect(readFileSync(file, 'utf8')).not.toContain('s3cr3t-v4lue');
  });

  test('adoption does not trust a reused pid', async (ctx) => {
    const h = setup(ctx);
    const stateDir = h.newStateDir();
    const d1 = await h.driver(stateDir);
    const sp = makeSpec('reuse', nodeFixture('ignore-sigterm'), { ports: [], terminationGracePeriodSeconds: 0.2 });
    await d1.ensure(sp);
    const s1 = await until(d1, h, sp.id, isReady, 'ready');
    await d1.close({ detach: true });
    // Pretend the recorded process started at another time: its pid now "belongs to someone else".
    const file = workloadPaths(stateDir, sp.id).state;
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), startTime: '1' }));
    const d2 = await h.driver(stateDir);
    const s2 = await until(d2, h, sp.id, (s) => isReady(s) && s.pid !== s1.pid, 'a fresh run');
    expect(s2.restarts).toBe(1);
    expect(pidGone(s1.pid ?? 0)).toBe(false); // not ours any more: never signalled
    process.kill(-(s1.pid ?? 0), 'SIGKILL');
  });

  test('workloads survive the agent process being SIGKILLed; the next agent adopts them', async (ctx) => {
    const h = setup(ctx);
    const stateDir = h.newStateDir();
    const sp = makeSpec('survivor', nodeFixture('http-server'));
    const agent = spawn(process.execPath, ['--import', REGISTER_TS, AGENT_CHILD, stateDir, JSON.stringify(sp)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    ctx.onTestFinished(() => void agent.kill('SIGKILL'));
    let out = '';
    agent.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const pid = await waitFor(
      () => Number(/ready (\d+)/.exec(out)?.[1]),
      'the child agent to start the workload',
      30_000, // it compiles the driver's TypeScript on the fly: slow on a loaded machine
    );
    h.notePid(pid);
    agent.kill('SIGKILL');
    await once(agent, 'exit');
    const d = await h.driver(stateDir);
    expect(d.get(sp.id)).toMatchObject({ pid, phase: 'Running', restarts: 0 });
    const s = await until(d, h, sp.id, isReady, 'adopted and ready');
    // The same program answers: its (namespace) pid belongs to the adopted sandbox's process group.
    expect(hostPidOf((await getJson(s)).pid, pid)).toBeGreaterThan(0);
    await d.remove(sp.id, 1);
    expect(pidGone(pid)).toBe(true);
  }, 60_000);

  test('one driver per state dir at a time', async (ctx) => {
    const h = setup(ctx);
    const stateDir = h.newStateDir();
    const d1 = await h.driver(stateDir);
    await expect(createProcessDriver({ stateDir })).rejects.toSatisfy((e) => isApiError(e, 'Conflict'));
    await d1.close({ detach: true });
    await h.driver(stateDir);
  });

  test('skips malformed state files with a warning', async (ctx) => {
    const warnings: string[] = [];
    const h = setup(ctx, { onWarning: (m) => warnings.push(m) });
    const stateDir = h.newStateDir();
    const paths = workloadPaths(stateDir, 'x/y');
    mkdirSync(paths.root, { recursive: true });
    writeFileSync(paths.state, '{not json');
    const d = await h.driver(stateDir);
    expect(d.list()).toEqual([]);
    expect(warnings.join()).toMatch(/unreadable/);
  });

  test('a spawned process that is not ours stays untouched by close', async (ctx) => {
    const h = setup(ctx);
    const d = await h.driver();
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
    ctx.onTestFinished(() => void other.kill('SIGKILL'));
    await d.ensure(makeSpec('mine', nodeFixture('ignore-sigterm'), { ports: [], terminationGracePeriodSeconds: 0.1 }));
    await d.close({ detach: false });
    expect(pidGone(other.pid ?? 0)).toBe(false);
  });
});
