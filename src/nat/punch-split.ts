/**
 * @module nat/punch-split
 * One socket, one more node: {@link splitPunchTransport} splits a datagram transport (typically
 * the MS-PNRP half of `splitStunTransport`) into the rendezvous half (datagrams starting with the
 * magic `RV`, {@link isRendezvousDatagram}), where a `PunchNode` runs, and the rest. An observer
 * sees the rest go by: every datagram that arrives (`heard`: a direct path from there works) and
 * every one sent (`sent`: a `PunchNode` with `autoPunch` punches toward endpoints not heard from).
 * Neither half closes the shared transport: its owner does.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { DatagramTransport, TransportSink } from '../transport-adapter.js';
import { isRendezvousDatagram } from './rendezvous-codec.js';
import type { AdvertisingTransport } from './stun-split.js';

/** What the observer of a {@link PunchSplit} is told. */
export interface PunchObserver {
  /** A datagram of the other half arrived from `from`. */
  heard(from: Endpoint): void;
  /** The other half sends `payload` to `to`. */
  sent(to: Endpoint, payload: Uint8Array): void;
}

/** The two halves of a shared transport and the observer hook. */
export interface PunchSplit {
  /** Everything but rendezvous datagrams; `advertise` passes through when the inner one has it. */
  readonly rest: AdvertisingTransport;
  /** Rendezvous datagrams only (a `PunchNode` runs here). */
  readonly punch: DatagramTransport;
  /** Sets (or with `undefined` clears) the observer of the other half's traffic. */
  observe(observer: PunchObserver | undefined): void;
}

/**
 * Splits `transport` by the rendezvous magic. Send errors go to the other half.
 * @example const { rest, punch, observe } = splitPunchTransport(stunSplit.pnrp);
 */
export function splitPunchTransport(
  transport: DatagramTransport & Partial<Pick<AdvertisingTransport, 'advertise'>>,
): PunchSplit {
  let restSink: TransportSink | undefined;
  let punchSink: TransportSink | undefined;
  let observer: PunchObserver | undefined;
  let advertised: readonly Endpoint[] | undefined;
  transport.attach({
    datagram: (from, payload, local) => {
      if (isRendezvousDatagram(payload)) {
        punchSink?.datagram(from, payload, local);
        return;
      }
      observer?.heard(from);
      restSink?.datagram(from, payload, local);
    },
    sendError: (to, error) => (restSink ?? punchSink)?.sendError(to, error),
  });
  const raw = (to: Endpoint, payload: Uint8Array, from?: Endpoint): void =>
    transport.send(to, payload, from);
  return {
    rest: {
      send: (to, payload, from) => {
        observer?.sent(to, payload);
        raw(to, payload, from);
      },
      attach: (sink) => {
        restSink = sink;
      },
      localEndpoints: () => advertised ?? transport.localEndpoints(),
      advertise: (endpoints) => {
        if (transport.advertise) transport.advertise(endpoints);
        else advertised = endpoints?.map((e) => ({ address: e.address.slice(), port: e.port }));
      },
      close: () => Promise.resolve(),
    },
    punch: {
      send: raw,
      attach: (sink) => {
        punchSink = sink;
      },
      localEndpoints: () => transport.localEndpoints(),
      close: () => Promise.resolve(),
    },
    observe: (o) => {
      observer = o;
    },
  };
}
