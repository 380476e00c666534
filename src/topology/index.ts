// Public surface of the topology concept: latency model (the bundled topology loader lands here too).
export * from './latency.js';
