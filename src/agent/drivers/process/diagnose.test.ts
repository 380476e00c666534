// A confined workload whose program is missing in its sandbox, or whose digest is not the pinned one, says so.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, type TestContext } from 'vitest';
import type { RunState } from '../driver.js';
import { FIXTURE_DIR, fixturePath, nodeFixture } from '../testing/fixtures.js';
import { Harness, makeSpec, waitFor } from '../testing/harness.js';
import { createProcessDriver } from './driver.js';

const fast = {
  backoff: { baseMs: 20, maxMs: 1000, resetAfterMs: 5000 },
  pollIntervalMs: 50,
  readyAfterMs: 750,
  logPollMs: 25,
  readOnlyPaths: [FIXTURE_DIR],
};
// A script that exists on the host, in a dir the sandbox does not show (its /tmp is private).
const hidden = mkdtempSync(join(tmpdir(), 'continuum-diagnose-'));
const script = join(hidden, 'server.mjs');
writeFileSync(script, 'console.log("never runs in the sandbox")\n');
afterAll(() => rmSync(hidden, { recursive: true, force: true }));

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('process driver: start failures with a reason', () => {
  const setup = async (ctx: TestContext) => {
    const h = new Harness((stateDir) => createProcessDriver({ stateDir, ...fast }));
    ctx.onTestFinished(() => h.cleanup());
    return { h, d: await h.driver() };
  };
  const until = (d: { get(id: string): RunState | undefined }, id: string, ok: (s: RunState) => boolean) =>
    waitFor(() => {
      const s = d.get(id);
      return s && ok(s) && s;
    }, `${id} to satisfy the check`);

  test('a script outside the sandbox: CommandNotFound, naming the path and that it is hidden', async (ctx) => {
    const { d } = await setup(ctx);
    const spec = makeSpec('hidden-script', { command: process.execPath, args: [script] });
    await d.ensure(spec);
    const s = await until(d, spec.id, (x) => x.reason === 'CommandNotFound');
    expect(s.message).toContain(`${script} not found inside the sandbox`);
    expect(s.message).toContain('exists on the host but lies outside what the sandbox shows');
  });

  test('a shell exec of a missing program: exit 127, CommandNotFound naming it', async (ctx) => {
    const { d } = await setup(ctx);
    const spec = makeSpec('missing-exec', { command: '/bin/sh', args: ['-c', 'exec /opt/nowhere/prog --serve'] });
    await d.ensure(spec);
    const s = await until(d, spec.id, (x) => x.reason === 'CommandNotFound');
    expect(s.exitCode).toBe(127);
    expect(s.message).toMatch(/exit 127: \/opt\/nowhere\/prog not found inside the sandbox/);
  });

  test('a program that simply crashes is not mistaken for a missing one', async (ctx) => {
    const { d } = await setup(ctx);
    const spec = makeSpec('crash', nodeFixture('crash'), { env: [{ name: 'EXIT_CODE', value: '2' }] });
    await d.ensure(spec);
    const s = await until(d, spec.id, (x) => x.restarts >= 2 && x.exitCode !== undefined);
    expect(s.exitCode).toBe(2);
    expect(s.reason).toBeUndefined();
  });

  test('a pinned digest is verified before each start: a match runs, a mismatch never starts', async (ctx) => {
    const { d } = await setup(ctx);
    const file = fixturePath('http-server');
    const good = makeSpec('pinned', { ...nodeFixture('http-server'), programFile: file, sha256: sha256(file) });
    await d.ensure(good);
    await until(d, good.id, (x) => x.phase === 'Running' && x.ready);
    const bad = makeSpec('tampered', { ...nodeFixture('http-server'), programFile: file, sha256: 'f'.repeat(64) });
    await d.ensure(bad);
    const s = await until(d, bad.id, (x) => x.reason === 'DigestMismatch');
    expect(s.message).toContain(`${file} has sha256 ${sha256(file)}, not the pinned ${'f'.repeat(64)}`);
    expect(s.pid).toBeUndefined();
  });
});
