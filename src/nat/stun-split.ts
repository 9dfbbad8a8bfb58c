/**
 * @module nat/stun-split
 * One socket, two nodes: {@link splitStunTransport} splits a datagram transport into the MS-PNRP
 * half (everything that is not STUN) and the STUN half ({@link isStunDatagram}), so a node answers
 * STUN and discovers its address on the port it runs PNRP on, the port its NAT maps. The MS-PNRP
 * half's `localEndpoints()` can be replaced (`advertise`) once the address is confirmed, before
 * the node is built on it. Neither half closes the shared transport: its owner does.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { DatagramTransport, TransportSink } from '../transport-adapter.js';
import { isStunDatagram } from './stun.js';

/** The MS-PNRP half: a transport whose advertised endpoints can be set. */
export interface AdvertisingTransport extends DatagramTransport {
  /** What `localEndpoints()` returns from now on (1..4 endpoints); `undefined`: the shared one's. */
  advertise(endpoints: readonly Endpoint[] | undefined): void;
}

/** The two halves of a shared transport. */
export interface StunSplit {
  /** Everything but STUN. */
  readonly pnrp: AdvertisingTransport;
  /** STUN only (an `AddressDiscovery` runs here). */
  readonly stun: DatagramTransport;
}

/**
 * Splits `transport` by datagram kind. Both halves send through it; send errors go to the
 * MS-PNRP half. Attach each half to its own node (`runNode`).
 * @example const { pnrp, stun } = splitStunTransport(await createUdpTransport({ port: 3540 }));
 */
export function splitStunTransport(transport: DatagramTransport): StunSplit {
  let pnrpSink: TransportSink | undefined;
  let stunSink: TransportSink | undefined;
  let advertised: readonly Endpoint[] | undefined;
  const wire = (): void =>
    transport.attach({
      datagram: (from, payload, local) => {
        const sink = isStunDatagram(payload) ? stunSink : pnrpSink;
        sink?.datagram(from, payload, local);
      },
      sendError: (to, error) => (pnrpSink ?? stunSink)?.sendError(to, error),
    });
  wire();
  const send = (to: Endpoint, payload: Uint8Array, from?: Endpoint): void =>
    transport.send(to, payload, from);
  return {
    pnrp: {
      send,
      attach: (sink) => {
        pnrpSink = sink;
      },
      localEndpoints: () => advertised ?? transport.localEndpoints(),
      advertise: (endpoints) => {
        if (endpoints !== undefined && (endpoints.length < 1 || endpoints.length > 4))
          throw new RangeError('advertise takes 1..4 endpoints');
        advertised = endpoints?.map((e) => ({ address: e.address.slice(), port: e.port }));
      },
      close: () => Promise.resolve(),
    },
    stun: {
      send,
      attach: (sink) => {
        stunSink = sink;
      },
      localEndpoints: () => transport.localEndpoints(),
      close: () => Promise.resolve(),
    },
  };
}
