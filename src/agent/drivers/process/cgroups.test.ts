// cgroup limits of the process driver: truthful reporting, and real enforcement where this host allows it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, type TestContext } from 'vitest';
import { FIXTURE_DIR, nodeFixture } from '../testing/fixtures.js';
import { Harness, makeSpec, sleep, waitFor } from '../testing/harness.js';
import { createProcessDriver, type ProcessDriver, type ProcessDriverOptions } from './driver.js';
import { sanitiseId } from './state.js';

const fast = { backoff: { baseMs: 20, maxMs: 1000, resetAfterMs: 5000 }, pollIntervalMs: 50, readyAfterMs: 100 };

describe('process driver cgroup limits', () => {
  const setup = async (ctx: TestContext, extra: Partial<ProcessDriverOptions> = {}) => {
    const h = new Harness((stateDir) =>
      createProcessDriver({ stateDir, readOnlyPaths: [FIXTURE_DIR], ...fast, ...extra }),
    );
    ctx.onTestFinished(() => h.cleanup());
    return { h, d: (await h.driver()) as ProcessDriver };
  };

  test('reports limits as not enforced, with a reason, when cgroups are off', async (ctx) => {
    const { d } = await setup(ctx, { cgroups: false });
    expect(d.hostLimits()).toMatchObject({ cpu: false, memory: false, reason: expect.stringMatching(/disabled/) });
    const s = await d.ensure(
      makeSpec('off', nodeFixture('ignore-sigterm'), {
        ports: [],
        resources: { cpu: '500m', memory: '64Mi' },
        terminationGracePeriodSeconds: 0.1,
      }),
    );
    expect(s.limits).toEqual({
      cpu: false,
      memory: false,
      reason: expect.stringMatching(/cpu: .*disabled.*memory: .*disabled/),
    });
  });

  test('reports no limit when none is requested', async (ctx) => {
    const { d } = await setup(ctx);
    const s = await d.ensure(
      makeSpec('none', nodeFixture('ignore-sigterm'), { ports: [], terminationGracePeriodSeconds: 0.1 }),
    );
    expect(s.limits).toEqual({
      cpu: false,
      memory: false,
      reason: 'cpu: no limit requested; memory: no limit requested',
    });
  });

  test('a memory limit is enforced: allocating past it gets the process killed', async (ctx) => {
    const { h, d } = await setup(ctx);
    const host = d.hostLimits();
    if (!host.memory) {
      await h.cleanup();
      ctx.skip(`memory limits cannot be enforced on this host: ${host.reason ?? 'unknown'}`);
    }
    // Control: the same program with room to spare finishes.
    const roomy = makeSpec('roomy', nodeFixture('alloc'), {
      ports: [],
      restartPolicy: 'Never',
      resources: { memory: '1Gi' },
      env: [{ name: 'ALLOC_MB', value: '192' }],
    });
    const tight = makeSpec('tight', nodeFixture('alloc'), {
      ports: [],
      restartPolicy: 'Never',
      resources: { memory: '96Mi' },
      env: [{ name: 'ALLOC_MB', value: '192' }],
    });
    const started = await d.ensure(tight);
    if (!started.limits.memory) {
      await h.cleanup();
      ctx.skip(`memory limit not enforced for this workload: ${started.limits.reason ?? 'unknown'}`);
    }
    expect((await d.ensure(roomy)).limits.memory).toBe(true);
    const limitFile = join(d.cgroups.parents.memory ?? '', sanitiseId(tight.id), 'memory.limit_in_bytes');
    if (d.cgroups.version === 1) expect(Number(readFileSync(limitFile, 'utf8'))).toBe(96 * 1024 * 1024);
    const ok = await waitFor(
      () => ['Terminated', 'Failed'].includes(d.get(roomy.id)?.phase ?? '') && d.get(roomy.id),
      'roomy done',
      10_000,
    );
    expect(ok).toMatchObject({ phase: 'Terminated', exitCode: 0 });
    const killed = await waitFor(() => d.get(tight.id)?.phase === 'Failed' && d.get(tight.id), 'tight killed', 10_000);
    expect(killed.exitCode).toBe(137);
    expect(killed.limits.memory).toBe(true);
    await d.remove(tight.id, 0);
    expect(existsSync(join(d.cgroups.parents.memory ?? '', sanitiseId(tight.id)))).toBe(false);
  });

  test('a CPU quota throttles a busy process', async (ctx) => {
    const { h, d } = await setup(ctx);
    const host = d.hostLimits();
    if (!host.cpu) {
      await h.cleanup();
      ctx.skip(`CPU limits cannot be enforced on this host: ${host.reason ?? 'unknown'}`);
    }
    const sp = makeSpec('busy', nodeFixture('busy'), {
      ports: [],
      resources: { cpu: '100m' },
      terminationGracePeriodSeconds: 0.1,
    });
    await d.ensure(sp);
    const s = await waitFor(() => {
      const x = h.note(d.get(sp.id));
      return x?.phase === 'Running' && x;
    }, 'running');
    expect(s.limits).toMatchObject({ cpu: true, memory: false });
    const dir = join(d.cgroups.parents.cpu ?? '', sanitiseId(sp.id));
    expect(readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')).toContain(String(s.pid));
    if (d.cgroups.version !== 1) return;
    expect(readFileSync(join(dir, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('10000');
    const cpuSeconds = () => {
      const f = readFileSync(`/proc/${s.pid}/stat`, 'utf8')
        .slice(readFileSync(`/proc/${s.pid}/stat`, 'utf8').lastIndexOf(')') + 2)
        .split(' ');
      return (Number(f[14 - 3]) + Number(f[15 - 3])) / 100; // utime + stime, in USER_HZ (100) ticks
    };
    const before = cpuSeconds();
    // A measurement window, not a wait for some state: CPU time used over half a second.
    await sleep(500);
    const used = cpuSeconds() - before;
    const stat = Object.fromEntries(
      readFileSync(join(dir, 'cpu.stat'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')),
    );
    expect(Number(stat.nr_throttled)).toBeGreaterThan(0);
    // 10% of one core over 0.5 s is 0.05 s; an unthrottled spinning process would use about 0.5 s.
    expect(used).toBeLessThan(0.2);
  });
});
