/**
 * @module nat/relay-types
 * Options, limits and counters of `RelayServer` (nat/relay-server.ts) and `RelayClient`
 * (nat/relay-client.ts), and their events.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Rng } from '../util/rng.js';
import type { RelayRefusal } from './relay-codec.js';
import type { RelayPeerStats, RelayPong } from './relay-peer.js';

/** Options of a `RelayServer`. Every limit is per reservation unless it says otherwise. */
export interface RelayServerOptions {
  /** Cookies and KNOCK nonces come from here. */
  readonly rng: Rng;
  /**
   * The relayed endpoints it hands out, one per reservation: the relay's public address and a
   * port the driver listens on for it (1..1024 slots). Datagrams arriving with one of these
   * ports as `localEndpoint` are a slot's; everything else is the relay's control endpoint.
   */
  readonly slots: readonly Endpoint[];
  /** How long a reservation lives after its last RESERVE. @default 120000 */
  readonly lifetimeMs?: number;
  /** Reservations one source address (IP, any port) may hold at once. @default 2 */
  readonly reservationsPerSourceMax?: number;
  /** Bytes forwarded per second, both directions together. @default 65536 */
  readonly bytesPerSecond?: number;
  /** Burst of the byte budget. @default 262144 */
  readonly burstBytes?: number;
  /** Datagrams forwarded per second, both directions together. @default 200 */
  readonly datagramsPerSecond?: number;
  /** Burst of the datagram budget. @default 400 */
  readonly burstDatagrams?: number;
  /** Peers remembered per reservation (proof, credit, one held datagram); LRU. @default 32 */
  readonly peersMax?: number;
  /** RESERVEs answered per second over all sources. @default 50 */
  readonly reservesPerSecond?: number;
}

/** Why the relay dropped a datagram it was asked to forward. */
export type RelayDrop =
  /** A datagram to a slot nobody holds. */
  | 'unreserved-slot'
  /** Over the reservation's byte or datagram budget. */
  | 'rate-limited'
  /** A held datagram replaced by a newer one before its peer was proven. */
  | 'held-replaced'
  /** A held datagram whose peer never answered the KNOCK (forgotten or reservation gone). */
  | 'held-expired'
  /** A payload too long to wrap in DATA. */
  | 'too-long'
  /** A SEND to a port <= 1024 or to the sender's own slot. */
  | 'bad-peer';

/** Counters of a `RelayServer`. */
export interface RelayServerStats extends RelayPeerStats {
  reservationsGranted: number;
  reservationsRefreshed: number;
  reservationsExpired: number;
  reservationsReleased: number;
  challengesSent: number;
  /** REFUSED sent, by reason; `rate-limited` RESERVEs are dropped unanswered and counted here. */
  refused: Record<RelayRefusal, number>;
  /** Datagrams and payload bytes forwarded from peers to clients (DATA). */
  toClientDatagrams: number;
  toClientBytes: number;
  /** Datagrams and payload bytes forwarded from clients to peers. */
  toPeerDatagrams: number;
  toPeerBytes: number;
  /** Bytes the relay received for forwarding (SEND datagrams and slot datagrams, whole). */
  receivedBytes: number;
  /** Bytes the relay sent while forwarding (DATA datagrams and payloads to peers, whole). */
  sentBytes: number;
  knocksSent: number;
  /** Peers proven by an OPEN echoing their KNOCK's nonce. */
  peersProven: number;
  /** SENDs from one client to another client's slot, handed over inside the relay as DATA. */
  hairpinned: number;
  dropped: Record<RelayDrop, number>;
  /** Relay datagrams that did not decode, or were not for the endpoint they reached. */
  ignored: number;
}

/** Events of a `RelayServer`. */
export type RelayServerEvent =
  | { readonly type: 'reserved'; readonly client: Endpoint; readonly relayed: Endpoint }
  | {
      readonly type: 'released';
      readonly client: Endpoint;
      readonly relayed: Endpoint;
      readonly reason: 'expired' | 'released';
    }
  | RelayPong;

/** Options of a `RelayClient`. */
export interface RelayClientOptions {
  /** Request IDs come from here. */
  readonly rng: Rng;
  /** The relay's control endpoint (where it runs `pnrp node --relay`). */
  readonly relay: Endpoint;
  /**
   * Period of refreshing the reservation; also what keeps the NAT mapping toward the relay open,
   * so below the mapping lifetime (30 s in the emulated NATs). At most a third of the lifetime the
   * relay grants is used when that is shorter.
   * @default 10000
   */
  readonly refreshMs?: number;
  /** First retransmission of a RESERVE; doubled each time. @default 500 */
  readonly retransmitMs?: number;
  /** Sends of one RESERVE before the relay counts as gone. @default 4 */
  readonly attempts?: number;
}

/** Events of a `RelayClient`. */
export type RelayClientEvent =
  | { readonly type: 'reserved'; readonly relayed: Endpoint; readonly lifetimeSeconds: number }
  | { readonly type: 'refused'; readonly reason: RelayRefusal }
  /** No answer to `attempts` RESERVEs: the relay is gone, or is no relay. */
  | { readonly type: 'no-answer'; readonly relay: Endpoint }
  /** A datagram a peer sent to the relayed endpoint. */
  | { readonly type: 'data'; readonly from: Endpoint; readonly payload: Uint8Array }
  | RelayPong;

/** Counters of a `RelayClient`. */
export interface RelayClientStats extends RelayPeerStats {
  reservesSent: number;
  /** Datagrams and payload bytes sent through the relay (SEND). */
  sentDatagrams: number;
  sentBytes: number;
  /** Datagrams and payload bytes received through the relay (DATA). */
  receivedDatagrams: number;
  receivedBytes: number;
  /** Sends dropped because no reservation was held. */
  unreserved: number;
  /** Relay datagrams that did not decode or were not expected. */
  ignored: number;
}
