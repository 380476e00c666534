// Public surface of the process driver: the driver, its options, and its registration (detect + create + migrate).
import type { DriverRegistration } from '../registration.js';
import { detectProcessRuntime } from './detect.js';
import { createProcessDriver, type ProcessDriverOptions } from './driver.js';
import { moveLegacyStateDir } from './state.js';

export { createProcessDriver, ProcessDriver, type ProcessDriverOptions } from './driver.js';
export { DEFAULT_BACKOFF, type BackoffConfig } from './policy.js';
export { detectProcessRuntime } from './detect.js';
export { UNCONFINED_MESSAGE, type ConfinementMode } from './confine.js';
export { SANDBOX_WORKDIR } from './sandbox.js';
export { allocatePorts } from './ports.js';
export type { UidRange } from './uids.js';

/** Before several drivers per agent, the process driver kept its state in `<agent state dir>/driver`. */
const LEGACY_STATE_DIR = 'driver';

/** The `process` runtime: real OS process groups (ADR 0005). */
export const processDriver: DriverRegistration = {
  kind: 'process',
  // The agent passes its driverOptions through, typed as ProcessDriverOptions at AgentOptions.
  detect: (o) => detectProcessRuntime({ ...(o as ProcessDriverOptions), cgroups: o.cgroups !== false }),
  // The agent passes its driverOptions through, typed as ProcessDriverOptions at AgentOptions.
  create: (o) => createProcessDriver(o as ProcessDriverOptions),
  migrate: (agentStateDir, stateDir) => moveLegacyStateDir(agentStateDir, LEGACY_STATE_DIR, stateDir),
};
