/**
 * @module cpa
 * Certified Peer Addresses and extended payloads ([MS-PNRP] §2.2.3.1-§2.2.3.3, §3.1.5.7-§3.1.5.9,
 * §3.2.5.7-§3.2.5.9) with the Ed25519 profile of DESIGN.md §5. Re-exports only.
 */
export * from './constants.js';
export * from './decode.js';
export * from './encode.js';
export * from './extended-payload.js';
export * from './extended-payload-verify.js';
export * from './filetime.js';
export * from './model.js';
export * from './sign.js';
export * from './verify.js';
