/**
 * runConnectionNode() over the in-memory connection hub: toy EchoNodes through the canonical
 * loop with a manual clock (no sleeps), plus fake transports that misbehave on purpose.
 */
import { setImmediate as macrotask } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runConnectionNode } from '../../../src/connection-adapter.js';
import {
  type ConnectionSink,
  type ConnectionTransport,
  newConnectionTransportStats,
} from '../../../src/connection-transport.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { endpointsEqual } from '../../../src/keys/endpoint.js';
import { createMemoryConnections } from '../../../src/memory-connections.js';
import { createMemoryNetwork } from '../../../src/memory-network.js';
import { ManualTimers } from '../transport/manual-timers.js';
import { type EchoEvent, EchoNode, joinChunks } from './echo-node.js';

function pairOf(options: Parameters<typeof createMemoryConnections>[0] = {}) {
  const hub = createMemoryConnections(options);
  const timers = new ManualTimers();
  const ta = hub.createTransport();
  const tb = hub.createTransport();
  const eventsA: EchoEvent[] = [];
  const eventsB: EchoEvent[] = [];
  const a = runConnectionNode(new EchoNode(), ta, timers, { onEvent: (e) => eventsA.push(e) });
  const b = runConnectionNode(new EchoNode(), tb, timers, { onEvent: (e) => eventsB.push(e) });
  return { hub, timers, ta, tb, a, b, eventsA, eventsB };
}

const bytes = (...v: number[]) => new Uint8Array(v);

describe('runConnectionNode over memory connections', () => {
  it('echoes bytes in order and closes on the node timer without a closed report to the closer', async () => {
    const { timers, ta, tb, a, b, eventsA, eventsB } = pairOf();
    const conn = a.command((n, now) => {
      const c = n.dial(now, tb.localEndpoint);
      n.write(c, bytes(1, 2));
      n.write(c, bytes(3));
      n.closeAtTime(c, 100);
      return c;
    });
    a.command((n) => n.write(conn, bytes(4, 5, 6)));
    await timers.advanceTo(50);
    expect(eventsA[0]).toEqual({ type: 'connected', conn: 1, atMs: 0 });
    const received = eventsA.filter((e) => e.type === 'received').map((e) => e.bytes);
    expect(joinChunks(received)).toEqual(bytes(1, 2, 3, 4, 5, 6));
    expect(eventsB.map((e) => e.type)).toEqual(['accepted']);
    const accepted = eventsB[0] as EchoEvent & { type: 'accepted' };
    expect(accepted.conn).toBe(-1);
    expect(endpointsEqual(accepted.from, ta.localEndpoint)).toBe(true);
    expect(b.node.echoed).toBe(6);
    await timers.advanceTo(200);
    expect(a.node.timeouts).toBe(1);
    expect(a.node.lastNowMs).toBe(100);
    expect(eventsB.at(-1)).toEqual({ type: 'closed', conn: -1, end: 'closed' });
    expect(eventsA.some((e) => e.type === 'closed')).toBe(false);
    expect(a.stats).toMatchObject({ connects: 1, closes: 1, bytesSent: 6, bytesReceived: 6 });
    expect(b.stats.ended.closed).toBe(1);
    expect(timers.armed.size).toBe(0);
  });

  it('numbers accepted connections -1, -2, ... and reports a refused connect', async () => {
    const { timers, tb, a, eventsA, eventsB } = pairOf();
    a.command((n, now) => {
      n.dial(now, tb.localEndpoint);
      n.dial(now, tb.localEndpoint);
      n.dial(now, { address: new Uint8Array(16).fill(0xfd), port: 3540 });
    });
    await timers.advanceTo(1);
    expect(eventsB.map((e) => e.type === 'accepted' && e.conn)).toEqual([-1, -2]);
    expect(eventsA).toContainEqual({ type: 'closed', conn: 3, end: 'refused' });
    expect(a.stats.connected).toBe(2);
  });

  it('aborts a connection whose unsent bytes exceed the bound: error here, reset there', async () => {
    const { hub, timers, ta, tb, a, eventsA, eventsB } = pairOf({ sendBufferMaxBytes: 8 });
    const c = a.command((n, now) => n.dial(now, tb.localEndpoint));
    await timers.advanceTo(1);
    eventsA.length = 0;
    a.command((n) => {
      n.write(c, new Uint8Array(5));
      n.write(c, new Uint8Array(4)); // 9 > 8 unsent: overflow inside send, during the drain
      n.write(c, new Uint8Array(1)); // the node has not heard yet: a stale call, ignored
    });
    // The overflow was reported inside `send`; the loop deferred it until the drain ended.
    expect(eventsA).toEqual([{ type: 'closed', conn: 1, end: 'error' }]);
    await timers.advanceTo(1);
    expect(ta.stats.overflows).toBe(1);
    expect(ta.stats.staleCalls).toBe(1);
    expect(eventsB.map((e) => e.type)).toEqual(['accepted', 'closed']);
    expect(eventsB[1]).toEqual({ type: 'closed', conn: -1, end: 'reset' });
    expect(hub.stats.chunksDropped).toBe(1);
    expect(a.stats.ended.error).toBe(1);
  });

  it('an abort resets the peer and drops chunks in flight; shutdown resets every peer', async () => {
    const { timers, tb, ta, a, eventsB, eventsA } = pairOf();
    const c = a.command((n, now) => {
      n.dial(now, { address: tb.localEndpoint.address, port: 3540 }); // aborted before it is up:
      n.close(1, true); // nothing reaches the peer
      n.dial(now, tb.localEndpoint);
      return n.dial(now, tb.localEndpoint);
    });
    await timers.advanceTo(1);
    expect(eventsB.map((e) => e.type)).toEqual(['accepted', 'accepted']);
    a.command((n) => {
      n.write(c, bytes(9));
      n.close(c, true);
    });
    await timers.advanceTo(2);
    expect(eventsB).toContainEqual({ type: 'closed', conn: -2, end: 'reset' });
    await tb.shutdown();
    await timers.advanceTo(3);
    expect(eventsA).toContainEqual({ type: 'closed', conn: 2, end: 'reset' });
    expect(eventsA.filter((e) => e.type === 'closed')).toHaveLength(1);
    expect(eventsA.filter((e) => e.type === 'received')).toEqual([]);
    expect(() => tb.connect(5, ta.localEndpoint)).toThrow();
  });

  it('keeps running when a listener throws, and counts it', async () => {
    const hub = createMemoryConnections();
    const timers = new ManualTimers();
    const tb = hub.createTransport();
    runConnectionNode(new EchoNode(), tb, timers);
    const errors: unknown[] = [];
    const seen: string[] = [];
    const a = runConnectionNode(new EchoNode(), hub.createTransport(), timers, {
      onEvent: (e) => {
        seen.push(e.type);
        throw new Error(`listener fails on ${e.type}`);
      },
      onListenerError: (error) => errors.push(error),
    });
    a.command((n, now) => n.write(n.dial(now, tb.localEndpoint), bytes(7, 7)));
    await timers.advanceTo(1);
    expect(seen).toEqual(['connected', 'received']);
    expect(a.stats.listenerErrors).toBe(2);
    expect(errors).toHaveLength(2);
  });

  it('a transport that throws costs the node that connection, never the loop', async () => {
    let sink: ConnectionSink | undefined;
    const calls: string[] = [];
    const transport: ConnectionTransport = {
      localEndpoint: { address: new Uint8Array(16), port: 4000 },
      stats: newConnectionTransportStats(),
      attach: (s) => {
        sink = s;
      },
      connect: (id) => {
        calls.push(`connect ${id}`);
      },
      send: (id) => {
        calls.push(`send ${id}`);
        throw new Error('socket gone');
      },
      close: (id, abort) => {
        calls.push(`close ${id} ${abort}`);
      },
      shutdown: () => Promise.resolve(),
    };
    const events: EchoEvent[] = [];
    const timers = new ManualTimers();
    const a = runConnectionNode(new EchoNode(), transport, timers, {
      onEvent: (e) => events.push(e),
    });
    a.command((n, now) => n.write(n.dial(now, transport.localEndpoint), bytes(1)));
    expect(calls).toEqual(['connect 1', 'send 1', 'close 1 true']);
    expect(events).toEqual([{ type: 'closed', conn: 1, end: 'error' }]);
    expect(a.stats.transportErrors).toBe(1);
    // Reports for the dead handle, an unknown one, or a non-negative accept are dropped.
    sink?.connected(1);
    sink?.received(1, bytes(1));
    sink?.closed(1, 'reset');
    sink?.received(-9, bytes(1));
    sink?.accepted(3, transport.localEndpoint);
    expect(a.stats.staleReports).toBe(5);
    expect(events).toHaveLength(1);
    a.stop();
    expect(() => a.command(() => 0)).toThrow();
    sink?.accepted(-1, transport.localEndpoint);
    expect(a.stats.accepted).toBe(0);
    await macrotask();
  });

  it('refuses connections beyond connectionsMax at the target', async () => {
    const { timers, tb, a, b, eventsA } = pairOf({ connectionsMax: 2 });
    a.command((n, now) => {
      for (let k = 0; k < 3; k++) n.dial(now, tb.localEndpoint);
    });
    await timers.advanceTo(1);
    expect(eventsA.map((e) => `${e.type} ${e.conn}`)).toEqual([
      'connected 1',
      'connected 2',
      'closed 3',
    ]);
    expect(eventsA[2]).toMatchObject({ end: 'refused' });
    expect(tb.stats.acceptsRefused).toBe(1);
    expect(b.stats.accepted).toBe(2);
  });

  it('routes transmits to the datagram transport and datagrams to handleDatagram', async () => {
    /** An EchoNode that also speaks datagrams: it answers each datagram with its length. */
    class HybridNode extends EchoNode {
      readonly datagrams: [Endpoint, number][] = [];
      private readonly out: { type: 'transmit'; to: Endpoint; payload: Uint8Array }[] = [];
      handleDatagram(_now: number, from: Endpoint, payload: Uint8Array): void {
        this.datagrams.push([from, payload.length]);
        if (payload.length > 1) this.out.push({ type: 'transmit', to: from, payload: bytes(1) });
      }
      ping(to: Endpoint): void {
        this.out.push({ type: 'transmit', to, payload: bytes(1, 2, 3) });
      }
      override poll() {
        return this.out.shift() ?? super.poll();
      }
    }
    const net = createMemoryNetwork();
    const hub = createMemoryConnections();
    const timers = new ManualTimers();
    const da = net.createTransport();
    const db = net.createTransport();
    const a = runConnectionNode(new HybridNode(), hub.createTransport(), timers, { datagrams: da });
    const b = runConnectionNode(new HybridNode(), hub.createTransport(), timers, { datagrams: db });
    a.command((n) => n.ping(db.localEndpoints()[0]!));
    await timers.advanceTo(1);
    expect(b.node.datagrams.map(([, n]) => n)).toEqual([3]);
    expect(a.node.datagrams.map(([, n]) => n)).toEqual([1]);
    expect(a.stats).toMatchObject({ datagramsSent: 1, datagramsReceived: 1, sendErrors: 0 });
    // Without a datagram transport a transmit is dropped and counted, never thrown.
    const lone = runConnectionNode(new HybridNode(), hub.createTransport(), timers);
    lone.command((n) => n.ping(db.localEndpoints()[0]!));
    expect(lone.stats.sendErrors).toBe(1);
  });
});
