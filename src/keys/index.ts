export * from './crypto-backend.js';
export * from './endpoint.js';
export * from './identity.js';
export * from './ids.js';
export * from './key256.js';
export * from './peer-name.js';
