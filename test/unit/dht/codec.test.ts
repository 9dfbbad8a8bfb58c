/**
 * The DHT codec (src/dht/codec.ts): every message type round-trips, hostile bytes never throw,
 * and the bounds (value length, salt, TTL, sequence, hints, trailing bytes) are refused with
 * their codes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DHT_DECODE_ERROR_CODES,
  type DhtMessage,
  decodeDhtMessage,
  encodeDhtMessage,
  isDhtDatagram,
} from '../../../src/dht/codec.js';
import { immutableRecord, mutableRecord } from '../../../src/dht/record.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { utf8Encode } from '../../../src/util/bytes.js';
import { decodeMessage } from '../../../src/wire/index.js';

const alice = createIdentity(new Uint8Array(32).fill(7));
const imm = immutableRecord(utf8Encode('hello'), nobleCrypto);
const mut = mutableRecord(
  alice,
  { seq: 2 ** 40, value: utf8Encode('v'), salt: utf8Encode('s') },
  nobleCrypto,
);
const ep = { address: new Uint8Array(16).fill(0x20), port: 3540 };

const samples: DhtMessage[] = [
  { type: 'store', requestId: 1, ttlSeconds: 3600, record: imm },
  { type: 'store', requestId: 2, cas: 7, ttlSeconds: 60, record: mut },
  { type: 'store-ack', requestId: 3 },
  { type: 'store-ack', requestId: 4, refusal: 'not-responsible', hint: ep },
  { type: 'find-value', requestId: 5, key: imm.key, cookie: 0xdeadbeef },
  { type: 'value', requestId: 6, ttlSeconds: 1, record: mut },
  { type: 'not-found', requestId: 7, hints: [ep, ep] },
  { type: 'find-value', requestId: 9, key: imm.key, cookie: 0, padTo: 1232 },
  { type: 'not-found', requestId: 10, hints: [ep, ep], hintKeys: [imm.key, mut.key] },
  { type: 'cookie', requestId: 8, cookie: 1 },
  { type: 'replicate', requestId: 0xffffffff, ttlSeconds: 86_400, record: imm },
];

describe('DHT codec', () => {
  it('encodeDhtMessage() and decodeDhtMessage() round-trip every message type', () => {
    for (const m of samples) {
      const bytes = encodeDhtMessage(m);
      expect(isDhtDatagram(bytes)).toBe(true);
      const back = decodeDhtMessage(bytes);
      expect(back.ok).toBe(true);
      if (back.ok) expect(encodeDhtMessage(back.value)).toEqual(bytes);
      if (back.ok) expect(back.value).toEqual(m);
    }
  });

  it('pads FIND_VALUE with zero bytes to 64..1,232 bytes and refuses other padding', () => {
    const find = (padTo?: number) =>
      encodeDhtMessage({
        type: 'find-value',
        requestId: 1,
        key: imm.key,
        cookie: 0,
        ...(padTo ? { padTo } : {}),
      });
    expect(find().length).toBe(64);
    expect(find(10).length).toBe(64);
    expect(find(159).length).toBe(159);
    expect(() => find(1233)).toThrow(RangeError);
    expect(decodeDhtMessage(find().subarray(0, 63))).toMatchObject({ ok: false });
    const long = new Uint8Array(1233);
    long.set(find());
    expect(decodeDhtMessage(long)).toMatchObject({ ok: false, error: { code: 'bad-padding' } });
    const dirty = find(300);
    dirty[299] = 1;
    expect(decodeDhtMessage(dirty)).toMatchObject({ ok: false, error: { code: 'bad-padding' } });
    const keyed = encodeDhtMessage({
      type: 'not-found',
      requestId: 2,
      hints: [ep],
      hintKeys: [imm.key],
    });
    expect(keyed.length).toBe(8 + 1 + 50);
    expect(() =>
      encodeDhtMessage({ type: 'not-found', requestId: 2, hints: [ep], hintKeys: [] }),
    ).toThrow(RangeError);
    const many = keyed.slice();
    many[8] = 0x84;
    expect(decodeDhtMessage(many)).toMatchObject({ ok: false, error: { code: 'too-many-hints' } });
  });

  it('a DHT datagram is refused by the MS-PNRP decoder (demultiplexing by the first byte)', () => {
    for (const m of samples) expect(decodeMessage(encodeDhtMessage(m)).ok).toBe(false);
  });

  it('decodeDhtMessage() never throws on random bytes or mutated messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1400 }), (bytes) => {
        const r = decodeDhtMessage(bytes);
        if (!r.ok) expect(DHT_DECODE_ERROR_CODES).toContain(r.error.code);
      }),
      { numRuns: 2000 },
    );
    const encoded = samples.map(encodeDhtMessage);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: encoded.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (i, edits, cut) => {
          const bytes = encoded[i]!.slice();
          for (const [at, v] of edits) bytes[at % bytes.length] = v;
          const r = decodeDhtMessage(bytes.subarray(0, 8 + (cut % bytes.length)));
          if (r.ok)
            expect(encodeDhtMessage(r.value)).toEqual(bytes.subarray(0, 8 + (cut % bytes.length)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses a value over 1000 bytes, a long salt, a long TTL, a huge seq and trailing bytes', () => {
    const base = encodeDhtMessage({ type: 'value', requestId: 1, ttlSeconds: 5, record: imm });
    const longValue = base.slice();
    // value length at 8 (header) + 4 (ttl) + 2 + 32 + 8 = 54
    longValue[54] = 0x03;
    longValue[55] = 0xe9;
    expect(decodeDhtMessage(longValue)).toMatchObject({
      ok: false,
      error: { code: 'value-too-long' },
    });
    const ttl = base.slice();
    ttl[8] = 0xff;
    expect(decodeDhtMessage(ttl)).toMatchObject({ ok: false, error: { code: 'bad-ttl' } });
    const seq = base.slice();
    seq[46] = 0xff;
    expect(decodeDhtMessage(seq)).toMatchObject({ ok: false, error: { code: 'bad-seq' } });
    const trailing = new Uint8Array([...base, 0]);
    expect(decodeDhtMessage(trailing)).toMatchObject({ ok: false, error: { code: 'trailing' } });
    const signed = encodeDhtMessage({ type: 'value', requestId: 1, ttlSeconds: 5, record: mut });
    const salt = signed.slice();
    salt[8 + 4 + 2 + 32 + 8 + 2 + 1 + 32] = 65;
    expect(decodeDhtMessage(salt)).toMatchObject({ ok: false, error: { code: 'salt-too-long' } });
    expect(() =>
      encodeDhtMessage({
        type: 'value',
        requestId: 1,
        ttlSeconds: 1,
        record: { ...imm, value: new Uint8Array(65_001) },
      }),
    ).toThrow(RangeError);
  });
});
