// Public surface of sustainability: carbon intensity data (power model and time-shifting land here later).
export * from './carbon.js';
