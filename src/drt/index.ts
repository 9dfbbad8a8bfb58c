export * from './bootstrap-provider.js';
export type { LocalRegistration } from './core.js';
export * from './events.js';
export * from './key-record-codec.js';
export * from './node.js';
export * from './options.js';
export * from './security-provider.js';
export * from './stats.js';
