/**
 * @module nat/relay-transport
 * Plumbing between a socket and the relay nodes (issue 16 Build 3), no state of its own:
 *
 * - {@link splitRelayTransport} splits a transport (the MS-PNRP half of `splitStunTransport`) into
 *   the relay half (datagrams starting with the relay magic, {@link isRelayDatagram}) and the rest.
 *   A relay runs `RelayServer` on the relay half, a plain node `RelayResponderNode`, a relayed
 *   node `RelayClient`.
 * - {@link relayedTransport} is what a relayed node's PNRP core runs on: sends go through the
 *   `RelayClient` (wrapped in SEND, also those to the relay's own node), datagrams the client unwraps
 *   come up with the peer's endpoint, datagrams arriving directly come up as they are, and the
 *   advertised endpoint is the relayed one. The PNRP core sees ordinary endpoints throughout.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { DatagramTransport, RunningNode, TransportSink } from '../transport-adapter.js';
import { type AdvertisingTransport, splitDatagrams } from './datagram-split.js';
import { isRelayDatagram } from './relay-codec.js';

/** The two halves of {@link splitRelayTransport}. */
export interface RelaySplit {
  /** Everything but relay datagrams; its advertised endpoints can be set. */
  readonly pnrp: AdvertisingTransport;
  /** Relay datagrams only. */
  readonly relay: DatagramTransport;
}

/**
 * Splits `transport` by the relay magic. Both halves send through it; neither closes it.
 * @example const { pnrp, relay } = splitRelayTransport(stunSplit.pnrp);
 */
export function splitRelayTransport(transport: DatagramTransport): RelaySplit {
  const { rest, matched } = splitDatagrams(transport, isRelayDatagram);
  return { pnrp: rest, relay: matched };
}

/** The node {@link relayedTransport} sends through: a running `RelayClient`, or a stand-in. */
export interface RelaySender {
  /** The relayed endpoint while a reservation is held. */
  readonly relayed: Endpoint | undefined;
  /** Sends `payload` to `to` through the relay. */
  send(nowMs: number, to: Endpoint, payload: Uint8Array): void;
}

/** A transport over a relay, and the hook that feeds it what the relay delivers. */
export interface RelayedTransport {
  /** What the PNRP core runs on; advertises the relayed endpoint while one is held. */
  readonly transport: DatagramTransport;
  /** Call with each `data` event of the client: hands the datagram to the attached sink. */
  deliver(from: Endpoint, payload: Uint8Array): void;
}

/**
 * Builds the transport a relayed node runs on. `direct` is the non-relay half of its socket
 * (datagrams from the relay's own node arrive there), `running` the `RelayClient` on the relay
 * half; `running`'s `data` events must be passed to `deliver`.
 * @example
 * const relayed = relayedTransport(split.pnrp, running); // onEvent: e.type === 'data' && relayed.deliver(e.from, e.payload)
 */
export function relayedTransport(
  direct: DatagramTransport,
  running: Pick<RunningNode<RelaySender>, 'node' | 'command'>,
): RelayedTransport {
  let sink: TransportSink | undefined;
  return {
    transport: {
      send: (to, payload) => running.command((n, now) => n.send(now, to, payload)),
      attach: (s) => {
        sink = s;
        direct.attach(s);
      },
      localEndpoints: () => {
        const relayed = running.node.relayed;
        return relayed ? [relayed] : direct.localEndpoints();
      },
      close: () => Promise.resolve(),
    },
    deliver: (from, payload) => sink?.datagram(from, payload),
  };
}
