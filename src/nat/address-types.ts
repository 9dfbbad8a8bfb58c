/**
 * @module nat/address-types
 * The events, options and counters of `AddressDiscovery` (nat/address-discovery.ts).
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Rng } from '../util/rng.js';
import type { StunResponderStats } from './stun-responder.js';

/** Why a candidate was not confirmed. */
export type UnconfirmedReason =
  /** No second server to dial back: name another one. */
  | 'no-helper'
  /** Servers see different ports or addresses: the NAT maps per destination (symmetric). */
  | 'endpoint-dependent-mapping'
  /** The helper's probe never arrived (a filtering firewall, loss, or a helper that is not ours). */
  | 'no-probe';

/** What one server saw. */
export interface Observation {
  readonly server: Endpoint;
  readonly mapped: Endpoint;
}

/** Events of an `AddressDiscovery`. */
export type AddressEvent =
  | { readonly type: 'candidate'; readonly endpoint: Endpoint; readonly reportedBy: Endpoint }
  | {
      readonly type: 'confirmed';
      readonly endpoint: Endpoint;
      readonly reportedBy: Endpoint;
      readonly confirmedBy: Endpoint;
      /** False when the address is one of our own `localEndpoints` (no NAT in between). */
      readonly natted: boolean;
      /** The confirmed address this one replaces (the NAT's mapping changed). */
      readonly previous?: Endpoint;
    }
  | {
      readonly type: 'unconfirmed';
      readonly endpoint: Endpoint;
      readonly reason: UnconfirmedReason;
      readonly observed: readonly Observation[];
    }
  | {
      readonly type: 'lost';
      readonly endpoint: Endpoint;
      readonly observed: readonly Observation[];
    }
  | { readonly type: 'no-answer'; readonly servers: readonly Endpoint[] };

/** Options of an `AddressDiscovery`. */
export interface AddressDiscoveryOptions {
  /** Transaction IDs come from here. */
  readonly rng: Rng;
  /** Nodes or STUN servers to ask (up to `DISCOVERY_SERVERS_MAX`, 8). @default none */
  readonly servers?: readonly Endpoint[];
  /** Our own endpoints: an observation equal to one means no NAT. @default none */
  readonly localEndpoints?: readonly Endpoint[];
  /** First retransmission; doubled each time. @default 500 */
  readonly retransmitMs?: number;
  /** Sends of one request before it fails (the last waits twice as long). @default 4 */
  readonly attempts?: number;
  /**
   * Period of re-asking the servers; also what keeps NAT mappings open, so below the mapping
   * lifetime (Linux conntrack: 30 s for UDP until both sides spoke, 120 s after).
   * @default 25000
   */
  readonly refreshMs?: number;
}

/** Counters of an `AddressDiscovery`. */
export interface AddressDiscoveryStats extends StunResponderStats {
  /** Binding requests sent (first sends and retransmissions). */
  requestsSent: number;
  /** Responses and probes matching a transaction of ours. */
  matched: number;
  /** STUN datagrams that did not decode or matched nothing of ours. */
  ignored: number;
}
