// Public surface of the EWBI wire contract: typebox schemas and TS types of every body, and the operation table.
export * from './common.js';
export * from './app.js';
export * from './federation.js';
export * from './zones.js';
export * from './artefacts.js';
export * from './onboarding.js';
export * from './lcm.js';
export * from './pools.js';
export * from './discovery.js';
export * from './operations.js';
export * from './multipart.js';
