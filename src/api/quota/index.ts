// Public surface of ApiQuota enforcement: the usage tracker (store admission, watch and connection counts), limits.
export { QuotaTracker } from './tracker.js';
export { DEFAULT_QUOTA, combine, quotaRefusal, type QuotaLimits } from './limits.js';
export { apiQuotaStatusController } from './status.js';
