// Public surface of the controllers: the runtime and the built-in controllers.
export * from './runtime/index.js';
export { garbageCollector } from './gc/gc.js';
export { namespaceAdmission, namespaceController, NAMESPACE_FINALIZER } from './namespace/namespace.js';
