// Public surface of the resource model: kinds, schemas, metadata helpers, validation, errors.
export * from './meta.js';
export * from './quantity.js';
export * from './errors.js';
export * from './registry.js';
export * from './validate.js';
export * from './kinds/index.js';
