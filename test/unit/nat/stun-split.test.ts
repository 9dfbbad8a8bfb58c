/**
 * nat/stun-split: one transport, two halves. STUN datagrams reach the STUN half only, everything
 * else the MS-PNRP half; both send through the shared transport; `advertise` replaces what the
 * MS-PNRP half reports as its endpoints.
 */
import { describe, expect, it } from 'vitest';
import { type Endpoint, formatEndpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { encodeStun, splitStunTransport } from '../../../src/nat/index.js';
import type { DatagramTransport, TransportSink } from '../../../src/transport-adapter.js';

describe('splitStunTransport', () => {
  it('routes by kind, shares sending, and advertises what it is told', () => {
    let sink: TransportSink | undefined;
    const sent: string[] = [];
    const local = parseEndpoint('10.0.1.2:3540');
    const shared: DatagramTransport = {
      send: (to) => void sent.push(formatEndpoint(to)),
      attach: (s) => {
        sink = s;
      },
      localEndpoints: () => [local],
      close: () => Promise.resolve(),
    };
    const { pnrp, stun } = splitStunTransport(shared);
    const got: string[] = [];
    const half = (name: string): TransportSink => ({
      datagram: () => void got.push(name),
      sendError: () => {},
    });
    pnrp.attach(half('pnrp'));
    stun.attach(half('stun'));
    const peer = parseEndpoint('203.0.113.10:3540');
    sink!.datagram(peer, encodeStun({ cls: 'request', transactionId: new Uint8Array(12) }));
    sink!.datagram(peer, new Uint8Array([0, 0x10, 0, 0x0c, 0x51]));
    expect(got).toEqual(['stun', 'pnrp']);
    pnrp.send(peer, new Uint8Array(1));
    stun.send(peer, new Uint8Array(1));
    expect(sent).toHaveLength(2);
    expect(pnrp.localEndpoints().map(formatEndpoint)).toEqual(['10.0.1.2:3540']);
    const pub: Endpoint = parseEndpoint('203.0.113.21:3540');
    pnrp.advertise([pub]);
    expect(pnrp.localEndpoints().map(formatEndpoint)).toEqual(['203.0.113.21:3540']);
    expect(stun.localEndpoints().map(formatEndpoint)).toEqual(['10.0.1.2:3540']);
    expect(() => pnrp.advertise([])).toThrow(RangeError);
  });
});
