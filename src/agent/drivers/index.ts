// Public surface of the runtime drivers: the interface, the process driver, and a factory by runtime kind.
import { ApiError } from '../../model/errors.js';
import type { RuntimeKind } from '../../model/index.js';
import type { DriverOptions, RuntimeDriver } from './driver.js';
import { createProcessDriver } from './process/driver.js';

export * from './driver.js';
export { createProcessDriver, ProcessDriver, type ProcessDriverOptions } from './process/driver.js';
export { DEFAULT_BACKOFF, type BackoffConfig } from './process/policy.js';

/** Creates the driver for a runtime kind; kinds without a driver on this agent are NotImplemented. */
export async function createDriver(kind: RuntimeKind, opts: DriverOptions): Promise<RuntimeDriver> {
  switch (kind) {
    case 'process':
      return createProcessDriver(opts);
    default:
      throw new ApiError('NotImplemented', `no ${kind} runtime driver on this agent`);
  }
}
