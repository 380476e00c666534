// Starting an agent's drivers: detect every registered runtime, create the available ones, report each kind.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIMES, type RuntimeKind, type SiteRuntimeStatus } from '../../model/index.js';
import type { RuntimeDriver } from './driver.js';
import { registryByKind, type Detection, type DriverCreateOptions, type DriverRegistration } from './registration.js';
import { DriverSet } from './set.js';

export interface StartDriversOptions {
  registry: readonly DriverRegistration[];
  /** The agent's state dir: the driver of kind k keeps its state in `<stateDir>/drivers/<k>`. */
  stateDir: string;
  /** Kinds to try (default: every registered one); the others are reported as not enabled. */
  runtimes?: readonly RuntimeKind[];
  /** Extras passed to every driver's detect and create (a driver reads the keys it knows). */
  options?: Omit<DriverCreateOptions, 'stateDir'>;
  /** Longest a detect may take before its runtime counts as unavailable (default 10 s). */
  detectTimeoutMs?: number;
}

export interface StartedDrivers {
  drivers: DriverSet;
  /** Every runtime kind, in RUNTIMES order: what Site.status.runtimes says. */
  runtimes: SiteRuntimeStatus[];
}

/** Where the driver of `kind` keeps its state under the agent's state dir. */
export const driverStateDir = (agentStateDir: string, kind: RuntimeKind): string =>
  join(agentStateDir, 'drivers', kind);

const MAX_TEXT = 1024;
const clip = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

/** `detect`, turned into `available: false` when it throws or outlasts `timeoutMs`. */
async function detectSafely(reg: DriverRegistration, opts: DriverCreateOptions, timeoutMs: number): Promise<Detection> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Detection>((done) => {
    timer = setTimeout(
      () => done({ available: false, reason: `detection took longer than ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([reg.detect(opts), timeout]);
  } catch (e) {
    return { available: false, reason: `detection failed: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Detects the wanted registered drivers concurrently and creates the available ones on their own state
 * dirs (each adopts what a previous agent left running there). A kind with no registration, or not wanted,
 * is reported unavailable with the reason. Rejects (closing, detached, what it created) when a driver
 * that detected as available cannot be created: that is a broken host or a second agent, not a missing runtime.
 */
export async function startDrivers(o: StartDriversOptions): Promise<StartedDrivers> {
  const byKind = registryByKind(o.registry);
  const wanted = new Set(o.runtimes ?? byKind.keys());
  const optsFor = (kind: RuntimeKind): DriverCreateOptions => ({
    ...o.options,
    stateDir: driverStateDir(o.stateDir, kind),
    agentStateDir: o.stateDir,
  });
  const detections = new Map<RuntimeKind, Detection>();
  await Promise.all(
    [...byKind.values()]
      .filter((r) => wanted.has(r.kind))
      .map(async (r) => detections.set(r.kind, await detectSafely(r, optsFor(r.kind), o.detectTimeoutMs ?? 10_000))),
  );
  const created = new Map<RuntimeKind, RuntimeDriver>();
  try {
    for (const [kind, reg] of byKind) {
      if (!detections.get(kind)?.available) continue;
      const opts = optsFor(kind);
      if (reg.migrate && !existsSync(opts.stateDir)) reg.migrate(o.stateDir, opts.stateDir);
      mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
      created.set(kind, await reg.create(opts));
    }
  } catch (e) {
    await Promise.allSettled([...created.values()].map((d) => d.close({ detach: true })));
    throw e;
  }
  const runtimes = RUNTIMES.map((name): SiteRuntimeStatus => {
    const d = detections.get(name);
    if (d?.available) return { name, available: true, ...(d.message ? { message: clip(d.message) } : {}) };
    if (d) return { name, available: false, reason: clip(d.reason) };
    if (!byKind.has(name)) return { name, available: false, reason: `this agent has no ${name} driver` };
    return { name, available: false, reason: `not enabled on this agent (runtimes: ${[...wanted].join(', ')})` };
  });
  const offered = [...created.keys()];
  const unavailable = (kind: RuntimeKind): string => {
    const r = runtimes.find((x) => x.name === kind);
    return (
      `this site's agent does not offer the ${kind} runtime${r?.reason ? ` (${r.reason})` : ''}; ` +
      `it offers ${offered.length ? offered.join(', ') : 'no runtime'}`
    );
  };
  return { drivers: new DriverSet(created, unavailable), runtimes };
}
