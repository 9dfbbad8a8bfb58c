/**
 * runNode() and the memory network: real DrtNodes run through the canonical loop with a
 * hand-written manual clock (no fake-timer library, no sleeps), so every arm and cancel of the
 * node's single timer is recorded and checked.
 */
import { setImmediate as macrotask } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { staticBootstrap } from '../../../src/drt/bootstrap-provider.js';
import type { NodeEvent, SearchResult } from '../../../src/drt/events.js';
import { DrtNode } from '../../../src/drt/node.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { createMemoryNetwork } from '../../../src/memory-network.js';
import { realTimers } from '../../../src/runtime.js';
import {
  type DatagramTransport,
  type RunningNode,
  runNode,
  type Timers,
} from '../../../src/transport-adapter.js';
import { equalBytes } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import { ManualTimers } from './manual-timers.js';

const SEED = Number(process.env.PNRP_SEED ?? 11);

interface Member {
  readonly running: RunningNode<DrtNode>;
  readonly key: Uint8Array;
  readonly endpoint: Endpoint;
  readonly results: Map<number, SearchResult[]>;
  readonly done: Map<number, NodeEvent & { type: 'search-done' }>;
}

function startMember(
  transport: DatagramTransport,
  timers: Timers,
  seeds: readonly Endpoint[],
  index: number,
): Member {
  const rng = seededRng(`${SEED}/${index}`);
  const key = rng.bytes(32);
  const results = new Map<number, SearchResult[]>();
  const done = new Map<number, NodeEvent & { type: 'search-done' }>();
  const node = new DrtNode({
    rng,
    localEndpoints: transport.localEndpoints(),
    bootstrap: staticBootstrap(seeds),
  });
  const running = runNode(node, transport, timers, {
    onEvent: (e) => {
      if (e.type === 'search-result') {
        const list = results.get(e.result.searchId) ?? [];
        list.push(e.result);
        results.set(e.result.searchId, list);
      } else if (e.type === 'search-done') done.set(e.searchId, e);
    },
  });
  running.command((n, now) => {
    n.registerKey(now, key);
    n.start(now);
  });
  return { running, key, endpoint: transport.localEndpoints()[0]!, results, done };
}

describe(`runNode over the memory network (seed ${SEED})`, () => {
  it('a few DrtNodes join through runNode and find every other node by key', async () => {
    const net = createMemoryNetwork();
    const timers = new ManualTimers();
    const members: Member[] = [];
    for (let i = 0; i < 6; i++) {
      const seeds = members.slice(0, 2).map((m) => m.endpoint);
      members.push(startMember(net.createTransport(), timers, seeds, i));
      await timers.advanceTo(timers.now + 500);
    }
    await timers.advanceTo(timers.now + 30_000);
    expect(members.map((m) => m.running.node.status)).toEqual(Array(6).fill('active'));

    const searches: { from: Member; id: number; target: Uint8Array }[] = [];
    for (const from of members)
      for (const to of members)
        if (to !== from)
          searches.push({
            from,
            target: to.key,
            id: from.running.command((n, now) => n.search(now, to.key)),
          });
    await timers.advanceTo(timers.now + 10_000);
    for (const s of searches) {
      expect(s.from.done.get(s.id)?.failure).toBeUndefined();
      expect(s.from.results.get(s.id)?.some((r) => equalBytes(r.key, s.target))).toBe(true);
    }
    expect(members.every((m) => m.running.stats.sendErrors === 0)).toBe(true);
    expect(net.stats.delivered).toBeGreaterThan(0);
    // One node, one timer: a drain re-arms by cancelling first.
    expect(timers.maxArmedAtOnce).toBeLessThanOrEqual(members.length);

    for (const m of members) m.running.stop();
    expect(timers.armed.size).toBe(0);
  });

  it('stop() cancels the armed timer, detaches from the transport and refuses commands', async () => {
    const net = createMemoryNetwork();
    const timers = new ManualTimers();
    const a = startMember(net.createTransport(), timers, [], 0);
    const bTransport = net.createTransport();
    const b = startMember(bTransport, timers, [a.endpoint], 1);
    await timers.advanceTo(5_000);
    expect(timers.armed.size).toBe(2); // maintenance at least
    const cancelsBefore = timers.cancels;
    b.running.stop();
    expect(b.running.stopped).toBe(true);
    expect(timers.armed.size).toBe(1);
    expect(timers.cancels).toBe(cancelsBefore + 1);
    b.running.stop(); // idempotent
    expect(timers.cancels).toBe(cancelsBefore + 1);
    expect(() => b.running.command((n) => n.status)).toThrow(Error);

    // Datagrams to b now find no sink; a's searches for b's key keep a's timer busy, not b's.
    const received = b.running.stats.datagramsReceived;
    a.running.command((n, now) => n.search(now, b.key));
    await timers.advanceTo(timers.now + 60_000);
    expect(b.running.stats.datagramsReceived).toBe(received);
    expect(net.stats.undeliverable).toBeGreaterThan(0);
    a.running.stop();
    expect(timers.armed.size).toBe(0);
    await bTransport.close();
  });

  it('a send that throws or fails later is counted in stats.sendErrors, never thrown into the core', () => {
    const timers = new ManualTimers();
    let sink: Parameters<DatagramTransport['attach']>[0];
    const self = createMemoryNetwork().createTransport().localEndpoints();
    const failing: DatagramTransport = {
      send: () => {
        throw new Error('network is down');
      },
      attach: (s) => {
        sink = s;
      },
      localEndpoints: () => self,
      close: () => Promise.resolve(),
    };
    const peer = { address: new Uint8Array(16).fill(1), port: 4000 };
    const node = new DrtNode({
      rng: seededRng(SEED),
      localEndpoints: self,
      bootstrap: staticBootstrap([peer]),
    });
    const running = runNode(node, failing, timers);
    running.command((n, now) => n.start(now));
    expect(running.stats.datagramsSent).toBe(1); // the SOLICIT
    expect(running.stats.sendErrors).toBe(1);
    sink?.sendError(peer, new Error('EHOSTUNREACH'));
    expect(running.stats.sendErrors).toBe(2);
    running.stop();
    expect(sink).toBeUndefined();
    expect(timers.armed.size).toBe(0);
  });

  it('a throwing onEvent listener is counted and reported, and the loop carries on', () => {
    const timers = new ManualTimers();
    const transport = createMemoryNetwork().createTransport();
    const errors: unknown[] = [];
    const seen: string[] = [];
    const node = new DrtNode({ rng: seededRng(SEED), localEndpoints: transport.localEndpoints() });
    const running = runNode(node, transport, timers, {
      onEvent: (e) => {
        seen.push(e.type);
        throw new Error(`listener fails on ${e.type}`);
      },
      onListenerError: (e) => errors.push(e),
    });
    running.command((n, now) => n.search(now, new Uint8Array(32))); // ends at once: 'alone'
    expect(seen).toEqual(['search-done']);
    expect(running.stats.listenerErrors).toBe(1);
    expect(errors).toHaveLength(1);
    expect(timers.armed.size).toBe(1); // the drain still reached the timeout and armed it
    running.stop();
  });

  it('the memory network delivers asynchronously, copies payloads and counts the undeliverable', async () => {
    const net = createMemoryNetwork({ port: 5000 });
    const a = net.createTransport();
    const b = net.createTransport();
    const got: { from: Endpoint; payload: Uint8Array }[] = [];
    b.attach({ datagram: (from, payload) => got.push({ from, payload }), sendError: () => {} });
    const payload = new Uint8Array([1, 2, 3]);
    const bEp = b.localEndpoints()[0]!;
    a.send(bEp, payload);
    payload[0] = 9;
    expect(got).toHaveLength(0);
    await macrotask();
    expect(got).toHaveLength(1);
    expect([...got[0]!.payload]).toEqual([1, 2, 3]);
    expect(equalBytes(got[0]!.from.address, a.localEndpoints()[0]!.address)).toBe(true);
    expect(bEp.port).toBe(5000);
    await b.close();
    a.send(bEp, payload);
    await macrotask();
    expect(net.stats).toEqual({ delivered: 1, undeliverable: 1 });
    await a.close();
    expect(() => a.send(bEp, payload)).toThrow(Error);
    expect(() => createMemoryNetwork({ port: 80 })).toThrow(RangeError);
  });

  it('realTimers() fires an armed timer and a cancelled one never', async () => {
    const timers = realTimers();
    const t0 = timers.nowMs();
    const fired: string[] = [];
    const cancelled = timers.arm(t0 + 1, () => fired.push('cancelled'));
    cancelled.cancel();
    await new Promise<void>((resolve) =>
      timers.arm(t0 + 5, () => {
        fired.push('armed');
        resolve();
      }),
    );
    expect(fired).toEqual(['armed']);
    expect(timers.nowMs()).toBeGreaterThanOrEqual(t0 + 4);
    cancelled.cancel(); // harmless after cancel
  });

  it('a listener may issue commands or stop the node from inside a drain', () => {
    const timers = new ManualTimers();
    const transport = createMemoryNetwork().createTransport();
    const node = new DrtNode({ rng: seededRng(SEED), localEndpoints: transport.localEndpoints() });
    const done: number[] = [];
    const running: RunningNode<DrtNode> = runNode(node, transport, timers, {
      onEvent: (e) => {
        if (e.type !== 'search-done') return;
        done.push(e.searchId);
        // Re-entrant: a second search from inside the first one's completion, then a stop.
        if (done.length === 1) running.command((n, now) => n.search(now, new Uint8Array(32)));
        else running.stop();
      },
    });
    running.command((n, now) => n.search(now, new Uint8Array(32).fill(1)));
    expect(done).toHaveLength(2);
    expect(running.stopped).toBe(true);
    expect(timers.armed.size).toBe(0); // the outer drain did not re-arm after the stop
  });
});
