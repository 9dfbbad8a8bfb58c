/**
 * nat/datagram-split: the one splitter under the STUN, rendezvous, relay and Easy Connect splits.
 * Stacked as `pnrp node` stacks them, each protocol's datagrams reach its own half only and the
 * rest reaches the node; `advertise` on the top rest goes down to the bottom split, so every
 * layer reports the same endpoints; the observer sees the rest's traffic and nothing else; send
 * errors reach the rest.
 */
import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { splitDatagrams } from '../../../src/nat/datagram-split.js';
import type { DatagramTransport, TransportSink } from '../../../src/transport-adapter.js';

const PEER = parseEndpoint('203.0.113.10:3540');
const LOCAL = parseEndpoint('10.0.1.2:3540');
const PUBLIC = parseEndpoint('203.0.113.21:3540');
const startsWith =
  (b: number) =>
  (p: Uint8Array): boolean =>
    p[0] === b;

function shared() {
  let sink: TransportSink | undefined;
  const sent: number[] = [];
  const transport: DatagramTransport = {
    send: (_to, payload) => void sent.push(payload[0]!),
    attach: (s) => {
      sink = s;
    },
    localEndpoints: () => [LOCAL],
    close: () => Promise.resolve(),
  };
  return {
    transport,
    sent,
    deliver: (p: Uint8Array) => sink!.datagram(PEER, p),
    sink: () => sink!,
  };
}

function recorder(name: string, got: string[], errors: string[] = []): TransportSink {
  return {
    datagram: (_from, p) => void got.push(`${name}:${p[0]}`),
    sendError: () => void errors.push(name),
  };
}

describe('splitDatagrams', () => {
  it('stacked three deep, routes each kind to its own half and the rest to the node', () => {
    const s = shared();
    const a = splitDatagrams(s.transport, startsWith(1));
    const b = splitDatagrams(a.rest, startsWith(2));
    const c = splitDatagrams(b.rest, startsWith(3));
    const got: string[] = [];
    a.matched.attach(recorder('a', got));
    b.matched.attach(recorder('b', got));
    c.matched.attach(recorder('c', got));
    c.rest.attach(recorder('node', got));
    for (const first of [3, 9, 1, 2, 0]) s.deliver(Uint8Array.of(first));
    expect(got).toEqual(['c:3', 'node:9', 'a:1', 'b:2', 'node:0']);
    c.rest.send(PEER, Uint8Array.of(9));
    b.matched.send(PEER, Uint8Array.of(2));
    expect(s.sent).toEqual([9, 2]);
  });

  it('advertise on the top rest goes down, so every layer reports the same endpoints', () => {
    const s = shared();
    const bottom = splitDatagrams(s.transport, startsWith(1));
    const top = splitDatagrams(bottom.rest, startsWith(2));
    expect(top.rest.localEndpoints().map(formatEndpoint)).toEqual(['10.0.1.2:3540']);
    top.rest.advertise([PUBLIC]);
    expect(bottom.rest.localEndpoints().map(formatEndpoint)).toEqual(['203.0.113.21:3540']);
    expect(top.rest.localEndpoints().map(formatEndpoint)).toEqual(['203.0.113.21:3540']);
    // A matched half reports what its shared transport does: the socket's at the bottom.
    expect(bottom.matched.localEndpoints().map(formatEndpoint)).toEqual(['10.0.1.2:3540']);
    expect(() => top.rest.advertise([])).toThrow(RangeError);
    expect(() => top.rest.advertise(new Array(5).fill(PUBLIC))).toThrow(RangeError);
    top.rest.advertise(undefined);
    expect(top.rest.localEndpoints().map(formatEndpoint)).toEqual(['10.0.1.2:3540']);
  });

  it('tells the observer what the rest hears and sends, never the matched half', () => {
    const s = shared();
    const split = splitDatagrams(s.transport, startsWith(1));
    const seen: string[] = [];
    split.observe({
      heard: (from) => void seen.push(`heard ${formatEndpoint(from)}`),
      sent: (_to, p) => void seen.push(`sent ${p[0]}`),
    });
    s.deliver(Uint8Array.of(1));
    s.deliver(Uint8Array.of(7));
    split.matched.send(PEER, Uint8Array.of(1));
    split.rest.send(PEER, Uint8Array.of(7));
    expect(seen).toEqual(['heard 203.0.113.10:3540', 'sent 7']);
    split.observe(undefined);
    s.deliver(Uint8Array.of(7));
    expect(seen).toHaveLength(2);
  });

  it('sends errors to the rest, or to the matched half while the rest has no sink', () => {
    const s = shared();
    const split = splitDatagrams(s.transport, startsWith(1));
    const errors: string[] = [];
    split.matched.attach(recorder('matched', [], errors));
    s.sink().sendError(PEER, new Error('unreachable'));
    split.rest.attach(recorder('rest', [], errors));
    s.sink().sendError(PEER, new Error('unreachable'));
    expect(errors).toEqual(['matched', 'rest']);
  });
});
