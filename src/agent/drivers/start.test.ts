// Tests of startDrivers: detection of every kind, creation of the available ones on their own dirs, failures, migration.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeKind, SiteRuntimeStatus } from '../../model/index.js';
import type { Detection, DriverRegistration } from './registration.js';
import { processDriver } from './process/index.js';
import { createProcessDriver } from './process/driver.js';
import { driverStateDir, startDrivers } from './start.js';
import { fakeRegistration } from './testing/fake.js';
import { FIXTURE_DIR, nodeFixture } from './testing/fixtures.js';
import { makeSpec, pidGone, waitFor } from './testing/harness.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'continuum-start-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ok: Detection = { available: true, message: 'all good' };
const never = (): Promise<Detection> => new Promise(() => undefined);
const thrower = async (): Promise<Detection> => {
  throw new Error('probe crashed');
};

describe('startDrivers', () => {
  it.each<[string, RuntimeKind[] | undefined, SiteRuntimeStatus[]]>([
    [
      'every registered kind by default',
      undefined,
      [
        { name: 'process', available: true, message: 'all good' },
        { name: 'function', available: false, reason: 'detection failed: probe crashed' },
        { name: 'kubernetes', available: false, reason: 'detection took longer than 100 ms' },
        { name: 'container', available: false, reason: 'podman not found' },
      ],
    ],
    [
      'only the wanted ones',
      ['container', 'process'],
      [
        { name: 'process', available: true, message: 'all good' },
        { name: 'function', available: false, reason: 'not enabled on this agent (runtimes: container, process)' },
        { name: 'kubernetes', available: false, reason: 'not enabled on this agent (runtimes: container, process)' },
        { name: 'container', available: false, reason: 'podman not found' },
      ],
    ],
  ])('reports %s, in RUNTIMES order, and creates the available ones', async (_name, runtimes, expected) => {
    const stateDir = tempDir();
    const registry = [
      fakeRegistration('container', { available: false, reason: 'podman not found' }),
      fakeRegistration('process', ok),
      fakeRegistration('function', thrower),
      fakeRegistration('kubernetes', never),
    ];
    const { drivers, runtimes: report } = await startDrivers({
      registry,
      stateDir,
      runtimes,
      options: { backoff: { baseMs: 1 } },
      detectTimeoutMs: 100,
    });
    expect(report).toEqual(expected);
    expect(drivers.kinds).toEqual(['process']);
    expect(registry.map((r) => r.created.length)).toEqual([0, 1, 0, 0]);
    expect(registry[1].createdWith[0]).toMatchObject({ stateDir: join(stateDir, 'drivers', 'process') });
    expect(registry[1].createdWith[0].backoff).toEqual({ baseMs: 1 });
    expect(existsSync(driverStateDir(stateDir, 'process'))).toBe(true);
    await expect(drivers.ensure(makeSpec('c', {}, { runtime: 'container' }))).rejects.toThrow(
      "this site's agent does not offer the container runtime (podman not found); it offers process",
    );
    await drivers.close({ detach: false });
  });

  it('says which kinds have no driver at all, and that nothing is offered', async () => {
    const { drivers, runtimes } = await startDrivers({
      registry: [fakeRegistration('container', { available: false, reason: 'podman not found' })],
      stateDir: tempDir(),
    });
    expect(runtimes.filter((r) => r.name !== 'container').map((r) => r.reason)).toEqual([
      'this agent has no process driver',
      'this agent has no function driver',
      'this agent has no kubernetes driver',
    ]);
    await expect(drivers.ensure(makeSpec('p', {}))).rejects.toThrow(
      "this site's agent does not offer the process runtime (this agent has no process driver); it offers no runtime",
    );
  });

  it('fails, closing (detached) what it created, when an available driver cannot be created', async () => {
    const good = fakeRegistration('process', ok);
    const broken: DriverRegistration = {
      ...fakeRegistration('container', ok),
      create: async () => {
        throw new Error('state dir locked');
      },
    };
    await expect(startDrivers({ registry: [good, broken], stateDir: tempDir() })).rejects.toThrow('state dir locked');
    expect(good.created[0].closed).toEqual({ detach: true });
    await expect(startDrivers({ registry: [good, good], stateDir: tempDir() })).rejects.toThrow(
      'two runtime drivers registered for process',
    );
  });

  it('moves the process driver state of an older agent (<stateDir>/driver) and re-adopts its workloads', async (ctx) => {
    const stateDir = tempDir();
    const old = await createProcessDriver({
      stateDir: join(stateDir, 'driver'),
      readyAfterMs: 50,
      readOnlyPaths: [FIXTURE_DIR],
    });
    const sp = makeSpec('kept', nodeFixture('http-server'));
    await old.ensure(sp);
    const before = await waitFor(() => old.get(sp.id)?.ready && old.get(sp.id), 'the old run ready');
    ctx.onTestFinished(() => {
      if (before.pid && !pidGone(before.pid)) process.kill(-before.pid, 'SIGKILL');
    });
    await old.close({ detach: true });
    const { drivers } = await startDrivers({ registry: [processDriver], stateDir });
    expect(existsSync(join(stateDir, 'driver'))).toBe(false);
    expect(drivers.get(sp.id)).toMatchObject({ pid: before.pid, ports: before.ports });
    await drivers.close({ detach: false });
    expect(pidGone(before.pid!)).toBe(true);
  });
});
