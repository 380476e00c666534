// Public surface of the control-plane assembly.
export * from './controlplane.js';
export * from './version.js';
