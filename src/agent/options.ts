// Options of a site agent, with their defaults in one place.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from '../lib/index.js';
import type { SiteSpec } from '../model/index.js';
import { packageRoot } from '../lib/index.js';
import type { BackoffConfig } from '../lib/index.js';
import type { DriverName } from './driver-factory.js';
import type { RuntimeDriver } from './drivers/driver.js';
import type { ProcessDriverOptions } from './drivers/process/driver.js';

export interface AgentOptions {
  /** Control-plane URL (the agent only ever dials out to it). */
  server: string;
  /** Token given to the agent; see obtainCredential. */
  token: string;
  site: string;
  /** A driver instance (the agent closes it on stop) or a driver name (default 'process'). */
  driver?: RuntimeDriver | DriverName;
  /** Survives restarts: the driver keeps its workloads' state under `<stateDir>/driver`. */
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
  /** Extra options for the process driver (tests: back-off, polling). */
  driverOptions?: Partial<ProcessDriverOptions>;
  /** Called on every successful (re)connection, after the Site was found or created. */
  onConnected?: (info: { site: string; created: boolean; server: string }) => void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export type ResolvedAgentOptions = Required<
  Pick<
    AgentOptions,
    'heartbeatMs' | 'clock' | 'probeAddress' | 'rttIntervalMs' | 'resyncMs' | 'name' | 'log' | 'artifactBaseDir'
  >
> &
  AgentOptions & { driverStateDir: string };

export function resolveAgentOptions(o: AgentOptions): ResolvedAgentOptions {
  if (!o.server) throw new Error('agent: server is required');
  if (!o.site) throw new Error('agent: site is required');
  const stateDir = resolve(o.stateDir);
  return {
    ...o,
    stateDir,
    driverStateDir: join(stateDir, 'driver'),
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
