/**
 * @module dht/codec
 * The DHT's own datagram format (issue 15; not an [MS-PNRP] format). Every message is one
 * datagram, most significant byte first:
 *
 *     0  magic 0x44 0x48 ('DH')   2  version 1   3  type   4  request ID (u32)
 *
 * | type | name       | body                                                               |
 * | ---- | ---------- | ------------------------------------------------------------------ |
 * | 1    | STORE      | flags (u8, bit 0: CAS), [expected seq (u64)], TTL s (u32), record  |
 * | 2    | STORE_ACK  | code (u8: 0 stored, 1 + refusal index), hint count (u8, 0..1), hint endpoint |
 * | 3    | FIND_VALUE | key (32), cookie (u32, 0: none), zero padding: at least 20 bytes (room for 3 hints), up to a 1,232-byte datagram |
 * | 4    | VALUE      | TTL s (u32), record                                                |
 * | 5    | NOT_FOUND  | hint count (u8: bits 0-6 count 0..3, bit 7 keyed), hints: [DRT key (32) when keyed], endpoint (16-byte address, u16 port) |
 * | 6    | COOKIE     | cookie (u32): repeat the FIND_VALUE with it (dht/cookies.ts)        |
 * | 7    | REPLICATE  | TTL s (u32), record (owner to replica; answered by STORE_ACK)       |
 * | 8    | FRAGMENT   | a slice of a larger message (dht/fragments.ts; not decoded here)     |
 *
 * A record: type (u8), flags (u8, bit 0 deleted, bit 1 signed), key (32), seq (u64, at most
 * 2^53 - 1), value length (u16, at most 1000; up to 65,000 in fragments, dht/fragments.ts) and value; when signed: public key (32), salt
 * length (u8, at most 64), salt, signature (64). Answers echo the request ID. {@link decodeDhtMessage}
 * never throws and refuses trailing bytes, so every decoded message re-encodes to its bytes.
 */
import type { Endpoint } from '../keys/endpoint.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import type { Result } from '../util/result.js';
import {
  DHT_FIND_VALUE_BYTES_MAX,
  DHT_FIND_VALUE_BYTES_MIN,
  DHT_HEADER_BYTES,
  DHT_HINTS_MAX,
  DHT_LARGE_VALUE_BYTES_MAX,
  DHT_MAGIC,
  DHT_MESSAGE_TYPE,
  DHT_PUBLIC_KEY_BYTES,
  DHT_REFUSAL_REASONS,
  DHT_SALT_BYTES_MAX,
  DHT_SEQ_MAX,
  DHT_SIGNATURE_BYTES,
  DHT_TTL_SECONDS_MAX,
  DHT_VALUE_BYTES_MAX,
  DHT_VERSION,
  type DhtRefusal,
} from './constants.js';
import type { DhtRecord } from './record.js';

/** One DHT message, discriminated by `type`; `requestId` pairs an answer with its request. */
export type DhtMessage =
  | {
      readonly type: 'store';
      readonly requestId: number;
      /** Compare-and-swap: store only if the current record's seq is this (BEP 44 `cas`). */
      readonly cas?: number;
      readonly ttlSeconds: number;
      readonly record: DhtRecord;
    }
  | {
      readonly type: 'store-ack';
      readonly requestId: number;
      /** Undefined: stored (or already held). */
      readonly refusal?: DhtRefusal;
      /** With `not-responsible`: a node closer to the key. */
      readonly hint?: Endpoint;
    }
  | {
      readonly type: 'find-value';
      readonly requestId: number;
      readonly key: Uint8Array;
      /** The responder's cookie for this requester, 0 when it has none. */
      readonly cookie: number;
      /**
       * The datagram's size when padded above the 64-byte minimum (at most 1,232): a reader pads
       * so that an unproven responder may answer with keyed hints or the value itself.
       */
      readonly padTo?: number;
    }
  | {
      readonly type: 'value';
      readonly requestId: number;
      readonly ttlSeconds: number;
      readonly record: DhtRecord;
    }
  | {
      readonly type: 'not-found';
      readonly requestId: number;
      readonly hints: readonly Endpoint[];
      /** The DRT keys of `hints`, in the same order (keyed hints), when given. */
      readonly hintKeys?: readonly Uint8Array[];
    }
  | { readonly type: 'cookie'; readonly requestId: number; readonly cookie: number }
  | {
      readonly type: 'replicate';
      readonly requestId: number;
      readonly ttlSeconds: number;
      readonly record: DhtRecord;
    };

/**
 * FIND_VALUE's least zero padding: with it the request (64 bytes) is as large as a NOT_FOUND with
 * three plain hints (63), so an unproven asker still gets every hint (the amplification rule).
 */
const FIND_VALUE_PADDING_MIN = DHT_FIND_VALUE_BYTES_MIN - DHT_HEADER_BYTES - 36;
const HINTS_KEYED = 0x80;
const FLAG_DELETED = 1;
const FLAG_SIGNED = 2;
const STORE_FLAG_CAS = 1;

/**
 * True when `payload` starts with the DHT magic (the demultiplexing test of `DhtNode`).
 * @example isDhtDatagram(encodeDhtMessage(msg)) // true
 */
export function isDhtDatagram(payload: Uint8Array): boolean {
  return payload.length >= 2 && payload[0] === DHT_MAGIC[0] && payload[1] === DHT_MAGIC[1];
}

/**
 * Encodes one message. Throws RangeError for fields out of range (programmer error).
 * @example encodeDhtMessage({ type: 'cookie', requestId: 7, cookie: 42 }).length // 12
 */
export function encodeDhtMessage(message: DhtMessage): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(DHT_MAGIC[0]).u8(DHT_MAGIC[1]).u8(DHT_VERSION).u8(DHT_MESSAGE_TYPE[typeName(message)]);
  w.u32be(message.requestId);
  switch (message.type) {
    case 'store':
      w.u8(message.cas === undefined ? 0 : STORE_FLAG_CAS);
      if (message.cas !== undefined) writeSeq(w, message.cas);
      w.u32be(message.ttlSeconds);
      writeRecord(w, message.record);
      break;
    case 'store-ack': {
      const index =
        message.refusal === undefined ? -1 : DHT_REFUSAL_REASONS.indexOf(message.refusal);
      w.u8(index + 1).u8(message.hint ? 1 : 0);
      if (message.hint) writeEndpoint(w, message.hint);
      break;
    }
    case 'find-value':
      if (message.key.length !== 32) throw new RangeError('key must be 32 bytes');
      w.bytes(message.key).u32be(message.cookie);
      w.bytes(new Uint8Array(findValuePadding(message.padTo)));
      break;
    case 'value':
    case 'replicate':
      w.u32be(message.ttlSeconds);
      writeRecord(w, message.record);
      break;
    case 'not-found':
      if (message.hints.length > DHT_HINTS_MAX) throw new RangeError('too many hints');
      if (message.hintKeys !== undefined && message.hintKeys.length !== message.hints.length)
        throw new RangeError('one key per hint');
      w.u8(message.hints.length | (message.hintKeys ? HINTS_KEYED : 0));
      message.hints.forEach((ep, i) => {
        const key = message.hintKeys?.[i];
        if (key !== undefined) {
          if (key.length !== 32) throw new RangeError('hint key must be 32 bytes');
          w.bytes(key);
        }
        writeEndpoint(w, ep);
      });
      break;
    case 'cookie':
      w.u32be(message.cookie);
      break;
  }
  return w.finish();
}

function typeName(m: DhtMessage): keyof typeof DHT_MESSAGE_TYPE {
  switch (m.type) {
    case 'store-ack':
      return 'storeAck';
    case 'find-value':
      return 'findValue';
    case 'not-found':
      return 'notFound';
    default:
      return m.type;
  }
}

/** Zero bytes after a FIND_VALUE's cookie so the datagram is `padTo` long (at least 20). */
function findValuePadding(padTo: number | undefined): number {
  if (padTo === undefined) return FIND_VALUE_PADDING_MIN;
  if (!Number.isInteger(padTo) || padTo > DHT_FIND_VALUE_BYTES_MAX)
    throw new RangeError(`FIND_VALUE padTo ${padTo} above ${DHT_FIND_VALUE_BYTES_MAX}`);
  return Math.max(
    FIND_VALUE_PADDING_MIN,
    padTo - DHT_FIND_VALUE_BYTES_MIN + FIND_VALUE_PADDING_MIN,
  );
}

function writeSeq(w: ByteWriter, seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`bad seq ${seq}`);
  w.u32be(Math.floor(seq / 2 ** 32)).u32be(seq % 2 ** 32);
}

function writeEndpoint(w: ByteWriter, ep: Endpoint): void {
  w.bytes(ep.address).u16be(ep.port);
}

function writeRecord(w: ByteWriter, r: DhtRecord): void {
  const signed = r.signature !== undefined;
  if (r.key.length !== 32) throw new RangeError('record key must be 32 bytes');
  if (r.value.length > DHT_LARGE_VALUE_BYTES_MAX) throw new RangeError('record value too long');
  w.u8(r.type)
    .u8((r.deleted ? FLAG_DELETED : 0) | (signed ? FLAG_SIGNED : 0))
    .bytes(r.key);
  writeSeq(w, r.seq);
  w.u16be(r.value.length).bytes(r.value);
  if (!signed) return;
  const salt = r.salt ?? new Uint8Array(0);
  if (r.publicKey?.length !== DHT_PUBLIC_KEY_BYTES || r.signature?.length !== DHT_SIGNATURE_BYTES)
    throw new RangeError('signed records need a 32-byte public key and a 64-byte signature');
  if (salt.length > DHT_SALT_BYTES_MAX) throw new RangeError('salt too long');
  w.bytes(r.publicKey).u8(salt.length).bytes(salt).bytes(r.signature);
}

/** Codes {@link decodeDhtMessage} fails with. */
export const DHT_DECODE_ERROR_CODES: readonly string[] = [
  'truncated',
  'bad-magic',
  'bad-version',
  'unknown-type',
  'trailing',
  'value-too-long',
  'salt-too-long',
  'bad-seq',
  'bad-ttl',
  'bad-code',
  'too-many-hints',
  'bad-flags',
  'bad-padding',
];

/**
 * Decodes one datagram. Never throws: a failure carries one of {@link DHT_DECODE_ERROR_CODES}.
 * `valueBytesMax` bounds a record's value: one datagram's 1000 by default; a message reassembled
 * from fragments (dht/fragments.ts) passes `DHT_LARGE_VALUE_BYTES_MAX`.
 * @example const r = decodeDhtMessage(bytes); if (r.ok) handle(r.value);
 */
export function decodeDhtMessage(
  bytes: Uint8Array,
  valueBytesMax: number = DHT_VALUE_BYTES_MAX,
): Result<DhtMessage> {
  return decodeWith(() => {
    if (!(bytes instanceof Uint8Array)) fail('truncated', 'not bytes');
    const r = new ByteReader(bytes);
    if (bytes.length < DHT_HEADER_BYTES)
      fail('truncated', `a header needs ${DHT_HEADER_BYTES} bytes`);
    if (r.u8() !== DHT_MAGIC[0] || r.u8() !== DHT_MAGIC[1]) fail('bad-magic', 'not a DHT datagram');
    if (r.u8() !== DHT_VERSION) fail('bad-version', 'unsupported DHT version');
    const type = r.u8();
    const requestId = r.u32be();
    const message = readBody(
      r,
      type,
      requestId,
      Math.min(valueBytesMax, DHT_LARGE_VALUE_BYTES_MAX),
    );
    if (r.remaining !== 0) fail('trailing', `${r.remaining} bytes after the message`);
    return message;
  });
}

function readBody(r: ByteReader, type: number, requestId: number, valueMax: number): DhtMessage {
  const T = DHT_MESSAGE_TYPE;
  switch (type) {
    case T.store: {
      const flags = r.u8();
      if ((flags & ~STORE_FLAG_CAS) !== 0) fail('bad-flags', 'unknown STORE flags');
      const cas = flags & STORE_FLAG_CAS ? readSeq(r) : undefined;
      const ttlSeconds = readTtl(r);
      const record = readRecord(r, valueMax);
      return cas === undefined
        ? { type: 'store', requestId, ttlSeconds, record }
        : { type: 'store', requestId, cas, ttlSeconds, record };
    }
    case T.storeAck: {
      const code = r.u8();
      if (code > DHT_REFUSAL_REASONS.length) fail('bad-code', `unknown STORE_ACK code ${code}`);
      const count = r.u8();
      if (count > 1) fail('too-many-hints', 'STORE_ACK carries at most one hint');
      const hint = count === 1 ? readEndpoint(r) : undefined;
      const refusal = code === 0 ? undefined : DHT_REFUSAL_REASONS[code - 1];
      return {
        type: 'store-ack',
        requestId,
        ...(refusal !== undefined ? { refusal } : {}),
        ...(hint !== undefined ? { hint } : {}),
      };
    }
    case T.findValue: {
      const key = r.bytes(32);
      const cookie = r.u32be();
      const padding = r.remaining;
      if (padding < FIND_VALUE_PADDING_MIN) fail('truncated', 'FIND_VALUE padding too short');
      if (DHT_FIND_VALUE_BYTES_MIN - FIND_VALUE_PADDING_MIN + padding > DHT_FIND_VALUE_BYTES_MAX)
        fail('bad-padding', 'FIND_VALUE above 1,232 bytes');
      for (let i = 0; i < padding; i++)
        if (r.u8() !== 0) fail('bad-padding', 'FIND_VALUE padding must be zero');
      const size = DHT_FIND_VALUE_BYTES_MIN - FIND_VALUE_PADDING_MIN + padding;
      return size > DHT_FIND_VALUE_BYTES_MIN
        ? { type: 'find-value', requestId, key, cookie, padTo: size }
        : { type: 'find-value', requestId, key, cookie };
    }
    case T.value:
    case T.replicate: {
      const ttlSeconds = readTtl(r);
      const record = readRecord(r, valueMax);
      return { type: type === T.value ? 'value' : 'replicate', requestId, ttlSeconds, record };
    }
    case T.notFound: {
      const byte = r.u8();
      const count = byte & ~HINTS_KEYED;
      if (count > DHT_HINTS_MAX) fail('too-many-hints', `${count} hints`);
      const keyed = (byte & HINTS_KEYED) !== 0;
      const hints: Endpoint[] = [];
      const hintKeys: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        if (keyed) hintKeys.push(r.bytes(32));
        hints.push(readEndpoint(r));
      }
      return keyed
        ? { type: 'not-found', requestId, hints, hintKeys }
        : { type: 'not-found', requestId, hints };
    }
    case T.cookie:
      return { type: 'cookie', requestId, cookie: r.u32be() };
    default:
      return fail('unknown-type', `DHT message type ${type}`);
  }
}

function readSeq(r: ByteReader): number {
  const hi = r.u32be();
  const lo = r.u32be();
  const seq = hi * 2 ** 32 + lo;
  if (seq > DHT_SEQ_MAX) fail('bad-seq', 'sequence number above 2^53 - 1');
  return seq;
}

function readTtl(r: ByteReader): number {
  const ttl = r.u32be();
  if (ttl > DHT_TTL_SECONDS_MAX) fail('bad-ttl', `TTL ${ttl} s above ${DHT_TTL_SECONDS_MAX}`);
  return ttl;
}

function readEndpoint(r: ByteReader): Endpoint {
  return { address: r.bytes(16), port: r.u16be() };
}

function readRecord(r: ByteReader, valueMax: number): DhtRecord {
  const type = r.u8();
  const flags = r.u8();
  if ((flags & ~(FLAG_DELETED | FLAG_SIGNED)) !== 0) fail('bad-flags', 'unknown record flags');
  const key = r.bytes(32);
  const seq = readSeq(r);
  const length = r.u16be();
  if (length > valueMax) fail('value-too-long', `value of ${length} bytes`);
  const value = r.bytes(length);
  const deleted = (flags & FLAG_DELETED) !== 0;
  if ((flags & FLAG_SIGNED) === 0) return { type, key, value, seq, deleted };
  const publicKey = r.bytes(DHT_PUBLIC_KEY_BYTES);
  const saltLength = r.u8();
  if (saltLength > DHT_SALT_BYTES_MAX) fail('salt-too-long', `salt of ${saltLength} bytes`);
  const salt = r.bytes(saltLength);
  const signature = r.bytes(DHT_SIGNATURE_BYTES);
  return { type, key, value, seq, deleted, publicKey, salt, signature };
}
