/**
 * DHT transfer costs (issue 15 Build 3): (1) fragmented values: datagrams and bytes on the wire
 * for one STORE of values from 1 kB to 64 kB (dht/fragments.ts); (2) BLOBs over the simulator's
 * connections (dht/blob-node.ts): a store then a fetch of 1, 4 and 16 MiB between two nodes:
 * virtual time, wall time, segments and the bytes carried beyond the BLOB itself (manifest,
 * frames, ACKs). The simulator models no bandwidth: virtual time is round trips (one per 8 chunks).
 * Run: `npx tsx bench/run.ts dht-blob`. Measures only; never asserts.
 */

import { DhtBlobNode } from '../src/dht/blob-node.js';
import type { BlobEvent } from '../src/dht/blob-types.js';
import { encodeDhtMessage } from '../src/dht/codec.js';
import { fragmentMessage, needsFragments } from '../src/dht/fragments.js';
import { immutableRecord } from '../src/dht/record.js';
import { nobleCrypto } from '../src/keys/crypto-backend.js';
import { ConnectionSimulation } from '../src/sim/connection-sim.js';
import { seededRng } from '../src/util/rng.js';
import { printTable } from './table.js';

const seed = Number(process.env.PNRP_SEED ?? 1);

const fragmentRows = [1000, 1001, 4000, 16_000, 40_000, 65_000].map((size) => {
  const record = immutableRecord(seededRng(size).bytes(size), nobleCrypto);
  const message = { type: 'store', requestId: 1, ttlSeconds: 3600, record } as const;
  const payload = encodeDhtMessage(message);
  const datagrams = needsFragments(message) ? fragmentMessage(1, payload) : [payload];
  const bytes = datagrams.reduce((n, d) => n + d.length, 0);
  return [size, datagrams.length, bytes, bytes / size];
});
printTable(
  'one STORE of a value, in datagrams',
  ['value bytes', 'datagrams', 'wire bytes', 'wire / value'],
  fragmentRows,
);

const blobRows = [1, 4, 16].map((mib) => {
  const sim = new ConnectionSimulation<DhtBlobNode>({ seed });
  const events: BlobEvent[] = [];
  sim.onEvent((_i, e) => events.push(e as BlobEvent));
  const writer = sim.addNode(() => new DhtBlobNode());
  const holder = sim.addNode(() => new DhtBlobNode());
  const blob = seededRng(`${seed}/${mib}`).bytes(mib * 1024 * 1024);
  const wall = performance.now();
  const t0 = sim.nowMs;
  const { key } = sim.command(writer, (n, now) => n.storeBlob(now, sim.endpoint(holder), blob));
  while (!events.some((e) => e.type === 'blob-stored')) sim.runFor(100);
  const storeMs = sim.nowMs - t0;
  const t1 = sim.nowMs;
  sim.command(writer, (n, now) => n.fetchBlob(now, sim.endpoint(holder), key));
  while (!events.some((e) => e.type === 'blob-fetched')) sim.runFor(100);
  const fetchMs = sim.nowMs - t1;
  const s = sim.stats.connections;
  const overhead = s.bytesSent - 2 * blob.length;
  return [mib, storeMs, fetchMs, (performance.now() - wall) / 1000, s.segmentsSent, overhead];
});
printTable(
  `BLOB store + fetch over simulated connections (seed ${seed}; virtual ms to within 100 ms)`,
  ['MiB', 'store ms', 'fetch ms', 'wall s', 'segments', 'bytes beyond 2x BLOB'],
  blobRows,
);
