// Public surface of the store: the KRM Store, the engine interface and the engines.
export * from './backend.js';
export * from './store.js';
export type { ApplyResult } from './apply.js';
export * from './selectors.js';
export * from './merge-patch.js';
export type { ListResult } from './list.js';
export type { Watch, WatchEvent, WatchEventType } from './watch.js';
export { SqliteBackend, type SqliteOptions } from './sqlite/backend.js';
export { PostgresBackend, type PostgresOptions } from './postgres/backend.js';
export { asStoreError, outageOf, STORE_RETRY_AFTER_SECONDS } from './unavailable.js';
export {
  HistoryRetention,
  DEFAULT_RETAIN_BYTES,
  DEFAULT_RETAIN_REVISIONS,
  type RetentionOptions,
} from './retention.js';
