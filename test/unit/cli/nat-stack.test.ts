/**
 * cli/nat-stack: the stack `pnrp node` and `pnrp easy-connect` build on their socket. `behindNat`
 * decides keep-alives (a confirmed address not ours, or a bare candidate). Over an in-memory
 * socket without discovery servers, each protocol reaches its own part and the rest the top
 * transport: a STUN Binding request is answered with the sender's endpoint, a rendezvous
 * keep-alive is acknowledged, a relay PING gets its PONG, and only the other datagrams (MS-PNRP,
 * Easy Connect) come up; the top transport advertises the socket's endpoints, and stop is
 * idempotent.
 */
import { describe, expect, it } from 'vitest';
import { behindNat, startNatStack } from '../../../src/cli/nat-stack.js';
import { parseEndpoint } from '../../../src/keys/endpoint.js';
import { decodeRelayMessage, encodeRelayMessage } from '../../../src/nat/relay-codec.js';
import { decodeRendezvous, encodeRendezvous } from '../../../src/nat/rendezvous-codec.js';
import { decodeStun, encodeStun } from '../../../src/nat/stun.js';
import type { DatagramTransport, TransportSink } from '../../../src/transport-adapter.js';

const LOCAL = parseEndpoint('10.0.1.2:3540');
const PUBLIC = parseEndpoint('203.0.113.21:3540');
const PEER = parseEndpoint('203.0.113.10:3540');

describe('behindNat', () => {
  it('is true for a confirmed address not ours or a bare candidate, false otherwise', () => {
    expect(behindNat([LOCAL], PUBLIC, undefined)).toBe(true);
    expect(behindNat([LOCAL], LOCAL, PUBLIC)).toBe(false);
    expect(behindNat([LOCAL], undefined, PUBLIC)).toBe(true);
    expect(behindNat([LOCAL], undefined, undefined)).toBe(false);
  });
});

describe('startNatStack over an in-memory socket', () => {
  it('routes STUN, rendezvous and relay datagrams to their parts and the rest to the top', async () => {
    let sink: TransportSink | undefined;
    const sent: { to: string; payload: Uint8Array }[] = [];
    const socket: DatagramTransport = {
      send: (to, payload) => void sent.push({ to: `${to.port}`, payload }),
      attach: (s) => {
        sink = s;
      },
      localEndpoints: () => [LOCAL],
      close: () => Promise.resolve(),
    };
    const printed: string[] = [];
    const stack = await startNatStack({
      transport: socket,
      port: 3540,
      host: undefined,
      servers: [],
      bootstrap: [],
      relay: { offer: false, slotPorts: undefined, use: 'auto', via: [] },
      print: (e) => void printed.push(e),
      stopped: new Promise(() => {}),
    });
    expect(stack.publicEndpoint).toBeUndefined();
    expect(stack.natted).toBe(false);
    expect(stack.relay.relayed).toBeUndefined();
    expect(stack.transport.localEndpoints()).toEqual([LOCAL]);

    const up: number[] = [];
    stack.transport.attach({ datagram: (_f, p) => void up.push(p[0]!), sendError: () => {} });
    const settle = () => new Promise((r) => setTimeout(r, 20));
    const txid = new Uint8Array(12).fill(7);
    sink!.datagram(PEER, encodeStun({ cls: 'request', transactionId: txid }));
    sink!.datagram(PEER, encodeRendezvous({ type: 'keepalive', cookie: new Uint8Array(8) }));
    sink!.datagram(PEER, encodeRelayMessage({ type: 'ping', sequence: 3, padding: 8 }));
    sink!.datagram(PEER, Uint8Array.of(0x00, 0x10, 1, 2));
    await settle();
    expect(up).toEqual([0x00]); // only the MS-PNRP datagram reached the top

    const stun = sent.map((s) => decodeStun(s.payload)).find((r) => r.ok);
    expect(stun?.ok && stun.value).toMatchObject({ cls: 'success', mapped: PEER });
    const ack = sent.map((s) => decodeRendezvous(s.payload)).find((r) => r.ok);
    expect(ack?.ok && ack.value.type).toBe('keepalive-ack');
    const pong = sent.map((s) => decodeRelayMessage(s.payload)).find((r) => r.ok);
    expect(pong?.ok && pong.value).toMatchObject({ type: 'pong', sequence: 3 });
    expect(sent).toHaveLength(3);

    await stack.stop();
    await stack.stop();
    expect(printed).toEqual([]);
  });
});
