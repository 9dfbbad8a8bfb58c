/**
 * Fragmented datagram values (src/dht/fragments.ts): the FRAGMENT codec never throws and never
 * accepts a fragment outside its bounds; the reassembler holds its per-source and total bounds
 * against hostile input and expires contexts by `nowMs`; a DhtNode stores and serves a value of
 * tens of kilobytes in fragments, checks it against its key, and never sends an unproven asker
 * more bytes than it sent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDhtMessage, encodeDhtMessage } from '../../../src/dht/codec.js';
import {
  DHT_FRAGMENT_DATA_BYTES,
  DHT_FRAGMENT_DATAGRAM_BYTES_MAX,
  DHT_FRAGMENTED_MESSAGE_BYTES_MAX,
  DHT_LARGE_VALUE_BYTES_MAX,
} from '../../../src/dht/constants.js';
import { DhtNode } from '../../../src/dht/dht-node.js';
import {
  decodeFragment,
  FragmentReassembler,
  fragmentMessage,
  isFragmentDatagram,
} from '../../../src/dht/fragments.js';
import { immutableRecord, mutableRecord } from '../../../src/dht/record.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { DhtCloud } from '../../../src/sim/dht-cloud.js';
import { seededRng } from '../../../src/util/rng.js';

const SEED = Number(process.env.PNRP_SEED ?? 5);
const ep = (n: number): Endpoint => ({
  address: Uint8Array.of(0x20, 1, 0xd, 0xb8, ...new Array(11).fill(0), n),
  port: 3540,
});

function bytesOf(n: number, seed: number): Uint8Array {
  const rng = seededRng(seed);
  return rng.bytes(n);
}

describe(`DHT fragments codec (seed ${SEED})`, () => {
  it('fragmentMessage() cuts a message into datagrams of at most 1200 bytes that decode back in any order', () => {
    const message = bytesOf(50_000, SEED);
    const datagrams = fragmentMessage(77, message);
    expect(datagrams).toHaveLength(Math.ceil(50_000 / DHT_FRAGMENT_DATA_BYTES));
    for (const d of datagrams)
      expect(d.length).toBeLessThanOrEqual(DHT_FRAGMENT_DATAGRAM_BYTES_MAX);
    const r = new FragmentReassembler();
    const order = [...datagrams].reverse();
    let whole: Uint8Array | undefined;
    for (const d of order) {
      const f = decodeFragment(d);
      expect(f.ok).toBe(true);
      if (!f.ok) continue;
      const out = r.add(0, ep(9), f.fragment);
      if (out.type === 'complete') whole = out.message;
    }
    expect(whole).toEqual(message);
    expect(r.size).toBe(0);
    expect(r.bytesReserved).toBe(0);
    expect(() => fragmentMessage(1, new Uint8Array(DHT_FRAGMENTED_MESSAGE_BYTES_MAX + 1))).toThrow(
      RangeError,
    );
  });

  it('decodeFragment() refuses bad counts, indexes, lengths and sizes with a reason', () => {
    const d = fragmentMessage(5, bytesOf(3000, 1));
    const tamper = (i: number, at: number, value: number) => {
      const copy = d[i]!.slice();
      copy[at] = value;
      return decodeFragment(copy);
    };
    expect(tamper(0, 15, 9)).toMatchObject({ ok: false, code: 'fragment-bad-count' });
    expect(tamper(0, 13, 7)).toMatchObject({ ok: false, code: 'fragment-bad-index' });
    expect(tamper(0, 8, 0xff)).toMatchObject({ ok: false, code: 'fragment-oversized' });
    expect(decodeFragment(d[0]!.subarray(0, 100))).toMatchObject({
      ok: false,
      code: 'fragment-bad-length',
    });
    expect(decodeFragment(d[2]!.subarray(0, 10))).toMatchObject({
      ok: false,
      code: 'fragment-truncated',
    });
    expect(tamper(1, 2, 9)).toMatchObject({ ok: false, code: 'fragment-bad-header' });
  });

  it('random and hostile fragments never throw and never exceed the buffer bounds', () => {
    const limits = {
      partialsMax: 6,
      partialsPerSourceMax: 2,
      bytesMax: 40_000,
      bytesPerSourceMax: 15_000,
      expireAfterMs: 1000,
    };
    const header = fc.record({
      source: fc.integer({ min: 1, max: 5 }),
      requestId: fc.integer({ min: 0, max: 6 }),
      total: fc.integer({ min: 0, max: DHT_FRAGMENTED_MESSAGE_BYTES_MAX + 10 }),
      index: fc.integer({ min: 0, max: 70 }),
      countDelta: fc.integer({ min: -1, max: 1 }),
      dataDelta: fc.integer({ min: -2, max: 2 }),
      dtMs: fc.integer({ min: 0, max: 400 }),
    });
    const junk = fc.uint8Array({ minLength: 0, maxLength: 1300 });
    fc.assert(
      fc.property(fc.array(fc.oneof(header, junk), { maxLength: 120 }), (items) => {
        const r = new FragmentReassembler(limits);
        let now = 0;
        for (const item of items) {
          let payload: Uint8Array;
          let from = ep(1);
          if (item instanceof Uint8Array) {
            payload = item;
            if (payload.length > 3) payload[0] = 0x44;
            if (payload.length > 3) payload[1] = 0x48;
            if (payload.length > 3) payload[3] = 8;
          } else {
            now += item.dtMs;
            from = ep(item.source);
            const count = Math.max(
              0,
              Math.ceil(item.total / DHT_FRAGMENT_DATA_BYTES) + item.countDelta,
            );
            const last = item.total - (count - 1) * DHT_FRAGMENT_DATA_BYTES;
            const size = Math.max(
              0,
              (item.index < count - 1 ? DHT_FRAGMENT_DATA_BYTES : last) + item.dataDelta,
            );
            payload = new Uint8Array(16 + Math.min(size, 2000));
            payload.set([0x44, 0x48, 1, 8]);
            const v = new DataView(payload.buffer);
            v.setUint32(4, item.requestId);
            v.setUint32(8, item.total);
            v.setUint16(12, item.index & 0xffff);
            v.setUint16(14, count & 0xffff);
          }
          const f = decodeFragment(payload);
          if (f.ok) {
            expect(f.fragment.totalBytes).toBeLessThanOrEqual(DHT_FRAGMENTED_MESSAGE_BYTES_MAX);
            const out = r.add(now, from, f.fragment);
            if (out.type === 'complete') expect(out.message.length).toBe(f.fragment.totalBytes);
          }
          expect(r.size).toBeLessThanOrEqual(limits.partialsMax);
          expect(r.bytesReserved).toBeLessThanOrEqual(limits.bytesMax);
          expect(r.bytesReserved).toBeGreaterThanOrEqual(0);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a source gets its fair share only; expiry by nowMs frees its slots', () => {
    const r = new FragmentReassembler({
      partialsMax: 4,
      partialsPerSourceMax: 2,
      bytesMax: 200_000,
      bytesPerSourceMax: 100_000,
      expireAfterMs: 1000,
    });
    const first = (id: number) => decodeFragment(fragmentMessage(id, bytesOf(40_000, id))[0]!);
    const add = (now: number, src: number, id: number) => {
      const f = first(id);
      return f.ok ? r.add(now, ep(src), f.fragment).type : 'bad';
    };
    expect(add(0, 1, 1)).toBe('pending');
    expect(add(0, 1, 2)).toBe('pending');
    expect(add(0, 1, 3)).toBe('rejected');
    expect(add(0, 2, 4)).toBe('pending');
    expect(add(0, 3, 5)).toBe('pending');
    expect(add(0, 4, 6)).toBe('rejected');
    expect(r.size).toBe(4);
    expect(add(999, 4, 6)).toBe('rejected');
    expect(add(1000, 4, 6)).toBe('pending');
    expect(r.size).toBe(1);
    expect(r.stats.expired).toBe(4);
    expect(r.stats.rejected).toEqual({ 'fragment-source-full': 1, 'fragment-buffer-full': 2 });
  });
});

describe(`DhtNode with fragmented values (seed ${SEED})`, () => {
  const alice = createIdentity(new Uint8Array(32).fill(3));

  function standalone(): DhtNode {
    const node = new DhtNode({ rng: seededRng(SEED), localEndpoints: [ep(1)] });
    node.start(0);
    for (let o = node.poll(); o.type !== 'timeout'; o = node.poll());
    return node;
  }

  /** Feeds `datagrams` from `from`; returns what the node sent back, reassembled. */
  function exchange(node: DhtNode, nowMs: number, from: Endpoint, datagrams: Uint8Array[]) {
    for (const d of datagrams) node.handleDatagram(nowMs, from, d);
    const sent: Uint8Array[] = [];
    for (let o = node.poll(); o.type !== 'timeout'; o = node.poll())
      if (o.type === 'transmit') sent.push(o.payload);
    const r = new FragmentReassembler();
    const messages = [];
    for (const d of sent) {
      if (!isFragmentDatagram(d)) {
        messages.push(decodeDhtMessage(d));
        continue;
      }
      const f = decodeFragment(d);
      const out = f.ok ? r.add(nowMs, ep(1), f.fragment) : undefined;
      if (out?.type === 'complete')
        messages.push(decodeDhtMessage(out.message, DHT_LARGE_VALUE_BYTES_MAX));
    }
    return { sent, messages: messages.map((m) => (m.ok ? m.value : undefined)) };
  }

  it('stores a 40 kB value sent in fragments, refuses a tampered one, and serves it whole only to a proven asker', () => {
    const node = standalone();
    const record = immutableRecord(bytesOf(40_000, 11), nobleCrypto);
    const store = encodeDhtMessage({ type: 'store', requestId: 3, ttlSeconds: 60, record });
    const ack = exchange(node, 1, ep(50), fragmentMessage(3, store));
    expect(ack.messages).toEqual([{ type: 'store-ack', requestId: 3 }]);
    expect(node.held(record.key)?.value).toEqual(record.value);
    // One byte of the value changed in flight: the key no longer matches, nothing stored.
    const evil = immutableRecord(bytesOf(30_000, 12), nobleCrypto);
    const tampered = encodeDhtMessage({
      type: 'store',
      requestId: 4,
      ttlSeconds: 60,
      record: evil,
    });
    tampered[tampered.length - 1]! ^= 1;
    const refused = exchange(node, 2, ep(50), fragmentMessage(4, tampered));
    expect(refused.messages).toEqual([
      { type: 'store-ack', requestId: 4, refusal: 'key-mismatch' },
    ]);
    expect(node.held(evil.key)).toBeUndefined();
    // A mutable value above one datagram: signature checked over the whole value.
    const writer = { publicKey: alice.publicKey, secretKey: alice.secretKey };
    const mutable = mutableRecord(writer, { seq: 1, value: bytesOf(5000, 13) }, nobleCrypto);
    const forged = { ...mutable, value: bytesOf(5000, 14) };
    const forgedStore = encodeDhtMessage({
      type: 'store',
      requestId: 5,
      ttlSeconds: 60,
      record: forged,
    });
    expect(exchange(node, 3, ep(50), fragmentMessage(5, forgedStore)).messages).toEqual([
      { type: 'store-ack', requestId: 5, refusal: 'bad-signature' },
    ]);
    // An unproven asker sent 64 bytes: it gets a 12-byte COOKIE, not 40 kB.
    const ask = (cookie: number) =>
      encodeDhtMessage({ type: 'find-value', requestId: 9, key: record.key, cookie });
    const first = exchange(node, 4, ep(60), [ask(0)]);
    expect(first.sent.reduce((n, d) => n + d.length, 0)).toBeLessThanOrEqual(ask(0).length);
    const cookie = first.messages[0]?.type === 'cookie' ? first.messages[0].cookie : 0;
    const second = exchange(node, 5, ep(60), [ask(cookie)]);
    expect(second.sent.length).toBe(
      Math.ceil(second.sent.reduce((n, d) => n + d.length - 16, 0) / DHT_FRAGMENT_DATA_BYTES),
    );
    expect(second.messages).toHaveLength(1);
    expect(second.messages[0]).toMatchObject({ type: 'value', record: { value: record.value } });
    expect(node.stats.dropped).toEqual({});
  });

  it('a 60 kB value put through one node of a simulated cloud is got through another', () => {
    const cloud = new DhtCloud({ seed: SEED, settleMs: 5_000 });
    cloud.buildWarm(16);
    const value = bytesOf(60_000, 21);
    let key: Uint8Array = new Uint8Array(32);
    const put = cloud.start(cloud.members[2]!, (node, now) => {
      const r = node.put(now, value);
      key = r.key;
      return r.opId;
    });
    expect(cloud.awaitAll([put])[0]).toMatchObject({ failure: undefined });
    cloud.sim.runFor(62_000); // one periodic replica check
    expect(cloud.live().filter((m) => m.node.held(key) !== undefined)).toHaveLength(5);
    const get = cloud.start(cloud.members[9]!, (node, now) => node.get(now, key));
    expect(cloud.awaitAll([get])[0]?.record?.value).toEqual(value);
    const sent = cloud.live().reduce((n, m) => n + (m.node.stats.sent.fragment ?? 0), 0);
    expect(sent).toBeGreaterThanOrEqual(6 * Math.ceil(60_000 / DHT_FRAGMENT_DATA_BYTES));
  });
});
