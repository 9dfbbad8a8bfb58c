/**
 * The MS-PNRP / MC-DRT message codec: model, encoders, decoder, AUTHORITY fragmentation and
 * reassembly. Re-exports only.
 * @module wire
 */
export {
  decodeMessage,
  encodeDatagrams,
  encodeDatagramsShared,
  encodeMessage,
} from './codec.js';
export { WIRE_ERROR_CODES, type WireErrorCode } from './errors.js';
export {
  AuthorityReassembler,
  type AuthorityReassemblerOptions,
  REASSEMBLY_REJECT_CODES,
  type ReassemblerStats,
  type ReassemblyRejectCode,
  type ReassemblyResult,
} from './reassembler.js';
export {
  type AckMessage,
  type AdvertiseMessage,
  type AuthorityBuffer,
  type AuthorityFlags,
  type AuthorityFragment,
  type AuthorityMessage,
  type Datagram,
  type FloodMessage,
  type InquireFlags,
  type InquireMessage,
  type LookupControls,
  type LookupMessage,
  type Message,
  type MessageType,
  PNRP_VERSION,
  type ProtocolVersion,
  type ReasonCode,
  type RequestMessage,
  type ResolveCriteria,
  type RouteEntry,
  type SecurityElements,
  type SolicitMessage,
  WIRE_LIMITS,
} from './types.js';
