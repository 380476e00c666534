// Public surface of the shared runtime: informers and list-watch (over the store and over HTTP), the work queue,
// controllers and their manager, leader election, and a client's connection to a control plane.
export * from './queue.js';
export * from './informer.js';
export * from './listwatch-store.js';
export * from './listwatch-http.js';
export * from './controller.js';
export * from './leader.js';
export * from './manager.js';
export * from './connection.js';
