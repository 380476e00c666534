// Public surface of lib: dependency-free building blocks every layer may use (back-off, logging port, package info).
export * from './backoff.js';
export * from './logger.js';
export * from './package.js';
export * from './structured-logger.js';
