/**
 * @module kad/dht-codec
 * The DHT messages of the Kademlia baseline (paper §2.3: STORE and FIND_VALUE; issue 15's
 * comparison), in the reserved type codes of `kad/codec.ts` and one more. Same 40-byte header
 * (magic, version, type, flags 0, transaction ID, sender ID), then:
 *
 * | type | name       | body                                                                  |
 * | ---- | ---------- | --------------------------------------------------------------------- |
 * | 5    | STORE      | a DHT STORE message (dht/codec.ts: TTL, optional CAS, the record)     |
 * | 6    | FIND_VALUE | key (32), then zero padding up to {@link KAD_DHT_MESSAGE_BYTES_MAX}   |
 * | 7    | VALUE      | kind (u8): 1 then a DHT VALUE message (TTL, record); 0 then count (u8, <= 20) and contacts as in NODES |
 * | 8    | STORED     | code (u8): 0 stored, 1 + index of the refusal in `DHT_REFUSAL_REASONS` |
 *
 * Records travel in the DHT's own record encoding (wrapped DHT messages), so both DHTs carry
 * the same bytes per value and check them with the same validators. FIND_VALUE is padded to the
 * largest answer, so a node answers an unproven address with no more bytes than it received
 * (the rule `kad/node.ts` follows for FIND_NODE). {@link decodeKadDhtMessage} never throws.
 */
import { type DhtMessage, decodeDhtMessage, encodeDhtMessage } from '../dht/codec.js';
import { DHT_REFUSAL_REASONS, type DhtRefusal } from '../dht/constants.js';
import type { DhtRecord } from '../dht/record.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import type { Result } from '../util/result.js';
import {
  KAD_CONTACT_BYTES,
  KAD_CONTACTS_MAX,
  KAD_HEADER_BYTES,
  KAD_MAGIC,
  KAD_VERSION,
  type KadContact,
} from './codec.js';
import { KAD_ID_BYTES } from './constants.js';

/** Type codes of the DHT messages. */
export const KAD_DHT_TYPE = { store: 5, findValue: 6, value: 7, stored: 8 } as const;

/**
 * The largest DHT datagram: a VALUE with a signed 1,000-byte value and a 64-byte salt (a wrapped
 * DHT message of at most 1,260 bytes after the header); FIND_VALUE is padded to it.
 */
export const KAD_DHT_MESSAGE_BYTES_MAX: number = KAD_HEADER_BYTES + 1 + 1260;

/** One DHT message of the baseline. */
export type KadDhtMessage =
  | {
      readonly type: 'store';
      readonly txid: number;
      readonly sender: Uint8Array;
      readonly ttlSeconds: number;
      readonly record: DhtRecord;
      readonly cas?: number;
    }
  | {
      readonly type: 'find-value';
      readonly txid: number;
      readonly sender: Uint8Array;
      readonly key: Uint8Array;
    }
  | {
      readonly type: 'value';
      readonly txid: number;
      readonly sender: Uint8Array;
      readonly ttlSeconds: number;
      readonly record: DhtRecord;
    }
  | {
      readonly type: 'closer';
      readonly txid: number;
      readonly sender: Uint8Array;
      readonly contacts: readonly KadContact[];
    }
  | {
      readonly type: 'stored';
      readonly txid: number;
      readonly sender: Uint8Array;
      readonly refusal: DhtRefusal | undefined;
    };

/** True when `payload` carries one of the baseline's DHT types (route it to the DHT part). */
export function isKadDhtDatagram(payload: Uint8Array): boolean {
  const t = payload[2];
  return (
    payload.length >= 3 &&
    payload[0] === KAD_MAGIC &&
    t !== undefined &&
    t >= KAD_DHT_TYPE.store &&
    t <= KAD_DHT_TYPE.stored
  );
}

/**
 * Encodes a message; FIND_VALUE is padded to {@link KAD_DHT_MESSAGE_BYTES_MAX}. Wrong shapes
 * are programmer errors and throw.
 * @example encodeKadDhtMessage({ type: 'find-value', txid: 1, sender: ownId, key })
 */
export function encodeKadDhtMessage(m: KadDhtMessage): Uint8Array {
  let body: Uint8Array;
  let type: number;
  switch (m.type) {
    case 'store':
      type = KAD_DHT_TYPE.store;
      body = encodeDhtMessage({
        type: 'store',
        requestId: 0,
        ttlSeconds: m.ttlSeconds,
        record: m.record,
        ...(m.cas !== undefined ? { cas: m.cas } : {}),
      });
      break;
    case 'find-value':
      type = KAD_DHT_TYPE.findValue;
      if (m.key.length !== KAD_ID_BYTES) throw new RangeError('key must be 32 bytes');
      body = new Uint8Array(KAD_DHT_MESSAGE_BYTES_MAX - KAD_HEADER_BYTES);
      body.set(m.key);
      break;
    case 'value': {
      type = KAD_DHT_TYPE.value;
      const inner = encodeDhtMessage({
        type: 'value',
        requestId: 0,
        ttlSeconds: m.ttlSeconds,
        record: m.record,
      });
      body = new Uint8Array(1 + inner.length);
      body[0] = 1;
      body.set(inner, 1);
      break;
    }
    case 'closer': {
      type = KAD_DHT_TYPE.value;
      if (m.contacts.length > KAD_CONTACTS_MAX) throw new RangeError('too many contacts');
      body = new Uint8Array(2 + m.contacts.length * KAD_CONTACT_BYTES);
      const view = new DataView(body.buffer);
      body[1] = m.contacts.length;
      m.contacts.forEach((c, i) => {
        const o = 2 + i * KAD_CONTACT_BYTES;
        body.set(c.id, o);
        body.set(c.endpoint.address, o + KAD_ID_BYTES);
        view.setUint16(o + KAD_ID_BYTES + 16, c.endpoint.port, false);
      });
      break;
    }
    case 'stored':
      type = KAD_DHT_TYPE.stored;
      body = Uint8Array.of(
        m.refusal === undefined ? 0 : 1 + DHT_REFUSAL_REASONS.indexOf(m.refusal),
      );
      break;
    default:
      throw new TypeError('unknown Kademlia DHT message type');
  }
  if (body.length > KAD_DHT_MESSAGE_BYTES_MAX - KAD_HEADER_BYTES)
    throw new RangeError('message too long');
  if (m.sender.length !== KAD_ID_BYTES) throw new RangeError('sender must be 32 bytes');
  const out = new Uint8Array(KAD_HEADER_BYTES + body.length);
  out[0] = KAD_MAGIC;
  out[1] = KAD_VERSION;
  out[2] = type;
  new DataView(out.buffer).setUint32(4, m.txid >>> 0, false);
  out.set(m.sender, 8);
  out.set(body, KAD_HEADER_BYTES);
  return out;
}

/** Codes {@link decodeKadDhtMessage} may fail with (besides those of the wrapped DHT message). */
export const KAD_DHT_DECODE_ERROR_CODES = [
  'truncated',
  'too-long',
  'bad-magic',
  'bad-version',
  'bad-flags',
  'unknown-type',
  'bad-padding',
  'bad-kind',
  'too-many-contacts',
  'bad-contact',
  'bad-code',
  'trailing-bytes',
  'bad-inner',
] as const;

/**
 * Decodes one DHT datagram of the baseline; never throws.
 * @example const r = decodeKadDhtMessage(bytes); if (r.ok && r.value.type === 'value') r.value.record
 */
export function decodeKadDhtMessage(bytes: Uint8Array): Result<KadDhtMessage> {
  return decodeWith(() => decodeBody(bytes));
}

function decodeBody(bytes: Uint8Array): KadDhtMessage {
  if (!(bytes instanceof Uint8Array)) fail('truncated', 'not a byte array');
  if (bytes.length > KAD_DHT_MESSAGE_BYTES_MAX) fail('too-long', `${bytes.length} bytes`);
  const r = new ByteReader(bytes);
  if (r.u8() !== KAD_MAGIC) fail('bad-magic', 'not a Kademlia baseline message');
  if (r.u8() !== KAD_VERSION) fail('bad-version', 'unknown version');
  const type = r.u8();
  if (r.u8() !== 0) fail('bad-flags', 'flags must be 0');
  const txid = r.u32be();
  const sender = take(r, KAD_ID_BYTES);
  switch (type) {
    case KAD_DHT_TYPE.store: {
      const inner = innerMessage(bytes.subarray(r.offset), 'store');
      return {
        type: 'store',
        txid,
        sender,
        ttlSeconds: inner.ttlSeconds,
        record: inner.record,
        ...(inner.cas !== undefined ? { cas: inner.cas } : {}),
      };
    }
    case KAD_DHT_TYPE.findValue: {
      const key = take(r, KAD_ID_BYTES);
      for (let i = r.offset; i < bytes.length; i++)
        if (bytes[i] !== 0) fail('bad-padding', `non-zero padding at ${i}`);
      return { type: 'find-value', txid, sender, key };
    }
    case KAD_DHT_TYPE.value: {
      const kind = r.u8();
      if (kind === 1) {
        const inner = innerMessage(bytes.subarray(r.offset), 'value');
        return { type: 'value', txid, sender, ttlSeconds: inner.ttlSeconds, record: inner.record };
      }
      if (kind !== 0) fail('bad-kind', `kind ${kind}`);
      const count = r.u8();
      if (count > KAD_CONTACTS_MAX) fail('too-many-contacts', `${count}`);
      const contacts: KadContact[] = [];
      for (let i = 0; i < count; i++) {
        const id = take(r, KAD_ID_BYTES);
        const address = take(r, 16);
        const port = r.u16be();
        if (port === 0) fail('bad-contact', `contact ${i} has port 0`);
        contacts.push({ id, endpoint: { address, port } });
      }
      end(r);
      return { type: 'closer', txid, sender, contacts };
    }
    case KAD_DHT_TYPE.stored: {
      const code = r.u8();
      end(r);
      if (code > DHT_REFUSAL_REASONS.length) fail('bad-code', `code ${code}`);
      return {
        type: 'stored',
        txid,
        sender,
        refusal: code === 0 ? undefined : DHT_REFUSAL_REASONS[code - 1],
      };
    }
    default:
      return fail('unknown-type', `type ${type}`);
  }
}

function innerMessage<T extends 'store' | 'value'>(
  bytes: Uint8Array,
  type: T,
): Extract<DhtMessage, { type: T }> {
  const inner = decodeDhtMessage(bytes);
  if (!inner.ok) return fail('bad-inner', `${inner.error.code}: ${inner.error.detail}`);
  if (inner.value.type !== type) return fail('bad-inner', `expected ${type}`);
  return inner.value as Extract<DhtMessage, { type: T }>;
}

function take(r: ByteReader, n: number): Uint8Array {
  if (r.remaining < n) fail('truncated', `need ${n} bytes at offset ${r.offset}`);
  const out = r.data.subarray(r.offset, r.offset + n);
  r.offset += n;
  return out;
}

function end(r: ByteReader): void {
  if (r.remaining !== 0) fail('trailing-bytes', `${r.remaining} bytes after the message`);
}
