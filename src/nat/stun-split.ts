/**
 * @module nat/stun-split
 * One socket, two nodes: {@link splitStunTransport} splits a datagram transport into the MS-PNRP
 * half (everything that is not STUN) and the STUN half ({@link isStunDatagram}), so a node answers
 * STUN and discovers its address on the port it runs PNRP on, the port its NAT maps. The MS-PNRP
 * half's `localEndpoints()` can be replaced (`advertise`) once the address is confirmed, before
 * the node is built on it. Neither half closes the shared transport: its owner does.
 */
import type { DatagramTransport } from '../transport-adapter.js';
import { type AdvertisingTransport, splitDatagrams } from './datagram-split.js';
import { isStunDatagram } from './stun.js';

export type { AdvertisingTransport } from './datagram-split.js';

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
  const { rest, matched } = splitDatagrams(transport, isStunDatagram);
  return { pnrp: rest, stun: matched };
}
