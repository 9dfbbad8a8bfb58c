/**
 * @module wire/tlv
 * Message-element framing of [MS-PNRP] §2.2: every element is `FieldID (u16 BE) | Length (u16 BE,
 * counting these 4 bytes) | body`, and every FieldID starts on a 4-byte boundary from the start
 * of the message, so zero padding (0-3 bytes, not counted in Length) follows an element whose
 * end is not aligned. That one rule produces the odd fixed cases of the spec: FLOOD_CONTROLS is
 * Length 7 + 1 pad, SOLICIT_CONTROLS and FLAGS_FIELD are Length 6 + 2 pad.
 *
 * Decoding policy (documented choice): padding between elements must be present and zero
 * (`bad-padding` otherwise; our encoders always write zeros). After the LAST element of a
 * message or AUTHORITY_BUFFER the padding may be present (all of it, zero) or absent, because the
 * spec pads some final elements (ROUTING_ENTRY, AUTHORITY FLAGS) and not others (the endpoint
 * array of LOOKUP/FLOOD, VALIDATE_CPA, ACK flags), and Wireshark's dissector expects a final
 * AUTHORITY FLAGS without it. Anything else after the last element is refused.
 */
import { ByteReader, fail } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { ELEMENT_BYTES_MAX, ELEMENT_HEADER_BYTES, FIELD_IDS } from './constants.js';
import { WIRE_ERROR } from './errors.js';

const FIELD_NAMES = new Map<number, string>();
for (const [name, id] of Object.entries(FIELD_IDS)) {
  if (!FIELD_NAMES.has(id)) FIELD_NAMES.set(id, name);
}

/**
 * A FieldID as text for error details: `routingEntry (0x009a)` or `0x1234`.
 * @example describeField(0x009a) // 'routingEntry (0x009a)'
 */
export function describeField(fieldId: number): string {
  const hex = `0x${fieldId.toString(16).padStart(4, '0')}`;
  const name = FIELD_NAMES.get(fieldId);
  return name === undefined ? hex : `${name} (${hex})`;
}

/**
 * A {@link ByteReader} that walks TLV elements. Offsets are relative to the array it reads, whose
 * element area must start on a 4-byte boundary (a message, or an AUTHORITY_BUFFER at offset 0
 * or 28 of a datagram). Failures go through `fail()`, so use it inside `decodeWith`.
 * @example const r = new ElementReader(bytes, 12); const end = r.open(FIELD_IDS.nonce); ...
 */
export class ElementReader extends ByteReader {
  /** FieldID at the cursor, or -1 when fewer than 2 bytes remain. */
  peekFieldId(): number {
    const o = this.offset;
    if (o + 2 > this.end) return -1;
    return (this.data[o]! << 8) | this.data[o + 1]!;
  }

  /**
   * Opens the required element `fieldId` at the cursor, checks its header and leaves the cursor
   * on its body. Returns the offset where the body ends (before padding).
   */
  open(fieldId: number): number {
    const o = this.offset;
    if (o >= this.end) {
      fail(WIRE_ERROR.missingField, `${describeField(fieldId)} missing at offset ${o}`);
    }
    if (o + ELEMENT_HEADER_BYTES > this.end) {
      fail(WIRE_ERROR.truncated, `element header cut short at offset ${o}`);
    }
    const d = this.data;
    const found = (d[o]! << 8) | d[o + 1]!;
    if (found !== fieldId) {
      fail(
        WIRE_ERROR.unexpectedField,
        `expected ${describeField(fieldId)} at offset ${o}, found ${describeField(found)}`,
      );
    }
    const length = (d[o + 2]! << 8) | d[o + 3]!;
    if (length < ELEMENT_HEADER_BYTES) {
      fail(WIRE_ERROR.badLength, `${describeField(fieldId)} Length ${length} is below 4`);
    }
    const elementEnd = o + length;
    if (elementEnd > this.end) {
      fail(
        WIRE_ERROR.truncated,
        `${describeField(fieldId)} Length ${length} runs ${elementEnd - this.end} bytes past the end`,
      );
    }
    this.offset = o + ELEMENT_HEADER_BYTES;
    return elementEnd;
  }

  /** Opens a fixed-size element and checks that its Length is exactly `length`. */
  openFixed(fieldId: number, length: number): number {
    const start = this.offset;
    const elementEnd = this.open(fieldId);
    if (elementEnd - start !== length) {
      fail(
        WIRE_ERROR.badLength,
        `${describeField(fieldId)} Length ${elementEnd - start}, the layout says ${length}`,
      );
    }
    return elementEnd;
  }

  /** The body of an opaque element (CERT_CHAIN, VALIDATE_CPA...), copied; then closes it. */
  opaque(fieldId: number): Uint8Array {
    const elementEnd = this.open(fieldId);
    const body = this.bytes(elementEnd - this.offset);
    this.close(elementEnd);
    return body;
  }

  /**
   * Ends the element whose body ends at `elementEnd`: the body must have been read exactly, then
   * the padding to the next 4-byte boundary must be zero (or absent if nothing follows).
   */
  close(elementEnd: number): void {
    if (this.offset !== elementEnd) {
      fail(
        WIRE_ERROR.badLength,
        `element body ends at ${this.offset}, its Length says ${elementEnd}`,
      );
    }
    if (elementEnd === this.end) return;
    const aligned = (elementEnd + 3) & ~3;
    if (aligned > this.end) {
      fail(WIRE_ERROR.badPadding, `padding cut short at the end (offset ${elementEnd})`);
    }
    const d = this.data;
    for (let i = elementEnd; i < aligned; i++) {
      if (d[i] !== 0) fail(WIRE_ERROR.badPadding, `non-zero padding byte at offset ${i}`);
    }
    this.offset = aligned;
  }

  /** Fails unless every element has been read: nothing may follow the last element. */
  expectEnd(): void {
    const left = this.end - this.offset;
    if (left === 0) return;
    if (left >= ELEMENT_HEADER_BYTES) {
      fail(
        WIRE_ERROR.unexpectedField,
        `${describeField(this.peekFieldId())} at offset ${this.offset} after the last element`,
      );
    }
    fail(WIRE_ERROR.trailingBytes, `${left} stray bytes at offset ${this.offset}`);
  }
}

/**
 * Starts an element: writes its FieldID and a placeholder Length. Returns its start offset for
 * {@link endElement}.
 * @example const start = beginElement(w, FIELD_IDS.certChain); w.bytes(chain); endElement(w, start, true);
 */
export function beginElement(w: ByteWriter, fieldId: number): number {
  const start = w.length;
  w.u16be(fieldId);
  w.u16be(0);
  return start;
}

/**
 * Ends an element begun at `start`: patches its Length and, if `pad`, writes zero padding to the
 * next 4-byte boundary. Throws `RangeError` if the element is over 65,535 bytes.
 * @example endElement(w, start, true);
 */
export function endElement(w: ByteWriter, start: number, pad: boolean): void {
  const length = w.length - start;
  if (length > ELEMENT_BYTES_MAX) {
    throw new RangeError(
      `${describeField(fieldIdAt(w, start))} would be ${length} bytes; an element holds at most ${ELEMENT_BYTES_MAX}`,
    );
  }
  w.patchU16be(start + 2, length);
  if (pad) w.pad4();
}

function fieldIdAt(w: ByteWriter, start: number): number {
  const bytes = w.finish();
  return (bytes[start]! << 8) | bytes[start + 1]!;
}
