/**
 * Certified Peer Addresses and extended payloads ([MS-PNRP] §2.2.3.1-§2.2.3.3, §3.1.5.7-§3.1.5.9,
 * §3.2.5.7-§3.2.5.9) with the Ed25519 profile of docs/design.md §5. Re-exports only.
 * @module cpa
 */
export { CPA_LIFETIME_MS } from './constants.js';
export { decodeCpa } from './decode.js';
export { encodeCpa } from './encode.js';
export {
  decodeExtendedPayload,
  type ExtendedPayload,
  type ExtendedPayloadData,
  encodeExtendedPayload,
} from './extended-payload.js';
export {
  type CreateExtendedPayloadParams,
  createExtendedPayload,
  EXTENDED_PAYLOAD_REJECT_REASONS,
  type ExtendedPayloadExpectations,
  type ExtendedPayloadRejectReason,
  type ExtendedPayloadVerdict,
  type SignedExtendedPayload,
  verifyExtendedPayload,
} from './extended-payload-verify.js';
export { filetimeFromUnixMs, unixMsFromFiletime } from './filetime.js';
export {
  type AppEndpoint,
  type Cpa,
  type FriendlyName,
  IP_PROTOCOL,
  type SignedCpa,
  type TextEncoding,
} from './model.js';
export { type CreateCpaParams, createCpa } from './sign.js';
export {
  type AuthorityDelegation,
  type AuthorityVerifier,
  CPA_REJECT_REASONS,
  type CpaDelegatedAuthority,
  type CpaExpectations,
  type CpaRejectReason,
  type CpaVerdict,
  pnrpIdOfCpa,
  verifyCpa,
} from './verify.js';
