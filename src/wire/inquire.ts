/**
 * @module wire/inquire
 * INQUIRE (0x07, [MS-PNRP] §2.2.2.5): FLAGS_FIELD `0040 0006 | flags u16 (A 0x10 want CPA,
 * X 0x08 want extended payload, C 0x04 want certificate chain) | Padding 2`, VALIDATE_PNRP_ID,
 * optional NONCE (copied into the CPA against replay), then the optional [MC-DRT] security
 * elements. 56 bytes without nonce, 76 with.
 */
import type { ByteWriter } from '../util/byte-writer.js';
import { ELEMENT_LENGTHS, FIELD_IDS, INQUIRE_FLAG_BITS } from './constants.js';
import {
  assertBoolean,
  type Mutable,
  readIdElement,
  readNonce,
  writeIdElement,
  writeNonce,
} from './elements.js';
import type { MessageHeader } from './header.js';
import { readSecurity, writeSecurity } from './security.js';
import type { ElementReader } from './tlv.js';
import type { InquireFlags, InquireMessage } from './types.js';

/**
 * The FLAGS_FIELD value of INQUIRE flags.
 * @example inquireFlagsValue({ wantCpa: true, wantExtendedPayload: true, wantCertChain: true }) // 0x1c
 */
export function inquireFlagsValue(flags: InquireFlags): number {
  if (typeof flags !== 'object' || flags === null) throw new TypeError('flags must be an object');
  assertBoolean(flags.wantCpa, 'flags.wantCpa');
  assertBoolean(flags.wantExtendedPayload, 'flags.wantExtendedPayload');
  assertBoolean(flags.wantCertChain, 'flags.wantCertChain');
  return (
    (flags.wantCpa ? INQUIRE_FLAG_BITS.wantCpa : 0) |
    (flags.wantExtendedPayload ? INQUIRE_FLAG_BITS.wantExtendedPayload : 0) |
    (flags.wantCertChain ? INQUIRE_FLAG_BITS.wantCertChain : 0)
  );
}

/**
 * Writes the elements of an INQUIRE after its header.
 * @example writeInquire(w, message);
 */
export function writeInquire(w: ByteWriter, m: InquireMessage): void {
  w.u16be(FIELD_IDS.flags).u16be(ELEMENT_LENGTHS.flags).u16be(inquireFlagsValue(m.flags)).u16be(0);
  writeIdElement(w, FIELD_IDS.validatePnrpId, m.validateId, 'validateId');
  if (m.nonce !== undefined) writeNonce(w, m.nonce);
  if (m.security !== undefined) writeSecurity(w, m.security);
}

/**
 * Reads the elements of an INQUIRE after its header. Reserved flag bits are ignored.
 * @example const m = readInquire(r, header);
 */
export function readInquire(r: ElementReader, h: MessageHeader): InquireMessage {
  const end = r.openFixed(FIELD_IDS.flags, ELEMENT_LENGTHS.flags);
  const bits = r.u16be();
  r.close(end);
  const validateId = readIdElement(r, FIELD_IDS.validatePnrpId);
  const nonce = r.peekFieldId() === FIELD_IDS.nonce ? readNonce(r) : undefined;
  const security = readSecurity(r);
  r.expectEnd();
  const m: Mutable<InquireMessage> = {
    type: 'inquire',
    messageId: h.messageId,
    version: h.version,
    flags: {
      wantCpa: (bits & INQUIRE_FLAG_BITS.wantCpa) !== 0,
      wantExtendedPayload: (bits & INQUIRE_FLAG_BITS.wantExtendedPayload) !== 0,
      wantCertChain: (bits & INQUIRE_FLAG_BITS.wantCertChain) !== 0,
    },
    validateId,
  };
  if (nonce !== undefined) m.nonce = nonce;
  if (security !== undefined) m.security = security;
  return m;
}
