// Public surface of the agent tunnel: the hub (control plane side), the client (agent side) and the protocol.
export * from './protocol.js';
export { createTunnelHub, type TunnelHub, type TunnelHubOptions } from './hub.js';
export { TunnelClient, type TunnelClientOptions } from './client.js';
