// Public surface of rating: price list selection, line items, invoices (object and CSV).
export * from './rate.js';
export * from './invoice.js';
