// The agent's runtimes: which registered drivers to try (`runtimes`, or the older single `driver` name), started once.
import { ApiError, type RuntimeKind } from '../model/index.js';
import { DRIVERS, startDrivers, type StartedDrivers } from './drivers/index.js';
import type { ResolvedAgentOptions } from './options.js';

/** Runtime kinds this agent build has a driver for (what `continuum agent --driver` accepts). */
export const DRIVER_NAMES: readonly RuntimeKind[] = DRIVERS.map((d) => d.kind);
export type DriverName = RuntimeKind;

/** The kinds to try: `runtimes`, else `[driver]`, else every registered one; both given must agree. */
export function wantedRuntimes(o: {
  driver?: RuntimeKind;
  runtimes?: readonly RuntimeKind[];
}): RuntimeKind[] | undefined {
  if (o.driver !== undefined && o.runtimes !== undefined && (o.runtimes.length !== 1 || o.runtimes[0] !== o.driver))
    throw new ApiError(
      'BadRequest',
      `driver ${o.driver} and runtimes ${o.runtimes.join(',')} disagree: give one of them`,
    );
  if (o.runtimes !== undefined) {
    if (o.runtimes.length === 0) throw new ApiError('BadRequest', 'runtimes: give at least one runtime kind');
    return [...new Set(o.runtimes)];
  }
  return o.driver !== undefined ? [o.driver] : undefined;
}

/** Detects and starts the agent's drivers under `<stateDir>/drivers/<kind>`, logging what each runtime offers. */
export async function startAgentDrivers(o: ResolvedAgentOptions): Promise<StartedDrivers> {
  const ref: { set?: StartedDrivers['drivers'] } = {};
  // The loopback ports a container may call: those of its own namespace's workloads on this agent, any runtime.
  const peerPorts = (ns: string): number[] =>
    (ref.set?.list() ?? []).flatMap((s) => (s.id.split('/')[0] === ns ? Object.values(s.ports) : []));
  const started = await startDrivers({
    registry: o.drivers ?? DRIVERS,
    stateDir: o.stateDir,
    runtimes: wantedRuntimes(o),
    options: { now: o.clock, onWarning: (m: string) => o.log.warn(m), peerPorts, ...o.driverOptions },
  });
  ref.set = started.drivers;
  for (const r of started.runtimes) {
    if (r.available) o.log.info(`runtime ${r.name}: available${r.message ? ` (${r.message})` : ''}`);
    else o.log.info(`runtime ${r.name}: not available (${r.reason ?? 'unknown'})`);
  }
  if (started.drivers.kinds.length === 0)
    o.log.warn(`site ${o.site}: no runtime is available on this agent; its workloads will fail`);
  return started;
}
