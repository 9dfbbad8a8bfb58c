/**
 * @module nat/relay-server
 * `RelayServer`: the bounded relay a public node may offer (issue 16 Build 3, after libp2p's
 * circuit relay v2 and TURN), sans-I/O. Theory of operation:
 *
 * - **Reserve.** A client sends RESERVE to the relay's control endpoint; the first from an
 *   endpoint gets a CHALLENGE with a random cookie, the RESERVE repeating it (return routability:
 *   the client's address is proven) gets a slot: RESERVED names the relayed endpoint (the relay's
 *   address and the slot's own port). The reservation lives `lifetimeMs` after the last RESERVE,
 *   which the client repeats to refresh it (no new challenge from the same endpoint). Bounded:
 *   one reservation per slot, `reservationsPerSourceMax` per source address (fairness), RESERVEs
 *   that cost a CHALLENGE rate-limited (a refresh is charged to its own reservation's budget, a
 *   repeated cookie to the challenge it answers, so a spoofed flood can not starve either);
 *   refusals name the reason (REFUSED `full`, `source-limit`).
 * - **Forward.** Anything a peer sends to a slot goes to the client as DATA (peer endpoint and the
 *   payload, untouched); a SEND from the client goes out of the slot to the peer it names as the
 *   bare payload. The PNRP core on each side sees ordinary endpoints: the peer sees the relayed
 *   endpoint, the client the peer's. Each reservation has a byte and a datagram budget (token
 *   buckets, both directions together); over it the datagram is dropped and counted.
 * - **Peers are proven before they get more than they sent.** Toward a peer the relay sends at
 *   most what that peer sent to the slot (credit, QUIC's factor 1) until the peer is proven: the
 *   relay KNOCKs it (a 14-byte KNOCK with a random nonce, from the slot when the peer spoke to the
 *   slot, else from the control endpoint, which a NAT'd peer's filter lets in when that peer talks
 *   with this node, its bootstrap or neighbour) and the peer's OPEN to the slot echoing the nonce
 *   proves it and opens its NAT toward the slot. A SEND the credit cannot cover waits (one per
 *   peer) for that OPEN. Everything the relay sends is never more than what it received for it:
 *   CHALLENGE 16, RESERVED 28 and REFUSED 9 bytes answer a 32-byte RESERVE; a payload to a peer
 *   is 22 bytes shorter than the SEND that carried it; a KNOCK (14) answers at least 14 bytes.
 *   DATA adds 22 bytes to the peer's datagram, toward the proven client that asked for it.
 * - **It cannot read or forge.** The payload is the MS-PNRP (or DRT, DHT) datagram as the peer
 *   sent it; CPAs inside are signed by their publishers' keys, which the relay does not hold, and
 *   verified end to end, so a relay that alters a record makes it fail verification. A relay can
 *   drop, delay or replay datagrams, as any path on the internet can.
 */
import { type Endpoint, endpointKey, PORT_RESERVED_MAX } from '../keys/endpoint.js';
import { type Output, OutputQueue, type SansIoNode } from '../sans-io.js';
import { TokenBucket } from '../util/token-bucket.js';
import {
  decodeRelayMessage,
  encodeRelayMessage,
  isRelayDatagram,
  RELAY_PAYLOAD_MAX,
  RELAY_REFUSALS,
  type RelayMessage,
  type RelayRefusal,
} from './relay-codec.js';
import { RelayPeerResponder } from './relay-peer.js';
import type {
  RelayDrop,
  RelayServerEvent,
  RelayServerOptions,
  RelayServerStats,
} from './relay-types.js';

/** Pending challenges remembered (oldest forgotten first); each valid this long. */
export const RELAY_CHALLENGES_MAX = 256;
/** How long a CHALLENGE's cookie is accepted. */
export const RELAY_CHALLENGE_TTL_MS = 10_000;
/** Least time between two KNOCKs to one peer of one reservation. */
export const RELAY_KNOCK_INTERVAL_MS = 500;
/** Most credit an unproven peer accumulates, in bytes. */
export const RELAY_CREDIT_MAX = 16_384;
/** Bytes of a KNOCK (what a datagram from a peer must be worth to get one). */
const KNOCK_BYTES = 14;
/** Bytes of a RESERVE (what a refresh costs its reservation's budget). */
const RESERVE_BYTES = 32;

interface Peer {
  readonly endpoint: Endpoint;
  proven: boolean;
  /** Bytes it sent to the slot minus bytes sent to it, while unproven. */
  credit: number;
  /** It sent to the slot (so a KNOCK can come from the slot). */
  inbound: boolean;
  nonce: Uint8Array | undefined;
  knockMs: number;
  held: Uint8Array | undefined;
}

interface Reservation {
  readonly client: Endpoint;
  readonly clientKey: string;
  readonly sourceKey: string;
  readonly slot: Endpoint;
  expiresMs: number;
  readonly bytes: TokenBucket;
  readonly datagrams: TokenBucket;
  readonly peers: Map<string, Peer>;
}

/**
 * The relay. Drive it like any `SansIoNode`: datagrams to the control endpoint and to every slot
 * go to `handleDatagram` with the endpoint they arrived on as `localEndpoint`; a transmit's
 * `from` names the slot to send out of (none: the control endpoint).
 * @example
 * const relay = new RelayServer({ rng, slots: [{ address: pub, port: 3541 }] });
 * runNode(relay, relaySockets, undefined, { onEvent });
 */
export class RelayServer implements SansIoNode<RelayServerEvent> {
  /** Counters, never reset by reading. */
  readonly stats: RelayServerStats;
  private readonly queue = new OutputQueue<RelayServerEvent>();
  private readonly responder = new RelayPeerResponder();
  private readonly slots: readonly Endpoint[];
  private readonly bySlotPort = new Map<number, Reservation>();
  private readonly byClient = new Map<string, Reservation>();
  private readonly perSource = new Map<string, number>();
  private readonly challenges = new Map<string, { cookie: Uint8Array; expiresMs: number }>();
  private readonly reserves: TokenBucket;
  private readonly lifetimeMs: number;
  private readonly perSourceMax: number;
  private readonly peersMax: number;
  private lastNowMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RelayServerOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('RelayServer options must be an object');
    if (typeof options.rng?.bytes !== 'function') throw new TypeError('options.rng is required');
    if (!Array.isArray(options.slots) || options.slots.length < 1 || options.slots.length > 1024)
      throw new RangeError('options.slots must list 1..1024 endpoints');
    if (new Set(options.slots.map((s) => s.port)).size !== options.slots.length)
      throw new RangeError('options.slots must have distinct ports');
    this.slots = options.slots.map((s) => ({ address: s.address.slice(), port: s.port }));
    this.lifetimeMs = positive(options.lifetimeMs ?? 120_000, 'lifetimeMs');
    if (this.lifetimeMs > 65_535_000) throw new RangeError('lifetimeMs must be at most 65535 s');
    this.perSourceMax = positive(options.reservationsPerSourceMax ?? 2, 'reservationsPerSourceMax');
    this.peersMax = positive(options.peersMax ?? 32, 'peersMax');
    const rate = positive(options.reservesPerSecond ?? 50, 'reservesPerSecond');
    this.reserves = new TokenBucket({ ratePerSecond: rate, burst: rate });
    positive(options.bytesPerSecond ?? 1, 'bytesPerSecond');
    positive(options.burstBytes ?? 1, 'burstBytes');
    positive(options.datagramsPerSecond ?? 1, 'datagramsPerSecond');
    positive(options.burstDatagrams ?? 1, 'burstDatagrams');
    const zero = <K extends string>(keys: readonly K[]): Record<K, number> =>
      Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
    this.stats = Object.assign(this.responder.stats, {
      reservationsGranted: 0,
      reservationsRefreshed: 0,
      reservationsExpired: 0,
      reservationsReleased: 0,
      challengesSent: 0,
      refused: zero(RELAY_REFUSALS),
      toClientDatagrams: 0,
      toClientBytes: 0,
      toPeerDatagrams: 0,
      toPeerBytes: 0,
      receivedBytes: 0,
      sentBytes: 0,
      knocksSent: 0,
      peersProven: 0,
      hairpinned: 0,
      dropped: zero<RelayDrop>([
        'unreserved-slot',
        'rate-limited',
        'held-replaced',
        'held-expired',
        'too-long',
        'bad-peer',
      ]),
      ignored: 0,
    });
  }

  /** Reservations held now. */
  get reservationCount(): number {
    return this.byClient.size;
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array, local?: Endpoint): void {
    this.tick(nowMs);
    const slot = local === undefined ? undefined : this.slots.find((s) => s.port === local.port);
    if (slot !== undefined) return this.fromPeer(nowMs, slot, from, payload);
    const decoded = isRelayDatagram(payload) ? decodeRelayMessage(payload) : undefined;
    if (!decoded?.ok) {
      this.stats.ignored++;
      return;
    }
    this.fromControl(nowMs, from, decoded.value, payload.length);
  }

  handleTimeout(nowMs: number): void {
    this.tick(nowMs);
    for (const r of [...this.byClient.values()])
      if (r.expiresMs <= nowMs) this.remove(r, 'expired');
  }

  poll(): Output<RelayServerEvent> {
    const next = this.queue.shift();
    if (next) return next;
    let atMs = Number.POSITIVE_INFINITY;
    for (const r of this.byClient.values()) atMs = Math.min(atMs, r.expiresMs);
    return { type: 'timeout', atMs };
  }

  private fromControl(nowMs: number, from: Endpoint, m: RelayMessage, bytes: number): void {
    switch (m.type) {
      case 'reserve':
        return this.reserve(nowMs, from, m.requestId, m.cookie);
      case 'send':
        return this.send(nowMs, from, m.peer, m.payload, bytes);
      case 'release': {
        const r = this.byClient.get(endpointKey(from));
        if (r) this.remove(r, 'released');
        else this.stats.ignored++;
        return;
      }
      default: {
        const r = this.responder.handle(nowMs, from, m);
        if (!r.handled) this.stats.ignored++;
        if (r.answer) this.queue.push(r.answer);
        if (r.pong) this.queue.push({ type: 'event', event: r.pong });
      }
    }
  }

  private reserve(nowMs: number, from: Endpoint, requestId: number, cookie?: Uint8Array): void {
    const key = endpointKey(from);
    const held = this.byClient.get(key);
    if (held) {
      // A refresh is charged to the client's own reservation, not to the shared RESERVE rate: a
      // flood of spoofed RESERVEs drains that rate, and must not make held reservations expire.
      if (!this.charge(nowMs, held, RESERVE_BYTES)) return;
      held.expiresMs = nowMs + this.lifetimeMs;
      this.stats.reservationsRefreshed++;
      return this.reply(from, this.reservedMessage(requestId, held));
    }
    const pending = this.challenges.get(key);
    const proven =
      cookie !== undefined &&
      pending !== undefined &&
      pending.expiresMs > nowMs &&
      bytesEqual(pending.cookie, cookie);
    // Only a RESERVE that costs a CHALLENGE takes from the shared rate; repeating a cookie proves
    // the address and is bounded by the challenges sent, so a spoofed flood can not starve it.
    if (!proven) {
      if (!this.reserves.take(nowMs)) {
        this.stats.refused['rate-limited']++;
        return;
      }
      return this.challenge(nowMs, from, key, requestId);
    }
    this.challenges.delete(key);
    const sourceKey = endpointKey({ address: from.address, port: 0 });
    if ((this.perSource.get(sourceKey) ?? 0) >= this.perSourceMax)
      return this.refuse(from, requestId, 'source-limit');
    const slot = this.slots.find((s) => !this.bySlotPort.has(s.port));
    if (slot === undefined) return this.refuse(from, requestId, 'full');
    const o = this.options;
    const r: Reservation = {
      client: { address: from.address.slice(), port: from.port },
      clientKey: key,
      sourceKey,
      slot,
      expiresMs: nowMs + this.lifetimeMs,
      bytes: new TokenBucket({
        ratePerSecond: o.bytesPerSecond ?? 65_536,
        burst: o.burstBytes ?? 262_144,
      }),
      datagrams: new TokenBucket({
        ratePerSecond: o.datagramsPerSecond ?? 200,
        burst: o.burstDatagrams ?? 400,
      }),
      peers: new Map(),
    };
    this.byClient.set(key, r);
    this.bySlotPort.set(slot.port, r);
    this.perSource.set(sourceKey, (this.perSource.get(sourceKey) ?? 0) + 1);
    this.stats.reservationsGranted++;
    this.reply(from, this.reservedMessage(requestId, r));
    this.queue.push({
      type: 'event',
      event: { type: 'reserved', client: r.client, relayed: slot },
    });
  }

  private challenge(nowMs: number, from: Endpoint, key: string, requestId: number): void {
    this.challenges.delete(key);
    if (this.challenges.size >= RELAY_CHALLENGES_MAX)
      this.challenges.delete(this.challenges.keys().next().value!);
    const cookie = this.options.rng.bytes(8);
    if (cookie.every((b) => b === 0)) cookie[0] = 1; // all zeros means "no cookie" on the wire
    this.challenges.set(key, { cookie, expiresMs: nowMs + RELAY_CHALLENGE_TTL_MS });
    this.stats.challengesSent++;
    this.reply(from, { type: 'challenge', requestId, cookie });
  }

  private refuse(from: Endpoint, requestId: number, reason: RelayRefusal): void {
    this.stats.refused[reason]++;
    this.reply(from, { type: 'refused', requestId, reason });
  }

  private reservedMessage(requestId: number, r: Reservation): RelayMessage {
    const lifetimeSeconds = Math.max(1, Math.floor(this.lifetimeMs / 1000));
    return { type: 'reserved', requestId, lifetimeSeconds, relayed: r.slot };
  }

  private send(nowMs: number, from: Endpoint, to: Endpoint, payload: Uint8Array, n: number): void {
    const r = this.byClient.get(endpointKey(from));
    if (!r) {
      if (this.reserves.take(nowMs)) this.refuse(from, 0, 'no-reservation');
      else this.stats.refused['rate-limited']++;
      return;
    }
    if (to.port <= PORT_RESERVED_MAX) {
      this.stats.dropped['bad-peer']++;
      return;
    }
    const hairpin = this.slots.find((s) => isSlotOf(s, to));
    if (hairpin !== undefined) return this.hairpin(nowMs, r, hairpin, payload, n);
    if (!this.charge(nowMs, r, n)) return;
    this.stats.receivedBytes += n;
    const peer = this.peerOf(r, to);
    if (peer.proven || peer.credit >= payload.length) {
      if (!peer.proven) peer.credit -= payload.length;
      return this.toPeer(r, peer, payload);
    }
    if (peer.held) this.stats.dropped['held-replaced']++;
    peer.held = payload;
    this.knock(nowMs, r, peer);
  }

  /**
   * A SEND to another slot of this relay: two relayed nodes of one relay talk through it without
   * the datagram leaving it (a UDP loop through its own sockets would make each client an
   * unproven peer of the other's slot, which it cannot KNOCK). Both clients proved their address
   * when they reserved, so the payload goes as DATA, no larger than the SEND, naming the sender's
   * slot as the peer; both reservations' budgets pay. A SEND to the sender's own slot or to a slot
   * nobody holds is dropped.
   */
  private hairpin(nowMs: number, r: Reservation, slot: Endpoint, payload: Uint8Array, n: number) {
    const other = this.bySlotPort.get(slot.port);
    if (other === undefined || other === r) {
      this.stats.dropped[other === r ? 'bad-peer' : 'unreserved-slot']++;
      return;
    }
    if (!this.charge(nowMs, r, n) || !this.charge(nowMs, other, payload.length)) return;
    this.stats.receivedBytes += n;
    this.stats.hairpinned++;
    this.toClient(other, r.slot, payload);
  }

  private toClient(r: Reservation, peer: Endpoint, payload: Uint8Array): void {
    const data = encodeRelayMessage({ type: 'data', peer, payload });
    this.stats.toClientDatagrams++;
    this.stats.toClientBytes += payload.length;
    this.stats.sentBytes += data.length;
    this.queue.push({ type: 'transmit', to: r.client, payload: data });
  }

  private fromPeer(nowMs: number, slot: Endpoint, from: Endpoint, payload: Uint8Array): void {
    const r = this.bySlotPort.get(slot.port);
    if (!r) {
      this.stats.dropped['unreserved-slot']++;
      return;
    }
    const peer = r.peers.get(endpointKey(from));
    if (peer && !peer.proven && peer.nonce && isOpenWith(payload, peer.nonce)) {
      peer.proven = true;
      peer.inbound = true;
      this.stats.peersProven++;
      const held = peer.held;
      peer.held = undefined;
      if (held && this.charge(nowMs, r, held.length)) this.toPeer(r, peer, held);
      return;
    }
    if (payload.length > RELAY_PAYLOAD_MAX) {
      this.stats.dropped['too-long']++;
      return;
    }
    if (!this.charge(nowMs, r, payload.length)) return;
    this.stats.receivedBytes += payload.length;
    const p = peer ?? this.peerOf(r, from);
    r.peers.delete(endpointKey(from)); // most recently used last
    r.peers.set(endpointKey(from), p);
    p.inbound = true;
    if (!p.proven) {
      p.credit = Math.min(RELAY_CREDIT_MAX, p.credit + payload.length);
      if (p.credit >= KNOCK_BYTES) this.knock(nowMs, r, p);
    }
    this.toClient(r, from, payload);
  }

  /** KNOCKs an unproven peer (rate-limited per peer): from the slot when it spoke to the slot. */
  private knock(nowMs: number, r: Reservation, peer: Peer): void {
    if (nowMs - peer.knockMs < RELAY_KNOCK_INTERVAL_MS) return;
    peer.knockMs = nowMs;
    peer.nonce ??= this.options.rng.bytes(8);
    if (peer.inbound) peer.credit -= KNOCK_BYTES;
    const knock = encodeRelayMessage({ type: 'knock', slotPort: r.slot.port, nonce: peer.nonce });
    this.stats.knocksSent++;
    this.stats.sentBytes += knock.length;
    this.queue.push({
      type: 'transmit',
      to: peer.endpoint,
      payload: knock,
      ...(peer.inbound ? { from: r.slot } : {}),
    });
  }

  private toPeer(r: Reservation, peer: Peer, payload: Uint8Array): void {
    this.stats.toPeerDatagrams++;
    this.stats.toPeerBytes += payload.length;
    this.stats.sentBytes += payload.length;
    this.queue.push({ type: 'transmit', to: peer.endpoint, payload, from: r.slot });
  }

  /** Takes `bytes` and one datagram from the reservation's budgets, or counts the drop. */
  private charge(nowMs: number, r: Reservation, bytes: number): boolean {
    if (r.datagrams.available(nowMs) >= 1 && r.bytes.take(nowMs, bytes)) {
      r.datagrams.take(nowMs);
      return true;
    }
    this.stats.dropped['rate-limited']++;
    return false;
  }

  private peerOf(r: Reservation, endpoint: Endpoint): Peer {
    const key = endpointKey(endpoint);
    const known = r.peers.get(key);
    if (known) return known;
    if (r.peers.size >= this.peersMax) {
      const [oldestKey, oldest] = r.peers.entries().next().value!;
      if (oldest.held) this.stats.dropped['held-expired']++;
      r.peers.delete(oldestKey);
    }
    const peer: Peer = {
      endpoint: { address: endpoint.address.slice(), port: endpoint.port },
      proven: false,
      credit: 0,
      inbound: false,
      nonce: undefined,
      knockMs: Number.NEGATIVE_INFINITY,
      held: undefined,
    };
    r.peers.set(key, peer);
    return peer;
  }

  private remove(r: Reservation, reason: 'expired' | 'released'): void {
    this.byClient.delete(r.clientKey);
    this.bySlotPort.delete(r.slot.port);
    const n = (this.perSource.get(r.sourceKey) ?? 1) - 1;
    if (n > 0) this.perSource.set(r.sourceKey, n);
    else this.perSource.delete(r.sourceKey);
    for (const p of r.peers.values()) if (p.held) this.stats.dropped['held-expired']++;
    if (reason === 'expired') this.stats.reservationsExpired++;
    else this.stats.reservationsReleased++;
    this.queue.push({
      type: 'event',
      event: { type: 'released', client: r.client, relayed: r.slot, reason },
    });
  }

  private reply(to: Endpoint, m: RelayMessage): void {
    this.queue.push({ type: 'transmit', to, payload: encodeRelayMessage(m) });
  }

  private tick(nowMs: number): void {
    if (!Number.isFinite(nowMs) || nowMs < this.lastNowMs)
      throw new RangeError(`nowMs must not decrease (${nowMs} after ${this.lastNowMs})`);
    this.lastNowMs = nowMs;
  }
}

function isSlotOf(slot: Endpoint, e: Endpoint): boolean {
  return slot.port === e.port && bytesEqual(slot.address, e.address);
}

function isOpenWith(payload: Uint8Array, nonce: Uint8Array): boolean {
  if (!isRelayDatagram(payload)) return false;
  const m = decodeRelayMessage(payload);
  return m.ok && m.value.type === 'open' && bytesEqual(m.value.nonce, nonce);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function positive(v: number, name: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number`);
  return v;
}
