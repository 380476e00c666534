// Public surface of federation over the GSMA OP East-West-Bound Interface: wire contract and the partner role.
export * from './ewbi/index.js';
export * from './host/index.js';
