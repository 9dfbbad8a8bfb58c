/**
 * @module kad/codec
 * The Kademlia baseline's own small binary wire format (not an MS-PNRP format). Every message is
 * one datagram with a 40-byte header, most significant byte first:
 *
 *     0  magic 0x4b ('K')      1  version 1      2  type      3  flags (0)
 *     4  transaction ID (u32)                    8  sender node ID (32 bytes)
 *
 * and a body by type:
 *
 * | type | name      | body                                                               |
 * | ---- | --------- | ------------------------------------------------------------------ |
 * | 1    | PING      | none                                                               |
 * | 2    | PONG      | none                                                               |
 * | 3    | FIND_NODE | target ID (32), then zero padding up to {@link KAD_MESSAGE_BYTES_MAX} |
 * | 4    | NODES     | count (u8, <= 20), then count contacts: ID (32), IPv6 address (16), port (u16) |
 *
 * Types 5-7 are reserved for STORE, FIND_VALUE and VALUE (the DHT comparison of issue 15) and
 * refused today. The sender ID in every header lets the receiver update its k-buckets (paper
 * §2.2). FIND_NODE is padded so that its answer is never larger than the request: a node answers
 * an address that never answered it with at most as many bytes as it received (amplification
 * rule of the codebase); see `answerBudget` in `node.ts`.
 *
 * {@link decodeKadMessage} never throws: it returns a `Result` with a stable code.
 */
import type { Endpoint } from '../keys/endpoint.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import type { Result } from '../util/result.js';
import { KAD_ID_BYTES, KAD_K_DEFAULT } from './constants.js';

/** First byte of every message. */
export const KAD_MAGIC = 0x4b;
/** The only version spoken. */
export const KAD_VERSION = 1;
/** Bytes of the header. */
export const KAD_HEADER_BYTES: number = 8 + KAD_ID_BYTES;
/** Bytes of one contact in NODES. */
export const KAD_CONTACT_BYTES: number = KAD_ID_BYTES + 16 + 2;
/** Contacts one NODES message may carry. */
export const KAD_CONTACTS_MAX: number = KAD_K_DEFAULT;
/** The largest datagram of the format: a full NODES answer (1,041 bytes). */
export const KAD_MESSAGE_BYTES_MAX: number =
  KAD_HEADER_BYTES + 1 + KAD_CONTACTS_MAX * KAD_CONTACT_BYTES;
/** Bytes of an unpadded FIND_NODE. */
export const KAD_FIND_NODE_BYTES_MIN: number = KAD_HEADER_BYTES + KAD_ID_BYTES;

/** Message type codes. */
export const KAD_TYPE = {
  ping: 1,
  pong: 2,
  findNode: 3,
  nodes: 4,
} as const;

/** Type codes reserved for the DHT messages (STORE, FIND_VALUE, VALUE); refused today. */
export const KAD_TYPES_RESERVED: readonly number[] = [5, 6, 7];

/** A node as other nodes learn it: its ID and where it listens. */
export interface KadContact {
  readonly id: Uint8Array;
  readonly endpoint: Endpoint;
}

interface Header {
  /** Transaction ID: an answer echoes the request's. */
  readonly txid: number;
  /** The sender's node ID. */
  readonly sender: Uint8Array;
}

/** One decoded message, discriminated by `type`. */
export type KadMessage =
  | (Header & { readonly type: 'ping' })
  | (Header & { readonly type: 'pong' })
  | (Header & { readonly type: 'find-node'; readonly target: Uint8Array; readonly padTo?: number })
  | (Header & { readonly type: 'nodes'; readonly contacts: readonly KadContact[] });

/** Codes {@link decodeKadMessage} may fail with. */
export const KAD_DECODE_ERROR_CODES = [
  'truncated',
  'too-long',
  'bad-magic',
  'bad-version',
  'bad-flags',
  'reserved-type',
  'unknown-type',
  'trailing-bytes',
  'bad-padding',
  'too-many-contacts',
  'bad-contact',
] as const;

/**
 * Encodes a message. `padTo` on FIND_NODE pads it with zeros to that many bytes (at most
 * {@link KAD_MESSAGE_BYTES_MAX}). Wrong shapes are programmer errors and throw.
 * @example encodeKadMessage({ type: 'ping', txid: 7, sender: ownId })
 */
export function encodeKadMessage(message: KadMessage): Uint8Array {
  const size = encodedSize(message);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = KAD_MAGIC;
  out[1] = KAD_VERSION;
  out[2] = KAD_TYPE[typeKey(message.type)];
  if (!Number.isInteger(message.txid) || message.txid < 0 || message.txid > 0xffff_ffff) {
    throw new RangeError(`txid must be a u32, got ${message.txid}`);
  }
  view.setUint32(4, message.txid, false);
  putId(out, 8, message.sender, 'sender');
  if (message.type === 'find-node') putId(out, KAD_HEADER_BYTES, message.target, 'target');
  else if (message.type === 'nodes') {
    let o = KAD_HEADER_BYTES;
    out[o++] = message.contacts.length;
    for (const c of message.contacts) {
      putId(out, o, c.id, 'contact id');
      if (c.endpoint.address.length !== 16)
        throw new RangeError('contact address must be 16 bytes');
      out.set(c.endpoint.address, o + KAD_ID_BYTES);
      view.setUint16(o + KAD_ID_BYTES + 16, c.endpoint.port, false);
      o += KAD_CONTACT_BYTES;
    }
  }
  return out;
}

function encodedSize(message: KadMessage): number {
  switch (message.type) {
    case 'ping':
    case 'pong':
      return KAD_HEADER_BYTES;
    case 'find-node': {
      const padTo = message.padTo ?? KAD_FIND_NODE_BYTES_MIN;
      if (!Number.isInteger(padTo) || padTo > KAD_MESSAGE_BYTES_MAX) {
        throw new RangeError(`FIND_NODE padTo must be an integer <= ${KAD_MESSAGE_BYTES_MAX}`);
      }
      return Math.max(KAD_FIND_NODE_BYTES_MIN, padTo);
    }
    case 'nodes':
      if (message.contacts.length > KAD_CONTACTS_MAX) {
        throw new RangeError(`NODES carries at most ${KAD_CONTACTS_MAX} contacts`);
      }
      return KAD_HEADER_BYTES + 1 + message.contacts.length * KAD_CONTACT_BYTES;
    default:
      throw new TypeError('unknown Kademlia message type');
  }
}

function typeKey(type: KadMessage['type']): keyof typeof KAD_TYPE {
  return type === 'find-node' ? 'findNode' : type;
}

function putId(out: Uint8Array, at: number, id: Uint8Array, what: string): void {
  if (!(id instanceof Uint8Array) || id.length !== KAD_ID_BYTES) {
    throw new RangeError(`${what} must be ${KAD_ID_BYTES} bytes`);
  }
  out.set(id, at);
}

/**
 * Decodes one datagram; never throws. IDs and addresses are views into `bytes` (the caller must
 * not reuse the buffer while it keeps them; the simulator and UDP hand over fresh buffers).
 * @example const r = decodeKadMessage(bytes); if (r.ok && r.value.type === 'nodes') r.value.contacts
 */
export function decodeKadMessage(bytes: Uint8Array): Result<KadMessage> {
  return decodeWith(() => decodeBody(bytes));
}

function decodeBody(bytes: Uint8Array): KadMessage {
  if (!(bytes instanceof Uint8Array)) fail('truncated', 'not a byte array');
  if (bytes.length > KAD_MESSAGE_BYTES_MAX) {
    fail('too-long', `${bytes.length} bytes, at most ${KAD_MESSAGE_BYTES_MAX}`);
  }
  const r = new ByteReader(bytes);
  if (r.u8() !== KAD_MAGIC) fail('bad-magic', 'not a Kademlia baseline message');
  const version = r.u8();
  if (version !== KAD_VERSION) fail('bad-version', `version ${version}`);
  const type = r.u8();
  if (r.u8() !== 0) fail('bad-flags', 'flags must be 0');
  const txid = r.u32be();
  const sender = view(r, KAD_ID_BYTES);
  switch (type) {
    case KAD_TYPE.ping:
    case KAD_TYPE.pong:
      end(r);
      return { type: type === KAD_TYPE.ping ? 'ping' : 'pong', txid, sender };
    case KAD_TYPE.findNode: {
      const target = view(r, KAD_ID_BYTES);
      for (let i = r.offset; i < bytes.length; i++) {
        if (bytes[i] !== 0) fail('bad-padding', `non-zero padding at ${i}`);
      }
      return { type: 'find-node', txid, sender, target, padTo: bytes.length };
    }
    case KAD_TYPE.nodes: {
      const count = r.u8();
      if (count > KAD_CONTACTS_MAX) fail('too-many-contacts', `${count} > ${KAD_CONTACTS_MAX}`);
      const contacts: KadContact[] = [];
      for (let i = 0; i < count; i++) {
        const id = view(r, KAD_ID_BYTES);
        const address = view(r, 16);
        const port = r.u16be();
        if (port === 0) fail('bad-contact', `contact ${i} has port 0`);
        contacts.push({ id, endpoint: { address, port } });
      }
      end(r);
      return { type: 'nodes', txid, sender, contacts };
    }
    default:
      if (KAD_TYPES_RESERVED.includes(type)) fail('reserved-type', `type ${type} is reserved`);
      return fail('unknown-type', `type ${type}`);
  }
}

function view(r: ByteReader, n: number): Uint8Array {
  if (r.remaining < n) fail('truncated', `need ${n} bytes at offset ${r.offset}`);
  const out = r.data.subarray(r.offset, r.offset + n);
  r.offset += n;
  return out;
}

function end(r: ByteReader): void {
  if (r.remaining !== 0) fail('trailing-bytes', `${r.remaining} bytes after the message`);
}
