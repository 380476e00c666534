// Public surface of the agent's end of the tunnel: the client that serves log requests over a connection it opens.
export { TunnelClient, type TunnelClientOptions } from './client.js';
