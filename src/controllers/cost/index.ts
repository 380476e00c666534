// Public surface of the cost controller (running cost in Deployment status, tenants' monthly spend).
export * from './cost.js';
