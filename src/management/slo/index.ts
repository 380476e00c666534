// Public surface of service level objectives: the SLO kind and the error-budget arithmetic.
export * from './kinds.js';
export * from './budget.js';
export * from './ticket.js';
export * from './alertrule.js';
