// Public surface of sustainability: grid intensity data and series, the energy model, time and space shifting.
export * from './carbon.js';
export * from './series.js';
export * from './forecast.js';
export * from './energy.js';
export * from './move.js';
export * from './source.js';
export * from './report.js';
