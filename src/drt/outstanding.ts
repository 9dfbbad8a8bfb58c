/**
 * @module drt/outstanding
 * The requests this node has in flight (message ID, the endpoint it went to, the message type),
 * so an answer can be matched to what was asked: its `ackedMessageId` must echo one of our random
 * 32-bit message IDs, from the endpoint the request went to (ADVERTISE or ACK for our SOLICIT,
 * AUTHORITY for our LOOKUP/INQUIRE, ACK for our FLOOD/REQUEST). Not in the spec; issue 10's
 * defences use it:
 * - AUTHORITY fragments are reassembled only when they answer a LOOKUP or INQUIRE this node sent,
 *   from the endpoint it was sent to ([MS-PNRP] §3.1.5.6 keys fragments by message ID and source
 *   but lets anyone open a reassembly; a flood of unsolicited fragments held every slot).
 * - A matched answer proves its source's address (return routability); the node records that in
 *   its `AddressProofs` (address-proof.ts), the one set of proven endpoints that the probe gate,
 *   the anti-amplification credit and the responder all consult.
 * The table is bounded; when full the oldest goes first (counted as a bound hit by the node).
 * Sans-I/O: times come in as `nowMs`.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import type { Message } from '../wire/types.js';

/** Requests whose answer echoes their message ID. */
export type RequestType = 'solicit' | 'lookup' | 'inquire' | 'flood' | 'request';

const REQUEST_TYPES: ReadonlySet<string> = new Set<RequestType>([
  'solicit',
  'lookup',
  'inquire',
  'flood',
  'request',
]);

/** Which request types each answer type may acknowledge. */
const ANSWERS: Readonly<Record<string, readonly RequestType[]>> = {
  advertise: ['solicit'],
  authority: ['lookup', 'inquire'],
  'authority-fragment': ['lookup', 'inquire'],
  ack: ['flood', 'request', 'solicit'],
};

interface Outstanding {
  readonly type: RequestType;
  readonly to: string;
  expiresMs: number;
}

/** Options of an {@link OutstandingRequests}. */
export interface OutstandingOptions {
  /** Requests remembered at once. */
  readonly requestsMax: number;
  /** How long a request may be answered after it was (last) sent. */
  readonly answerWindowMs: number;
}

/** Requests in flight, and endpoints that proved their address. */
export class OutstandingRequests {
  private readonly options: OutstandingOptions;
  /**
   * By message ID; Map order is (re)send order, so the head expires first. Only while requests
   * are in flight (issue 13: most nodes are idle most of the time, and an emptied Map kept the
   * table of its busiest moment, ~0.6 KB).
   */
  private requests: Map<number, Outstanding> | undefined;
  /** At or before the head's expiry (Infinity when empty): `expire` has nothing to do until then. */
  private headExpiresMs = Number.POSITIVE_INFINITY;
  constructor(options: OutstandingOptions) {
    this.options = options;
  }

  /** Requests remembered. */
  get size(): number {
    return this.requests?.size ?? 0;
  }

  /**
   * Records a message just sent, if it is a request whose answer echoes its ID. Returns true when
   * the table was full and the oldest request was forgotten to make room (a bound hit).
   */
  sent(nowMs: number, to: Endpoint, message: Message): boolean {
    if (!REQUEST_TYPES.has(message.type)) return false;
    this.expire(nowMs);
    const id = message.messageId;
    this.requests ??= new Map();
    const requests = this.requests;
    // A retransmit reuses the ID: move it to the tail with a fresh window.
    requests.delete(id);
    let full = false;
    if (requests.size >= this.options.requestsMax) {
      requests.delete(requests.keys().next().value as number);
      full = true;
    }
    const expiresMs = nowMs + this.options.answerWindowMs;
    if (requests.size === 0) this.headExpiresMs = expiresMs;
    requests.set(id, { type: message.type as RequestType, to: endpointKey(to), expiresMs });
    return full;
  }

  /**
   * True when `answerType` (advertise, authority, authority-fragment, ack) from `from` echoes the
   * ID of a request of a fitting type this node sent to exactly that endpoint, still in its window.
   */
  answers(nowMs: number, from: Endpoint, answerType: string, ackedMessageId: number): boolean {
    const fits = ANSWERS[answerType];
    if (fits === undefined) return false;
    const r = this.requests?.get(ackedMessageId);
    return (
      r !== undefined && r.expiresMs > nowMs && fits.includes(r.type) && r.to === endpointKey(from)
    );
  }

  /** True when a request of ours with message ID `id` is still in its answer window. */
  inFlight(nowMs: number, id: number): boolean {
    const r = this.requests?.get(id);
    return r !== undefined && r.expiresMs > nowMs;
  }

  /**
   * Forgets requests past their answer window. Cheap until the head expires, so the node calls
   * it on every datagram as well: expired requests match no answer anyway, and a node that
   * stopped sending otherwise held its last round's requests (issue 13, ~1.5 KB per node).
   */
  expire(nowMs: number): void {
    if (nowMs < this.headExpiresMs) return;
    this.headExpiresMs = Number.POSITIVE_INFINITY;
    const requests = this.requests;
    if (requests === undefined) return;
    for (const [id, r] of requests) {
      if (r.expiresMs > nowMs) {
        this.headExpiresMs = r.expiresMs;
        return;
      }
      requests.delete(id);
    }
    this.requests = undefined;
  }
}
