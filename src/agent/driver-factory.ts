// Creates a runtime driver by name ('process' today; function and kubernetes drivers plug in here).
import { ApiError } from '../model/index.js';
import type { RuntimeDriver } from './drivers/driver.js';
import { createProcessDriver, type ProcessDriverOptions } from './drivers/process/driver.js';

export const DRIVER_NAMES = ['process'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

/** A driver on `opts.stateDir`; it adopts the workloads a previous agent left running there. */
export async function createDriver(name: string, opts: ProcessDriverOptions): Promise<RuntimeDriver> {
  switch (name) {
    case 'process':
      return createProcessDriver(opts);
    default:
      throw new ApiError('BadRequest', `unknown driver ${JSON.stringify(name)} (available: ${DRIVER_NAMES.join(', ')})`);
  }
}
