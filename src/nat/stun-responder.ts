/**
 * @module nat/stun-responder
 * The server side of address discovery, which every node runs on its own port: a Binding request
 * is answered with a success response naming the request's source (XOR-MAPPED-ADDRESS); a request
 * with DIAL-BACK also gets a 20-byte Binding indication sent to that candidate address, the probe
 * that confirms it (docs/design.md §5, NAT).
 *
 * No amplification: everything one request gets back is at most the request's own bytes plus the
 * address it names (12 bytes for IPv4, 24 for IPv6). A plain response is the 20-byte header plus
 * the address; a dial-back request pays for its probe with PADDING ({@link DIAL_BACK_PADDING}),
 * and without enough it gets the response only. The probe goes only to the requester's own IP
 * address (another port allowed: that is what a NAT maps), never to a port <= 1024, so it cannot
 * be aimed at a third party. Answers are rate-limited globally, probes per requesting address.
 */
import { type Endpoint, endpointsEqual, PORT_RESERVED_MAX } from '../keys/endpoint.js';
import type { Transmit } from '../sans-io.js';
import { toHex } from '../util/bytes.js';
import { TokenBucket } from '../util/token-bucket.js';
import { encodeStun, STUN_HEADER_BYTES, type StunMessage } from './stun.js';

/** PADDING a dial-back request carries so its response and probe fit the rule above. */
export const DIAL_BACK_PADDING = 4;
/** Answers per second over all requesters (burst as many). */
export const STUN_ANSWERS_PER_SECOND = 200;
/** Dial-back probes per second per requesting address, and the burst (a request and retries). */
export const DIAL_BACKS_PER_SECOND = 0.2;
/** Burst of dial-back probes per requesting address. */
export const DIAL_BACK_BURST = 4;
/** Requesting addresses whose probe budget is remembered; the oldest is forgotten first. */
export const DIAL_BACK_SOURCES_MAX = 1024;

/** Counters of a {@link StunResponder}. */
export interface StunResponderStats {
  /** Binding requests answered. */
  answered: number;
  /** Binding requests dropped by the global rate limit. */
  answersLimited: number;
  /** Dial-back probes sent. */
  dialBacks: number;
  /** Dial-backs refused: another IP than the requester's, a reserved port, or over budget. */
  dialBacksRefused: number;
}

/**
 * Answers Binding requests and dial-backs, bounded as the module says.
 * @example const out = responder.answer(nowMs, from, request); for (const t of out) queue.push(t);
 */
export class StunResponder {
  /** Counters, never reset by reading. */
  readonly stats: StunResponderStats = {
    answered: 0,
    answersLimited: 0,
    dialBacks: 0,
    dialBacksRefused: 0,
  };
  private readonly answers = new TokenBucket({
    ratePerSecond: STUN_ANSWERS_PER_SECOND,
    burst: STUN_ANSWERS_PER_SECOND,
  });
  private readonly probeBudgets = new Map<string, TokenBucket>();

  /**
   * The datagrams that answer `request` (`requestBytes` long) from `from`: none when rate-limited,
   * the response, and the dial-back probe when asked for, allowed and paid for.
   */
  answer(nowMs: number, from: Endpoint, request: StunMessage, requestBytes: number): Transmit[] {
    if (!this.answers.take(nowMs)) {
      this.stats.answersLimited++;
      return [];
    }
    this.stats.answered++;
    const out: Transmit[] = [
      {
        type: 'transmit',
        to: from,
        payload: encodeStun({ cls: 'success', transactionId: request.transactionId, mapped: from }),
      },
    ];
    const target = request.dialBack;
    if (target === undefined) return out;
    const probe = encodeStun({ cls: 'indication', transactionId: request.transactionId });
    const addressBytes = out[0]!.payload.length - STUN_HEADER_BYTES;
    const paid = out[0]!.payload.length + probe.length <= requestBytes + addressBytes;
    if (!paid || !this.mayProbe(nowMs, from, target)) {
      this.stats.dialBacksRefused++;
      return out;
    }
    this.stats.dialBacks++;
    out.push({ type: 'transmit', to: target, payload: probe });
    return out;
  }

  private mayProbe(nowMs: number, from: Endpoint, target: Endpoint): boolean {
    if (target.port <= PORT_RESERVED_MAX) return false;
    if (!endpointsEqual({ address: target.address, port: 0 }, { address: from.address, port: 0 }))
      return false;
    const key = toHex(from.address);
    let bucket = this.probeBudgets.get(key);
    if (bucket === undefined) {
      if (this.probeBudgets.size >= DIAL_BACK_SOURCES_MAX) {
        const oldest = this.probeBudgets.keys().next().value!;
        this.probeBudgets.delete(oldest);
      }
      bucket = new TokenBucket({ ratePerSecond: DIAL_BACKS_PER_SECOND, burst: DIAL_BACK_BURST });
      this.probeBudgets.set(key, bucket);
    }
    return bucket.take(nowMs);
  }
}
