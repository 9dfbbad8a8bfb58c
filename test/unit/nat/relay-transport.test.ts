/**
 * nat/relay-transport: the split routes relay datagrams to the relay half and the rest to the
 * MS-PNRP half, both sending through the shared transport; the relayed transport sends through
 * the client, hands up what the client unwraps with the peer's endpoint, and advertises the
 * relayed endpoint once one is held.
 */
import { describe, expect, it } from 'vitest';
import { type Endpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { encodeRelayMessage } from '../../../src/nat/relay-codec.js';
import { relayedTransport, splitRelayTransport } from '../../../src/nat/relay-transport.js';
import type { DatagramTransport, TransportSink } from '../../../src/transport-adapter.js';

const A = parseEndpoint('203.0.113.21:3540');
const LOCAL = parseEndpoint('10.0.3.2:3540');

function fake() {
  let sink: TransportSink | undefined;
  const sent: [Endpoint, Uint8Array][] = [];
  const t: DatagramTransport = {
    send: (to, payload) => void sent.push([to, payload]),
    attach: (s) => {
      sink = s;
    },
    localEndpoints: () => [LOCAL],
    close: async () => {},
  };
  return { t, sent, deliver: (from: Endpoint, p: Uint8Array) => sink?.datagram(from, p) };
}

describe('relay transport plumbing', () => {
  it('splitRelayTransport() routes by the RY magic and both halves send through the socket', () => {
    const { t, sent, deliver } = fake();
    const split = splitRelayTransport(t);
    const pnrp: Uint8Array[] = [];
    const relay: Uint8Array[] = [];
    split.pnrp.attach({ datagram: (_f, p) => void pnrp.push(p), sendError: () => {} });
    split.relay.attach({ datagram: (_f, p) => void relay.push(p), sendError: () => {} });
    const ping = encodeRelayMessage({ type: 'ping', sequence: 1, padding: 0 });
    deliver(A, ping);
    deliver(A, Uint8Array.of(0, 0x10, 0, 12));
    expect(relay).toEqual([ping]);
    expect(pnrp).toEqual([Uint8Array.of(0, 0x10, 0, 12)]);
    split.relay.send(A, ping);
    split.pnrp.send(A, Uint8Array.of(1));
    expect(sent.length).toBe(2);
    expect(split.pnrp.localEndpoints()).toEqual([LOCAL]);
    split.pnrp.advertise([A]);
    expect(split.pnrp.localEndpoints()).toEqual([A]);
  });

  it('relayedTransport() sends through the client, delivers unwrapped data, advertises the relayed endpoint', () => {
    const { t, deliver } = fake();
    const calls: [Endpoint, Uint8Array][] = [];
    const node = {
      relayed: undefined as Endpoint | undefined,
      send: (_now: number, to: Endpoint, payload: Uint8Array) => void calls.push([to, payload]),
    };
    const running = {
      node,
      command: <T>(fn: (n: typeof node, now: number) => T): T => fn(node, 0),
    };
    const relayed = relayedTransport(t, running);
    const got: [Endpoint, Uint8Array][] = [];
    relayed.transport.attach({ datagram: (f, p) => void got.push([f, p]), sendError: () => {} });
    expect(relayed.transport.localEndpoints()).toEqual([LOCAL]);
    node.relayed = parseEndpoint('203.0.113.10:3541');
    expect(relayed.transport.localEndpoints()).toEqual([node.relayed]);
    relayed.transport.send(A, Uint8Array.of(7));
    expect(calls).toEqual([[A, Uint8Array.of(7)]]);
    relayed.deliver(A, Uint8Array.of(8));
    deliver(A, Uint8Array.of(9)); // directly, e.g. from the relay's own node
    expect(got).toEqual([
      [A, Uint8Array.of(8)],
      [A, Uint8Array.of(9)],
    ]);
  });
});
