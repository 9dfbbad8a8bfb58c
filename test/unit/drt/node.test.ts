/**
 * DrtNode as a state machine, driven by hand (no simulator): the sans-I/O contract of docs/design.md
 * §2, hostile input, option validation and the command errors.
 */
import { describe, expect, it } from 'vitest';
import { staticBootstrap } from '../../../src/drt/bootstrap-provider.js';
import type { NodeEvent } from '../../../src/drt/events.js';
import { DrtNode } from '../../../src/drt/node.js';
import { nullSecurityProvider } from '../../../src/drt/security-provider.js';
import { type Endpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { keyFromBigInt } from '../../../src/keys/key256.js';
import type { Output } from '../../../src/sans-io.js';
import { seededRng } from '../../../src/util/rng.js';
import { decodeMessage, encodeMessage } from '../../../src/wire/index.js';

const A = parseEndpoint('[2001:db8::a]:3540');
const B = parseEndpoint('[2001:db8::b]:3540');

function node(self: Endpoint, bootstrap: Endpoint[] = [], seed = 1): DrtNode {
  return new DrtNode({
    rng: seededRng(seed),
    localEndpoints: [self],
    bootstrap: staticBootstrap(bootstrap),
  });
}

function drain(n: DrtNode): Output<NodeEvent>[] {
  const out: Output<NodeEvent>[] = [];
  for (;;) {
    const o = n.poll();
    out.push(o);
    if (o.type === 'timeout') return out;
  }
}

/** Delivers every transmit between two nodes until both are quiet or `untilMs` passes. */
function exchange(nodes: Map<string, DrtNode>, startMs: number, untilMs: number): NodeEvent[] {
  const events: NodeEvent[] = [];
  const queue: { at: number; to: Endpoint; from: Endpoint; payload: Uint8Array }[] = [];
  const timers = new Map<string, number>();
  const flush = (self: Endpoint, n: DrtNode, now: number) => {
    for (const o of drain(n)) {
      if (o.type === 'transmit')
        queue.push({ at: now + 10, to: o.to, from: self, payload: o.payload });
      else if (o.type === 'event') events.push(o.event);
      else timers.set(key(self), o.atMs);
    }
  };
  const key = (ep: Endpoint) => `${ep.port}:${ep.address.join('.')}`;
  const byKey = new Map([...nodes.values()].map((n) => [key(endpointOf(n)), n]));
  for (const n of nodes.values()) flush(endpointOf(n), n, startMs);
  let now = startMs;
  while (now < untilMs) {
    queue.sort((x, y) => x.at - y.at);
    const nextTimer = Math.min(...timers.values());
    const nextMsg = queue[0]?.at ?? Number.POSITIVE_INFINITY;
    now = Math.min(nextTimer, nextMsg);
    if (now >= untilMs || now === Number.POSITIVE_INFINITY) break;
    if (nextMsg <= nextTimer) {
      const m = queue.shift()!;
      const target = byKey.get(key(m.to));
      if (!target) continue;
      target.handleDatagram(now, m.from, m.payload);
      flush(m.to, target, now);
    } else {
      for (const [k, at] of timers) {
        if (at <= now) {
          const n = byKey.get(k)!;
          n.handleTimeout(now);
          flush(endpointOf(n), n, now);
        }
      }
    }
  }
  return events;
}

const endpoints = new WeakMap<DrtNode, Endpoint>();
function endpointOf(n: DrtNode): Endpoint {
  return endpoints.get(n)!;
}
function make(self: Endpoint, bootstrap: Endpoint[] = [], seed = 1): DrtNode {
  const n = node(self, bootstrap, seed);
  endpoints.set(n, self);
  return n;
}

describe('DrtNode', () => {
  it('poll() ends every drain with a timeout and arms the first maintenance within 7.5..15 s', () => {
    const n = make(A);
    n.registerKey(0, keyFromBigInt(1n));
    const outs = drain(n);
    const last = outs[outs.length - 1]!;
    expect(last.type).toBe('timeout');
    const at = (last as { atMs: number }).atMs;
    expect(at).toBeGreaterThanOrEqual(7_500);
    expect(at).toBeLessThanOrEqual(15_000);
    expect(n.poll()).toEqual({ type: 'timeout', atMs: at });
    // Same seed, same first tick.
    const twin = make(A);
    twin.registerKey(0, keyFromBigInt(1n));
    expect(drain(twin).pop()).toEqual(last);
  });

  it('refuses time going backwards and a registered key twice', () => {
    const n = make(A);
    n.registerKey(100, keyFromBigInt(5n));
    expect(() => n.handleTimeout(99)).toThrow(RangeError);
    expect(() => n.registerKey(100, keyFromBigInt(5n))).toThrow(/already registered/);
    expect(() => n.unregisterKey(100, keyFromBigInt(6n))).toThrow(/not registered/);
    expect(() => n.registerKey(100, new Uint8Array(31))).toThrow(RangeError);
  });

  it('validates its options once, with clear errors', () => {
    const rng = seededRng(1);
    expect(() => new DrtNode({ rng, localEndpoints: [] })).toThrow(/1\.\.4 endpoints/);
    expect(() => new DrtNode({ rng, localEndpoints: [{ ...A, port: 1024 }] })).toThrow(/> 1024/);
    expect(() => new DrtNode({ rng, localEndpoints: [A, { ...B, port: 4000 }] })).toThrow(
      /share one port/,
    );
    expect(() => new DrtNode({ rng, localEndpoints: [A], leafSetSide: 0 })).toThrow(RangeError);
    expect(() => new DrtNode({ rng: {} as never, localEndpoints: [A] })).toThrow(TypeError);
  });

  it('drops hostile datagrams by reason and never throws', () => {
    const n = make(A);
    n.handleDatagram(0, B, new Uint8Array([1, 2, 3]));
    n.handleDatagram(0, { ...B, port: 80 }, new Uint8Array(40));
    const lookup = encodeMessage({
      type: 'ack',
      messageId: 1,
      version: { major: 4, minor: 0 },
      ackedMessageId: 2,
      notRegistered: false,
    });
    n.handleDatagram(0, B, lookup);
    for (let i = 0; i < 500; i++) {
      const junk = seededRng(i).bytes(1 + (i % 90));
      n.handleDatagram(1, B, junk);
    }
    expect(n.stats.dropped['reserved-port']).toBe(1);
    expect(n.stats.dropped['version-mismatch']).toBe(1);
    expect(n.stats.datagramsReceived).toBe(503);
    expect(Object.values(n.stats.dropped).reduce((a, b) => a + b, 0)).toBe(503);
    expect(n.status).not.toBe('faulted');
  });

  it('a spurious handleTimeout does nothing', () => {
    const n = make(A);
    n.registerKey(0, keyFromBigInt(9n));
    const armed = drain(n).pop();
    n.handleTimeout(10);
    expect(drain(n)).toEqual([armed]);
  });

  it('a node with no bootstrap reports alone, and a search from an empty cache ends at once', () => {
    const n = make(A);
    n.start(0);
    const events = drain(n).flatMap((o) => (o.type === 'event' ? [o.event] : []));
    expect(events).toEqual([{ type: 'status-changed', status: 'alone', bootstrapEndpoints: [] }]);
    const id = n.search(0, keyFromBigInt(3n));
    const done = drain(n).flatMap((o) => (o.type === 'event' ? [o.event] : []));
    expect(done).toMatchObject([
      { type: 'search-done', searchId: id, results: 0, failure: 'alone' },
    ]);
  });

  it('two nodes join through SOLICIT/ADVERTISE/REQUEST/FLOOD and find each other', () => {
    const a = make(A, [], 1);
    const b = make(B, [A], 2);
    const ka = keyFromBigInt(1000n);
    const kb = keyFromBigInt(2n ** 255n);
    a.registerKey(0, ka);
    a.start(0);
    b.registerKey(0, kb);
    b.start(0);
    const nodes = new Map([
      ['a', a],
      ['b', b],
    ]);
    const events = exchange(nodes, 0, 10_000);
    expect(a.status).toBe('active');
    expect(b.status).toBe('active');
    expect(a.cache.has(kb)).toBe(true);
    expect(b.cache.has(ka)).toBe(true);
    expect(events.some((e) => e.type === 'leafset-key-changed' && e.change === 'added')).toBe(true);
    expect(b.stats.received.advertise).toBe(1);
    expect(a.stats.received.request).toBe(1);
    const id = b.search(10_000, ka);
    const found = exchange(nodes, 10_000, 20_000).filter(
      (e) => e.type === 'search-result' || e.type === 'search-done',
    );
    expect(found[0]).toMatchObject({
      type: 'search-result',
      result: { searchId: id, type: 'exact' },
    });
    expect(found[1]).toMatchObject({
      type: 'search-done',
      searchId: id,
      results: 1,
      failure: undefined,
    });
  });

  it('answers an INQUIRE for a key it does not publish with the N flag', () => {
    const n = make(A);
    n.registerKey(0, keyFromBigInt(42n));
    drain(n);
    const inquire = encodeMessage({
      type: 'inquire',
      messageId: 77,
      version: { major: 6, minor: 101 },
      flags: { wantCpa: true, wantCertChain: false, wantExtendedPayload: false },
      validateId: keyFromBigInt(43n),
      nonce: new Uint8Array(16),
    });
    n.handleDatagram(1, B, inquire);
    const sent = drain(n).flatMap((o) => (o.type === 'transmit' ? [decodeMessage(o.payload)] : []));
    expect(sent).toHaveLength(1);
    const reply = sent[0]!;
    expect(
      reply.ok && reply.value.type === 'authority' && reply.value.buffer.flags.notRegistered,
    ).toBe(true);
    expect(nullSecurityProvider().name).toBe('null');
  });
});
