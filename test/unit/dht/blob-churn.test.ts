/**
 * BLOBs under churn with handover (issue 15: "machines may join and leave the DHT and BLOBs will
 * not be lost"). Real `DhtNode`s in a `DhtCloud` (datagrams, real DRT joins and failure
 * detection) and real `DhtBlobNode`s in a `ConnectionSimulation` (simulated TCP), node `i` of
 * one on the same synthetic endpoint as node `i` of the other. The two simulators keep separate
 * event queues and advance in lockstep ticks of TICK_MS; between ticks each blob node reads its
 * replica sets from its DhtNode's view (`blobHandover`), on the DhtNode's leaf-set changes and
 * every PERIODIC_MS. Three BLOBs (100 KB, 400 KB, 1 MiB) start on their owner and its replica
 * set; then, round after round, the live holder closest to each BLOB's key crashes and a new
 * node joins. With handover every BLOB is fetched whole, checked against its key, from every
 * member of its replica set among the live nodes; without it, the same run loses every BLOB.
 */
import { describe, expect, it } from 'vitest';
import { DhtBlobNode } from '../../../src/dht/blob-node.js';
import { blobHandover, blobReplicaEndpoints } from '../../../src/dht/blob-replicas.js';
import type { BlobEvent } from '../../../src/dht/blob-types.js';
import { endpointKey } from '../../../src/keys/endpoint.js';
import { type Key, keyToBigInt, ringDistanceBig } from '../../../src/keys/key256.js';
import { ConnectionSimulation } from '../../../src/sim/connection-sim.js';
import { DhtCloud, type DhtMember } from '../../../src/sim/dht-cloud.js';
import { equalBytes } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';

const SEED = Number(process.env.PNRP_SEED ?? 7);
const NODES = 24;
const ROUNDS = 6;
const ROUND_MS = 30_000;
const TICK_MS = 250;
const PERIODIC_MS = 10_000;
const SIZES = [100_000, 400_000, 1024 * 1024];

interface Outcome {
  /** Per BLOB: fetches from its replica set that returned the BLOB whole and verified. */
  fetched: number[];
  /** Per BLOB: live nodes holding it at the end. */
  holders: number[];
  crashed: number;
  handoverCalls: { leafSet: number; periodic: number };
  handoverPushes: number;
  /** Chunks sent by every blob node that ever ran (the bytes' cost, in 64 KiB chunks). */
  chunksSent: number;
  /** BLOBs stored by every blob node that ever ran (15 before the churn: 3 owners, 12 replicas). */
  blobsStored: number;
  /** Per BLOB: live nodes holding it before the churn. */
  initialHolders: number[];
  replicaSetSize: number;
}

function byDistance(members: readonly DhtMember[], key: Key): DhtMember[] {
  const k = keyToBigInt(key);
  return members
    .map((m) => ({ m, d: ringDistanceBig(keyToBigInt(m.key), k) }))
    .sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0))
    .map((x) => x.m);
}

function run(handover: 'leaf-set+periodic' | 'none'): Outcome {
  const cloud = new DhtCloud({ seed: SEED, settleMs: 5_000 });
  const conns = new ConnectionSimulation<DhtBlobNode>({ seed: SEED });
  const fetches: { index: number; event: BlobEvent }[] = [];
  conns.onEvent((index, e) => {
    const event = e as BlobEvent;
    if (event.type === 'blob-fetched') fetches.push({ index, event });
  });
  const blobNodes: DhtBlobNode[] = [];
  const addBlobNode = (m: DhtMember) => {
    expect(conns.addNode(() => new DhtBlobNode())).toBe(m.handle.index);
    blobNodes.push(conns.node(m.handle.index));
    expect(endpointKey(conns.endpoint(m.handle.index))).toBe(endpointKey(m.handle.endpoint));
  };
  cloud.buildWarm(NODES);
  for (const m of cloud.members) addBlobNode(m);
  const dirty = new Set<number>();
  cloud.sim.onEvent((h, e) => {
    if (e.type === 'drt' && e.event.type === 'leafset-key-changed') dirty.add(h.index);
  });
  const calls = { leafSet: 0, periodic: 0 };
  const handOver = (m: DhtMember) =>
    conns.command(m.handle.index, (n, now) => blobHandover(n, m.node, now));
  let sincePeriodic = 0;
  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += TICK_MS) {
      cloud.sim.runFor(TICK_MS);
      conns.runFor(TICK_MS);
      if (handover === 'none') continue;
      periodicTick();
      for (const i of [...dirty].sort((a, b) => a - b)) {
        const m = cloud.members[i]!;
        if (!m.live) continue;
        calls.leafSet++;
        handOver(m);
      }
      dirty.clear();
    }
  };
  const periodicTick = () => {
    sincePeriodic += TICK_MS;
    if (sincePeriodic < PERIODIC_MS) return;
    sincePeriodic = 0;
    for (const m of cloud.live()) {
      calls.periodic++;
      handOver(m);
    }
  };
  const blobs = SIZES.map((n, b) => seededRng(SEED * 100 + b).bytes(n));
  const keys: Key[] = [];
  // Every BLOB starts on its owner, which pushes it to its replica set (today's replicateBlob).
  for (const blob of blobs) {
    const key = conns.node(0).keyOf(blob);
    keys.push(key);
    const owner = byDistance(cloud.live(), key)[0]!;
    let writer = cloud.pick();
    while (writer === owner) writer = cloud.pick();
    conns.command(writer.handle.index, (n, now) => n.storeBlob(now, owner.handle.endpoint, blob));
    advance(5_000);
    conns.command(owner.handle.index, (n, now) =>
      n.replicateBlob(now, key, blobReplicaEndpoints(owner.node, key)),
    );
    advance(5_000);
  }
  const holding = (key: Key) =>
    cloud.live().filter((m) => conns.node(m.handle.index).heldBlob(key) !== undefined);
  const initialHolders = keys.map((k) => holding(k).length);
  let crashed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const key of keys) {
      const victim = byDistance(holding(key), key)[0];
      if (victim !== undefined) {
        cloud.fail(victim);
        conns.crash(victim.handle.index);
        crashed++;
      }
      addBlobNode(cloud.join());
    }
    advance(ROUND_MS);
    if (process.env.PNRP_VERBOSE)
      console.log(
        handover,
        round,
        keys.map((k) => {
          const set = byDistance(cloud.live(), k).slice(0, 5);
          return `${holding(k).length} held, replica set ${set.map((m) => (conns.node(m.handle.index).heldBlob(k) ? 'H' : '-')).join('')}`;
        }),
      );
  }
  // Read every BLOB back from each live member of its replica set.
  const replicaSetSize = cloud.members[0]!.node.options.replicationFactor;
  const reader = cloud.join();
  addBlobNode(reader);
  advance(5_000);
  const fetched = keys.map(() => 0);
  keys.forEach((key, b) => {
    const set = byDistance(cloud.live(), key)
      .filter((m) => m !== reader)
      .slice(0, replicaSetSize);
    for (const m of set) {
      fetches.length = 0;
      conns.command(reader.handle.index, (n, now) => n.fetchBlob(now, m.handle.endpoint, key));
      conns.runFor(10_000);
      const e = fetches[0]?.event;
      if (e?.type === 'blob-fetched' && e.failure === undefined && e.blob !== undefined)
        if (equalBytes(e.blob, blobs[b]!)) fetched[b]!++;
    }
  });
  let handoverPushes = 0;
  let chunksSent = 0;
  let blobsStored = 0;
  for (const n of blobNodes) {
    blobsStored += n.stats.blobsStored;
    handoverPushes += n.stats.handoverPushes;
    chunksSent += n.stats.chunksSent;
  }
  return {
    fetched,
    holders: keys.map((k) => holding(k).length),
    crashed,
    handoverCalls: calls,
    handoverPushes,
    chunksSent,
    blobsStored,
    initialHolders,
    replicaSetSize,
  };
}

describe(`BLOBs under churn with real DhtNodes (seed ${SEED})`, () => {
  it('with handover every BLOB survives its holders crashing one after another; without, all are lost', () => {
    const withHandover = run('leaf-set+periodic');
    const without = run('none');
    if (process.env.PNRP_VERBOSE) console.log({ withHandover, without });
    const full = SIZES.map(() => withHandover.replicaSetSize);
    // The same start in both runs: each BLOB on its whole replica set.
    expect(withHandover.initialHolders).toEqual(full);
    expect(without.initialHolders).toEqual(full);
    // With handover: the closest holder of each BLOB crashed in every round, and still every
    // member of each BLOB's replica set serves it whole.
    expect(withHandover.crashed).toBe(ROUNDS * SIZES.length);
    expect(withHandover.fetched).toEqual(full);
    expect(withHandover.handoverCalls.leafSet).toBeGreaterThan(0);
    // Without: the holders die out and no node has any BLOB left.
    expect(without.holders).toEqual(SIZES.map(() => 0));
    expect(without.fetched).toEqual(SIZES.map(() => 0));
  });
});
