// Public surface of the HTTP API layer.
export * from './server.js';
export * from './openapi.js';
export { objectPath, resolvePath } from './native/paths.js';
export type { LogSource } from './native/handlers.js';
export { parseYamlBody } from './content.js';
export * from './route-access.js';
export type { SecurityOperations, TokenIssueBody } from './security-routes.js';
export { PLACEMENT_PREVIEW_PATH, type PlacementPreview } from './placement-preview.js';
export { DEFAULT_MIN_FREE_BYTES, freeBytes, type ReadinessCheck } from './readiness.js';
export type { AddressLimitOptions } from './limits/index.js';
export { METRICS_CONTENT_TYPE, renderMetrics, startMetricsListener } from './metrics.js';
export { QuotaTracker, apiQuotaStatusController, DEFAULT_QUOTA, type QuotaLimits } from './quota/index.js';
