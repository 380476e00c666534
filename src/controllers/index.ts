// Public surface of the controllers: the built-in controllers (their machinery lives in src/runtime).
export { garbageCollector } from './gc/gc.js';
export { namespaceAdmission, namespaceController, NAMESPACE_FINALIZER } from './namespace/namespace.js';
export * from './deployment/index.js';
export { siteHealthController, type SiteHealthOptions } from './sitehealth/sitehealth.js';
export { eventRecorder, type EventRecorder } from './events/recorder.js';
export { revisionController, revisionName } from './revisions/index.js';
export { eventRetentionController, type EventRetentionOptions } from './events/retention.js';
export { costController, SpendLedger, type CostControllerOptions } from './cost/index.js';
export { sloController, LABEL_SLO, type SloControllerOptions, type SloAuditEntry } from './slo/index.js';
