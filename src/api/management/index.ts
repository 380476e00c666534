// Public surface of the management routes (usage ingest, usage and invoice reads).
export * from './routes.js';
