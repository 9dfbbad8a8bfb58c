/**
 * @module graph/wire/message
 * The [MS-PPGRH] message codec's two doors: {@link encodeGraphMessage} writes any of the fourteen
 * messages of §2.2.2 with its PEER_MESSAGE header (§2.2.1.2), and {@link decodeGraphMessage} reads
 * one unit back. Decoding checks the header first (§3.1.5.2: Message Size at least 8 and equal to
 * the unit's length, Version 0x10, a known Message Type; Reserved ignored), then the message's
 * own rules (§3.1.5.1.1, §3.1.5.2.1-13). Remote bytes never throw; local misuse does.
 */

import { ByteReader, decodeWith, fail } from '../../util/byte-reader.js';
import type { Result } from '../../util/result.js';
import { type GraphMessage, MESSAGE_TYPE } from '../model.js';
import { GRAPH_WIRE_ERROR as E } from './errors.js';
import { MESSAGE_HEADER_BYTES, MESSAGE_VERSION } from './layout.js';
import { type GraphWireLimits, resolveGraphWireLimits } from './limits.js';
import {
  encodeAuthInfo,
  encodeConnect,
  encodeDisconnect,
  encodeRefuse,
  encodeWelcome,
  readAuthInfo,
  readConnect,
  readDisconnect,
  readRefuse,
  readWelcome,
} from './messages-connection.js';
import {
  encodeAck,
  encodeAdvertise,
  encodeFlood,
  encodePt2pt,
  encodeRequest,
  encodeSolicitHash,
  encodeSolicitNew,
  encodeSolicitTime,
  encodeSyncEnd,
  readAck,
  readAdvertise,
  readFlood,
  readPt2pt,
  readRequest,
  readSolicitHash,
  readSolicitNew,
  readSolicitTime,
  readSyncEnd,
} from './messages-sync.js';

/**
 * Encodes one message, PEER_MESSAGE header included. Throws `TypeError` / `RangeError` on local
 * misuse (more than 255 addresses, a GUID not 16 bytes, a string with a null, an offset beyond
 * 16 bits, an invalid code).
 * @example const bytes = encodeGraphMessage({ type: 'sync-end' });
 */
export function encodeGraphMessage(message: GraphMessage): Uint8Array {
  switch (message.type) {
    case 'auth-info':
      return encodeAuthInfo(message);
    case 'connect':
      return encodeConnect(message);
    case 'welcome':
      return encodeWelcome(message);
    case 'refuse':
      return encodeRefuse(message);
    case 'disconnect':
      return encodeDisconnect(message);
    case 'solicit-new':
      return encodeSolicitNew(message);
    case 'solicit-time':
      return encodeSolicitTime(message);
    case 'solicit-hash':
      return encodeSolicitHash(message);
    case 'advertise':
      return encodeAdvertise(message);
    case 'request':
      return encodeRequest(message);
    case 'flood':
      return encodeFlood(message);
    case 'sync-end':
      return encodeSyncEnd(true);
    case 'pt2pt':
      return encodePt2pt(message);
    case 'ack':
      return encodeAck(message);
    default:
      throw new TypeError(`unknown message type ${String((message as { type?: unknown }).type)}`);
  }
}

/**
 * The Message Type of an encoded message, or undefined when the bytes are too short to hold a
 * header. Lets a node route a unit (AUTH_INFO before authentication) before decoding it.
 * @example peekMessageType(unit) === MESSAGE_TYPE.authInfo
 */
export function peekMessageType(bytes: Uint8Array): number | undefined {
  return bytes.length >= MESSAGE_HEADER_BYTES ? bytes[5] : undefined;
}

function readMessage(data: Uint8Array, limits: GraphWireLimits): GraphMessage {
  if (data.length > limits.maxUnitBytes) {
    fail(E.tooLarge, `message of ${data.length} bytes (at most ${limits.maxUnitBytes})`);
  }
  const r = new ByteReader(data);
  const size = r.u32be();
  if (size < MESSAGE_HEADER_BYTES) fail(E.tooShort, `Message Size ${size} (at least 8)`);
  if (size !== data.length) fail(E.sizeMismatch, `Message Size ${size}, unit of ${data.length}`);
  const version = r.u8();
  if (version !== MESSAGE_VERSION) fail(E.badVersion, `Version 0x${version.toString(16)}`);
  const type = r.u8(); // Reserved (2 bytes) follows: ignored
  switch (type) {
    case MESSAGE_TYPE.authInfo:
      return readAuthInfo(data);
    case MESSAGE_TYPE.connect:
      return readConnect(data, limits);
    case MESSAGE_TYPE.welcome:
      return readWelcome(data, limits);
    case MESSAGE_TYPE.refuse:
      return readRefuse(data, limits);
    case MESSAGE_TYPE.disconnect:
      return readDisconnect(data, limits);
    case MESSAGE_TYPE.solicitNew:
      return readSolicitNew(data);
    case MESSAGE_TYPE.solicitTime:
      return readSolicitTime(data);
    case MESSAGE_TYPE.solicitHash:
      return readSolicitHash(data, limits);
    case MESSAGE_TYPE.advertise:
      return readAdvertise(data, limits);
    case MESSAGE_TYPE.request:
      return readRequest(data, limits);
    case MESSAGE_TYPE.flood:
      return readFlood(data, limits);
    case MESSAGE_TYPE.syncEnd:
      return readSyncEnd(data);
    case MESSAGE_TYPE.pt2pt:
      return readPt2pt(data);
    case MESSAGE_TYPE.ack:
      return readAck(data, limits);
    default:
      return fail(E.unknownType, `Message Type 0x${type.toString(16)}`);
  }
}

/**
 * Decodes one message (one whole unit, Message Size = its length). Never throws: refusals are
 * `{ ok: false, error: { code } }` with a {@link GRAPH_WIRE_ERROR} code. A non-final SYNC_END
 * gives `sync-end-not-final`, which the node ignores instead of closing the connection.
 * @example const m = decodeGraphMessage(unit); if (m.ok) handle(m.value);
 */
export function decodeGraphMessage(
  bytes: Uint8Array,
  limits?: Partial<GraphWireLimits>,
): Result<GraphMessage> {
  const resolved = resolveGraphWireLimits(limits);
  return decodeWith(() => readMessage(bytes, resolved));
}
