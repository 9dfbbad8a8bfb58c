/**
 * @module wire/codec
 * The public entry points of the MS-PNRP message codec ([MS-PNRP] §2.2, [MC-DRT] §2.2):
 * `encodeMessage` (one datagram), `encodeDatagrams` (one or more, fragmenting a large AUTHORITY)
 * and `decodeMessage` (one datagram to a `Message` or an `AuthorityFragment`, never throwing).
 * Encoders validate local input and throw `TypeError`/`RangeError`; the decoder refuses remote
 * bytes with a stable code from `WIRE_ERROR`.
 */
import { decodeWith } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import type { Result } from '../util/result.js';
import { readAck, writeAck } from './ack.js';
import { readAdvertise, writeAdvertise } from './advertise.js';
import { encodeAuthority, readAuthority } from './authority.js';
import { WIRE_ERROR } from './errors.js';
import { readFlood, writeFlood } from './flood.js';
import { readHeader, writeHeader } from './header.js';
import { readInquire, writeInquire } from './inquire.js';
import { readLookup, writeLookup } from './lookup.js';
import { readRequest, writeRequest } from './request.js';
import { readSolicit, writeSolicit } from './solicit.js';
import { ElementReader } from './tlv.js';
import { type Datagram, MESSAGE_TYPE_CODES, type Message, WIRE_LIMITS } from './types.js';

/**
 * The one writer of {@link encodeMessage}, reused (encoding never calls back into it). `finish`
 * copies, so the datagram handed on is its own: a transport or the simulator may queue it.
 */
const MESSAGE_WRITER = new ByteWriter(1536);

/**
 * Encodes a message as one datagram. An AUTHORITY whose buffer is over 1,188 bytes needs several
 * datagrams: this throws `RangeError` for it (use {@link encodeDatagrams}). Throws
 * `TypeError`/`RangeError` for any invalid field (a 23-endpoint flagged path, a 15-byte nonce...).
 * @example const bytes = encodeMessage({ type: 'ack', messageId: 1, version: PNRP_VERSION, ackedMessageId: 7, notRegistered: false });
 */
export function encodeMessage(message: Message): Uint8Array {
  return encodeOne(message, false);
}

function encodeOne(message: Message, shared: boolean): Uint8Array {
  checkMessage(message);
  if (message.type === 'authority') {
    const datagrams = encodeAuthority(message, shared);
    if (datagrams.length !== 1) {
      throw new RangeError(
        `AUTHORITY buffer is over ${WIRE_LIMITS.authorityFragmentBytes} bytes and needs ${datagrams.length} datagrams: use encodeDatagrams()`,
      );
    }
    return datagrams[0]!;
  }
  const w = MESSAGE_WRITER.reset();
  writeHeader(w, message.type, message.version, message.messageId);
  switch (message.type) {
    case 'solicit':
      writeSolicit(w, message);
      break;
    case 'advertise':
      writeAdvertise(w, message);
      break;
    case 'request':
      writeRequest(w, message);
      break;
    case 'flood':
      writeFlood(w, message);
      break;
    case 'inquire':
      writeInquire(w, message);
      break;
    case 'ack':
      writeAck(w, message);
      break;
    case 'lookup':
      writeLookup(w, message);
      break;
  }
  return shared ? w.finishShared() : w.finish();
}

/**
 * Encodes a message as the datagrams to send: one for every type, except an AUTHORITY whose
 * buffer is over 1,188 bytes, which becomes 1,188-byte fragments (the last shorter), each with
 * the same header and message ID, HEADER_ACKED and SPLIT_CONTROLS. Throws `RangeError` for a
 * buffer over 37,348 bytes, and like {@link encodeMessage} for invalid fields.
 * @example for (const payload of encodeDatagrams(authority)) transmit(to, payload);
 */
export function encodeDatagrams(message: Message): Uint8Array[] {
  checkMessage(message);
  if (message.type === 'authority') return encodeAuthority(message);
  return [encodeOne(message, false)];
}

/**
 * {@link encodeDatagrams} for a node's own sends: the same bytes, each datagram a view into a
 * shared 64 KB chunk (`copyToChunk` of util/byte-writer) instead of its own `ArrayBuffer`, which
 * costs an off-heap allocation per datagram (issue 13 Build 3). For datagrams handed to a
 * transport or the simulator and then dropped; `.buffer` is the chunk, so use the view's offset.
 * @example for (const d of encodeDatagramsShared(message)) outputs.push({ type: 'transmit', to, payload: d });
 */
export function encodeDatagramsShared(message: Message): Uint8Array[] {
  checkMessage(message);
  if (message.type === 'authority') return encodeAuthority(message, true);
  return [encodeOne(message, true)];
}

function checkMessage(message: Message): void {
  if (typeof message !== 'object' || message === null) {
    throw new TypeError('message must be an object');
  }
  if (!Object.hasOwn(MESSAGE_TYPE_CODES, message.type)) {
    throw new TypeError(`unknown message type ${String((message as { type: unknown }).type)}`);
  }
}

/**
 * Decodes one datagram. Never throws: malformed bytes give `{ ok: false, error: { code, detail } }`
 * with a code from `WIRE_ERROR`. An AUTHORITY datagram at Offset 0 that carries its whole buffer
 * decodes to an `AuthorityMessage`; any other AUTHORITY datagram to an `AuthorityFragment`.
 * @example const result = decodeMessage(payload); if (!result.ok) stats.drop(result.error.code);
 */
export function decodeMessage(bytes: Uint8Array): Result<Datagram> {
  if (!(bytes instanceof Uint8Array)) {
    return { ok: false, error: { code: WIRE_ERROR.badValue, detail: 'input is not a Uint8Array' } };
  }
  // One copy of the datagram, and every decoded ID, address and opaque field a view into it
  // (issue 13 Build 3: a copy and an ArrayBuffer per field was most of the garbage per datagram).
  // The copy keeps decoded values from aliasing a buffer the transport reuses.
  return decodeWith(() => readDatagram(new ElementReader(bytes.slice(), 0, bytes.length, true)));
}

function readDatagram(r: ElementReader): Datagram {
  const h = readHeader(r);
  switch (h.type) {
    case 'solicit':
      return readSolicit(r, h);
    case 'advertise':
      return readAdvertise(r, h);
    case 'request':
      return readRequest(r, h);
    case 'flood':
      return readFlood(r, h);
    case 'inquire':
      return readInquire(r, h);
    case 'authority':
      return readAuthority(r, h);
    case 'ack':
      return readAck(r, h);
    case 'lookup':
      return readLookup(r, h);
  }
}
