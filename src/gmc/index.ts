export * from './certificate.js';
export * from './chain.js';
export * from './constants.js';
export * from './delegation.js';
export * from './dksp.js';
export * from './extensions.js';
export * from './issue.js';
export { x509ShimInstalled } from './x509.js';
