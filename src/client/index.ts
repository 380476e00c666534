// Public surface of the API client.
export * from './http.js';
export * from './api.js';
