// Public surface of compute quotas: requested amounts and the quota check placement and admission share.
export * from './quota.js';
