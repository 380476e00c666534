// Public surface of the API client.
export * from './http.js';
export * from './sse.js';
export * from './api.js';
export * from './retry.js';
export * from './tunnel-protocol.js';
export * from './agent-protocol.js';
