/**
 * @module nat/punch-types
 * The options, events and counters of `PunchNode` (nat/punch-node.ts): keep-alives, the rendezvous
 * every node offers, and hole punching.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Rng } from '../util/rng.js';
import type { ConnectStatus } from './rendezvous-codec.js';

/** Why a punch failed. */
export type PunchFailure =
  /** No rendezvous to ask: nobody was heard from lately (and none was named). */
  | 'no-rendezvous'
  /** Every rendezvous asked refused: none holds a live mapping with the target, or rate limits. */
  | 'refused'
  /** No probe of the peer arrived before the deadline (a symmetric NAT, a firewall, loss). */
  | 'timeout'
  /** Too many punches in flight. */
  | 'busy';

/** Events of a `PunchNode`. */
export type PunchEvent =
  /** A datagram of the peer arrived directly: the hole is open in both directions. */
  | {
      readonly type: 'punched';
      readonly txid: Uint8Array;
      readonly role: 'initiator' | 'target';
      /** The peer's endpoint, as seen on the datagram that arrived. */
      readonly peer: Endpoint;
      /** From the punch's start (the first probe, or the FORWARD's arrival) to that datagram. */
      readonly elapsedMs: number;
      readonly probesSent: number;
    }
  | {
      readonly type: 'punch-failed';
      readonly txid: Uint8Array;
      readonly peer: Endpoint;
      readonly reason: PunchFailure;
      /** What each rendezvous answered. */
      readonly replies: readonly {
        readonly rendezvous: Endpoint;
        readonly status: ConnectStatus;
      }[];
    }
  /** An acknowledgement of a `ping` came back directly. */
  | {
      readonly type: 'pong';
      readonly txid: Uint8Array;
      readonly seq: number;
      readonly from: Endpoint;
      readonly rttMs: number;
    };

/** Options of a `PunchNode`; every one optional but `rng`. */
export interface PunchOptions {
  /** Cookies and transaction IDs come from here. */
  readonly rng: Rng;
  /**
   * Keep-alive period toward the keep-alive peers while behind a NAT; below the NAT's mapping
   * lifetime (30 s in the emulated NATs, Linux conntrack's UDP default).
   * @default 25000
   */
  readonly keepAliveMs?: number;
  /** How long a peer counts as holding a live mapping after its last proven keep-alive. @default 30000 */
  readonly liveMs?: number;
  /** Gap between an initiator's probes. @default 100 */
  readonly probeIntervalMs?: number;
  /** How long a punch may take before it fails. @default 3000 */
  readonly punchTimeoutMs?: number;
  /** Rendezvous asked per punch. @default 2 */
  readonly rendezvousPerPunch?: number;
  /** Punches in flight (both roles; at most half as target, 2 per initiator address). @default 16 */
  readonly punchesMax?: number;
  /**
   * Punch on its own: when the node sends to an endpoint not heard from within `liveMs`
   * (`noteSent`), a punch starts through the peers heard from most recently, and the datagram is
   * sent again once the hole is open. For a resolver whose targets may sit behind NATs.
   * @default false
   */
  readonly autoPunch?: boolean;
  /** CONNECTs a rendezvous forwards per second per source address (burst twice as many). @default 5 */
  readonly connectsPerSecond?: number;
  /** FORWARDs a target acts on per second, over all rendezvous (burst as many). @default 20 */
  readonly forwardsPerSecond?: number;
}

/** Counters of a `PunchNode`, never reset by reading. */
export interface PunchStats {
  keepAlivesSent: number;
  keepAliveAcks: number;
  /** Keep-alives that proved their source (a valid cookie echoed). */
  keepAlivesProven: number;
  connectsForwarded: number;
  /** CONNECTs refused: the target holds no live proven mapping with us. */
  connectsUnknownTarget: number;
  connectsRateLimited: number;
  /** FORWARDs ignored: not from a peer we keep alive with (or without its cookie), a reserved port, or over the rate. */
  forwardsIgnored: number;
  probesSent: number;
  punched: number;
  punchFailed: number;
  /** Rendezvous datagrams that did not decode or matched nothing of ours. */
  ignored: number;
}
