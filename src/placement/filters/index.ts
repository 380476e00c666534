// Public surface of the filters: every hard constraint of the pipeline, one per file.
// Registration: every Filter exported here is in the pipeline (pipeline.ts collects them by `stage`
// and sorts them by `order`), so one export line registers one.
export { carbonCapFilter } from './carbon-cap.js';
export { categoryFilter } from './category.js';
export { dataLocalityFilter } from './data-locality.js';
export { jurisdictionFilter } from './jurisdiction.js';
export { latencyFilter } from './latency.js';
export { maxPriceFilter } from './max-price.js';
export { pinnedFilter } from './pinned.js';
export { providerFilter, providerVerdict } from './provider.js';
export { quotaFilter } from './quota.js';
export { freeOn, resourcesFilter } from './resources.js';
export { runtimeFilter } from './runtime.js';
export { spreadFilter } from './spread.js';
export { NOT_READY_TAINT, taintsFilter, tolerates, UNSCHEDULABLE_TAINT } from './taints.js';
