// The driver conformance suite: behaviour every RuntimeDriver must show, run from each driver's own test file.
import { describe, type TestContext } from 'vitest';
import type { Artifact, RuntimeKind } from '../../model/index.js';
import type { RunSpec, RuntimeDriver } from './driver.js';
import { conformanceCases } from './conformance-cases.js';
import type { DriverRegistration } from './registration.js';
import type { FixtureName } from './testing/fixtures.js';
import { Harness, makeSpec, waitFor, type MakeDriver } from './testing/harness.js';

export interface ConformanceOptions {
  /** An artifact that runs the named fixture program of ./testing (the process driver: `node <fixture>.mjs`). */
  artifact: (fixture: FixtureName) => Artifact;
  runtime?: RuntimeKind;
  artifactBaseDir?: string;
  /** The driver re-adopts running workloads after close({ detach: true }) (default true). */
  adoption?: boolean;
  /** RunState.pid is a host pid the suite may signal and check (default true). */
  hostPids?: boolean;
  /** Why the driver cannot run on this host (the test is then skipped with that note); undefined: it can. */
  unavailable?: (stateDir: string) => Promise<string | undefined>;
}

/** Options of the suite for a registered driver: its runtime is the registration's kind. */
export interface RegisteredConformanceOptions extends Omit<ConformanceOptions, 'runtime' | 'unavailable'> {
  /**
   * Driver options for detect and create besides stateDir, e.g. a restart back-off base of at most 50 ms
   * (and a reset window of seconds) so crash tests stay fast.
   */
  options?: Readonly<Record<string, unknown>>;
}

/**
 * Registers the suite for a registered driver, which is how a new driver runs it (its one conformance test
 * file is this call): each test creates the driver through `create`, after `detect` on the same state dir;
 * where detect finds the runtime unavailable, the tests are skipped with its reason.
 */
export function describeDriverConformance(registration: DriverRegistration, opts: RegisteredConformanceOptions): void;
/**
 * Registers the suite. `makeDriver(stateDir)` must return a fresh driver on that state dir, configured with a
 * restart back-off base of at most 50 ms (and a reset window of seconds) so crash tests stay fast.
 */
export function describeDriverConformance(name: string, makeDriver: MakeDriver, opts: ConformanceOptions): void;
export function describeDriverConformance(
  nameOrRegistration: string | DriverRegistration,
  makeOrOpts: MakeDriver | RegisteredConformanceOptions,
  maybeOpts?: ConformanceOptions,
): void {
  if (typeof nameOrRegistration === 'string' && typeof makeOrOpts === 'function' && maybeOpts)
    return describeSuite(nameOrRegistration, makeOrOpts, maybeOpts);
  if (typeof nameOrRegistration !== 'object' || typeof makeOrOpts !== 'object')
    throw new Error('describeDriverConformance(registration, opts) or (name, makeDriver, opts)');
  const reg = nameOrRegistration;
  const { options, ...rest } = makeOrOpts;
  describeSuite(reg.kind, (stateDir) => reg.create({ ...options, stateDir }), {
    ...rest,
    runtime: reg.kind,
    unavailable: async (stateDir) => {
      const d = await reg.detect({ ...options, stateDir });
      return d.available ? undefined : d.reason;
    },
  });
}

function describeSuite(name: string, makeDriver: MakeDriver, opts: ConformanceOptions): void {
  const hostPids = opts.hostPids ?? true;
  const spec = (n: string, fixture: FixtureName, over: Partial<RunSpec> = {}): RunSpec =>
    makeSpec(n, opts.artifact(fixture), {
      runtime: opts.runtime ?? 'process',
      artifactBaseDir: opts.artifactBaseDir,
      ...over,
    });
  const setup = async (ctx: TestContext): Promise<{ h: Harness; d: RuntimeDriver; stateDir: string }> => {
    const h = new Harness(makeDriver);
    const stateDir = h.newStateDir();
    const why = await opts.unavailable?.(stateDir);
    if (why !== undefined) {
      await h.cleanup();
      ctx.skip(`${name} runtime not available here: ${why}`);
    }
    ctx.onTestFinished(() => h.cleanup());
    return { h, d: await h.driver(stateDir), stateDir };
  };
  const ready = (d: RuntimeDriver, h: Harness, id: string) =>
    waitFor(() => {
      const s = h.note(d.get(id));
      return s?.phase === 'Running' && s.ready && s;
    }, `${id} Running and ready`);

  describe(`RuntimeDriver conformance: ${name}`, () =>
    conformanceCases({ spec, setup, ready, hostPids, adoption: opts.adoption ?? true }));
}
