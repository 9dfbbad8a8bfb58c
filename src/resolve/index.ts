export * from './path.js';
export * from './resolution.js';
export * from './search-spec.js';
