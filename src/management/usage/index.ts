// Public surface of the usage store: records, the engine-independent port, both engines and the query helper.
export * from './records.js';
export * from './store.js';
export { SqliteUsageStore } from './sqlite.js';
export { PostgresUsageStore } from './postgres.js';
export { cpuSecondsPerWorkload, type WorkloadCpu } from './query.js';
