/**
 * DhtNode (src/dht/dht-node.ts): remote bad input is refused with its reason and stores nothing;
 * no answer toward an unproven source is larger than its request; records reach their replica
 * set, survive the owner's failure (a replica promotes and restores the factor) and move to a
 * closer node that joins.
 */
import { describe, expect, it } from 'vitest';
import { type DhtMessage, decodeDhtMessage, encodeDhtMessage } from '../../../src/dht/codec.js';
import { DhtNode } from '../../../src/dht/dht-node.js';
import { immutableRecord, mutableRecord } from '../../../src/dht/record.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { addToKey, keyToBigInt, ringDistanceBig } from '../../../src/keys/key256.js';
import { DhtCloud } from '../../../src/sim/dht-cloud.js';
import { utf8Encode } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';

const SEED = Number(process.env.PNRP_SEED ?? 5);
const ep = (n: number) => ({
  address: Uint8Array.of(0x20, 1, 0xd, 0xb8, ...new Array(11).fill(0), n),
  port: 3540,
});
const writerEp = ep(200);
const alice = createIdentity(new Uint8Array(32).fill(3));

function standalone(options: Partial<ConstructorParameters<typeof DhtNode>[0]> = {}): DhtNode {
  const node = new DhtNode({ rng: seededRng(SEED), localEndpoints: [ep(1)], ...options });
  node.start(0);
  drain(node);
  return node;
}

function drain(node: DhtNode): { to: string; message: DhtMessage; bytes: number }[] {
  const out: { to: string; message: DhtMessage; bytes: number }[] = [];
  for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) {
    if (o.type !== 'transmit') continue;
    const d = decodeDhtMessage(o.payload);
    if (d.ok) out.push({ to: String(o.to.address[15]), message: d.value, bytes: o.payload.length });
  }
  return out;
}

function send(node: DhtNode, nowMs: number, message: DhtMessage, from = writerEp) {
  node.handleDatagram(nowMs, from, encodeDhtMessage(message));
  return drain(node);
}

function storeAck(node: DhtNode, message: DhtMessage) {
  const answers = send(node, 1, message);
  return answers.find((a) => a.message.type === 'store-ack')?.message;
}

describe(`DhtNode (seed ${SEED})`, () => {
  it('refuses a forged signature, an oversized value, a stale seq and a writer over quota, storing nothing', () => {
    const node = standalone({ valueBytesMax: 100, recordsPerWriterMax: 2 });
    const good = mutableRecord(alice, { seq: 5, value: utf8Encode('five') }, nobleCrypto);
    const forged = { ...good, value: utf8Encode('evil') };
    expect(
      storeAck(node, { type: 'store', requestId: 1, ttlSeconds: 60, record: forged }),
    ).toMatchObject({ refusal: 'bad-signature' });
    expect(node.held(good.key)).toBeUndefined();
    const big = immutableRecord(new Uint8Array(150), nobleCrypto);
    expect(
      storeAck(node, { type: 'store', requestId: 2, ttlSeconds: 60, record: big }),
    ).toMatchObject({ refusal: 'oversized' });
    expect(node.held(big.key)).toBeUndefined();
    expect(storeAck(node, { type: 'store', requestId: 3, ttlSeconds: 60, record: good })).toEqual({
      type: 'store-ack',
      requestId: 3,
    });
    const stale = mutableRecord(alice, { seq: 4, value: utf8Encode('four') }, nobleCrypto);
    expect(
      storeAck(node, { type: 'store', requestId: 4, ttlSeconds: 60, record: stale }),
    ).toMatchObject({ refusal: 'stale-seq' });
    expect(node.held(good.key)?.seq).toBe(5);
    const records = [1, 2, 3].map((i) => immutableRecord(utf8Encode(`r${i}`), nobleCrypto));
    expect(
      storeAck(node, { type: 'store', requestId: 5, ttlSeconds: 60, record: records[0]! })?.type,
    ).toBe('store-ack');
    expect(
      storeAck(node, { type: 'store', requestId: 6, ttlSeconds: 60, record: records[1]! }),
    ).toEqual({ type: 'store-ack', requestId: 6 });
    expect(
      storeAck(node, { type: 'store', requestId: 7, ttlSeconds: 60, record: records[2]! }),
    ).toMatchObject({ refusal: 'writer-quota' });
    expect(node.held(records[2]!.key)).toBeUndefined();
    expect(node.stats.refused).toEqual({
      'bad-signature': 1,
      oversized: 1,
      'stale-seq': 1,
      'writer-quota': 1,
    });
  });

  it('refuses a STORE for a key it does not own, naming the closer node, and stores nothing', () => {
    const record = immutableRecord(utf8Encode('not mine'), nobleCrypto);
    // Six nodes whose keys sit right around the record's key: they all rank before us.
    const node = new DhtNode({
      rng: seededRng(SEED),
      localEndpoints: [ep(1)],
      nodeId: addToKey(record.key, 2n ** 200n),
    });
    node.startWarm(
      0,
      [0, 1, 2, 3, 4, 5].map((i) => ({
        id: addToKey(record.key, i - 2),
        port: 3540,
        addresses: [ep(10 + i).address],
      })),
    );
    drain(node);
    const ack = storeAck(node, { type: 'store', requestId: 9, ttlSeconds: 60, record });
    expect(ack).toMatchObject({ refusal: 'not-responsible', hint: { port: 3540 } });
    expect(ack?.type === 'store-ack' && ack.hint?.address[15]).toBe(12);
    expect(node.held(record.key)).toBeUndefined();
  });

  it('answers a FIND_VALUE from an unproven source with a COOKIE no larger than the request, then the value', () => {
    const node = standalone();
    const record = immutableRecord(new Uint8Array(500).fill(1), nobleCrypto);
    storeAck(node, { type: 'store', requestId: 1, ttlSeconds: 60, record });
    const asker = ep(77);
    const first = send(
      node,
      2,
      { type: 'find-value', requestId: 10, key: record.key, cookie: 0 },
      asker,
    );
    expect(first).toHaveLength(1);
    const request = encodeDhtMessage({
      type: 'find-value',
      requestId: 10,
      key: record.key,
      cookie: 0,
    }).length;
    expect(first[0]!.message.type).toBe('cookie');
    expect(first[0]!.bytes).toBeLessThanOrEqual(request);
    const cookie = first[0]!.message.type === 'cookie' ? first[0]!.message.cookie : 0;
    const wrong = send(
      node,
      3,
      { type: 'find-value', requestId: 11, key: record.key, cookie: (cookie ^ 1) >>> 0 },
      asker,
    );
    expect(wrong[0]!.message.type).toBe('cookie');
    const second = send(
      node,
      3,
      { type: 'find-value', requestId: 12, key: record.key, cookie },
      asker,
    );
    expect(second[0]!.message).toMatchObject({
      type: 'value',
      requestId: 12,
      record: { key: record.key },
    });
    expect(node.stats.cookiesSent).toBe(2);
  });

  it('never answers unproven sources with more bytes than they sent, whatever they ask', () => {
    const node = standalone();
    for (let i = 0; i < 20; i++)
      storeAck(node, {
        type: 'store',
        requestId: i,
        ttlSeconds: 60,
        record: immutableRecord(new Uint8Array(40 * i), nobleCrypto),
      });
    for (let i = 0; i < 40; i++) {
      const key =
        i < 20
          ? immutableRecord(new Uint8Array(40 * i), nobleCrypto).key
          : addToKey(new Uint8Array(32), i);
      const req = encodeDhtMessage({ type: 'find-value', requestId: 100 + i, key, cookie: 0 });
      const out = send(node, 5, decodeOk(req), ep(100 + i));
      for (const a of out) expect(a.bytes).toBeLessThanOrEqual(req.length);
    }
  });
});

function decodeOk(bytes: Uint8Array): DhtMessage {
  const d = decodeDhtMessage(bytes);
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
}

describe(`DhtNode replication and handover (seed ${SEED})`, () => {
  const holdersOf = (cloud: DhtCloud, key: Uint8Array) =>
    cloud.live().filter((m) => m.node.held(key) !== undefined);

  it('a put reaches the 5 closest nodes; after the owner fails a replica promotes and the factor is restored; a closer joiner receives it', () => {
    const cloud = new DhtCloud({ seed: SEED, settleMs: 5_000 });
    cloud.buildWarm(24);
    const writer = cloud.members[3]!;
    let key: Uint8Array = new Uint8Array(32);
    const token = cloud.start(writer, (node, now) => {
      const r = node.put(now, utf8Encode('durable'));
      key = r.key;
      return r.opId;
    });
    expect(cloud.awaitAll([token])[0]).toMatchObject({ failure: undefined });
    cloud.sim.runFor(2_000);
    const closest = () =>
      cloud
        .live()
        .map((m) => ({ m, d: ringDistanceBig(keyToBigInt(m.key), keyToBigInt(key)) }))
        .sort((a, b) => (a.d < b.d ? -1 : 1))
        .map((x) => x.m);
    expect(new Set(holdersOf(cloud, key))).toEqual(new Set(closest().slice(0, 5)));
    const owner = closest()[0]!;
    cloud.fail(owner);
    cloud.sim.runFor(180_000);
    const after = holdersOf(cloud, key);
    expect(after.length).toBeGreaterThanOrEqual(5);
    for (const m of closest().slice(0, 5)) expect(after).toContain(m);
    const joiner = cloud.join(addToKey(key, 1));
    cloud.sim.runFor(30_000);
    expect(joiner.node.held(key)).toBeDefined();
    const reader = cloud.members[10]!;
    const get = cloud.start(reader, (node, now) => node.get(now, key));
    expect(cloud.awaitAll([get])[0]?.record?.value).toEqual(utf8Encode('durable'));
  });
});
