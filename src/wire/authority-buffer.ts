/**
 * @module wire/authority-buffer
 * AUTHORITY_BUFFER ([MS-PNRP] §2.2.2.6.1), the logical content of an AUTHORITY reply before
 * fragmentation, with its elements in this order: FLAGS_FIELD `0040 0006 | flags u16 (L 0x0200
 * suspicious, B 0x0008 busy, N 0x0001 not registered) | Padding 2`; optional CERT_CHAIN
 * (DRT: CREDENTIAL), CLASSIFIER, EXTENDED_PAYLOAD and ROUTING_ENTRY, each padded to 4; optional
 * VALIDATE_CPA, last and unpadded. At most 37,348 bytes. The [MC-DRT] confidential-mode elements
 * (KEYTOKEN, ENCRYPTED_*) are not modelled and are refused as `unexpected-field`.
 */
import { decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import type { Result } from '../util/result.js';
import { readClassifier, writeClassifier } from './classifier.js';
import { AUTHORITY_FLAG_BITS, ELEMENT_LENGTHS, FIELD_IDS } from './constants.js';
import { assertBoolean, type Mutable, writeOpaque } from './elements.js';
import { WIRE_ERROR } from './errors.js';
import { readRoutingEntry, writeRoutingEntry } from './route-entry.js';
import { ElementReader } from './tlv.js';
import { type AuthorityBuffer, type AuthorityFlags, WIRE_LIMITS } from './types.js';

/**
 * The FLAGS_FIELD value of AUTHORITY flags.
 * @example authorityFlagsValue({ suspicious: true, busy: false, notRegistered: true }) // 0x0201
 */
export function authorityFlagsValue(flags: AuthorityFlags): number {
  if (typeof flags !== 'object' || flags === null) throw new TypeError('flags must be an object');
  assertBoolean(flags.suspicious, 'flags.suspicious');
  assertBoolean(flags.busy, 'flags.busy');
  assertBoolean(flags.notRegistered, 'flags.notRegistered');
  return (
    (flags.suspicious ? AUTHORITY_FLAG_BITS.suspicious : 0) |
    (flags.busy ? AUTHORITY_FLAG_BITS.busy : 0) |
    (flags.notRegistered ? AUTHORITY_FLAG_BITS.notRegistered : 0)
  );
}

/**
 * Encodes an AUTHORITY_BUFFER. Throws `TypeError`/`RangeError` for invalid content or when the
 * result would exceed 37,348 bytes.
 * @example const bytes = encodeAuthorityBuffer({ flags: { suspicious: false, busy: false, notRegistered: false }, routeEntry });
 */
export function encodeAuthorityBuffer(buffer: AuthorityBuffer): Uint8Array {
  const w = new ByteWriter(estimateAuthorityBufferSize(buffer));
  writeAuthorityBuffer(w, buffer);
  if (w.length > WIRE_LIMITS.authorityBufferMax) {
    throw new RangeError(
      `AUTHORITY_BUFFER of ${w.length} bytes exceeds the ${WIRE_LIMITS.authorityBufferMax}-byte limit`,
    );
  }
  return w.finish();
}

/**
 * Writes the elements of an AUTHORITY_BUFFER at the writer's position, which must be 4-byte
 * aligned (offset 0 of a buffer, or 28 of an AUTHORITY datagram). No size check.
 * @example writeAuthorityBuffer(w, buffer);
 */
export function writeAuthorityBuffer(w: ByteWriter, b: AuthorityBuffer): void {
  if (typeof b !== 'object' || b === null) throw new TypeError('buffer must be an object');
  w.u16be(FIELD_IDS.flags).u16be(ELEMENT_LENGTHS.flags).u16be(authorityFlagsValue(b.flags));
  w.u16be(0);
  if (b.certChain !== undefined) writeOpaque(w, FIELD_IDS.certChain, b.certChain, true);
  if (b.classifier !== undefined) writeClassifier(w, b.classifier);
  if (b.extendedPayload !== undefined) {
    writeOpaque(w, FIELD_IDS.extendedPayload, b.extendedPayload, true);
  }
  if (b.routeEntry !== undefined) writeRoutingEntry(w, b.routeEntry);
  if (b.validateCpa !== undefined) writeOpaque(w, FIELD_IDS.validateCpa, b.validateCpa, false);
}

/**
 * A capacity that usually holds the encoded buffer (for preallocating a writer).
 * @example new ByteWriter(28 + estimateAuthorityBufferSize(buffer));
 */
export function estimateAuthorityBufferSize(b: AuthorityBuffer): number {
  if (typeof b !== 'object' || b === null) return 64;
  let size = 8 + 4 * 5 + 4 * 3 + 400;
  if (b.certChain instanceof Uint8Array) size += b.certChain.length;
  if (b.extendedPayload instanceof Uint8Array) size += b.extendedPayload.length;
  if (b.validateCpa instanceof Uint8Array) size += b.validateCpa.length;
  if (typeof b.classifier === 'string') size += 2 * b.classifier.length;
  return size;
}

/**
 * Decodes an AUTHORITY_BUFFER (for example one put together by an `AuthorityReassembler`).
 * Never throws; over 37,348 bytes is `limit`.
 * @example const result = decodeAuthorityBuffer(bytes); if (result.ok) use(result.value.routeEntry);
 */
export function decodeAuthorityBuffer(bytes: Uint8Array): Result<AuthorityBuffer> {
  return decodeWith(() => readAuthorityBuffer(new ElementReader(bytes)));
}

/**
 * Reads an AUTHORITY_BUFFER from the cursor to the reader's end (which must be 4-byte aligned
 * relative to the start of the message, as it is at offset 28 of an AUTHORITY datagram).
 * @example const buffer = readAuthorityBuffer(new ElementReader(datagram, 28));
 */
export function readAuthorityBuffer(r: ElementReader): AuthorityBuffer {
  if (r.remaining > WIRE_LIMITS.authorityBufferMax) {
    fail(WIRE_ERROR.limit, `AUTHORITY_BUFFER of ${r.remaining} bytes is over 37348`);
  }
  const end = r.openFixed(FIELD_IDS.flags, ELEMENT_LENGTHS.flags);
  const bits = r.u16be();
  r.close(end);
  const b: Mutable<AuthorityBuffer> = {
    flags: {
      suspicious: (bits & AUTHORITY_FLAG_BITS.suspicious) !== 0,
      busy: (bits & AUTHORITY_FLAG_BITS.busy) !== 0,
      notRegistered: (bits & AUTHORITY_FLAG_BITS.notRegistered) !== 0,
    },
  };
  if (r.peekFieldId() === FIELD_IDS.certChain) b.certChain = r.opaque(FIELD_IDS.certChain);
  if (r.peekFieldId() === FIELD_IDS.classifier) b.classifier = readClassifier(r);
  if (r.peekFieldId() === FIELD_IDS.extendedPayload) {
    b.extendedPayload = r.opaque(FIELD_IDS.extendedPayload);
  }
  if (r.peekFieldId() === FIELD_IDS.routingEntry) b.routeEntry = readRoutingEntry(r);
  if (r.peekFieldId() === FIELD_IDS.validateCpa) b.validateCpa = r.opaque(FIELD_IDS.validateCpa);
  r.expectEnd();
  return b;
}
