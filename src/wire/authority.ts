/**
 * @module wire/authority
 * AUTHORITY (0x08, [MS-PNRP] §2.2.2.6): PNRP_HEADER_ACKED, SPLIT_CONTROLS `0098 0008 | Size u16
 * (whole AUTHORITY_BUFFER, <= 37,348) | Offset u16 (a multiple of 1,188)`, then a slice of the
 * buffer. Buffers up to 1,188 bytes travel whole at Offset 0; larger ones are cut into 1,188-byte
 * fragments (the last one shorter), every fragment under the same header and message ID
 * (§3.2.5.10; the spec's example: 2,000 bytes become 1,188 + 812).
 *
 * Decoding enforces that shape exactly: a slice is never over 1,188 bytes, never past Size, and
 * is exactly min(1188, Size - Offset) long. A datagram at Offset 0 that holds the whole buffer
 * decodes to an `AuthorityMessage`; any other is an `AuthorityFragment` for the reassembler.
 */
import { fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import { readAuthorityBuffer, writeAuthorityBuffer } from './authority-buffer.js';
import { AUTHORITY_PREFIX_BYTES, ELEMENT_LENGTHS, FIELD_IDS } from './constants.js';
import { readAcked, writeAcked } from './elements.js';
import { WIRE_ERROR } from './errors.js';
import { type MessageHeader, writeHeader } from './header.js';
import type { ElementReader } from './tlv.js';
import {
  type AuthorityFragment,
  type AuthorityMessage,
  type ProtocolVersion,
  WIRE_LIMITS,
} from './types.js';

const FRAGMENT = WIRE_LIMITS.authorityFragmentBytes;

/**
 * What every datagram of one AUTHORITY shares.
 * @example authorityDatagrams({ messageId, version, ackedMessageId: lookup.messageId }, buffer)
 */
export interface AuthorityDatagramHeader {
  readonly messageId: number;
  readonly version: ProtocolVersion;
  readonly ackedMessageId: number;
}

/** The one writer of {@link encodeAuthority}, reused; `finish` copies what it hands on. */
const AUTHORITY_WRITER = new ByteWriter(1536);

/**
 * Encodes an AUTHORITY as its datagrams. The buffer is written straight after the 28-byte prefix,
 * so the usual single-datagram reply costs one writer; larger buffers are then cut into fragments.
 * Throws `RangeError` over 37,348 bytes, and for invalid content. `shared`: a single datagram is a
 * view into a shared chunk (`ByteWriter.finishShared`), as `encodeDatagramsShared` hands on.
 * @example const datagrams = encodeAuthority(message);
 */
export function encodeAuthority(m: AuthorityMessage, shared = false): Uint8Array[] {
  const w = AUTHORITY_WRITER.reset();
  writeHeader(w, 'authority', m.version, m.messageId);
  writeAcked(w, m.ackedMessageId);
  w.u16be(FIELD_IDS.splitControls).u16be(ELEMENT_LENGTHS.splitControls).u16be(0).u16be(0);
  writeAuthorityBuffer(w, m.buffer);
  const size = w.length - AUTHORITY_PREFIX_BYTES;
  if (size <= FRAGMENT) {
    w.patchU16be(AUTHORITY_PREFIX_BYTES - 4, size);
    return [shared ? w.finishShared() : w.finish()];
  }
  return authorityDatagrams(m, w.finish().subarray(AUTHORITY_PREFIX_BYTES));
}

/**
 * Cuts an encoded AUTHORITY_BUFFER into AUTHORITY datagrams: one if it fits 1,188 bytes, else
 * 1,188-byte fragments and a shorter last one. Throws `RangeError` over 37,348 bytes.
 * @example const datagrams = authorityDatagrams({ messageId, version, ackedMessageId }, buffer);
 */
export function authorityDatagrams(h: AuthorityDatagramHeader, buffer: Uint8Array): Uint8Array[] {
  if (!(buffer instanceof Uint8Array)) throw new TypeError('buffer must be a Uint8Array');
  const size = buffer.length;
  if (size > WIRE_LIMITS.authorityBufferMax) {
    throw new RangeError(
      `AUTHORITY_BUFFER of ${size} bytes exceeds the ${WIRE_LIMITS.authorityBufferMax}-byte limit`,
    );
  }
  const w = new ByteWriter(AUTHORITY_PREFIX_BYTES);
  writeHeader(w, 'authority', h.version, h.messageId);
  writeAcked(w, h.ackedMessageId);
  w.u16be(FIELD_IDS.splitControls).u16be(ELEMENT_LENGTHS.splitControls).u16be(size).u16be(0);
  const prefix = w.finish();
  const count = size === 0 ? 1 : Math.ceil(size / FRAGMENT);
  const datagrams: Uint8Array[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const offset = i * FRAGMENT;
    const sliceBytes = Math.min(FRAGMENT, size - offset);
    const out = new Uint8Array(AUTHORITY_PREFIX_BYTES + sliceBytes);
    out.set(prefix);
    out[AUTHORITY_PREFIX_BYTES - 2] = offset >>> 8;
    out[AUTHORITY_PREFIX_BYTES - 1] = offset & 0xff;
    out.set(buffer.subarray(offset, offset + sliceBytes), AUTHORITY_PREFIX_BYTES);
    datagrams[i] = out;
  }
  return datagrams;
}

/**
 * Reads the elements of an AUTHORITY datagram after its header: a whole message, or a fragment.
 * @example const datagram = readAuthority(r, header);
 */
export function readAuthority(
  r: ElementReader,
  h: MessageHeader,
): AuthorityMessage | AuthorityFragment {
  const ackedMessageId = readAcked(r);
  const end = r.openFixed(FIELD_IDS.splitControls, ELEMENT_LENGTHS.splitControls);
  const size = r.u16be();
  const offset = r.u16be();
  r.close(end);
  const sliceBytes = r.remaining;
  checkSplit(size, offset, sliceBytes);
  if (offset === 0 && sliceBytes === size) {
    const buffer = readAuthorityBuffer(r);
    return {
      type: 'authority',
      messageId: h.messageId,
      version: h.version,
      ackedMessageId,
      buffer,
    };
  }
  return {
    type: 'authority-fragment',
    messageId: h.messageId,
    version: h.version,
    ackedMessageId,
    size,
    offset,
    data: r.bytes(sliceBytes),
  };
}

/**
 * Checks SPLIT_CONTROLS against the slice a datagram carries (`fail()`s inside `decodeWith`).
 * @example checkSplit(2000, 1188, 812); // fine
 */
export function checkSplit(size: number, offset: number, sliceBytes: number): void {
  if (size > WIRE_LIMITS.authorityBufferMax) {
    fail(WIRE_ERROR.limit, `SPLIT_CONTROLS Size ${size} is over 37348`);
  }
  if (offset % FRAGMENT !== 0) {
    fail(WIRE_ERROR.badFragment, `Offset ${offset} is not a multiple of ${FRAGMENT}`);
  }
  if (sliceBytes > FRAGMENT) {
    fail(WIRE_ERROR.limit, `AUTHORITY slice of ${sliceBytes} bytes is over ${FRAGMENT}`);
  }
  if (offset + sliceBytes > size) {
    fail(WIRE_ERROR.badFragment, `slice ${offset}+${sliceBytes} runs past Size ${size}`);
  }
  if (offset >= size && size !== 0) {
    fail(WIRE_ERROR.badFragment, `Offset ${offset} is at or past Size ${size}`);
  }
  if (sliceBytes !== Math.min(FRAGMENT, size - offset)) {
    fail(WIRE_ERROR.badFragment, `slice of ${sliceBytes} bytes at ${offset} of ${size} is short`);
  }
}
