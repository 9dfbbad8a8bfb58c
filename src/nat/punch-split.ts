/**
 * @module nat/punch-split
 * One socket, one more node: {@link splitPunchTransport} splits a datagram transport (typically
 * the MS-PNRP half of `splitStunTransport`) into the rendezvous half (datagrams starting with the
 * magic `RV`, {@link isRendezvousDatagram}), where a `PunchNode` runs, and the rest. An observer
 * sees the rest go by: every datagram that arrives (`heard`: a direct path from there works) and
 * every one sent (`sent`: a `PunchNode` with `autoPunch` punches toward endpoints not heard from).
 * Neither half closes the shared transport: its owner does.
 */
import type { DatagramTransport } from '../transport-adapter.js';
import { type AdvertisingTransport, type SplitObserver, splitDatagrams } from './datagram-split.js';
import { isRendezvousDatagram } from './rendezvous-codec.js';

/** What the observer of a {@link PunchSplit} is told. */
export type PunchObserver = SplitObserver;

/** The two halves of a shared transport and the observer hook. */
export interface PunchSplit {
  /** Everything but rendezvous datagrams; `advertise` passes through when the inner one has it. */
  readonly rest: AdvertisingTransport;
  /** Rendezvous datagrams only (a `PunchNode` runs here). */
  readonly punch: DatagramTransport;
  /** Sets (or with `undefined` clears) the observer of the other half's traffic. */
  observe(observer: SplitObserver | undefined): void;
}

/**
 * Splits `transport` by the rendezvous magic. Send errors go to the other half.
 * @example const { rest, punch, observe } = splitPunchTransport(stunSplit.pnrp);
 */
export function splitPunchTransport(
  transport: DatagramTransport & Partial<Pick<AdvertisingTransport, 'advertise'>>,
): PunchSplit {
  const { rest, matched, observe } = splitDatagrams(transport, isRendezvousDatagram);
  return { rest, punch: matched, observe };
}
