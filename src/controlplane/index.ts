// Public surface of the control-plane assembly.
export * from './controlplane.js';
export { VERSION, packageRoot } from '../lib/index.js';
