/**
 * openDht: the async DHT API over runNode(), on the in-memory network with a manual clock (no
 * sleeps). A small cloud of storage nodes and a client: put/get, mutable values with automatic
 * sequence numbers, signed deletion, listen yielding each newer version, AbortSignal, and every
 * failure as a PnrpError code (VALUE_NOT_FOUND, VALUE_REFUSED with the refusal, CANCELLED, CLOSED).
 */
import { describe, expect, it } from 'vitest';
import { memoryDhtStorage } from '../../../src/dht/storage.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { createMemoryNetwork } from '../../../src/memory-network.js';
import { createPeer } from '../../../src/peer/create-peer.js';
import type { Dht, OpenDhtOptions } from '../../../src/peer/dht-types.js';
import { PnrpError } from '../../../src/peer/error.js';
import { openDht } from '../../../src/peer/open-dht.js';
import { utf8Decode, utf8Encode } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import { ManualTimers } from '../transport/manual-timers.js';

const SEED = Number(process.env.PNRP_SEED ?? 15);
const alice = createIdentity(new Uint8Array(32).fill(7));

interface Cloud {
  readonly timers: ManualTimers;
  readonly nodes: Dht[];
  readonly seeds: Endpoint[];
  add(extra?: Partial<OpenDhtOptions>): Dht;
}

async function buildCloud(count: number): Promise<Cloud> {
  const net = createMemoryNetwork();
  const timers = new ManualTimers();
  const nodes: Dht[] = [];
  const seeds: Endpoint[] = [];
  let n = 0;
  const add = (extra: Partial<OpenDhtOptions> = {}): Dht => {
    const transport = net.createTransport();
    const dht = openDht({
      transport,
      timers,
      rng: seededRng(`${SEED}/${n++}`),
      bootstrap: [...seeds],
      ...extra,
    });
    return dht;
  };
  for (let i = 0; i < count; i++) {
    const dht = add();
    nodes.push(dht);
    if (i === 0) seeds.push(dht.localEndpoints[0]!);
    await timers.advanceTo(timers.now + 5_000);
  }
  await timers.advanceTo(timers.now + 30_000);
  return { timers, nodes, seeds, add };
}

/** Lets the manual clock run while `p` settles. */
async function settle<T>(cloud: Cloud, p: Promise<T>, ms = 40_000): Promise<T> {
  const caught = p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await cloud.timers.advanceTo(cloud.timers.now + ms);
  const r = await caught;
  if ('error' in r) throw r.error;
  return r.value;
}

async function errorOf(cloud: Cloud, p: Promise<unknown>): Promise<PnrpError> {
  try {
    await settle(cloud, p);
  } catch (e) {
    expect(e).toBeInstanceOf(PnrpError);
    return e as PnrpError;
  }
  throw new Error('expected a rejection');
}

describe(`openDht (seed ${SEED})`, () => {
  it('puts through one node and gets through another and through a client', async () => {
    const cloud = await buildCloud(5);
    expect(cloud.nodes.map((d) => d.status())).toEqual(new Array(5).fill('active'));
    const { key, seq } = await settle(cloud, cloud.nodes[1]!.put('hello dht'));
    expect(seq).toBe(0);
    const got = await settle(cloud, cloud.nodes[4]!.get(key));
    expect(utf8Decode(got.value)).toBe('hello dht');
    const client = cloud.add({ role: 'client' });
    const viaClient = await settle(cloud, client.get(key));
    expect(utf8Decode(viaClient.value)).toBe('hello dht');
    // A client holds nothing: its own put lands on the cloud.
    const put = await settle(cloud, client.put('from a client'));
    expect(client.node.recordCount).toBe(0);
    const back = await settle(cloud, cloud.nodes[2]!.get(put.key));
    expect(utf8Decode(back.value)).toBe('from a client');
    await Promise.all([...cloud.nodes, client].map((d) => d.close()));
  });

  it('carries a value larger than one datagram (fragments) through put and get', async () => {
    const cloud = await buildCloud(4);
    const value = new Uint8Array(20_000).map((_, i) => (i * 7) & 0xff);
    const { key } = await settle(cloud, cloud.nodes[1]!.put(value));
    const got = await settle(cloud, cloud.nodes[3]!.get(key));
    expect(got.value).toEqual(value);
    const over = await errorOf(cloud, cloud.nodes[2]!.put(new Uint8Array(65_001)));
    expect([over.code, over.reason]).toEqual(['VALUE_REFUSED', 'oversized']);
    const overMutable = await errorOf(
      cloud,
      cloud.nodes[2]!.putMutable(new Uint8Array(65_001), { writer: alice, salt: 'big' }),
    );
    expect([overMutable.code, overMutable.reason]).toEqual(['VALUE_REFUSED', 'oversized']);
    await Promise.all(cloud.nodes.map((d) => d.close()));
  });

  it('numbers mutable versions itself, refuses a stale one with its reason, and deletes', async () => {
    const cloud = await buildCloud(4);
    const [a, b] = cloud.nodes as [Dht, Dht];
    const first = await settle(cloud, a.putMutable('v1', { writer: alice, salt: 'topic' }));
    expect(first.seq).toBe(1);
    const second = await settle(cloud, b.putMutable('v2', { writer: alice, salt: 'topic' }));
    expect(second.seq).toBe(2);
    expect(second.key).toEqual(first.key);
    const got = await settle(cloud, a.getMutable(alice.publicKey, { salt: 'topic' }));
    expect([utf8Decode(got.value), got.seq]).toEqual(['v2', 2]);
    const stale = await errorOf(
      cloud,
      a.putMutable('old', { writer: alice, salt: 'topic', seq: 1 }),
    );
    expect([stale.code, stale.reason]).toEqual(['VALUE_REFUSED', 'stale-seq']);
    const cas = await errorOf(
      cloud,
      a.putMutable('v3', { writer: alice, salt: 'topic', seq: 3, cas: 1 }),
    );
    expect([cas.code, cas.reason]).toEqual(['VALUE_REFUSED', 'cas-mismatch']);
    const deleted = await settle(cloud, b.delete({ writer: alice, salt: 'topic' }));
    expect(deleted.seq).toBe(3);
    const gone = await errorOf(cloud, a.getMutable(alice.publicKey, { salt: 'topic' }));
    expect([gone.code, gone.reason]).toEqual(['VALUE_NOT_FOUND', 'deleted']);
    const missing = await errorOf(cloud, a.get('00'.repeat(32)));
    expect(missing.code).toBe('VALUE_NOT_FOUND');
    await Promise.all(cloud.nodes.map((d) => d.close()));
  });

  it('refuses an oversized value locally and bad arguments with INVALID_ARGUMENT', async () => {
    const cloud = await buildCloud(2);
    const small = cloud.add({ node: { valueBytesMax: 100 } });
    await cloud.timers.advanceTo(cloud.timers.now + 10_000);
    const big = await errorOf(cloud, small.put(new Uint8Array(150)));
    expect([big.code, big.reason]).toEqual(['VALUE_REFUSED', 'oversized']);
    expect((await errorOf(cloud, small.get('not a key'))).code).toBe('INVALID_ARGUMENT');
    expect((await errorOf(cloud, small.put('x', { timeoutMs: -1 }))).code).toBe('INVALID_ARGUMENT');
    await Promise.all([...cloud.nodes, small].map((d) => d.close()));
  });

  it('rejects CANCELLED on abort, before and during an operation, and CLOSED on close', async () => {
    const cloud = await buildCloud(3);
    const node = cloud.nodes[2]!;
    const aborted = new AbortController();
    aborted.abort();
    expect((await errorOf(cloud, node.put('x', { signal: aborted.signal }))).code).toBe(
      'CANCELLED',
    );
    const controller = new AbortController();
    const pending = node.get('11'.repeat(32), { signal: controller.signal });
    controller.abort();
    expect((await errorOf(cloud, pending)).code).toBe('CANCELLED');
    const open = node.get('22'.repeat(32));
    const closing = node.close();
    expect((await errorOf(cloud, open)).code).toBe('CLOSED');
    await closing;
    expect((await errorOf(cloud, node.get('22'.repeat(32)))).code).toBe('CLOSED');
    await Promise.all(cloud.nodes.map((d) => d.close()));
  });

  it('listen yields the current version, then each newer one, and ends on abort', async () => {
    const cloud = await buildCloud(4);
    const [a, b] = cloud.nodes as [Dht, Dht];
    const { key } = await settle(cloud, a.putMutable('one', { writer: alice }));
    const controller = new AbortController();
    const changes = b.listen(key, { signal: controller.signal, intervalMs: 2_000 });
    const first = await settle(cloud, changes.next());
    expect(first.done === false && [utf8Decode(first.value.value), first.value.seq]).toEqual([
      'one',
      1,
    ]);
    const next = changes.next();
    await settle(cloud, a.putMutable('two', { writer: alice }));
    const second = await settle(cloud, next);
    expect(second.done === false && [utf8Decode(second.value.value), second.value.seq]).toEqual([
      'two',
      2,
    ]);
    const third = changes.next();
    await settle(cloud, a.delete({ writer: alice }));
    const deletion = await settle(cloud, third);
    expect(deletion.done === false && [deletion.value.deleted, deletion.value.seq]).toEqual([
      true,
      3,
    ]);
    const fourth = changes.next();
    controller.abort();
    expect((await errorOf(cloud, fourth)).code).toBe('CANCELLED');
    expect(await changes.next()).toEqual({ done: true, value: undefined });
    await Promise.all(cloud.nodes.map((d) => d.close()));
  });

  it('listen backs off while nothing changes and polls only while a next() waits', async () => {
    const cloud = await buildCloud(3);
    const [a, b] = cloud.nodes as [Dht, Dht];
    const { key } = await settle(cloud, a.put('steady'));
    const changes = b.listen(key, { intervalMs: 1_000, intervalMaxMs: 8_000 });
    const gets = () => b.node.stats.getsStarted;
    const before = gets();
    await settle(cloud, changes.next());
    expect(gets() - before).toBe(1);
    // Nothing pulls: nothing is polled.
    await cloud.timers.advanceTo(cloud.timers.now + 60_000);
    expect(gets() - before).toBe(1);
    // Waiting on an unchanging value: polls after 1, 2, 4, 8, 8, 8 ... s (plus each get's time).
    const pending = changes.next();
    await cloud.timers.advanceTo(cloud.timers.now + 60_000);
    const polls = gets() - before - 1;
    expect(polls).toBeGreaterThanOrEqual(7);
    expect(polls).toBeLessThanOrEqual(10); // 60 without the back-off
    expect(await changes.return!()).toEqual({ done: true, value: undefined });
    expect(await pending).toEqual({ done: true, value: undefined });
    const armed = cloud.timers.armed.size;
    await cloud.timers.advanceTo(cloud.timers.now + 60_000);
    expect(gets() - before - 1).toBe(polls);
    expect(cloud.timers.armed.size).toBeLessThanOrEqual(armed);
    await Promise.all(cloud.nodes.map((d) => d.close()));
  });

  it('a node restarted on its storage serves what it held', async () => {
    const cloud = await buildCloud(1);
    const storage = memoryDhtStorage();
    const alone = cloud.nodes[0]!;
    await alone.close();
    const first = cloud.add({ storage, bootstrap: [] });
    const { key } = await settle(cloud, first.put(utf8Encode('kept')));
    expect(storage.size).toBe(1);
    await first.close();
    const again = cloud.add({ storage, bootstrap: [] });
    const got = await settle(cloud, again.get(key));
    expect(utf8Decode(got.value)).toBe('kept');
    await again.close();
  });

  it('createPeer({ dht }) opens peer.dht on its own transport and closes it with the peer', async () => {
    const cloud = await buildCloud(3);
    const net = createMemoryNetwork();
    const peerTransport = net.createTransport();
    const dhtTransport = net.createTransport();
    const plain = createPeer({ transport: net.createTransport(), timers: cloud.timers });
    expect(plain.dht).toBeUndefined();
    await plain.close();
    // The cloud's nodes live on another memory network: join through a node of this one.
    const host = openDht({
      transport: net.createTransport(),
      timers: cloud.timers,
      rng: seededRng(9),
    });
    const peer = createPeer({
      transport: peerTransport,
      timers: cloud.timers,
      rng: seededRng(`${SEED}/peer`),
      dht: { transport: dhtTransport, bootstrap: [host.localEndpoints[0]!] },
    });
    const dht = peer.dht!;
    expect(dht.localEndpoints).toEqual(dhtTransport.localEndpoints());
    await settle(cloud, dht.whenActive());
    const { key } = await settle(cloud, dht.put('via peer.dht'));
    const got = await settle(cloud, host.get(key));
    expect(utf8Decode(got.value)).toBe('via peer.dht');
    await peer.close();
    expect(dht.closed).toBe(true);
    expect((await errorOf(cloud, dht.get(key))).code).toBe('CLOSED');
    await Promise.all([host, ...cloud.nodes].map((d) => d.close()));
  });
});
