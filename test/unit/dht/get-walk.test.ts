/**
 * A get walks toward its key with FIND_VALUE (src/dht/get-walk.ts, dht-operations.ts,
 * responder.ts): the walk's candidate list (closest first, bounded), a reader that asks the node
 * of its cache closest to the key without a DRT search and follows keyed NOT_FOUND hints, pads
 * its request to a likely holder so that an unproven holder answers with the value (and never
 * with more bytes than it received), and reads a mutable value from a second holder, keeping the
 * higher sequence number.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DhtMessage, decodeDhtMessage, encodeDhtMessage } from '../../../src/dht/codec.js';
import {
  DHT_FIND_VALUE_BYTES_MAX,
  DHT_FIND_VALUE_KEYED_BYTES,
  DHT_VALUE_DATAGRAM_BYTES_MAX,
} from '../../../src/dht/constants.js';
import { DhtNode } from '../../../src/dht/dht-node.js';
import { fragmentMessage } from '../../../src/dht/fragments.js';
import { GetWalk, WALK_ASKS_MAX, WALK_CANDIDATES_MAX } from '../../../src/dht/get-walk.js';
import { immutableRecord, mutableRecord } from '../../../src/dht/record.js';
import type { DhtEvent } from '../../../src/dht/types.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { addToKey, type Key } from '../../../src/keys/key256.js';
import { utf8Encode } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';

const SEED = Number(process.env.PNRP_SEED ?? 5);
const ep = (n: number): Endpoint => ({
  address: Uint8Array.of(0x20, 1, 0xd, 0xb8, ...new Array(11).fill(0), n),
  port: 3540,
});
const alice = createIdentity(new Uint8Array(32).fill(3));

interface Sent {
  readonly to: number;
  readonly message: DhtMessage;
  readonly bytes: number;
}

function drain(node: DhtNode): { sent: Sent[]; events: DhtEvent[]; other: number } {
  const sent: Sent[] = [];
  const events: DhtEvent[] = [];
  let other = 0;
  for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) {
    if (o.type === 'event') events.push(o.event);
    if (o.type !== 'transmit') continue;
    const d = decodeDhtMessage(o.payload);
    if (d.ok) sent.push({ to: o.to.address[15]!, message: d.value, bytes: o.payload.length });
    else other++;
  }
  return { sent, events, other };
}

/** A node whose warm cache holds nodes at `offsets` from `key` (endpoints ep(10 + i)). */
function readerAround(key: Key, offsets: readonly bigint[], nodeOffset = 2n ** 200n): DhtNode {
  const node = new DhtNode({
    rng: seededRng(SEED),
    localEndpoints: [ep(1)],
    nodeId: addToKey(key, nodeOffset),
  });
  node.startWarm(
    0,
    offsets.map((d, i) => ({ id: addToKey(key, d), port: 3540, addresses: [ep(10 + i).address] })),
  );
  drain(node);
  return node;
}

function answer(node: DhtNode, nowMs: number, from: number, message: DhtMessage) {
  node.handleDatagram(nowMs, ep(from), encodeDhtMessage(message));
  return drain(node);
}

describe('GetWalk', () => {
  it('asks the closest candidate first, never one twice, and is bounded', () => {
    const key = new Uint8Array(32).fill(0x40);
    const walk = new GetWalk(key);
    walk.exclude(ep(1));
    walk.add(addToKey(key, 500), ep(1)); // excluded
    walk.add(addToKey(key, 300), ep(3));
    walk.add(addToKey(key, -100), ep(2));
    walk.add(addToKey(key, 5), ep(2)); // seen already
    expect(walk.next()?.endpoint).toEqual(ep(2));
    expect(walk.next()?.endpoint).toEqual(ep(3));
    expect(walk.next()).toBeUndefined();
    const big = new GetWalk(key);
    for (let i = 0; i < 40; i++) big.add(addToKey(key, 1000 - i), ep(i));
    const asked: number[] = [];
    for (let n = big.next(); n !== undefined; n = big.next()) asked.push(n.endpoint.address[15]!);
    // The closest 16 were kept; 8 are asked, closest first.
    expect(WALK_CANDIDATES_MAX).toBe(16);
    expect(asked).toEqual([39, 38, 37, 36, 35, 34, 33, 32].slice(0, WALK_ASKS_MAX));
  });
});

describe(`a get walks toward the key (seed ${SEED})`, () => {
  it('asks the closest node of its cache without a DRT search, follows keyed hints, and takes the value', () => {
    const record = immutableRecord(utf8Encode('walked'), nobleCrypto);
    // The reader sits 2^250 from the key with neighbours 2^239 either side (a cloud of about
    // 2^17 nodes, so the key's replicas lie within about 3·2^239 of it); its cache's closest
    // node to the key is 2^243 away.
    const node = readerAround(
      record.key,
      [2n ** 243n, -(2n ** 244n), 2n ** 250n - 2n ** 239n, 2n ** 250n + 2n ** 239n],
      2n ** 250n,
    );
    const opId = node.get(1, record.key);
    const first = drain(node);
    expect(node.drt.stats.searchesStarted).toBe(0);
    expect(first.other).toBe(0);
    expect(first.sent).toHaveLength(1);
    expect(first.sent[0]).toMatchObject({ to: 10, message: { type: 'find-value' } });
    // Far from the key: padded only for keyed hints.
    expect(first.sent[0]!.bytes).toBe(DHT_FIND_VALUE_KEYED_BYTES);
    const closer = addToKey(record.key, 3n);
    const hop = answer(node, 2, 10, {
      type: 'not-found',
      requestId: first.sent[0]!.message.requestId,
      hints: [ep(60)],
      hintKeys: [closer],
    });
    expect(hop.sent).toHaveLength(1);
    expect(hop.sent[0]).toMatchObject({ to: 60, message: { type: 'find-value', cookie: 0 } });
    // Next to the key: padded so that an unproven holder may answer with the value itself.
    expect(hop.sent[0]!.bytes).toBe(DHT_VALUE_DATAGRAM_BYTES_MAX);
    const done = answer(node, 3, 60, {
      type: 'value',
      requestId: hop.sent[0]!.message.requestId,
      ttlSeconds: 60,
      record,
    });
    expect(done.events).toContainEqual(
      expect.objectContaining({ type: 'get-done', opId, failure: undefined, messages: 4 }),
    );
    expect(node.drt.stats.searchesStarted).toBe(0);
  });

  it('reads a mutable value from a second holder and keeps the higher sequence number', () => {
    const old = mutableRecord(alice, { seq: 1, value: utf8Encode('one') }, nobleCrypto);
    const fresh = mutableRecord(alice, { seq: 2, value: utf8Encode('two') }, nobleCrypto);
    const node = readerAround(old.key, [1n, -2n, 3n]);
    const opId = node.get(1, old.key);
    const first = drain(node).sent;
    expect(first.map((s) => s.to)).toEqual([10]);
    const second = answer(node, 2, 10, {
      type: 'value',
      requestId: first[0]!.message.requestId,
      ttlSeconds: 60,
      record: old,
    });
    expect(second.events.filter((e) => e.type === 'get-done')).toEqual([]);
    expect(second.sent.map((s) => s.to)).toEqual([11]);
    const done = answer(node, 3, 11, {
      type: 'value',
      requestId: second.sent[0]!.message.requestId,
      ttlSeconds: 60,
      record: fresh,
    });
    const got = done.events.find((e) => e.type === 'get-done');
    expect(got).toMatchObject({ opId, failure: undefined, messages: 4 });
    expect(got?.type === 'get-done' && got.record?.seq).toBe(2);
  });

  it('keeps the first mutable read when the second holder has nothing', () => {
    const rec = mutableRecord(alice, { seq: 7, value: utf8Encode('seven') }, nobleCrypto);
    const node = readerAround(rec.key, [1n, -2n]);
    node.get(1, rec.key);
    const first = drain(node).sent;
    const second = answer(node, 2, 10, {
      type: 'value',
      requestId: first[0]!.message.requestId,
      ttlSeconds: 60,
      record: rec,
    });
    const done = answer(node, 3, 11, {
      type: 'not-found',
      requestId: second.sent[0]!.message.requestId,
      hints: [],
      hintKeys: [],
    });
    const got = done.events.find((e) => e.type === 'get-done');
    expect(got?.type === 'get-done' && got.record?.seq).toBe(7);
  });
});

describe(`the holder's side of a walk (seed ${SEED})`, () => {
  function holder(): { node: DhtNode; base: Key } {
    const base = new Uint8Array(32).fill(0x11);
    const node = new DhtNode({ rng: seededRng(SEED), localEndpoints: [ep(1)], nodeId: base });
    node.startWarm(
      0,
      [1, 2, 3, 4].map((i) => ({
        id: addToKey(base, BigInt(i) * 2n ** 250n),
        port: 3540,
        addresses: [ep(10 + i).address],
      })),
    );
    drain(node);
    return { node, base };
  }

  it('answers a padded FIND_VALUE of an unproven reader with the value at once, a larger value with a COOKIE', () => {
    const { node } = holder();
    const small = immutableRecord(new Uint8Array(900).fill(1), nobleCrypto);
    const large = immutableRecord(new Uint8Array(3000).fill(2), nobleCrypto);
    for (const [i, record] of [small, large].entries()) {
      const store = encodeDhtMessage({ type: 'store', requestId: i + 1, ttlSeconds: 60, record });
      for (const d of fragmentMessage(i + 1, store)) node.handleDatagram(1, ep(200), d);
    }
    drain(node);
    // Its view has five members, so it is in every key's replica set: both are held.
    expect(node.held(small.key)).toBeDefined();
    expect(node.held(large.key)).toBeDefined();
    const ask = (key: Key, from: number): Sent[] => {
      const req = encodeDhtMessage({
        type: 'find-value',
        requestId: 50 + from,
        key,
        cookie: 0,
        padTo: DHT_VALUE_DATAGRAM_BYTES_MAX,
      });
      node.handleDatagram(2, ep(from), req);
      const out = drain(node).sent;
      for (const s of out) expect(s.bytes).toBeLessThanOrEqual(req.length);
      return out;
    };
    expect(ask(small.key, 100).map((s) => s.message.type)).toEqual(['value']);
    expect(ask(large.key, 101).map((s) => s.message.type)).toEqual(['cookie']);
    expect(node.stats.cookiesSent).toBe(1);
  });

  it('names the nodes of its cache closest to the key, keyed when they fit, plain otherwise', () => {
    const { node, base } = holder();
    const key = addToKey(base, 3n * 2n ** 250n + 5n);
    const ask = (padTo: number | undefined, from: number) => {
      const req = encodeDhtMessage({
        type: 'find-value',
        requestId: from,
        key,
        cookie: 0,
        ...(padTo ? { padTo } : {}),
      });
      node.handleDatagram(3, ep(from), req);
      const out = drain(node).sent;
      expect(out).toHaveLength(1);
      expect(out[0]!.bytes).toBeLessThanOrEqual(req.length);
      return out[0]!.message;
    };
    const keyed = ask(DHT_FIND_VALUE_KEYED_BYTES, 100);
    expect(keyed.type).toBe('not-found');
    if (keyed.type !== 'not-found') return;
    expect(keyed.hints.map((h) => h.address[15])).toEqual([13, 14, 12]);
    expect(keyed.hintKeys).toEqual([3n, 4n, 2n].map((i) => addToKey(base, i * 2n ** 250n)));
    const plain = ask(undefined, 101);
    expect(plain).toMatchObject({ type: 'not-found' });
    if (plain.type !== 'not-found') return;
    expect(plain.hintKeys).toBeUndefined();
    expect(plain.hints.map((h) => h.address[15])).toEqual([13, 14, 12]);
  });

  it('never answers an unproven reader with more bytes than it sent, whatever the padding', () => {
    const { node, base } = holder();
    const records = [16, 300, 999, 1000, 2500].map((n) =>
      immutableRecord(new Uint8Array(n).fill(n & 0xff), nobleCrypto),
    );
    for (const [i, record] of records.entries()) {
      const store = encodeDhtMessage({ type: 'store', requestId: i + 1, ttlSeconds: 60, record });
      for (const d of fragmentMessage(i + 1, store)) node.handleDatagram(1, ep(200), d);
    }
    for (const record of records) expect(node.held(record.key)).toBeDefined();
    drain(node);
    let from = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: records.length }),
        fc.integer({ min: 64, max: DHT_FIND_VALUE_BYTES_MAX }),
        fc.bigInt({ min: 0n, max: 2n ** 255n }),
        (which, padTo, offset) => {
          const key = which < records.length ? records[which]!.key : addToKey(base, offset);
          const req = encodeDhtMessage({
            type: 'find-value',
            requestId: 1000 + from,
            key,
            cookie: 0,
            padTo,
          });
          expect(req.length).toBe(padTo);
          node.handleDatagram(5, ep(from++ % 250), req);
          for (const s of drain(node).sent) expect(s.bytes).toBeLessThanOrEqual(req.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
