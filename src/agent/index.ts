// Public surface of the site agent: the agent itself, embedded agents, the tunnel, and the driver interface and registry.
export { SiteAgent, startAgent, type AgentSnapshot } from './agent.js';
export { type AgentOptions } from './options.js';
export { obtainCredential, savedCredential, type CredentialRequest } from './credential.js';
export { DRIVER_NAMES, type DriverName } from './driver-factory.js';
export { DRIVERS, DriverSet, type Detection, type DriverRegistration } from './drivers/index.js';
export { isConnectionError, isRetryableError } from '../client/index.js';
export type { OfflineWindow } from '../runtime/index.js';
export { startEmbeddedAgents, type EmbeddedAgents, type EmbeddedAgentsOptions } from './embedded.js';
export * from './tunnel/index.js';
export type { RunSpec, RunState, RuntimeDriver } from './drivers/driver.js';
export { agentMetricsText, startAgentMetrics } from './metrics.js';
