// Function driver behaviour beyond the conformance suite: scale from and to zero, concurrency, confinement, input checks.
import { describe, expect, test } from 'vitest';
import { isApiError } from '../../../model/errors.js';
import { waitFor } from '../testing/harness.js';
import { fnFixture } from './testing/fixtures.js';
import { call, fnSetup, fnSpec } from './testing/setup.js';

describe('function driver', () => {
  test('scales to zero after the idle time and from zero on the next call (cold, then warm)', async (ctx) => {
    const { d } = await fnSetup(ctx);
    const sp = fnSpec('idle', fnFixture('http-server', { idleSeconds: 0.6 }));
    const t0 = Date.now();
    const s = await d.ensure(sp);
    await waitFor(() => d.get(sp.id)?.ready, 'deploy-time instance ready');
    await waitFor(() => d.instances(sp.id) === 0, 'scaled to zero', 20_000, 20);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(d.get(sp.id)).toMatchObject({ phase: 'Running', ready: true });
    expect(d.get(sp.id)?.pid).toBeUndefined();
    expect(d.get(sp.id)?.message).toMatch(/scaled to zero/);

    const cold = await call(s.ports.http!);
    expect(cold).toMatchObject({ status: 200, start: 'cold' });
    expect(cold.coldMs).toBeGreaterThan(0);
    expect(d.instances(sp.id)).toBe(1);
    const warm = await call(s.ports.http!);
    expect(warm).toMatchObject({ status: 200, start: 'warm' });
    expect(warm.body.instance).toBe(cold.body.instance);
    await waitFor(() => d.instances(sp.id) === 0, 'scaled to zero again', 20_000, 20);
    expect(d.stats(sp.id)).toMatchObject({ scaledToZero: 2 });
    expect(d.stats(sp.id)?.coldStarts).toHaveLength(1);
  });

  test('logs of an instance that idled out stay readable', async (ctx) => {
    const { d } = await fnSetup(ctx);
    const sp = fnSpec('logs', fnFixture('log-flood', { idleSeconds: 0.3 }), { env: [{ name: 'LINES', value: '3' }] });
    await d.ensure(sp);
    await waitFor(() => d.get(sp.id)?.ready, 'ready');
    await waitFor(() => d.instances(sp.id) === 0, 'scaled to zero', 20_000, 20);
    const lines: string[] = [];
    for await (const l of d.logs(sp.id)) lines.push(l);
    expect(lines).toEqual(['line 1', 'line 2', 'line 3']);
    const tail: string[] = [];
    for await (const l of d.logs(sp.id, { tail: 1 })) tail.push(l);
    expect(tail).toEqual(['line 3']);
  });

  test('concurrency limit per instance: busy instances make more, up to maxInstances; the rest wait', async (ctx) => {
    const { d } = await fnSetup(ctx);
    const sp = fnSpec('busy', fnFixture('http-server', { concurrency: 1, maxInstances: 2, idleSeconds: 30 }));
    const s = await d.ensure(sp);
    await waitFor(() => d.get(sp.id)?.ready, 'ready');
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, d.instances(sp.id))), 5);
    const answers = await Promise.all([1, 2, 3, 4].map(() => call(s.ports.http!, '/sleep?ms=400')));
    clearInterval(watch);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body.instance)).size).toBe(2);
    expect(most).toBe(2);
    expect(d.instances(sp.id)).toBe(2);
  });

  test('a hostile function runs confined: not root, cannot see the agent state dir or the driver state dir', async (ctx) => {
    const { d, stateDir, agentStateDir } = await fnSetup(ctx);
    const sp = fnSpec('probe', fnFixture('probe'));
    const s = await d.ensure(sp);
    await waitFor(() => d.get(sp.id)?.ready, 'ready');
    const token = await call(s.ports.http!, `/?path=${encodeURIComponent(`${agentStateDir}/agent.token`)}`);
    expect(token.body.uid).not.toBe(0);
    expect(token.body.read).toBeUndefined();
    expect(token.body.readError).toMatch(/ENOENT|EACCES/);
    const own = await call(s.ports.http!, `/?path=${encodeURIComponent(stateDir)}`);
    expect(own.body.list ?? 0).toBe(0);
  });

  test('an HTTP caller cannot pose as an MQTT/NATS event', async (ctx) => {
    const { d } = await fnSetup(ctx);
    const s = await d.ensure(fnSpec('events', fnFixture('http-server', { maxInstances: 1 })));
    const forged = await fetch(`http://127.0.0.1:${s.ports.http}/`, {
      method: 'POST',
      headers: { 'x-continuum-trigger': 'mqtt', 'x-continuum-topic': 'continuum/tenant-b/x' },
      body: 'forged',
    });
    expect(((await forged.json()) as { echo?: unknown }).echo).toBeUndefined();
    expect((await call(s.ports.http!, '/events')).body.events).toEqual([]);
  });

  test('rejects unusable specs as Invalid and keeps the running function', async (ctx) => {
    const { d } = await fnSetup(ctx);
    const bad = async (over: Parameters<typeof fnSpec>[2], artifact = fnFixture('http-server')) => {
      const e = await d.ensure(fnSpec('bad', artifact, over)).catch((x: unknown) => x);
      expect(isApiError(e) && e.code).toBe('Invalid');
    };
    await bad({}, { handler: '/nonexistent/fn.mjs' });
    await bad({}, {});
    await bad({}, { handler: `${fnFixture('http-server').handler}#not-an-identifier` });
    await bad({ ports: [{ name: 'continuum-fn' }] });
    await bad({}, fnFixture('http-server', { triggers: [{ mqtt: { topic: 'a/#/b' } }] }));
    await bad({}, fnFixture('http-server', { triggers: [{ mqtt: { topic: '$SYS/#' } }] }));
    await bad({}, fnFixture('http-server', { triggers: [{ nats: { subject: 'a.>.b' } }] }));
    await bad({}, fnFixture('http-server', { triggers: [{ nats: { subject: 'a..b' } }] }));
    expect(d.list()).toEqual([]);
  });
});

describe('function driver failures', () => {
  test('a module that fails to load shows at deploy, never scales to zero, and calls are refused (503)', async (ctx) => {
    const { d } = await fnSetup(ctx);
    const sp = fnSpec('broken', fnFixture('crash', { idleSeconds: 0.1, maxInstances: 1 }), {
      restartPolicy: 'Never',
      env: [
        { name: 'EXIT_CODE', value: '9' },
        { name: 'CRASH_AFTER_MS', value: '0' },
      ],
    });
    const s = await d.ensure(sp);
    const failed = await waitFor(() => d.get(sp.id)?.phase === 'Failed' && d.get(sp.id), 'Failed').catch((e) => {
      throw new Error(`${e}: ${JSON.stringify(d.get(sp.id))}`);
    });
    expect(failed.exitCode).toBe(9);
    const r = await fetch(`http://127.0.0.1:${s.ports.http}/`, { signal: AbortSignal.timeout(10_000) });
    expect(r.status).toBe(503);
    expect(await r.text()).toMatch(/ended/);
    expect(d.get(sp.id)?.phase).toBe('Failed');
  });
});
