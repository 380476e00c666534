// Public surface of the tunnel hub: the control plane's end of the connections agents open to serve logs.
export { createTunnelHub, assertAgentFor, type TunnelHub, type TunnelHubOptions } from './hub.js';
