// Test helpers shared by every layer.
export * from './wait.js';
export * from './tcp-proxy.js';
export * from './process-tree.js';
