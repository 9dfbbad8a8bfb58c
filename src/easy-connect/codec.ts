/**
 * @module easy-connect/codec
 * The four Easy Connect handshake messages on the wire. Every message is exactly
 * {@link EASY_CONNECT_MESSAGE_BYTES} bytes, so no answer is ever larger than what it answers (no
 * amplification toward an unproven address), and zero-padded:
 *
 * ```
 * 0..3   magic "PNEC"      4      version (1)      5   type (1 hello, 2 reply, 3 confirm, 4 done)
 * 6..13  session id (8 bytes, drawn by the accepter)
 * hello   14..45 accepter share
 * reply   14..45 offerer share    46..77 offerer tag
 * confirm 14..45 accepter tag
 * done    14 status (0 accepted, 1 wrong password, 2 offer closed, 3 busy)   15..46 tag (accepted)
 * ```
 *
 * The magic's first byte (0x50) has its top bits 01, so it never reads as STUN (top bits 00), and
 * an MS-PNRP header starts with a field length, never "PN". {@link isEasyConnectDatagram} tells
 * them apart on a shared socket. Decoding never throws.
 */
import { equalBytes } from '../util/bytes.js';
import { err, ok, type Result } from '../util/result.js';

/** Size of every message. */
export const EASY_CONNECT_MESSAGE_BYTES = 96;
/** Bytes of a session id. */
export const SESSION_ID_BYTES = 8;
const MAGIC = new Uint8Array([0x50, 0x4e, 0x45, 0x43]);
const VERSION = 1;
const KEY = 32;

/** How an offer answered a confirm (or a hello it will not run). */
export type DoneStatus = 'accepted' | 'wrong-password' | 'offer-closed' | 'busy';
const STATUS: readonly DoneStatus[] = ['accepted', 'wrong-password', 'offer-closed', 'busy'];

/** One handshake message. */
export type EasyConnectMessage =
  | { readonly type: 'hello'; readonly session: Uint8Array; readonly share: Uint8Array }
  | {
      readonly type: 'reply';
      readonly session: Uint8Array;
      readonly share: Uint8Array;
      readonly tag: Uint8Array;
    }
  | { readonly type: 'confirm'; readonly session: Uint8Array; readonly tag: Uint8Array }
  | {
      readonly type: 'done';
      readonly session: Uint8Array;
      readonly status: DoneStatus;
      /** HMAC of the offerer's confirm key when `accepted`, else 32 zero bytes. */
      readonly tag: Uint8Array;
    };

const TYPES = ['hello', 'reply', 'confirm', 'done'] as const;

/**
 * True when a datagram carries the Easy Connect magic (to split a shared socket).
 * @example if (isEasyConnectDatagram(payload)) handshake.handleDatagram(now, from, payload);
 */
export function isEasyConnectDatagram(payload: Uint8Array): boolean {
  return payload.length === EASY_CONNECT_MESSAGE_BYTES && equalBytes(payload.subarray(0, 4), MAGIC);
}

function checkLength(bytes: Uint8Array, n: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== n)
    throw new RangeError(`${what} must be ${n} bytes`);
}

/**
 * Encodes a message. Throws RangeError for fields of the wrong size (a local bug).
 * @example encodeEasyConnect({ type: 'hello', session, share })
 */
export function encodeEasyConnect(message: EasyConnectMessage): Uint8Array {
  const out = new Uint8Array(EASY_CONNECT_MESSAGE_BYTES);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  out[5] = TYPES.indexOf(message.type) + 1;
  checkLength(message.session, SESSION_ID_BYTES, 'session');
  out.set(message.session, 6);
  switch (message.type) {
    case 'hello':
      checkLength(message.share, KEY, 'share');
      out.set(message.share, 14);
      break;
    case 'reply':
      checkLength(message.share, KEY, 'share');
      checkLength(message.tag, KEY, 'tag');
      out.set(message.share, 14);
      out.set(message.tag, 46);
      break;
    case 'confirm':
      checkLength(message.tag, KEY, 'tag');
      out.set(message.tag, 14);
      break;
    case 'done':
      checkLength(message.tag, KEY, 'tag');
      out[14] = STATUS.indexOf(message.status);
      out.set(message.tag, 15);
      break;
  }
  return out;
}

/**
 * Decodes a message; never throws on remote bytes.
 * @example const m = decodeEasyConnect(payload); if (m.ok && m.value.type === 'reply') ...
 */
export function decodeEasyConnect(bytes: Uint8Array): Result<EasyConnectMessage> {
  if (!(bytes instanceof Uint8Array)) return err('not-bytes', 'expected a Uint8Array');
  if (bytes.length !== EASY_CONNECT_MESSAGE_BYTES)
    return err('length', `${bytes.length} bytes, expected ${EASY_CONNECT_MESSAGE_BYTES}`);
  if (!equalBytes(bytes.subarray(0, 4), MAGIC)) return err('magic', 'not an Easy Connect message');
  if (bytes[4] !== VERSION) return err('version', `version ${bytes[4]}, expected ${VERSION}`);
  const type = TYPES[bytes[5]! - 1];
  if (type === undefined) return err('type', `unknown message type ${bytes[5]}`);
  const session = bytes.slice(6, 14);
  switch (type) {
    case 'hello':
      return ok({ type, session, share: bytes.slice(14, 46) });
    case 'reply':
      return ok({ type, session, share: bytes.slice(14, 46), tag: bytes.slice(46, 78) });
    case 'confirm':
      return ok({ type, session, tag: bytes.slice(14, 46) });
    case 'done': {
      const status = STATUS[bytes[14]!];
      if (status === undefined) return err('status', `unknown status ${bytes[14]}`);
      return ok({ type, session, status, tag: bytes.slice(15, 47) });
    }
  }
}
