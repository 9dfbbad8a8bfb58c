/**
 * DhtBlobNode.handover (src/dht/blob-node.ts) over simulated connections, with a scripted
 * replica set: a holder pushes each BLOB to the replicas not yet known to hold it, a second call
 * costs nothing, a replica that joins the set gets one push, a failed push is retried at the
 * next call, and pushes in flight stay within handoverTransfersMax.
 */
import { describe, expect, it } from 'vitest';
import { DhtBlobNode } from '../../../src/dht/blob-node.js';
import type { BlobEvent } from '../../../src/dht/blob-types.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import type { ConnectionNode } from '../../../src/sans-io.js';
import { ConnectionSimulation } from '../../../src/sim/connection-sim.js';
import { equalBytes } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';

const SEED = Number(process.env.PNRP_SEED ?? 7);

function blobOf(n: number, seed: number): Uint8Array {
  return seededRng(seed).bytes(n);
}

function setup(count: number, holderTransfers = 4) {
  const sim = new ConnectionSimulation<ConnectionNode<unknown>>({ seed: SEED });
  const stored: { index: number; failure: string | undefined }[] = [];
  sim.onEvent((index, e) => {
    const event = e as BlobEvent;
    if (event.type === 'blob-stored') stored.push({ index, failure: event.failure });
  });
  const nodes: number[] = [];
  for (let i = 0; i < count; i++)
    nodes.push(
      sim.addNode(() => new DhtBlobNode(i === 0 ? { handoverTransfersMax: holderTransfers } : {})),
    );
  const blobNode = (i: number) => sim.node(i) as DhtBlobNode;
  const handover = (i: number, replicasOf: (key: Uint8Array) => readonly Endpoint[]) =>
    sim.command(i, (n, now) => (n as DhtBlobNode).handover(now, replicasOf));
  return { sim, stored, nodes, blobNode, handover };
}

describe(`DhtBlobNode.handover (seed ${SEED})`, () => {
  it('pushes to the replicas not yet confirmed, costs nothing when all confirmed, and follows the replica set', () => {
    const { sim, stored, blobNode, handover } = setup(6);
    const blob = blobOf(300_000, 1);
    const { key } = sim.command(1, (n, now) =>
      (n as DhtBlobNode).storeBlob(now, sim.endpoint(0), blob),
    );
    sim.runFor(5_000);
    let replicas = [2, 3].map((i) => sim.endpoint(i));
    expect(handover(0, () => replicas)).toHaveLength(2);
    sim.runFor(5_000);
    for (const i of [2, 3]) expect(equalBytes(blobNode(i).heldBlob(key)!, blob)).toBe(true);
    expect(handover(0, () => replicas)).toHaveLength(0); // both confirmed by DONE
    replicas = [3, 4].map((i) => sim.endpoint(i)); // 2 left the set, 4 joined
    expect(handover(0, () => replicas)).toHaveLength(1);
    sim.runFor(5_000);
    expect(equalBytes(blobNode(4).heldBlob(key)!, blob)).toBe(true);
    // 2 comes back into the set: forgotten when it left, so pushed again; it answers DONE at once.
    replicas = [2, 3, 4].map((i) => sim.endpoint(i));
    const chunksBefore = blobNode(0).stats.chunksSent;
    expect(handover(0, () => replicas)).toHaveLength(1);
    sim.runFor(5_000);
    expect(blobNode(0).stats.chunksSent).toBe(chunksBefore);
    expect(stored.map((s) => s.failure)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(blobNode(0).stats.handoverPushes).toBe(4);
  });

  it('retries a failed push at the next call', () => {
    const { sim, stored, blobNode, handover } = setup(4);
    const blob = blobOf(100_000, 2);
    const { key } = sim.command(1, (n, now) =>
      (n as DhtBlobNode).storeBlob(now, sim.endpoint(0), blob),
    );
    sim.runFor(5_000);
    sim.crash(2);
    const replicas = () => [sim.endpoint(2), sim.endpoint(3)];
    expect(handover(0, replicas)).toHaveLength(2);
    sim.runFor(5_000);
    expect(stored.slice(1).map((s) => s.failure)).toEqual(['unreachable', undefined]);
    sim.restart(2);
    expect(handover(0, replicas)).toHaveLength(1); // only 2: 3 confirmed
    sim.runFor(5_000);
    expect(stored.at(-1)?.failure).toBeUndefined();
    expect(equalBytes(blobNode(2).heldBlob(key)!, blob)).toBe(true);
    expect(handover(0, replicas)).toHaveLength(0);
  });

  it('keeps at most handoverTransfersMax pushes in flight and reaches every BLOB in turn', () => {
    const { sim, blobNode, handover } = setup(4, 2);
    const keys: Uint8Array[] = [];
    for (let b = 0; b < 3; b++) {
      const { key } = sim.command(1, (n, now) =>
        (n as DhtBlobNode).storeBlob(now, sim.endpoint(0), blobOf(70_000, 10 + b)),
      );
      keys.push(key);
      sim.runFor(2_000);
    }
    const replicas = () => [sim.endpoint(2), sim.endpoint(3)];
    const perCall: number[] = [];
    for (let round = 0; round < 4; round++) {
      perCall.push(handover(0, replicas).length);
      expect(blobNode(0).transferCount).toBeLessThanOrEqual(2);
      sim.runFor(5_000);
    }
    expect(perCall).toEqual([2, 2, 2, 0]);
    for (const key of keys) for (const i of [2, 3]) expect(blobNode(i).heldBlob(key)).toBeDefined();
  });

  it('two holders handing over at once send one copy: the later PUT hears busy, then DONE', () => {
    const { sim, stored, blobNode, handover } = setup(4);
    const blob = blobOf(200_000, 3); // 4 chunks
    let key: Uint8Array = new Uint8Array(0);
    for (const holder of [0, 1]) {
      key = sim.command(2, (n, now) =>
        (n as DhtBlobNode).storeBlob(now, sim.endpoint(holder), blob),
      ).key;
      sim.runFor(5_000);
    }
    stored.length = 0;
    const replicas = () => [sim.endpoint(3)];
    expect(handover(0, replicas)).toHaveLength(1);
    expect(handover(1, replicas)).toHaveLength(1);
    sim.runFor(5_000);
    // One copy travelled. Under seed 7 the PUTs overlap and the later one hears busy (without the
    // check both would send their 4 chunks); under a seed whose first copy lands before the
    // second PUT arrives, the second hears DONE.
    expect(blobNode(3).stats.chunksReceived).toBe(4);
    const busy = stored.filter((s) => s.failure === 'busy').map((s) => s.index);
    expect(stored.filter((s) => s.failure === undefined).length).toBe(2 - busy.length);
    if (SEED === 7) expect(busy).toHaveLength(1);
    expect(blobNode(3).stats.refused).toEqual(busy.length ? { busy: 1 } : {});
    const retried = [0, 1].map((i) => handover(i, replicas).length);
    expect(retried).toEqual([0, 1].map((i) => (busy.includes(i) ? 1 : 0)));
    sim.runFor(5_000);
    expect(stored.filter((s) => s.failure === undefined)).toHaveLength(2);
    expect(blobNode(3).stats.chunksReceived).toBe(4);
    expect(equalBytes(blobNode(3).heldBlob(key)!, blob)).toBe(true);
  });
});
