// Public surface of the API's abuse limits (per client address; per subject and tenant limits live in security).
export { AddressGuard, type AddressLimitOptions, type RefusalSummary } from './address-guard.js';
