/**
 * @module wire/header
 * The 12-byte PNRP Header of [MS-PNRP] §2.2.1 (the DRT Header of [MC-DRT] §2.2.1):
 * `0010 000c | Identifier 0x51 | VersionMajor | VersionMinor | MessageType | Message ID (u32 BE)`.
 * PNRP clouds use version 4.0; a DRT instance chooses its own, so any version is accepted.
 */
import { decodeWith, fail } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import type { Result } from '../util/result.js';
import { FIELD_IDS, messageTypeOfCode } from './constants.js';
import { assertU32 } from './elements.js';
import { WIRE_ERROR } from './errors.js';
import type { ElementReader } from './tlv.js';
import {
  HEADER_BYTES,
  HEADER_IDENTIFIER,
  MESSAGE_TYPE_CODES,
  type MessageType,
  type ProtocolVersion,
} from './types.js';

/**
 * What the header says about a datagram.
 * @example const h: MessageHeader = { type: 'ack', version: PNRP_VERSION, messageId: 1 };
 */
export interface MessageHeader {
  readonly type: MessageType;
  readonly version: ProtocolVersion;
  readonly messageId: number;
}

/**
 * Throws unless `version` has integer major and minor in 0..255.
 * @example assertVersion({ major: 4, minor: 0 });
 */
export function assertVersion(version: ProtocolVersion): void {
  if (typeof version !== 'object' || version === null) {
    throw new TypeError('version must be an object { major, minor }');
  }
  for (const part of ['major', 'minor'] as const) {
    const v = version[part];
    if (!Number.isInteger(v) || v < 0 || v > 0xff) {
      throw new RangeError(`version.${part} must be an integer 0..255, got ${v}`);
    }
  }
}

/**
 * Writes the 12-byte header. Throws `RangeError` for a bad message ID or version.
 * @example writeHeader(w, 'ack', { major: 4, minor: 0 }, 0x66666666);
 */
export function writeHeader(
  w: ByteWriter,
  type: MessageType,
  version: ProtocolVersion,
  messageId: number,
): void {
  assertVersion(version);
  assertU32(messageId, 'messageId');
  w.u16be(FIELD_IDS.header).u16be(HEADER_BYTES).u8(HEADER_IDENTIFIER);
  w.u8(version.major).u8(version.minor).u8(MESSAGE_TYPE_CODES[type]).u32be(messageId);
}

/**
 * Reads the header at offset 0 of the reader.
 * @example const header = readHeader(new ElementReader(bytes));
 */
export function readHeader(r: ElementReader): MessageHeader {
  if (r.remaining < HEADER_BYTES) {
    fail(WIRE_ERROR.truncated, `a header needs ${HEADER_BYTES} bytes, have ${r.remaining}`);
  }
  const fieldId = r.u16be();
  const length = r.u16be();
  const identifier = r.u8();
  if (fieldId !== FIELD_IDS.header || length !== HEADER_BYTES || identifier !== HEADER_IDENTIFIER) {
    fail(
      WIRE_ERROR.badHeader,
      `header starts ${hex4(fieldId)} ${hex4(length)} ${identifier.toString(16)}, expected 0010 000c 51`,
    );
  }
  const major = r.u8();
  const minor = r.u8();
  const code = r.u8();
  const type = messageTypeOfCode(code);
  if (type === undefined) fail(WIRE_ERROR.unknownType, `message type 0x${code.toString(16)}`);
  return { type, version: { major, minor }, messageId: r.u32be() };
}

/**
 * Decodes only the header of a datagram (cheap triage before a full decode). Never throws.
 * @example const h = decodeHeader(bytes); if (h.ok) console.log(h.value.type);
 */
export function decodeHeader(bytes: Uint8Array): Result<MessageHeader> {
  return decodeWith(() => {
    const d = bytes;
    if (d.length < HEADER_BYTES) {
      fail(WIRE_ERROR.truncated, `a header needs ${HEADER_BYTES} bytes, have ${d.length}`);
    }
    if (d[0] !== 0x00 || d[1] !== 0x10 || d[2] !== 0x00 || d[3] !== 0x0c || d[4] !== 0x51) {
      fail(WIRE_ERROR.badHeader, 'header does not start 0010 000c 51');
    }
    const type = messageTypeOfCode(d[7]!);
    if (type === undefined) fail(WIRE_ERROR.unknownType, `message type 0x${d[7]!.toString(16)}`);
    const messageId = ((d[8]! << 24) | (d[9]! << 16) | (d[10]! << 8) | d[11]!) >>> 0;
    return { type, version: { major: d[5]!, minor: d[6]! }, messageId };
  });
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}
