// Public surface of the management domain: usage records and store, rating and invoices, compute quotas.
// Importing it registers the PriceList and ComputeQuota kinds.
export * from './kinds.js';
export * from './usage/index.js';
export * from './rating/index.js';
export * from './quota/index.js';
export * from './slo/index.js';
