// Public surface of the topology concept: latency model and the bundled topology loader.
export * from './latency.js';
export * from './bundled.js';
