/**
 * @module nat/punch-node
 * `PunchNode`: keep-alives, rendezvous and UDP hole punching through the cloud (issue 16,
 * docs/design.md §5, NAT), a sans-I/O node on the rendezvous part of a shared socket
 * (`splitPunchTransport`). Theory of operation:
 *
 * - **Keep-alives** ({@link KeepAliveSender}): behind a NAT (its discovered address differs from
 *   its own), a node sends a KEEPALIVE to its keep-alive peers every 25 s and proves its mapping
 *   to each by echoing the cookie the peer answered with.
 * - **Rendezvous** ({@link RendezvousServer}): every node relays a CONNECT to a target that proved
 *   a live mapping with it, as a FORWARD naming the initiator's endpoint as the rendezvous saw it.
 * - **Punching**: the initiator sends a PROBE straight to the target (opening its own NAT toward
 *   it), then a CONNECT to up to two rendezvous (peers it keeps alive with or heard from lately:
 *   the nodes that just referred it to the target), and probes again every `probeIntervalMs`.
 *   The target, on a FORWARD from a peer it keeps alive with that carries the cookie that peer
 *   gave it (a FORWARD forged with the peer's address does not), probes the initiator (twice at most
 *   before hearing from it); its first probe opens its NAT, so the initiator's next probe gets in.
 *   Whoever receives a PROBE acknowledges it; the first datagram of the peer that arrives directly
 *   ends the punch (`punched`), on both sides. A probe counts from any port of the peer's address,
 *   from no other address (the rendezvous knows the transaction ID too). The initiator then sends again the datagram that
 *   started an automatic punch (`autoPunch`: an INQUIRE of a resolve, say), so it need not wait
 *   for its own retransmission.
 *
 * Every table is bounded; remote input never throws; time and randomness are injected.
 */
import { type Endpoint, endpointKey, endpointsEqual, PORT_RESERVED_MAX } from '../keys/endpoint.js';
import { type Output, OutputQueue, type SansIoNode } from '../sans-io.js';
import { equalBytes, toHex } from '../util/bytes.js';
import { TokenBucket } from '../util/token-bucket.js';
import { KeepAliveSender } from './keepalive.js';
import type { PunchEvent, PunchFailure, PunchOptions, PunchStats } from './punch-types.js';
import { RendezvousServer } from './rendezvous.js';
import {
  type ConnectStatus,
  decodeRendezvous,
  encodeRendezvous,
  type RendezvousMessage,
  TXID_BYTES,
} from './rendezvous-codec.js';

/** Endpoints remembered as heard from (rendezvous candidates, auto-punch checks). */
export const HEARD_MAX = 256;
/** Open (punched) paths kept for pings; the oldest is forgotten first. */
export const OPEN_PUNCHES_MAX = 64;
/** Probes a target sends an initiator it has not heard from (28 bytes for a 38-byte FORWARD). */
export const TARGET_PROBES_MAX = 2;

/** Punches in flight as target that one initiator address may cause (anyone may send CONNECTs). */
export const TARGET_PUNCHES_PER_ADDRESS_MAX = 2;

/** Probes of unknown punches acknowledged per second (a public node's answer to a direct try). */
export const PROBE_REFLECTIONS_PER_SECOND = 200;

interface Punch {
  readonly txid: Uint8Array;
  readonly role: 'initiator' | 'target';
  /** The endpoint probed: the target (initiator role) or the initiator as the rendezvous saw it. */
  readonly peer: Endpoint;
  readonly startMs: number;
  readonly rendezvous: readonly Endpoint[];
  readonly replies: { rendezvous: Endpoint; status: ConnectStatus }[];
  probesSent: number;
  nextProbeMs: number;
  deadlineMs: number;
  /** Where the peer's datagram came from, once one did. */
  confirmed: Endpoint | undefined;
  replay: Uint8Array | undefined;
  readonly pings: Map<number, number>;
}

/**
 * Keep-alives, rendezvous and hole punching of one socket. Drive it like any {@link SansIoNode};
 * feed it the other datagrams of the socket through `noteHeard` / `noteSent`.
 * @example
 * const p = new PunchNode({ rng, autoPunch: true });
 * const txid = p.punch(now, target); // then runNode(p, split.punch, timers, { onEvent })
 */
export class PunchNode implements SansIoNode<PunchEvent> {
  /** Counters, never reset by reading. */
  readonly stats: PunchStats = {
    keepAlivesSent: 0,
    keepAliveAcks: 0,
    keepAlivesProven: 0,
    connectsForwarded: 0,
    connectsUnknownTarget: 0,
    connectsRateLimited: 0,
    forwardsIgnored: 0,
    probesSent: 0,
    punched: 0,
    punchFailed: 0,
    ignored: 0,
  };
  private readonly queue = new OutputQueue<PunchEvent>();
  private readonly keepAlive: KeepAliveSender;
  private readonly rendezvous: RendezvousServer;
  private readonly forwards: TokenBucket;
  private readonly reflections = new TokenBucket({
    ratePerSecond: PROBE_REFLECTIONS_PER_SECOND,
    burst: PROBE_REFLECTIONS_PER_SECOND,
  });
  private readonly punches = new Map<string, Punch>();
  private readonly heard = new Map<string, { endpoint: Endpoint; atMs: number }>();
  private readonly liveMs: number;
  private readonly probeIntervalMs: number;
  private readonly punchTimeoutMs: number;
  private readonly rendezvousPerPunch: number;
  private readonly punchesMax: number;
  private readonly autoPunch: boolean;
  private lastNowMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: PunchOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('PunchNode options must be an object');
    if (typeof options.rng?.bytes !== 'function') throw new TypeError('options.rng is required');
    this.liveMs = positive(options.liveMs ?? 30_000, 'liveMs');
    this.probeIntervalMs = positive(options.probeIntervalMs ?? 100, 'probeIntervalMs');
    this.punchTimeoutMs = positive(options.punchTimeoutMs ?? 3000, 'punchTimeoutMs');
    this.rendezvousPerPunch = positive(options.rendezvousPerPunch ?? 2, 'rendezvousPerPunch');
    this.punchesMax = positive(options.punchesMax ?? 16, 'punchesMax');
    this.autoPunch = options.autoPunch === true;
    this.keepAlive = new KeepAliveSender(positive(options.keepAliveMs ?? 25_000, 'keepAliveMs'));
    const connects = positive(options.connectsPerSecond ?? 5, 'connectsPerSecond');
    this.rendezvous = new RendezvousServer(options.rng, this.liveMs, connects, this.stats);
    const forwards = positive(options.forwardsPerSecond ?? 20, 'forwardsPerSecond');
    this.forwards = new TokenBucket({ ratePerSecond: forwards, burst: forwards });
  }

  /** True while keep-alives are being sent (behind a NAT, with peers). */
  get keepingAlive(): boolean {
    return this.keepAlive.enabled;
  }

  /** Whether `endpoint` proved a live mapping with us (we would forward CONNECTs to it). */
  isLiveTarget(nowMs: number, endpoint: Endpoint): boolean {
    return this.rendezvous.isLive(nowMs, endpoint);
  }

  /** Sets the keep-alive peers (leaf-set neighbours, bootstrap nodes; up to 8). */
  setKeepAlivePeers(nowMs: number, peers: readonly Endpoint[]): void {
    this.tick(nowMs);
    this.keepAlive.setPeers(nowMs, peers);
  }

  /** Starts keep-alives when behind a NAT (discovered address not one of ours), stops them else. */
  setBehindNat(nowMs: number, behind: boolean): void {
    this.tick(nowMs);
    this.keepAlive.setBehindNat(nowMs, behind);
  }

  /**
   * Punches toward `target` through `rendezvous` (default: the live keep-alive peers, then the
   * peers heard from most recently), sending `replay` again once the hole is open. Returns the
   * transaction ID the events carry; a punch that cannot start fails at once (`punch-failed`).
   */
  punch(
    nowMs: number,
    target: Endpoint,
    rendezvous?: readonly Endpoint[],
    replay?: Uint8Array,
  ): Uint8Array {
    this.tick(nowMs);
    const txid = this.options.rng.bytes(TXID_BYTES);
    const via = (rendezvous ?? this.rendezvousCandidates(nowMs, target))
      .filter((r) => !endpointsEqual(r, target))
      .slice(0, this.rendezvousPerPunch);
    if (this.inFlight() >= this.punchesMax) this.fail(txid, target, 'busy', []);
    else {
      // Without a rendezvous the probes still go straight to the target (a public one answers).
      const p = this.start(nowMs, txid, 'initiator', target, via);
      p.replay = replay?.slice();
      this.probe(nowMs, p);
      for (const r of via)
        this.send(r, {
          type: 'connect',
          txid,
          target: { address: target.address, port: target.port },
        });
    }
    return txid;
  }

  /** Sends ping `seq` (0..255) over a punched path; its acknowledgement comes as `pong`. */
  ping(nowMs: number, txid: Uint8Array, seq: number): boolean {
    this.tick(nowMs);
    const p = this.punches.get(toHex(txid));
    if (p?.confirmed === undefined) return false;
    p.pings.set(seq, nowMs);
    this.stats.probesSent++;
    this.send(p.confirmed, { type: 'probe', txid: p.txid, ack: false, seq });
    return true;
  }

  /** True when a datagram from `endpoint` arrived directly within `liveMs`. */
  isDirect(nowMs: number, endpoint: Endpoint): boolean {
    const h = this.heard.get(endpointKey(endpoint));
    return h !== undefined && nowMs - h.atMs <= this.liveMs;
  }

  /** The transaction ID of a punch already open toward `endpoint` (pings can use it), if any. */
  openPunch(endpoint: Endpoint): Uint8Array | undefined {
    for (const p of this.punches.values())
      if (
        p.confirmed &&
        (endpointsEqual(p.peer, endpoint) || endpointsEqual(p.confirmed, endpoint))
      )
        return p.txid;
    return undefined;
  }

  /** Forgets a punch (its pings); later datagrams of it are ignored. */
  forget(txid: Uint8Array): void {
    this.punches.delete(toHex(txid));
  }

  /** Any other datagram of the socket arrived from `from` (it proves a direct path from there). */
  noteHeard(nowMs: number, from: Endpoint): void {
    this.tick(nowMs);
    const key = endpointKey(from);
    this.heard.delete(key);
    if (this.heard.size >= HEARD_MAX) this.heard.delete(this.heard.keys().next().value!);
    this.heard.set(key, {
      endpoint: { address: from.address.slice(), port: from.port },
      atMs: nowMs,
    });
    for (const p of this.punches.values())
      if (p.role === 'initiator' && !p.confirmed && endpointsEqual(p.peer, from))
        this.confirm(nowMs, p, from, false);
  }

  /** The socket's other half sends `payload` to `to`: with `autoPunch`, punches if need be. */
  noteSent(nowMs: number, to: Endpoint, payload: Uint8Array): void {
    this.tick(nowMs);
    if (!this.autoPunch || to.port <= PORT_RESERVED_MAX) return;
    const heard = this.heard.get(endpointKey(to));
    if (heard && nowMs - heard.atMs <= this.liveMs) return;
    for (const p of this.punches.values()) {
      if (p.role !== 'initiator' || !endpointsEqual(p.peer, to)) continue;
      if (!p.confirmed) p.replay = payload.slice();
      return;
    }
    if (this.rendezvousCandidates(nowMs, to).length === 0) return;
    this.punch(nowMs, to, undefined, payload);
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.tick(nowMs);
    const decoded = decodeRendezvous(payload);
    if (!decoded.ok) {
      this.stats.ignored++;
      return;
    }
    const m = decoded.value;
    switch (m.type) {
      case 'keepalive':
        this.push(this.rendezvous.onKeepAlive(nowMs, from, m.cookie));
        return;
      case 'keepalive-ack': {
        const out = this.keepAlive.onAck(nowMs, from, m.cookie);
        if (out === undefined) this.stats.ignored++;
        else this.push(out, true);
        return;
      }
      case 'connect':
        this.push(this.rendezvous.onConnect(nowMs, from, m));
        return;
      case 'forward':
        this.onForward(nowMs, from, m.txid, m.initiator, m.cookie);
        return;
      case 'connect-reply':
        this.onReply(from, m.txid, m.status);
        return;
      case 'probe':
        this.onProbe(nowMs, from, m);
    }
  }

  handleTimeout(nowMs: number): void {
    this.tick(nowMs);
    this.push(this.keepAlive.tick(nowMs), true);
    for (const [key, p] of this.punches) {
      if (p.confirmed) {
        if (nowMs >= p.deadlineMs) this.punches.delete(key);
        continue;
      }
      if (nowMs >= p.deadlineMs) {
        this.punches.delete(key);
        this.fail(p.txid, p.peer, p.rendezvous.length > 0 ? 'timeout' : 'no-rendezvous', p.replies);
        continue;
      }
      if (nowMs >= p.nextProbeMs) this.probe(nowMs, p);
    }
  }

  poll(): Output<PunchEvent> {
    const next = this.queue.shift();
    if (next) return next;
    let atMs = this.keepAlive.dueMs;
    for (const p of this.punches.values())
      atMs = Math.min(atMs, p.deadlineMs, p.confirmed ? Infinity : p.nextProbeMs);
    return { type: 'timeout', atMs };
  }

  private start(
    nowMs: number,
    txid: Uint8Array,
    role: Punch['role'],
    peer: Endpoint,
    rendezvous: readonly Endpoint[],
  ): Punch {
    const p: Punch = {
      txid,
      role,
      peer: { address: peer.address.slice(), port: peer.port },
      startMs: nowMs,
      rendezvous,
      replies: [],
      probesSent: 0,
      nextProbeMs: nowMs,
      deadlineMs: nowMs + this.punchTimeoutMs,
      confirmed: undefined,
      replay: undefined,
      pings: new Map(),
    };
    this.punches.set(toHex(txid), p);
    return p;
  }

  private probe(nowMs: number, p: Punch): void {
    const max =
      p.role === 'target'
        ? TARGET_PROBES_MAX
        : Math.ceil(this.punchTimeoutMs / this.probeIntervalMs);
    if (p.probesSent >= max) {
      p.nextProbeMs = Infinity;
      return;
    }
    p.probesSent++;
    this.stats.probesSent++;
    this.send(p.peer, { type: 'probe', txid: p.txid, ack: false, seq: 0 });
    p.nextProbeMs = nowMs + this.probeIntervalMs * (p.role === 'target' ? 2 : 1);
  }

  private onForward(
    nowMs: number,
    from: Endpoint,
    txid: Uint8Array,
    initiator: Endpoint,
    cookie: Uint8Array,
  ): void {
    // The source address of a FORWARD is forgeable; the cookie our peer gave us is not (off path).
    const expected = this.keepAlive.cookieOf(from);
    if (
      expected === undefined ||
      !equalBytes(expected, cookie) ||
      initiator.port <= PORT_RESERVED_MAX ||
      this.punches.has(toHex(txid)) ||
      this.inFlight() >= this.punchesMax ||
      !this.roomAsTarget(initiator) ||
      !this.forwards.take(nowMs)
    ) {
      this.stats.forwardsIgnored++;
      return;
    }
    this.probe(nowMs, this.start(nowMs, txid, 'target', initiator, [from]));
  }

  private onReply(from: Endpoint, txid: Uint8Array, status: ConnectStatus): void {
    const p = this.punches.get(toHex(txid));
    if (p?.role !== 'initiator' || !p.rendezvous.some((r) => endpointsEqual(r, from))) {
      this.stats.ignored++;
      return;
    }
    if (p.replies.some((r) => endpointsEqual(r.rendezvous, from))) return;
    p.replies.push({ rendezvous: from, status });
    const allRefused =
      p.replies.length === p.rendezvous.length && p.replies.every((r) => r.status !== 'forwarded');
    if (allRefused && !p.confirmed) {
      this.punches.delete(toHex(txid));
      this.fail(p.txid, p.peer, 'refused', p.replies);
    }
  }

  private onProbe(
    nowMs: number,
    from: Endpoint,
    m: Extract<RendezvousMessage, { type: 'probe' }>,
  ): void {
    const p = this.punches.get(toHex(m.txid));
    if (p === undefined) {
      // A probe of someone else's punch (we are public, so nobody forwarded it): acknowledged, as
      // long as the probe, so a direct attempt at a public node succeeds without a rendezvous.
      if (!m.ack && this.reflections.take(nowMs))
        this.send(from, { type: 'probe', txid: m.txid, ack: true, seq: m.seq });
      else this.stats.ignored++;
      return;
    }
    // The transaction ID is known to the two sides and to the rendezvous, which may be any node
    // heard from lately: a probe counts from another port of the peer's address (a NAT may map
    // another port than the one first seen), never from another address, so a rendezvous can not
    // make itself or a victim "the peer" (and get the replayed datagram).
    if (!equalBytes(from.address, p.peer.address)) {
      this.stats.ignored++;
      return;
    }
    if (!m.ack) this.send(from, { type: 'probe', txid: p.txid, ack: true, seq: m.seq });
    if (!p.confirmed) this.confirm(nowMs, p, from, true);
    const sent = m.ack ? p.pings.get(m.seq) : undefined;
    if (sent !== undefined && p.confirmed && endpointsEqual(p.confirmed, from)) {
      p.pings.delete(m.seq);
      this.emit({ type: 'pong', txid: p.txid, seq: m.seq, from, rttMs: nowMs - sent });
    }
  }

  /**
   * Whether a FORWARD naming `initiator` may start a punch: punches as target hold at most half
   * the table (the node's own punches keep the rest) and {@link TARGET_PUNCHES_PER_ADDRESS_MAX}
   * per initiator address, so CONNECTs from a few hosts can not fill it.
   */
  private roomAsTarget(initiator: Endpoint): boolean {
    let all = 0;
    let fromAddress = 0;
    for (const p of this.punches.values()) {
      if (p.role !== 'target' || p.confirmed) continue;
      all++;
      if (equalBytes(p.peer.address, initiator.address)) fromAddress++;
    }
    return (
      all < Math.max(1, Math.floor(this.punchesMax / 2)) &&
      fromAddress < TARGET_PUNCHES_PER_ADDRESS_MAX
    );
  }

  private inFlight(): number {
    let n = 0;
    for (const p of this.punches.values()) if (!p.confirmed) n++;
    return n;
  }

  private confirm(nowMs: number, p: Punch, from: Endpoint, replay: boolean): void {
    let open = 0;
    for (const q of this.punches.values()) if (q.confirmed) open++;
    if (open >= OPEN_PUNCHES_MAX)
      for (const [key, q] of this.punches)
        if (q.confirmed) {
          this.punches.delete(key); // oldest first (insertion order)
          break;
        }
    p.confirmed = { address: from.address.slice(), port: from.port };
    p.deadlineMs = nowMs + this.liveMs; // kept a while for pings
    this.stats.punched++;
    this.emit({
      type: 'punched',
      txid: p.txid,
      role: p.role,
      peer: p.confirmed,
      elapsedMs: nowMs - p.startMs,
      probesSent: p.probesSent,
    });
    if (replay && p.replay)
      this.queue.push({ type: 'transmit', to: p.confirmed, payload: p.replay });
    p.replay = undefined;
  }

  private rendezvousCandidates(nowMs: number, target: Endpoint): Endpoint[] {
    const out: Endpoint[] = [];
    const add = (e: Endpoint): void => {
      if (out.length >= this.rendezvousPerPunch || e.port <= PORT_RESERVED_MAX) return;
      if (endpointsEqual(e, target) || out.some((o) => endpointsEqual(o, e))) return;
      out.push(e);
    };
    for (const e of this.keepAlive.livePeers(nowMs, this.liveMs)) add(e);
    const recent = [...this.heard.values()].filter((h) => nowMs - h.atMs <= this.liveMs);
    for (let i = recent.length - 1; i >= 0; i--) add(recent[i]!.endpoint);
    return out;
  }

  private fail(
    txid: Uint8Array,
    peer: Endpoint,
    reason: PunchFailure,
    replies: Punch['replies'],
  ): void {
    this.stats.punchFailed++;
    this.emit({ type: 'punch-failed', txid, peer, reason, replies: [...replies] });
  }

  private send(to: Endpoint, m: RendezvousMessage): void {
    this.queue.push({ type: 'transmit', to, payload: encodeRendezvous(m) });
  }

  private push(out: readonly Output<PunchEvent>[], keepAlives = false): void {
    for (const t of out) {
      if (keepAlives) this.stats.keepAlivesSent++;
      this.queue.push(t);
    }
  }

  private emit(event: PunchEvent): void {
    this.queue.push({ type: 'event', event });
  }

  private tick(nowMs: number): void {
    if (!(nowMs >= this.lastNowMs)) throw new RangeError(`nowMs went backwards: ${nowMs}`);
    this.lastNowMs = nowMs;
  }
}

function positive(v: number, name: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number`);
  return v;
}
