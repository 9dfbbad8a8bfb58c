/**
 * DhtBlobNode (src/dht/blob-node.ts) over the simulator's connections: a 16 MiB BLOB is stored
 * on one node and fetched whole by another, verified against its key; a corrupted chunk, a BLOB
 * over the holder's size bound and a writer over its quota are refused with their reasons and
 * nothing is stored; a silent peer times out; hostile frames never throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOB_CHUNK_BYTES,
  BlobFrameReader,
  blobKeyOf,
  blobManifestOf,
  encodeBlobFrame,
} from '../../../src/dht/blob-codec.js';
import { DhtBlobNode } from '../../../src/dht/blob-node.js';
import { blobReplicaEndpoints } from '../../../src/dht/blob-replicas.js';
import type { BlobEvent, DhtBlobNodeOptions } from '../../../src/dht/blob-types.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { endpointKey } from '../../../src/keys/endpoint.js';
import { keyToBigInt, ringDistanceBig } from '../../../src/keys/key256.js';
import type { ConnectionNode } from '../../../src/sans-io.js';
import { ConnectionSimulation } from '../../../src/sim/connection-sim.js';
import { DhtCloud } from '../../../src/sim/dht-cloud.js';
import { equalBytes, toHex } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import { EchoNode } from '../connection/echo-node.js';

const SEED = Number(process.env.PNRP_SEED ?? 7);
const sha256 = nobleCrypto.sha256;

function blobOf(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  const rng = seededRng(seed);
  for (let at = 0; at < n; at += 1 << 20) out.set(rng.bytes(Math.min(1 << 20, n - at)), at);
  return out;
}

type AnyNode = ConnectionNode<unknown>;

function setup(holderOptions: DhtBlobNodeOptions = {}) {
  const sim = new ConnectionSimulation<AnyNode>({ seed: SEED });
  const events: { index: number; event: BlobEvent }[] = [];
  sim.onEvent((index, event) => events.push({ index, event: event as BlobEvent }));
  const writer = sim.addNode(() => new DhtBlobNode());
  const holder = sim.addNode(() => new DhtBlobNode(holderOptions));
  const reader = sim.addNode(() => new DhtBlobNode());
  const blobNode = (i: number) => sim.node(i) as DhtBlobNode;
  return { sim, events, writer, holder, reader, blobNode };
}

describe(`DhtBlobNode over simulated connections (seed ${SEED})`, () => {
  it('stores a 16 MiB BLOB on a holder and fetches it whole from another node', () => {
    const { sim, events, writer, holder, reader, blobNode } = setup();
    const blob = blobOf(16 * 1024 * 1024, SEED);
    const { opId, key } = sim.command(writer, (n, now) =>
      (n as DhtBlobNode).storeBlob(now, sim.endpoint(holder), blob),
    );
    sim.runFor(60_000);
    expect(events.find((e) => e.event.type === 'blob-stored')?.event).toEqual({
      type: 'blob-stored',
      opId,
      key,
      failure: undefined,
    });
    expect(events.some((e) => e.index === holder && e.event.type === 'blob-received')).toBe(true);
    // equalBytes, not toEqual: vitest's deep equality walks a 16 MiB array key by key.
    expect(equalBytes(blobNode(holder).heldBlob(key) ?? new Uint8Array(0), blob)).toBe(true);
    expect(blobNode(holder).bytesUsed).toBe(blob.length);
    expect(blobNode(holder).stats.chunksReceived).toBe(256);
    const fetchId = sim.command(reader, (n, now) =>
      (n as DhtBlobNode).fetchBlob(now, sim.endpoint(holder), key),
    );
    sim.runFor(60_000);
    const fetched = events.find((e) => e.event.type === 'blob-fetched')?.event;
    expect(fetched?.type === 'blob-fetched' && [fetched.opId, fetched.failure]).toEqual([
      fetchId,
      undefined,
    ]);
    const got = fetched?.type === 'blob-fetched' ? fetched.blob : undefined;
    expect(equalBytes(got ?? new Uint8Array(0), blob)).toBe(true);
    expect(blobNode(holder).stats.blobsServed).toBe(1);
    for (const i of [writer, holder, reader]) expect(blobNode(i).transferCount).toBe(0);
    expect(sim.stats.connections.overflows).toBe(0);
    // Storing the same BLOB again costs no chunks: the holder answers DONE at once.
    sim.command(writer, (n, now) => (n as DhtBlobNode).storeBlob(now, sim.endpoint(holder), blob));
    sim.runFor(10_000);
    expect(
      events.flatMap((e) => (e.event.type === 'blob-stored' ? [e.event.failure ?? 'ok'] : [])),
    ).toEqual(['ok', 'ok']);
    expect(blobNode(holder).stats.chunksReceived).toBe(256);
    expect(blobNode(holder).bytesUsed).toBe(blob.length);
  });

  it('refuses a BLOB over its size bound and a writer over its quota, storing nothing', () => {
    const { sim, events, writer, holder, blobNode } = setup({
      blobBytesMax: 1024 * 1024,
      bytesPerWriterMax: 1536 * 1024,
    });
    const store = (blob: Uint8Array) =>
      sim.command(writer, (n, now) =>
        (n as DhtBlobNode).storeBlob(now, sim.endpoint(holder), blob),
      );
    store(blobOf(2 * 1024 * 1024, 1));
    sim.runFor(10_000);
    store(blobOf(1024 * 1024, 2));
    sim.runFor(10_000);
    const third = store(blobOf(1024 * 1024, 3));
    sim.runFor(10_000);
    const outcomes = events.filter((e) => e.event.type === 'blob-stored').map((e) => e.event);
    expect(outcomes.map((e) => (e.type === 'blob-stored' ? e.failure : 'x'))).toEqual([
      'too-large',
      undefined,
      'writer-quota',
    ]);
    expect(blobNode(holder).heldBlob(third.key)).toBeUndefined();
    expect(blobNode(holder).blobCount).toBe(1);
    expect(blobNode(holder).bytesUsed).toBe(1024 * 1024);
    expect(blobNode(holder).stats.refused).toEqual({ 'too-large': 1, 'writer-quota': 1 });
  });

  it('refuses a corrupted chunk at once and gives the reservation back; a fetch of an unknown key is not-found', () => {
    const sim = new ConnectionSimulation<AnyNode>({ seed: SEED });
    const events: unknown[] = [];
    sim.onEvent((_i, e) => events.push(e));
    const liar = sim.addNode(() => new EchoNode());
    const holder = sim.addNode(() => new DhtBlobNode());
    const reader = sim.addNode(() => new DhtBlobNode());
    const blob = blobOf(5 * BLOB_CHUNK_BYTES, 4);
    const manifest = blobManifestOf(blob, sha256);
    const key = blobKeyOf(manifest, sha256);
    const conn = sim.command(liar, (n) => (n as EchoNode).dial(0, sim.endpoint(holder)));
    const bad = blob.slice(2 * BLOB_CHUNK_BYTES, 3 * BLOB_CHUNK_BYTES);
    bad[100]! ^= 1;
    const frames = [
      encodeBlobFrame({ type: 'put', manifest }),
      encodeBlobFrame({ type: 'chunk', index: 0, data: blob.subarray(0, BLOB_CHUNK_BYTES) }),
      encodeBlobFrame({
        type: 'chunk',
        index: 1,
        data: blob.subarray(BLOB_CHUNK_BYTES, 2 * BLOB_CHUNK_BYTES),
      }),
      encodeBlobFrame({ type: 'chunk', index: 2, data: bad }),
      encodeBlobFrame({
        type: 'chunk',
        index: 3,
        data: blob.subarray(3 * BLOB_CHUNK_BYTES, 4 * BLOB_CHUNK_BYTES),
      }),
    ];
    sim.command(liar, (n) => {
      for (const f of frames) (n as EchoNode).write(conn, f);
    });
    sim.runFor(10_000);
    const h = sim.node(holder) as DhtBlobNode;
    expect(h.stats.refused).toEqual({ 'bad-hash': 1 });
    expect(h.stats.chunksReceived).toBe(2);
    expect(h.heldBlob(key)).toBeUndefined();
    expect(h.bytesUsed).toBe(0);
    expect(h.transferCount).toBe(0);
    // The liar heard ACCEPT, two ACKs, then REFUSE bad-hash (index 3 of BLOB_REFUSALS).
    const heard = events
      .filter(
        (e): e is { type: 'received'; bytes: Uint8Array } =>
          (e as { type: string }).type === 'received',
      )
      .map((e) => e.bytes);
    const reader2 = new BlobFrameReader();
    const got = heard.flatMap((b) => {
      const r = reader2.push(b);
      return r.ok ? r.value : [];
    });
    expect(got).toEqual([
      { type: 'accept' },
      { type: 'ack', index: 0 },
      { type: 'ack', index: 1 },
      { type: 'refuse', reason: 'bad-hash' },
    ]);
    sim.command(reader, (n, now) => (n as DhtBlobNode).fetchBlob(now, sim.endpoint(holder), key));
    sim.runFor(10_000);
    expect(events.at(-1)).toMatchObject({
      type: 'blob-fetched',
      failure: 'not-found',
      blob: undefined,
    });
  });

  it('aborts a transfer whose writer goes silent, by nowMs, and frees its reservation', () => {
    const sim = new ConnectionSimulation<AnyNode>({ seed: SEED });
    const liar = sim.addNode(() => new EchoNode());
    const holder = sim.addNode(() => new DhtBlobNode({ idleTimeoutMs: 5_000 }));
    const blob = blobOf(3 * BLOB_CHUNK_BYTES, 5);
    const conn = sim.command(liar, (n) => (n as EchoNode).dial(0, sim.endpoint(holder)));
    sim.command(liar, (n) =>
      (n as EchoNode).write(
        conn,
        encodeBlobFrame({ type: 'put', manifest: blobManifestOf(blob, sha256) }),
      ),
    );
    sim.runFor(1_000);
    const h = sim.node(holder) as DhtBlobNode;
    expect(h.bytesUsed).toBe(blob.length);
    sim.runFor(6_000);
    expect(h.bytesUsed).toBe(0);
    expect(h.transferCount).toBe(0);
    expect(h.stats.refused).toEqual({ timeout: 1 });
  });
});

describe(`BLOB replication (seed ${SEED})`, () => {
  it('a holder pushes a BLOB to its replicas; after the holder crashes a reader fetches it from a replica', () => {
    const sim = new ConnectionSimulation<AnyNode>({ seed: SEED });
    const events: { index: number; event: BlobEvent }[] = [];
    sim.onEvent((index, event) => events.push({ index, event: event as BlobEvent }));
    const nodes = [0, 1, 2, 3, 4].map(() => sim.addNode(() => new DhtBlobNode()));
    const [writer, holder, r1, r2, reader] = nodes as [number, number, number, number, number];
    const blob = blobOf(2 * 1024 * 1024, 9);
    const { key } = sim.command(writer, (n, now) =>
      (n as DhtBlobNode).storeBlob(now, sim.endpoint(holder), blob),
    );
    sim.runFor(10_000);
    const ids = sim.command(holder, (n, now) =>
      (n as DhtBlobNode).replicateBlob(now, key, [sim.endpoint(r1), sim.endpoint(r2)]),
    );
    expect(ids).toHaveLength(2);
    sim.runFor(10_000);
    const stored = events.filter((e) => e.event.type === 'blob-stored');
    expect(stored.map((e) => [e.index, e.event.type === 'blob-stored' && e.event.failure])).toEqual(
      [
        [writer, undefined],
        [holder, undefined],
        [holder, undefined],
      ],
    );
    for (const i of [r1, r2])
      expect(
        equalBytes((sim.node(i) as DhtBlobNode).heldBlob(key) ?? new Uint8Array(0), blob),
      ).toBe(true);
    sim.crash(holder);
    sim.command(reader, (n, now) => (n as DhtBlobNode).fetchBlob(now, sim.endpoint(holder), key));
    sim.runFor(20_000);
    sim.command(reader, (n, now) => (n as DhtBlobNode).fetchBlob(now, sim.endpoint(r2), key));
    sim.runFor(20_000);
    const fetched = events.flatMap((e) => (e.event.type === 'blob-fetched' ? [e.event] : []));
    expect(fetched.map((f) => f.failure)).toEqual(['unreachable', undefined]);
    expect(equalBytes(fetched[1]?.blob ?? new Uint8Array(0), blob)).toBe(true);
  });

  it("blobReplicaEndpoints() names the other members of the key's replica set in a DhtNode's view", () => {
    const cloud = new DhtCloud({ seed: SEED, settleMs: 5_000 });
    cloud.buildWarm(24);
    const key = sha256(Uint8Array.of(1, 2, 3));
    const ranked = cloud
      .live()
      .map((m) => ({ m, d: ringDistanceBig(keyToBigInt(m.key), keyToBigInt(key)) }))
      .sort((a, b) => (a.d < b.d ? -1 : 1))
      .map((x) => x.m);
    const owner = ranked[0]!;
    const endpoints = blobReplicaEndpoints(owner.node, key);
    expect(endpoints.map((e) => endpointKey(e))).toEqual(
      ranked.slice(1, 5).map((m) => endpointKey(m.node.options.localEndpoints[0]!)),
    );
  });
});

describe('BLOB frames', () => {
  it('blobKeyOf() matches a key computed independently (Python hashlib) for a 70,144-byte BLOB', () => {
    // python3: blob = bytes(range(256)) * 274; chunks of 65,536; manifest = u64 size, u32 65536,
    // SHA-256 of each chunk; key = sha256(b'pnrp-dht-blob-1' + manifest)
    const blob = new Uint8Array(70_144).map((_, i) => i % 256);
    const manifest = blobManifestOf(blob, sha256);
    expect(manifest.chunkHashes).toHaveLength(2);
    expect(toHex(blobKeyOf(manifest, sha256))).toBe(
      '8e6b12bae0f687ce2e1a78fe0588621c8df725950ec55577cfda79bca2ec795e',
    );
  });

  it('random and hostile stream bytes never throw and never buffer more than one frame', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 }),
        fc.integer({ min: 8, max: 200 }),
        (chunks, frameMax) => {
          const reader = new BlobFrameReader(frameMax);
          for (const c of chunks) {
            const r = reader.push(c);
            if (!r.ok) return;
            expect(reader.bufferedBytes).toBeLessThanOrEqual(frameMax + 4);
          }
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('a holder fed random frames never throws and stores nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (chunks) => {
        const node = new DhtBlobNode();
        node.handleAccepted(0, -1, { address: new Uint8Array(16), port: 1 });
        for (const c of chunks) {
          node.handleReceived(1, -1, c);
          for (let o = node.poll(); o.type !== 'timeout'; o = node.poll());
        }
        expect(node.blobCount).toBe(0);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
