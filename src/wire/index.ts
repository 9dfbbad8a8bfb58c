/**
 * @module wire
 * The MS-PNRP / MC-DRT message codec: model, encoders, decoder, AUTHORITY fragmentation and
 * reassembly. Re-exports only.
 */
export {
  authorityFlagsValue,
  decodeAuthorityBuffer,
  encodeAuthorityBuffer,
} from './authority-buffer.js';
export * from './codec.js';
export * from './constants.js';
export * from './errors.js';
export { decodeHeader, type MessageHeader } from './header.js';
export * from './reassembler.js';
export { routeEntrySize, routingEntryElementSize } from './route-entry.js';
export * from './types.js';
