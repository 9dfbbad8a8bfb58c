/**
 * @module easy-connect/split
 * One socket for the cloud and the handshake: {@link splitEasyConnectTransport} splits a datagram
 * transport into the half that carries everything else (MS-PNRP, STUN) and the half that carries
 * Easy Connect messages ({@link isEasyConnectDatagram}), so the endpoint an offer publishes in
 * its CPA is the one its node already uses, and an accepter behind NAT answers through the
 * mapping its resolve opened. Neither half closes the shared transport: its owner does.
 */
import { splitDatagrams } from '../nat/datagram-split.js';
import type { DatagramTransport } from '../transport-adapter.js';
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
  const { rest, matched } = splitDatagrams(transport, isEasyConnectDatagram);
  return { rest, handshake: matched };
}
