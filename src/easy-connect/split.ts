/**
 * @module easy-connect/split
 * One socket for the cloud and the handshake: {@link splitEasyConnectTransport} splits a datagram
 * transport into the half that carries everything else (MS-PNRP, STUN) and the half that carries
 * Easy Connect messages ({@link isEasyConnectDatagram}), so the endpoint an offer publishes in
 * its CPA is the one its node already uses, and an accepter behind NAT answers through the
 * mapping its resolve opened. Neither half closes the shared transport: its owner does.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { DatagramTransport, TransportSink } from '../transport-adapter.js';
import { isEasyConnectDatagram } from './codec.js';

/** The two halves of a shared transport. */
export interface EasyConnectSplit {
  /** Everything but Easy Connect (give it to `createPeer`). */
  readonly rest: DatagramTransport;
  /** Easy Connect messages only (run an offer or accept node here). */
  readonly handshake: DatagramTransport;
}

/**
 * Splits `transport` by datagram kind; both halves send through it.
 * @example const { rest, handshake } = splitEasyConnectTransport(await createUdpTransport({ port: 0 }));
 */
export function splitEasyConnectTransport(transport: DatagramTransport): EasyConnectSplit {
  let restSink: TransportSink | undefined;
  let handshakeSink: TransportSink | undefined;
  transport.attach({
    datagram: (from, payload, local) =>
      (isEasyConnectDatagram(payload) ? handshakeSink : restSink)?.datagram(from, payload, local),
    sendError: (to, error) => (restSink ?? handshakeSink)?.sendError(to, error),
  });
  const half = (set: (sink: TransportSink | undefined) => void): DatagramTransport => ({
    send: (to: Endpoint, payload: Uint8Array, from?: Endpoint) => transport.send(to, payload, from),
    attach: set,
    localEndpoints: () => transport.localEndpoints(),
    close: () => Promise.resolve(),
  });
  return {
    rest: half((sink) => {
      restSink = sink;
    }),
    handshake: half((sink) => {
      handshakeSink = sink;
    }),
  };
}
