/**
 * @module nat/relay-client
 * `RelayClient`: the reserving side of a relay (issue 16 Build 3), sans-I/O. A node that cannot
 * be reached directly (address discovery found a symmetric NAT, or nothing was confirmed) runs
 * it on the relay half of its socket (`splitRelayTransport`):
 *
 * - `start` sends RESERVE to the relay, answers its CHALLENGE by repeating the cookie, and on
 *   RESERVED emits `reserved` with the relayed endpoint the node then advertises in its CPAs.
 *   Lost RESERVEs are retransmitted (`retransmitMs`, doubled, `attempts` sends), then `no-answer`.
 * - Every `refreshMs` (at most a third of the granted lifetime) it sends RESERVE again, which
 *   refreshes the reservation and keeps the NAT mapping toward the relay open (30 s lifetime in
 *   the emulated NATs). A REFUSED `no-reservation` (the relay forgot us, or someone forged the
 *   relay's address) is checked with a RESERVE under the current ID, at most one per
 *   `retransmitMs`: the relay's CHALLENGE then reserves afresh, its RESERVED keeps the reservation.
 * - `send` wraps a datagram for a peer in SEND; DATA from the relay is unwrapped into a `data`
 *   event with the peer's endpoint, so the PNRP node above sees ordinary endpoints
 *   (`relayedTransport`). A PING inside DATA is answered with a PONG through the relay, a PONG
 *   becomes a `pong` event; KNOCK and PING arriving directly are answered as every node does.
 */
import { type Endpoint, endpointsEqual } from '../keys/endpoint.js';
import { type Output, OutputQueue, type SansIoNode } from '../sans-io.js';
import { decodeRelayMessage, encodeRelayMessage, type RelayMessage } from './relay-codec.js';
import { RelayPeerResponder } from './relay-peer.js';
import type { RelayClientEvent, RelayClientOptions, RelayClientStats } from './relay-types.js';

/**
 * The client side of one reservation. Drive it like any `SansIoNode`; `start` it, then `send`.
 * @example
 * const c = new RelayClient({ rng, relay });
 * running.command((n, now) => n.start(now)); // 'reserved' names the endpoint to advertise
 */
export class RelayClient implements SansIoNode<RelayClientEvent> {
  /** Counters, never reset by reading. */
  readonly stats: RelayClientStats;
  private readonly queue = new OutputQueue<RelayClientEvent>();
  private readonly responder = new RelayPeerResponder();
  private readonly relay: Endpoint;
  private readonly refreshMs: number;
  private readonly retransmitMs: number;
  private readonly attempts: number;
  private relayedValue: Endpoint | undefined;
  private requestId = 0;
  private cookie: Uint8Array | undefined;
  private sends = 0;
  private nextSendMs = Number.POSITIVE_INFINITY;
  /** Refresh period granted by the relay's lifetime. */
  private periodMs: number;
  private lastNowMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RelayClientOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('RelayClient options must be an object');
    if (typeof options.rng?.nextInt !== 'function') throw new TypeError('options.rng is required');
    this.relay = { address: options.relay.address.slice(), port: options.relay.port };
    this.refreshMs = positive(options.refreshMs ?? 10_000, 'refreshMs');
    this.retransmitMs = positive(options.retransmitMs ?? 500, 'retransmitMs');
    this.attempts = positive(options.attempts ?? 4, 'attempts');
    this.periodMs = this.refreshMs;
    this.stats = Object.assign(this.responder.stats, {
      reservesSent: 0,
      sentDatagrams: 0,
      sentBytes: 0,
      receivedDatagrams: 0,
      receivedBytes: 0,
      unreserved: 0,
      ignored: 0,
    });
  }

  /** The relayed endpoint while a reservation is held. */
  get relayed(): Endpoint | undefined {
    return this.relayedValue;
  }

  /** The relay's control endpoint. */
  get relayEndpoint(): Endpoint {
    return this.relay;
  }

  /** Sends the first RESERVE. */
  start(nowMs: number): void {
    this.tick(nowMs);
    this.beginReserve(nowMs);
  }

  /** Gives the reservation back (RELEASE); sends nothing more afterwards. */
  release(nowMs: number): void {
    this.tick(nowMs);
    if (this.relayedValue) {
      const payload = encodeRelayMessage({ type: 'release', requestId: this.requestId });
      this.queue.push({ type: 'transmit', to: this.relay, payload });
    }
    this.relayedValue = undefined;
    this.nextSendMs = Number.POSITIVE_INFINITY;
  }

  /**
   * Sends `payload` to `to` through the relay, also when `to` is the relay's own node: every
   * peer sees this node at the relayed endpoint its CPAs name. Dropped and counted without a
   * reservation.
   */
  send(nowMs: number, to: Endpoint, payload: Uint8Array): void {
    this.tick(nowMs);
    if (!this.relayedValue) {
      this.stats.unreserved++;
      return;
    }
    this.stats.sentDatagrams++;
    this.stats.sentBytes += payload.length;
    const wrapped = encodeRelayMessage({ type: 'send', peer: to, payload });
    this.queue.push({ type: 'transmit', to: this.relay, payload: wrapped });
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.tick(nowMs);
    const decoded = decodeRelayMessage(payload);
    if (!decoded.ok) {
      this.stats.ignored++;
      return;
    }
    const m = decoded.value;
    if (!endpointsEqual(from, this.relay)) {
      this.answerPeer(nowMs, from, m, false);
      return;
    }
    switch (m.type) {
      case 'challenge':
        if (m.requestId !== this.requestId) break;
        this.cookie = m.cookie;
        this.sendReserve(nowMs, true);
        return;
      case 'reserved':
        if (m.requestId !== this.requestId) break;
        return this.onReserved(nowMs, m.relayed, m.lifetimeSeconds);
      case 'refused':
        if (m.reason === 'no-reservation') {
          // It names no request (a SEND has no ID), so only its source address vouches for it,
          // and anyone can forge that: keep the reservation and check it with a RESERVE under the
          // current ID (one per retransmit interval); a relay that forgot us answers CHALLENGE,
          // which leads to a new reservation, one that did not answers RESERVED.
          if (this.relayedValue === undefined) return;
          if (this.nextSendMs - nowMs > this.retransmitMs) this.sendReserve(nowMs, true);
          return;
        }
        if (m.requestId !== this.requestId) break;
        this.nextSendMs = Number.POSITIVE_INFINITY;
        this.relayedValue = undefined; // a relay that forgot us and has no slot left
        this.queue.push({ type: 'event', event: { type: 'refused', reason: m.reason } });
        return;
      case 'data':
        return this.onData(nowMs, m.peer, m.payload);
      default:
        this.answerPeer(nowMs, from, m, false);
        return;
    }
    this.stats.ignored++;
  }

  handleTimeout(nowMs: number): void {
    this.tick(nowMs);
    if (nowMs < this.nextSendMs) return;
    if (this.sends >= this.attempts) {
      this.nextSendMs = Number.POSITIVE_INFINITY;
      this.relayedValue = undefined;
      this.queue.push({ type: 'event', event: { type: 'no-answer', relay: this.relay } });
      return;
    }
    this.sendReserve(nowMs, false);
  }

  poll(): Output<RelayClientEvent> {
    return this.queue.shift() ?? { type: 'timeout', atMs: this.nextSendMs };
  }

  private beginReserve(nowMs: number): void {
    this.requestId = (this.options.rng.nextInt(0xffff_fffe) + 1) >>> 0;
    this.cookie = undefined;
    this.sends = 0;
    this.sendReserve(nowMs, true);
  }

  /** Sends RESERVE (with the cookie once challenged); `fresh` restarts the retransmit count. */
  private sendReserve(nowMs: number, fresh: boolean): void {
    if (fresh) this.sends = 0;
    this.sends++;
    this.stats.reservesSent++;
    const m: RelayMessage = {
      type: 'reserve',
      requestId: this.requestId,
      ...(this.cookie ? { cookie: this.cookie } : {}),
    };
    this.queue.push({ type: 'transmit', to: this.relay, payload: encodeRelayMessage(m) });
    const wait = this.retransmitMs * 2 ** (this.sends - 1) * (this.sends === this.attempts ? 2 : 1);
    this.nextSendMs = nowMs + wait;
  }

  private onReserved(nowMs: number, relayed: Endpoint, lifetimeSeconds: number): void {
    const changed = !this.relayedValue || !endpointsEqual(this.relayedValue, relayed);
    this.relayedValue = relayed;
    this.periodMs = Math.min(this.refreshMs, (lifetimeSeconds * 1000) / 3);
    this.sends = 0;
    this.cookie = undefined;
    // The refresh is a fresh RESERVE under the same ID: the relay knows our endpoint.
    this.nextSendMs = nowMs + this.periodMs;
    if (changed)
      this.queue.push({ type: 'event', event: { type: 'reserved', relayed, lifetimeSeconds } });
  }

  private onData(nowMs: number, peer: Endpoint, payload: Uint8Array): void {
    this.stats.receivedDatagrams++;
    this.stats.receivedBytes += payload.length;
    const inner = payload[0] === 0x52 ? decodeRelayMessage(payload) : undefined;
    if (inner?.ok && this.answerPeer(nowMs, peer, inner.value, true)) return;
    this.queue.push({ type: 'event', event: { type: 'data', from: peer, payload } });
  }

  /** PING, PONG, KNOCK from a peer (`viaRelay`: inside DATA, answered through the relay). */
  private answerPeer(nowMs: number, from: Endpoint, m: RelayMessage, viaRelay: boolean): boolean {
    const r = this.responder.handle(nowMs, from, m);
    if (!r.handled) {
      if (!viaRelay) this.stats.ignored++;
      return false;
    }
    if (r.pong) this.queue.push({ type: 'event', event: r.pong });
    if (r.answer) {
      if (viaRelay) this.send(nowMs, r.answer.to, r.answer.payload);
      else this.queue.push(r.answer);
    }
    return true;
  }

  private tick(nowMs: number): void {
    if (!Number.isFinite(nowMs) || nowMs < this.lastNowMs)
      throw new RangeError(`nowMs must not decrease (${nowMs} after ${this.lastNowMs})`);
    this.lastNowMs = nowMs;
  }
}

function positive(v: number, name: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number`);
  return v;
}
