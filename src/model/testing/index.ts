// Test helpers of the model layer: sample objects of the core kinds.
export * from './fixtures.js';
