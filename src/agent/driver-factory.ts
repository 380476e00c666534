// Picks the agent's runtime driver by name, through the drivers' own factory (process today; more plug in there).
import { ApiError } from '../model/index.js';
import { createDriver as createRuntimeDriver, type ProcessDriverOptions, type RuntimeDriver } from './drivers/index.js';

/** Drivers `continuum agent --driver` accepts. */
export const DRIVER_NAMES = ['process'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

/** A driver on `opts.stateDir`; it adopts the workloads a previous agent left running there. Driver-specific options pass through. */
export async function createDriver(name: string, opts: ProcessDriverOptions): Promise<RuntimeDriver> {
  if (!(DRIVER_NAMES as readonly string[]).includes(name))
    throw new ApiError('BadRequest', `unknown driver ${JSON.stringify(name)} (available: ${DRIVER_NAMES.join(', ')})`);
  return createRuntimeDriver(name as DriverName, opts);
}
