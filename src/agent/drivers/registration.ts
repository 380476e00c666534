// The seam a runtime driver plugs into: one registration per runtime kind, with host detection and a factory.
import type { RuntimeKind } from '../../model/index.js';
import type { DriverOptions, RuntimeDriver } from './driver.js';

/**
 * What `detect` found. Available: the driver can run workloads here; `message` notes what it cannot do fully
 * (e.g. limits it cannot enforce). Unavailable: `reason` says what is missing, in words an operator can act on.
 */
export type Detection = { available: true; message?: string } | { available: false; reason: string };

/**
 * Options every registration gets: the driver's own state dir plus the agent's extras for drivers
 * (`AgentOptions.driverOptions`); a driver reads the keys it knows and ignores the others.
 */
export type DriverCreateOptions = DriverOptions & {
  /** Non-fatal problems the driver wants an operator to see. */
  onWarning?: (message: string) => void;
  /** The agent's own state dir (its credential lives there): workloads must never see it. */
  agentStateDir?: string;
  readonly [option: string]: unknown;
};

export interface DriverRegistration {
  readonly kind: RuntimeKind;
  /**
   * Checks whether this host can run the kind (binaries present, kernel features, a reachable daemon, ...).
   * Never throws (a failed check is `available: false` with its reason), starts no workload, and finishes
   * within a few seconds. Called once per agent start, before `create`, with the options `create` will get.
   */
  detect(opts: DriverCreateOptions): Promise<Detection>;
  /**
   * Creates the driver on `opts.stateDir` (its own directory, kept across agent restarts) and adopts the
   * workloads a previous agent left running there. Throws when it cannot start (e.g. another live agent
   * holds the state dir): the agent then does not start either.
   */
  create(opts: DriverCreateOptions): Promise<RuntimeDriver>;
  /**
   * Optional, for a driver that once kept its state elsewhere under the agent's state dir: moves it to
   * `stateDir` before `create` (only when `stateDir` does not exist yet), so running workloads are re-adopted.
   */
  migrate?(agentStateDir: string, stateDir: string): void;
}

/** The one runtime kind each registration serves, in order; throws on two registrations of one kind. */
export function registryByKind(registry: readonly DriverRegistration[]): Map<RuntimeKind, DriverRegistration> {
  const out = new Map<RuntimeKind, DriverRegistration>();
  for (const r of registry) {
    if (out.has(r.kind)) throw new Error(`two runtime drivers registered for ${r.kind}`);
    out.set(r.kind, r);
  }
  return out;
}
