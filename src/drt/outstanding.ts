/**
 * @module drt/outstanding
 * What this node asked and whom it heard back from: the requests in flight (message ID, the
 * endpoint it went to, the message type) and the endpoints that proved their address by echoing
 * one of our random 32-bit message IDs in an `ackedMessageId` (ADVERTISE for our SOLICIT,
 * AUTHORITY for our LOOKUP/INQUIRE, ACK for our FLOOD/REQUEST), or whose route entry passed the
 * return-routability check and entered the cache. Not in the spec; issue 10's defences use it:
 * - AUTHORITY fragments are reassembled only when they answer a LOOKUP or INQUIRE this node sent,
 *   from the endpoint it was sent to ([MS-PNRP] §3.1.5.6 keys fragments by message ID and source
 *   but lets anyone open a reassembly; a flood of unsolicited fragments held every slot).
 * - Route entries carried by datagrams from unproven sources are checked at a bounded rate
 *   (see probe-gate.ts), since each check sends INQUIREs to whatever endpoint the entry names.
 * Both tables are bounded; when full the oldest goes first (counted as a bound hit by the node).
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
  ack: ['flood', 'request'],
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
  /** Proven endpoints remembered at once (least recently proven forgotten first). */
  readonly provenMax: number;
}

/** Requests in flight, and endpoints that proved their address. */
export class OutstandingRequests {
  private readonly options: OutstandingOptions;
  /** By message ID; Map order is (re)send order, so the head expires first. */
  private readonly requests = new Map<number, Outstanding>();
  /** endpointKey -> true; Map order is least recently proven first. */
  private readonly proven = new Map<string, true>();
  constructor(options: OutstandingOptions) {
    this.options = options;
  }

  /** Requests remembered. */
  get size(): number {
    return this.requests.size;
  }

  /** Proven endpoints remembered. */
  get provenCount(): number {
    return this.proven.size;
  }

  /**
   * Records a message just sent, if it is a request whose answer echoes its ID. Returns true when
   * the table was full and the oldest request was forgotten to make room (a bound hit).
   */
  sent(nowMs: number, to: Endpoint, message: Message): boolean {
    if (!REQUEST_TYPES.has(message.type)) return false;
    this.expire(nowMs);
    const id = message.messageId;
    // A retransmit reuses the ID: move it to the tail with a fresh window.
    this.requests.delete(id);
    let full = false;
    if (this.requests.size >= this.options.requestsMax) {
      this.requests.delete(this.requests.keys().next().value as number);
      full = true;
    }
    this.requests.set(id, {
      type: message.type as RequestType,
      to: endpointKey(to),
      expiresMs: nowMs + this.options.answerWindowMs,
    });
    return full;
  }

  /**
   * True when `answerType` (advertise, authority, authority-fragment, ack) from `from` echoes the
   * ID of a request of a fitting type this node sent to exactly that endpoint, still in its window.
   */
  answers(nowMs: number, from: Endpoint, answerType: string, ackedMessageId: number): boolean {
    const fits = ANSWERS[answerType];
    if (fits === undefined) return false;
    const r = this.requests.get(ackedMessageId);
    return (
      r !== undefined && r.expiresMs > nowMs && fits.includes(r.type) && r.to === endpointKey(from)
    );
  }

  /** Marks an endpoint as having proven its address (most recently). */
  prove(from: Endpoint): void {
    const key = endpointKey(from);
    this.proven.delete(key);
    if (this.proven.size >= this.options.provenMax) {
      this.proven.delete(this.proven.keys().next().value as string);
    }
    this.proven.set(key, true);
  }

  /** True when the endpoint proved its address and is still remembered. */
  isProven(from: Endpoint): boolean {
    return this.proven.has(endpointKey(from));
  }

  /** Forgets requests past their answer window. */
  expire(nowMs: number): void {
    for (const [id, r] of this.requests) {
      if (r.expiresMs > nowMs) break;
      this.requests.delete(id);
    }
  }
}
