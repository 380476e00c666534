// Public surface of the function driver: the driver, its options, and its registration (ADR 0020).
import { detectProcessRuntime, type ProcessDriverOptions } from '../process/index.js';
import type { DriverRegistration } from '../registration.js';
import { createFunctionDriver, type FunctionDriverOptions } from './driver.js';

export { createFunctionDriver, FunctionDriver, type FunctionDriverOptions } from './driver.js';
export { DEFAULT_BROKERS, type BrokerOptions } from './triggers.js';
export { scopedSubject, scopedTopic, DEFAULTS as FUNCTION_DEFAULTS } from './settings.js';
export type { StartStats } from './run.js';

/** The `function` runtime: handlers run in process-runtime sandboxes, so it is offered where those work. */
export const functionDriver: DriverRegistration = {
  kind: 'function',
  detect: async (o) => {
    const d = await detectProcessRuntime({ ...(o as ProcessDriverOptions), cgroups: o.cgroups !== false });
    return d.available ? { available: true, message: `instances ${d.message ?? ''}`.trim() } : d;
  },
  // The agent passes its driverOptions through, typed as FunctionDriverOptions at AgentOptions.
  create: (o) => createFunctionDriver(o as FunctionDriverOptions),
};
