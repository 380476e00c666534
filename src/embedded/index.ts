// Public surface of the embedded continuum.
export * from './embedded.js';
