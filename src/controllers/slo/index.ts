// Public surface of the SLO controller: error budgets, restart remediation and fault tickets.
export { sloController, type SloControllerOptions, type SloAuditEntry } from './slo.js';
export { LABEL_SLO } from './tickets.js';
export { refusedWebhook, type AlertOptions } from './alerts.js';
