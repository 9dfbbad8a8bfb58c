/**
 * DhtBlobNode on real TCP sockets over loopback: a 4 MiB BLOB goes from a writer to a holder
 * through runConnectionNode and comes back whole to a third node, verified against its key. No
 * sleeps: every wait is for the event the test expects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTcpTransport, type TcpTransport } from '../../src/adapters/node/index.js';
import { runConnectionNode } from '../../src/connection-adapter.js';
import { DhtBlobNode } from '../../src/dht/blob-node.js';
import type { BlobEvent } from '../../src/dht/blob-types.js';
import { realTimers } from '../../src/runtime.js';
import { equalBytes } from '../../src/util/bytes.js';
import { seededRng } from '../../src/util/rng.js';

const SEED = Number(process.env.PNRP_SEED ?? 3);

describe('DhtBlobNode over TCP loopback', () => {
  const transports: TcpTransport[] = [];
  const stops: (() => void)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await Promise.all(transports.splice(0).map((t) => t.shutdown()));
  });

  it('stores a 4 MiB BLOB on a holder and fetches it back whole on another node', async () => {
    const events: BlobEvent[] = [];
    let wake: () => void = () => {};
    const until = (ok: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (ok()) resolve();
          else wake = check;
        };
        check();
      });
    const run = async () => {
      const tcp = await createTcpTransport({ host: '127.0.0.1' });
      transports.push(tcp);
      const running = runConnectionNode(new DhtBlobNode(), tcp, realTimers(), {
        onEvent: (e) => {
          events.push(e);
          wake();
        },
      });
      stops.push(() => running.stop());
      return { tcp, running };
    };
    const writer = await run();
    const holder = await run();
    const reader = await run();
    const blob = seededRng(`${SEED}/blob`).bytes(4 * 1024 * 1024);
    const { key } = writer.running.command((n, now) =>
      n.storeBlob(now, holder.tcp.localEndpoint, blob),
    );
    await until(() => events.some((e) => e.type === 'blob-stored'));
    expect(events.find((e) => e.type === 'blob-stored')).toMatchObject({ failure: undefined });
    reader.running.command((n, now) => n.fetchBlob(now, holder.tcp.localEndpoint, key));
    await until(() => events.some((e) => e.type === 'blob-fetched'));
    const fetched = events.find((e) => e.type === 'blob-fetched');
    expect(fetched?.type === 'blob-fetched' && fetched.failure).toBeUndefined();
    const got = fetched?.type === 'blob-fetched' ? fetched.blob : undefined;
    expect(equalBytes(got ?? new Uint8Array(0), blob)).toBe(true);
    expect(holder.running.node.stats.chunksReceived).toBe(64);
  }, 30_000);
});
