// Public surface of the controller runtime.
export * from './queue.js';
export * from './informer.js';
export * from './sources.js';
export * from './controller.js';
export * from './leader.js';
export * from './manager.js';
