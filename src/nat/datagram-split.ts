/**
 * @module nat/datagram-split
 * One socket, several nodes: {@link splitDatagrams} splits a datagram transport into the half
 * that carries the datagrams a protocol claims by their first bytes (STUN's magic cookie, the
 * rendezvous `RV`, the relay `RY`, Easy Connect's magic) and the rest, so every protocol runs on
 * the port its NAT maps. Splits stack: each one takes its protocol off the rest of the one below.
 * Both halves send through the shared transport; send errors go to the rest (else the matched
 * half); neither half closes the shared transport: its owner does.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { DatagramTransport, TransportSink } from '../transport-adapter.js';

/** A transport whose advertised endpoints can be set (the MS-PNRP half of a split). */
export interface AdvertisingTransport extends DatagramTransport {
  /** What `localEndpoints()` returns from now on (1..4 endpoints); `undefined`: the shared one's. */
  advertise(endpoints: readonly Endpoint[] | undefined): void;
}

/** What the observer of a split's rest is told. */
export interface SplitObserver {
  /** A datagram of the rest arrived from `from`. */
  heard(from: Endpoint): void;
  /** The rest sends `payload` to `to`. */
  sent(to: Endpoint, payload: Uint8Array): void;
}

/** The two halves of {@link splitDatagrams} and the observer hook. */
export interface DatagramSplit {
  /**
   * Every datagram the predicate does not claim. `advertise` passes down when the shared
   * transport is itself advertising (a split below), else it is kept here.
   */
  readonly rest: AdvertisingTransport;
  /** The datagrams the predicate claims. */
  readonly matched: DatagramTransport;
  /** Sets (or with `undefined` clears) the observer of the rest's traffic. */
  observe(observer: SplitObserver | undefined): void;
}

/**
 * Splits `transport` by `claims(payload)`; attach each half to its own node (`runNode`).
 * @example const { rest, matched } = splitDatagrams(udp, isStunDatagram);
 */
export function splitDatagrams(
  transport: DatagramTransport & Partial<Pick<AdvertisingTransport, 'advertise'>>,
  claims: (payload: Uint8Array) => boolean,
): DatagramSplit {
  let restSink: TransportSink | undefined;
  let matchedSink: TransportSink | undefined;
  let observer: SplitObserver | undefined;
  let advertised: readonly Endpoint[] | undefined;
  transport.attach({
    datagram: (from, payload, local) => {
      if (claims(payload)) return matchedSink?.datagram(from, payload, local);
      observer?.heard(from);
      restSink?.datagram(from, payload, local);
    },
    sendError: (to, error) => (restSink ?? matchedSink)?.sendError(to, error),
  });
  const send = (to: Endpoint, payload: Uint8Array, from?: Endpoint): void =>
    transport.send(to, payload, from);
  return {
    rest: {
      send: (to, payload, from) => {
        observer?.sent(to, payload);
        send(to, payload, from);
      },
      attach: (sink) => {
        restSink = sink;
      },
      localEndpoints: () => advertised ?? transport.localEndpoints(),
      advertise: (endpoints) => {
        if (endpoints !== undefined && (endpoints.length < 1 || endpoints.length > 4))
          throw new RangeError('advertise takes 1..4 endpoints');
        if (transport.advertise) return transport.advertise(endpoints);
        advertised = endpoints?.map((e) => ({ address: e.address.slice(), port: e.port }));
      },
      close: () => Promise.resolve(),
    },
    matched: {
      send,
      attach: (sink) => {
        matchedSink = sink;
      },
      localEndpoints: () => transport.localEndpoints(),
      close: () => Promise.resolve(),
    },
    observe: (o) => {
      observer = o;
    },
  };
}
