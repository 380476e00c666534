// Public surface of the runtime drivers: the interface, the registry of drivers (one line per driver), and the set.
import { ApiError } from '../../model/errors.js';
import type { RuntimeKind } from '../../model/index.js';
import type { RuntimeDriver } from './driver.js';
import { containerDriver } from './container/index.js';
import { functionDriver } from './function/index.js';
import { kubernetesDriver } from './kubernetes/index.js';
import { processDriver } from './process/index.js';
import type { DriverCreateOptions, DriverRegistration } from './registration.js';

export * from './driver.js';
export * from './registration.js';
export { DriverSet, RuntimeUnavailableError } from './set.js';
export { startDrivers, type StartDriversOptions, type StartedDrivers } from './start.js';
export { createProcessDriver, ProcessDriver, type ProcessDriverOptions } from './process/index.js';
export { DEFAULT_BACKOFF, type BackoffConfig } from './process/index.js';
export {
  ContainerDriver,
  createContainerDriver,
  ensureNodeImage,
  type ContainerDriverOptions,
} from './container/index.js';

/**
 * Every runtime driver this agent build has, one registration line each (ADR 0005, "Adding a driver"). An
 * agent detects them all at start and offers the available ones; the order is the order of detection.
 */
export const DRIVERS: readonly DriverRegistration[] = [
  processDriver, // ./process: OS process groups
  functionDriver, // ./function: JavaScript handlers, confined process instances, scale to zero
  containerDriver, // ./container: podman
  kubernetesDriver, // ./kubernetes: a cluster through its API (ADR 0019)
];

/** Creates the driver for a runtime kind without detection; kinds without a driver are NotImplemented. */
export async function createDriver(kind: RuntimeKind, opts: DriverCreateOptions): Promise<RuntimeDriver> {
  const reg = DRIVERS.find((d) => d.kind === kind);
  if (!reg) throw new ApiError('NotImplemented', `no ${kind} runtime driver on this agent`);
  return reg.create(opts);
}
