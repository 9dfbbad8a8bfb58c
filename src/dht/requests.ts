/**
 * @module dht/requests
 * The DHT requests a node has in flight (STORE, FIND_VALUE, REPLICATE): each is retransmitted
 * after `retransmitMs` up to `attemptsMax` sends, matched by request ID and the endpoint it went
 * to, and ends in `onAnswer` or, after the last send's wait, in a timeout. Bounded: beyond
 * `requestsMax` a new request is refused (counted by the caller).
 */
import { type Endpoint, endpointsEqual } from '../keys/endpoint.js';
import type { DhtMessage } from './codec.js';

/** One request in flight; `owner` says who gets its answer (dht-node.ts). */
export interface PendingRequest<T> {
  readonly requestId: number;
  readonly to: Endpoint;
  readonly payload: Uint8Array;
  readonly owner: T;
  attempts: number;
  nextAtMs: number;
}

/**
 * Requests in flight, by request ID.
 * @example const r = new DhtRequests<Op>({ requestsMax: 1024, retransmitMs: 1000, attemptsMax: 3 });
 */
export class DhtRequests<T> {
  private readonly byId = new Map<number, PendingRequest<T>>();
  private readonly limits: {
    readonly requestsMax: number;
    readonly retransmitMs: number;
    readonly attemptsMax: number;
  };

  constructor(limits: {
    readonly requestsMax: number;
    readonly retransmitMs: number;
    readonly attemptsMax: number;
  }) {
    this.limits = limits;
  }

  /** Requests in flight. */
  get size(): number {
    return this.byId.size;
  }

  /** Records a request just sent; false when the table is full or the ID is taken. */
  add(nowMs: number, requestId: number, to: Endpoint, payload: Uint8Array, owner: T): boolean {
    if (this.byId.size >= this.limits.requestsMax || this.byId.has(requestId)) return false;
    this.byId.set(requestId, {
      requestId,
      to,
      payload,
      owner,
      attempts: 1,
      nextAtMs: nowMs + this.limits.retransmitMs,
    });
    return true;
  }

  /** The request `answer` answers (same ID, from where it went), removed; else undefined. */
  take(from: Endpoint, answer: DhtMessage): PendingRequest<T> | undefined {
    const pending = this.byId.get(answer.requestId);
    if (pending === undefined || !endpointsEqual(pending.to, from)) return undefined;
    this.byId.delete(answer.requestId);
    return pending;
  }

  /** Drops every request whose owner `matches` (an operation that ended). */
  forget(matches: (owner: T) => boolean): void {
    for (const [id, p] of this.byId) if (matches(p.owner)) this.byId.delete(id);
  }

  /**
   * Due requests: those to send again (`resend`) and those given up (`expired`, removed).
   */
  due(nowMs: number): { resend: PendingRequest<T>[]; expired: PendingRequest<T>[] } {
    const resend: PendingRequest<T>[] = [];
    const expired: PendingRequest<T>[] = [];
    for (const [id, p] of this.byId) {
      if (nowMs < p.nextAtMs) continue;
      if (p.attempts >= this.limits.attemptsMax) {
        this.byId.delete(id);
        expired.push(p);
      } else {
        p.attempts++;
        p.nextAtMs = nowMs + this.limits.retransmitMs;
        resend.push(p);
      }
    }
    return { resend, expired };
  }

  /** The earliest deadline, Infinity when idle. */
  nextDeadline(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const p of this.byId.values()) at = Math.min(at, p.nextAtMs);
    return at;
  }
}
