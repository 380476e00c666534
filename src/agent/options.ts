// Options of a site agent, with their defaults in one place.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Logger } from '../lib/index.js';
import type { RuntimeKind, SiteSpec } from '../model/index.js';
import { packageRoot } from '../lib/index.js';
import type { BackoffConfig } from '../lib/index.js';
import type { DriverName } from './driver-factory.js';
import type { ProcessDriverOptions } from './drivers/process/index.js';
import type { ContainerDriverOptions } from './drivers/container/index.js';
import type { FunctionDriverOptions } from './drivers/function/index.js';
import type { KubernetesDriverOptions } from './drivers/kubernetes/index.js';
import type { DriverRegistration } from './drivers/registration.js';

export interface AgentOptions {
  /** Control-plane URL (the agent only ever dials out to it). */
  server: string;
  /** Token given to the agent; see obtainCredential. */
  token: string;
  site: string;
  /**
   * Runtime kinds to try at start (default: every registered driver); each is detected, and the available
   * ones run the site's workloads of their kind. Site.status.runtimes reports every kind.
   */
  runtimes?: readonly RuntimeKind[];
  /** The older single-driver option: the same as `runtimes: [driver]`. */
  driver?: DriverName;
  /** The driver registrations to detect (default: every driver of this build, DRIVERS); tests inject fakes. */
  drivers?: readonly DriverRegistration[];
  /** Survives restarts: each driver keeps its workloads' state under `<stateDir>/drivers/<kind>`. */
  stateDir: string;
  /** Heartbeat period (default 5000 ms). */
  heartbeatMs?: number;
  /** Creates the Site when it does not exist (otherwise an absent Site is an error). */
  siteSpec?: SiteSpec;
  /** Base directory for relative artifact paths and $(ARTIFACTS) (default: the Continuum package root). */
  artifactBaseDir?: string;
  clock?: () => Date;
  /** Where the RTT echo listener binds, "host:port" (default 127.0.0.1:0); advertised as status.agent.address. */
  probeAddress?: string;
  /** Period of RTT measurements to the other sites' agents (default 10 000 ms; 0 turns measuring off). */
  rttIntervalMs?: number;
  /** Reconnection back-off (default 100 ms doubling to 5 s). */
  reconnect?: BackoffConfig;
  /** Period of a full reconcile pass even without changes (default 30 s). */
  resyncMs?: number;
  /** Agent name reported in status.agent.name (default "<site>@<hostname>"). */
  name?: string;
  log?: Logger;
  /** PEM CA bundle for an https server; `insecure` skips verification (never by default). */
  ca?: string | Buffer;
  insecure?: boolean;
  /** Extra options given to every driver, which reads the ones it knows (tests: process back-off, polling). */
  driverOptions?: Partial<
    ProcessDriverOptions & ContainerDriverOptions & FunctionDriverOptions & KubernetesDriverOptions
  >;
  /** Called on every successful (re)connection, after the Site was found or created. */
  /** Usage sampling period in ms (records are sent after each sample); 0 turns metering off. Default 60 000. */
  usageIntervalMs?: number;
  /** Clock (epoch ms) usage records are stamped with; tests accelerate it. Default Date.now. */
  meteringClock?: () => number;
  onConnected?: (info: { site: string; created: boolean; server: string }) => void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export type ResolvedAgentOptions = Required<
  Pick<
    AgentOptions,
    'heartbeatMs' | 'clock' | 'probeAddress' | 'rttIntervalMs' | 'resyncMs' | 'name' | 'log' | 'artifactBaseDir'
  >
> &
  AgentOptions;

export function resolveAgentOptions(o: AgentOptions): ResolvedAgentOptions {
  if (!o.server) throw new Error('agent: server is required');
  if (!o.site) throw new Error('agent: site is required');
  const stateDir = resolve(o.stateDir);
  return {
    ...o,
    stateDir,
    heartbeatMs: o.heartbeatMs ?? 5000,
    clock: o.clock ?? (() => new Date()),
    probeAddress: o.probeAddress ?? '127.0.0.1:0',
    rttIntervalMs: o.rttIntervalMs ?? 10_000,
    resyncMs: o.resyncMs ?? 30_000,
    name: o.name ?? `${o.site}@${hostname()}`,
    log: o.log ?? silentLogger,
    artifactBaseDir: o.artifactBaseDir ?? packageRoot(),
  };
}
