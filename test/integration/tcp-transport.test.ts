/**
 * The TCP connection transport on loopback: real sockets, no sleeps (every wait is for an event
 * the test expects). 1 MB in seeded random chunk sizes crosses whole and in order; a closed port
 * refuses; an abort resets the peer; a clean close closes it; an overflowing send is reset; and
 * an EchoNode runs through runConnectionNode on real timers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectionEndOf,
  createTcpTransport,
  type TcpTransport,
} from '../../src/adapters/node/index.js';
import { runConnectionNode } from '../../src/connection-adapter.js';
import type { ConnectionSink } from '../../src/connection-transport.js';
import { formatEndpoint } from '../../src/keys/endpoint.js';
import { realTimers } from '../../src/runtime.js';
import type { ConnectionEnd, ConnectionId } from '../../src/sans-io.js';
import { equalBytes } from '../../src/util/bytes.js';
import { seededRng } from '../../src/util/rng.js';
import { type EchoEvent, EchoNode, joinChunks } from '../unit/connection/echo-node.js';

const SEED = Number(process.env.PNRP_SEED ?? 3);

/** A sink that records everything and lets the test wait for a condition on the record. */
class Recorder implements ConnectionSink {
  readonly log: string[] = [];
  readonly chunks = new Map<ConnectionId, Uint8Array[]>();
  readonly counts = new Map<ConnectionId, number>();
  readonly ends = new Map<ConnectionId, ConnectionEnd>();
  private waiters: (() => void)[] = [];
  readonly connected = (id: ConnectionId) => this.note(`connected ${id}`);
  readonly accepted = (id: ConnectionId) => this.note(`accepted ${id}`);
  readonly received = (id: ConnectionId, bytes: Uint8Array) => {
    const list = this.chunks.get(id) ?? [];
    list.push(bytes.slice());
    this.chunks.set(id, list);
    this.counts.set(id, (this.counts.get(id) ?? 0) + bytes.length);
    this.note('');
  };
  readonly closed = (id: ConnectionId, end: ConnectionEnd) => {
    this.ends.set(id, end);
    this.note(`closed ${id} ${end}`);
  };
  bytes(id: ConnectionId): Uint8Array {
    return joinChunks(this.chunks.get(id) ?? []);
  }
  until(ok: () => boolean): Promise<void> {
    if (ok()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (ok()) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }
  private note(line: string): void {
    if (line) this.log.push(line);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

const open: TcpTransport[] = [];
async function transport(options = {}): Promise<TcpTransport> {
  const t = await createTcpTransport({ host: '127.0.0.1', ...options });
  open.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
});

describe('TCP connection transport (loopback)', () => {
  it('carries 1 MB in random chunk sizes whole and in order, both ways', async () => {
    const a = await transport();
    const b = await transport();
    const ra = new Recorder();
    const rb = new Recorder();
    a.attach(ra);
    b.attach(rb);
    expect(formatEndpoint(b.localEndpoint)).toBe(`127.0.0.1:${b.port}`);
    a.connect(1, b.localEndpoint);
    const rng = seededRng(`${SEED}/tcp`);
    const total = 1 << 20;
    const sent = rng.bytes(total);
    for (let at = 0; at < total; ) {
      const n = Math.min(total - at, 1 + rng.nextInt(20_000));
      a.send(1, sent.subarray(at, at + n)); // before `connected` too: queued behind the handshake
      at += n;
    }
    await rb.until(() => (rb.counts.get(-1) ?? 0) >= total);
    expect(equalBytes(rb.bytes(-1), sent)).toBe(true); // toEqual on 1 MB takes seconds
    b.send(-1, sent.subarray(0, 1000));
    await ra.until(() => (ra.counts.get(1) ?? 0) >= 1000);
    expect(ra.bytes(1)).toEqual(sent.subarray(0, 1000));
    expect(ra.log[0]).toBe('connected 1');
    expect(rb.log[0]).toBe('accepted -1');
    a.close(1);
    await rb.until(() => rb.ends.has(-1));
    expect(rb.ends.get(-1)).toBe('closed');
    expect(ra.ends.has(1)).toBe(false); // no report for the connection the node closed
    expect(a.stats).toMatchObject({ connectsSucceeded: 1, bytesSent: total, overflows: 0 });
    expect(b.stats).toMatchObject({ accepted: 1, bytesReceived: total });
  });

  it('a closed port refuses; an abort resets the peer; an overflow resets the connection', async () => {
    const a = await transport();
    const gone = await transport();
    const port = gone.port;
    await gone.shutdown();
    const ra = new Recorder();
    a.attach(ra);
    a.connect(1, { address: a.localEndpoint.address, port });
    await ra.until(() => ra.ends.has(1));
    expect(ra.ends.get(1)).toBe('refused');

    const b = await transport({ sendBufferMaxBytes: 64 * 1024 });
    const rb = new Recorder();
    b.attach(rb);
    a.connect(2, b.localEndpoint);
    a.connect(3, b.localEndpoint);
    await rb.until(() => rb.log.length === 2);
    b.close(-1, true);
    await ra.until(() => ra.ends.has(2));
    expect(ra.ends.get(2)).toBe('reset');
    await ra.until(() => ra.log.includes('connected 3'));
    b.send(-2, new Uint8Array(40_000));
    // Node's unsent queue is what is bounded (the kernel takes what it can at once): one write
    // larger than the bound overflows whatever the kernel accepted.
    b.send(-2, new Uint8Array(100_000));
    expect(rb.ends.get(-2)).toBe('error');
    expect(b.stats.overflows).toBe(1);
    await ra.until(() => ra.ends.has(3));
    // The RST discards what the kernel still held; Linux lets the peer read what had arrived
    // and then often reports a plain end, so the peer may see either.
    expect(['reset', 'closed']).toContain(ra.ends.get(3));
    expect(b.openCount).toBe(0);
  });

  it('maps socket errors to how a connection ended', () => {
    expect(connectionEndOf({ code: 'ECONNREFUSED' })).toBe('refused');
    expect(connectionEndOf({ code: 'ECONNRESET' })).toBe('reset');
    expect(connectionEndOf({ code: 'EHOSTUNREACH' })).toBe('unreachable');
    expect(connectionEndOf({ code: 'ETIMEDOUT' })).toBe('unreachable');
    expect(connectionEndOf(new Error('x'))).toBe('error');
  });

  it('runs EchoNodes through runConnectionNode on real timers', async () => {
    const a = await transport();
    const b = await transport();
    const events: EchoEvent[] = [];
    let wake: () => void = () => {};
    const ra = runConnectionNode(new EchoNode(), a, realTimers(), {
      onEvent: (e) => {
        events.push(e);
        wake();
      },
    });
    const rb = runConnectionNode(new EchoNode(), b, realTimers());
    const payload = seededRng(`${SEED}/echo`).bytes(100_000);
    ra.command((n, now) => n.write(n.dial(now, b.localEndpoint), payload));
    const echoed = () =>
      joinChunks(events.flatMap((e) => (e.type === 'received' ? [e.bytes] : [])));
    const count = () =>
      events.reduce((n, e) => n + (e.type === 'received' ? e.bytes.length : 0), 0);
    while (count() < payload.length) await new Promise<void>((r) => (wake = r));
    expect(equalBytes(echoed(), payload)).toBe(true);
    expect(rb.node.echoed).toBe(payload.length);
    ra.stop();
    rb.stop();
  });

  it('rejects bad options before binding', async () => {
    await expect(createTcpTransport({ port: 80 })).rejects.toThrow(RangeError);
    await expect(createTcpTransport({ host: 'localhost' })).rejects.toThrow(RangeError);
    await expect(createTcpTransport({ connectTimeoutMs: 0 })).rejects.toThrow(RangeError);
  });
});
