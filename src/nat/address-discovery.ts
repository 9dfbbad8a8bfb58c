/**
 * @module nat/address-discovery
 * `AddressDiscovery`: how a node learns the endpoint its peers see (issue 16, docs/design.md §5,
 * NAT). A sans-I/O node on the STUN half of a shared socket (`splitStunTransport`): it answers
 * Binding requests ({@link StunResponder}) and, given servers (bootstrap nodes, STUN servers the
 * user names, other nodes of the cloud), asks each where it sees us.
 *
 * - An observed address is a **candidate** until a node other than the one that reported it
 *   reaches us there: we send that helper a Binding request with DIAL-BACK (the candidate) and the
 *   helper sends a Binding indication with the request's transaction ID to the candidate. When it
 *   arrives (from the helper's endpoint, with the ID we chose) the candidate is **confirmed**.
 *   Behind an endpoint-independent ("cone") NAT the helper's probe rides the mapping our request
 *   opened; behind an address-and-port-dependent ("symmetric") NAT the mapping toward the helper
 *   differs, the probe is dropped and the address stays unconfirmed, which the node reports.
 * - Every `refreshMs` the servers are asked again (which also keeps the NAT mappings open). When
 *   two servers in a row see another address than the confirmed one, it is **lost** and the new
 *   observation becomes the candidate, confirmed afresh (`confirmed` then names `previous`).
 * - Bounded: at most {@link DISCOVERY_SERVERS_MAX} servers, one transaction per server and one
 *   dial-back in flight; remote input never throws; time and randomness are injected.
 */
import { type Endpoint, endpointKey, endpointsEqual } from '../keys/endpoint.js';
import { type Output, OutputQueue, type SansIoNode } from '../sans-io.js';
import { toHex } from '../util/bytes.js';
import type {
  AddressDiscoveryOptions,
  AddressDiscoveryStats,
  AddressEvent,
  Observation,
  UnconfirmedReason,
} from './address-types.js';
import { decodeStun, encodeStun } from './stun.js';
import { DIAL_BACK_PADDING, StunResponder } from './stun-responder.js';

/** Most servers asked; later ones are ignored. */
export const DISCOVERY_SERVERS_MAX = 8;

interface Pending {
  readonly id: Uint8Array;
  readonly to: Endpoint;
  readonly payload: Uint8Array;
  /** Set for a dial-back: the candidate it asks to be probed at. */
  readonly candidate?: Endpoint;
  sends: number;
  nextMs: number;
}

/**
 * Address discovery and the STUN responder of one socket. Drive it like any {@link SansIoNode}.
 * @example
 * const d = new AddressDiscovery({ rng, servers: [bootstrap, other] });
 * d.start(now); // then runNode(d, split.stun, timers, { onEvent })
 */
export class AddressDiscovery implements SansIoNode<AddressEvent> {
  /** Counters, never reset by reading. */
  readonly stats: AddressDiscoveryStats;
  private readonly queue = new OutputQueue<AddressEvent>();
  private readonly responder = new StunResponder();
  private readonly servers: Endpoint[] = [];
  private readonly locals: readonly Endpoint[];
  private readonly retransmitMs: number;
  private readonly attempts: number;
  private readonly refreshMs: number;
  private readonly pending = new Map<string, Pending>();
  private readonly observed = new Map<string, Observation>();
  /** Servers that saw another address than the confirmed one since it was last seen. */
  private readonly disagreeing = new Set<string>();
  private candidateValue: { endpoint: Endpoint; reportedBy: Endpoint } | undefined;
  private confirmedValue: Endpoint | undefined;
  /** The confirmed address before the last loss, for `previous`. */
  private lost: Endpoint | undefined;
  private unconfirmedSaid = false;
  private started = false;
  private nextRefreshMs = Number.POSITIVE_INFINITY;
  private roundAnswered = false;
  private lastNowMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: AddressDiscoveryOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('AddressDiscovery options must be an object');
    if (typeof options.rng?.bytes !== 'function') throw new TypeError('options.rng is required');
    this.retransmitMs = positive(options.retransmitMs ?? 500, 'retransmitMs');
    this.attempts = positive(options.attempts ?? 4, 'attempts');
    this.refreshMs = positive(options.refreshMs ?? 25_000, 'refreshMs');
    this.locals = [...(options.localEndpoints ?? [])];
    this.addServers(options.servers ?? []);
    const r = this.responder.stats;
    this.stats = Object.assign(r, { requestsSent: 0, matched: 0, ignored: 0 });
  }

  /** The confirmed public endpoint, if any. */
  get confirmed(): Endpoint | undefined {
    return this.confirmedValue;
  }

  /** The current candidate (observed, not yet confirmed), if any. */
  get candidate(): Endpoint | undefined {
    return this.candidateValue?.endpoint;
  }

  /** The servers asked, in order. */
  serverList(): readonly Endpoint[] {
    return [...this.servers];
  }

  /**
   * Adds servers (duplicates and any past {@link DISCOVERY_SERVERS_MAX} are ignored). After
   * `start`, pass `nowMs`: the new servers are asked at once, and an unconfirmed candidate gets
   * its dial-back through one of them.
   */
  addServers(servers: readonly Endpoint[], nowMs?: number): void {
    if (nowMs !== undefined) this.tick(nowMs);
    const before = this.servers.length;
    for (const s of servers) {
      if (this.servers.length >= DISCOVERY_SERVERS_MAX) break;
      if (this.servers.some((t) => endpointsEqual(t, s))) continue;
      this.servers.push({ address: s.address.slice(), port: s.port });
    }
    if (!this.started || nowMs === undefined || this.servers.length === before) return;
    if (this.nextRefreshMs === Infinity) this.nextRefreshMs = nowMs + this.refreshMs;
    for (const s of this.servers.slice(before)) this.ask(nowMs, s);
    if (this.confirmedValue === undefined && this.candidateValue) {
      this.unconfirmedSaid = false;
      this.dialBack(nowMs);
    }
  }

  /** Asks every server now, then every `refreshMs`. */
  start(nowMs: number): void {
    this.tick(nowMs);
    if (this.started) return;
    this.started = true;
    this.refresh(nowMs);
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.tick(nowMs);
    const decoded = decodeStun(payload);
    if (!decoded.ok) {
      this.stats.ignored++;
      return;
    }
    const m = decoded.value;
    if (m.cls === 'request') {
      for (const t of this.responder.answer(nowMs, from, m, payload.length)) this.queue.push(t);
      return;
    }
    const key = toHex(m.transactionId);
    const p = this.pending.get(key);
    if (p === undefined || !endpointsEqual(p.to, from)) {
      this.stats.ignored++;
      return;
    }
    if (m.cls === 'indication' && p.candidate) {
      this.stats.matched++;
      this.pending.delete(key);
      this.confirm(p.candidate, from);
    } else if (m.cls === 'success' && m.mapped) {
      this.stats.matched++;
      this.roundAnswered = true;
      if (!p.candidate) this.pending.delete(key); // a dial-back still waits for its probe
      this.observe(nowMs, from, m.mapped, p.candidate === undefined);
    } else {
      this.stats.ignored++;
    }
  }

  handleTimeout(nowMs: number): void {
    this.tick(nowMs);
    for (const [key, p] of this.pending) {
      if (p.nextMs > nowMs) continue;
      if (p.sends < this.attempts) {
        this.send(p);
        p.nextMs = nowMs + this.retransmitMs * 2 ** (p.sends - 1);
        continue;
      }
      this.pending.delete(key);
      if (p.candidate) this.dialBackFailed(nowMs, p);
      else this.bindingFailed();
    }
    if (nowMs >= this.nextRefreshMs) this.refresh(nowMs);
  }

  poll(): Output<AddressEvent> {
    const next = this.queue.shift();
    if (next) return next;
    let atMs = this.nextRefreshMs;
    for (const p of this.pending.values()) atMs = Math.min(atMs, p.nextMs);
    return { type: 'timeout', atMs };
  }

  private tick(nowMs: number): void {
    if (!(nowMs >= this.lastNowMs)) throw new RangeError(`nowMs went backwards: ${nowMs}`);
    this.lastNowMs = nowMs;
  }

  private refresh(nowMs: number): void {
    this.roundAnswered = false;
    this.nextRefreshMs = this.servers.length > 0 ? nowMs + this.refreshMs : Infinity;
    for (const s of this.servers) this.ask(nowMs, s);
    // A candidate left unconfirmed is tried again each round (the NAT or the helpers may change).
    if (this.confirmedValue === undefined && this.candidateValue) this.dialBack(nowMs);
  }

  /** One Binding request to `server`, unless one is already in flight to it. */
  private ask(nowMs: number, server: Endpoint): void {
    for (const p of this.pending.values()) if (!p.candidate && endpointsEqual(p.to, server)) return;
    this.begin(nowMs, server, undefined);
  }

  private begin(nowMs: number, to: Endpoint, candidate: Endpoint | undefined): void {
    const id = this.options.rng.bytes(12);
    const payload = encodeStun(
      candidate
        ? { cls: 'request', transactionId: id, dialBack: candidate, padding: DIAL_BACK_PADDING }
        : { cls: 'request', transactionId: id },
    );
    const p: Pending = {
      id,
      to,
      payload,
      sends: 0,
      nextMs: nowMs,
      ...(candidate ? { candidate } : {}),
    };
    this.pending.set(toHex(id), p);
    this.send(p);
    p.nextMs = nowMs + this.retransmitMs;
  }

  private send(p: Pending): void {
    p.sends++;
    this.stats.requestsSent++;
    this.queue.push({ type: 'transmit', to: p.to, payload: p.payload });
  }

  private observe(nowMs: number, server: Endpoint, mapped: Endpoint, fromRound: boolean): void {
    const key = endpointKey(server);
    this.observed.set(key, { server, mapped });
    const confirmed = this.confirmedValue;
    if (confirmed) {
      if (endpointsEqual(confirmed, mapped)) {
        this.disagreeing.clear();
        return;
      }
      this.disagreeing.add(key);
      if (this.disagreeing.size < 2) return;
      this.disagreeing.clear();
      this.lost = confirmed;
      this.confirmedValue = undefined;
      this.emit({ type: 'lost', endpoint: confirmed, observed: this.observations() });
    }
    // Only a Binding round proposes candidates: the answer to a dial-back is an observation only,
    // so two servers that disagree (a symmetric NAT) cannot chase each other's candidates.
    if (!fromRound) return;
    // A candidate is replaced only when its own reporter now sees another address.
    const current = this.candidateValue;
    if (
      current &&
      (endpointsEqual(current.endpoint, mapped) ||
        !endpointsEqual(current.reportedBy, server) ||
        this.dialBackInFlight())
    )
      return;
    this.candidateValue = { endpoint: mapped, reportedBy: server };
    this.unconfirmedSaid = false;
    this.emit({ type: 'candidate', endpoint: mapped, reportedBy: server });
    this.dialBack(nowMs);
  }

  private dialBackInFlight(): boolean {
    for (const p of this.pending.values()) if (p.candidate) return true;
    return false;
  }

  /** Asks a server other than the candidate's reporter to probe it. */
  private dialBack(nowMs: number): void {
    const c = this.candidateValue;
    if (!c || this.dialBackInFlight()) return;
    const helper = this.servers.find((s) => !endpointsEqual(s, c.reportedBy));
    if (helper === undefined) {
      this.unconfirmed('no-helper');
      return;
    }
    this.begin(nowMs, helper, c.endpoint);
  }

  private dialBackFailed(_nowMs: number, p: Pending): void {
    const c = this.candidateValue;
    if (!c || !endpointsEqual(c.endpoint, p.candidate!)) return;
    const seen = this.observations().map((o) => o.mapped);
    const differ = seen.some((m) => !endpointsEqual(m, c.endpoint));
    this.unconfirmed(differ ? 'endpoint-dependent-mapping' : 'no-probe');
  }

  private unconfirmed(reason: UnconfirmedReason): void {
    const c = this.candidateValue;
    if (!c || this.unconfirmedSaid) return;
    this.unconfirmedSaid = true;
    this.emit({ type: 'unconfirmed', endpoint: c.endpoint, reason, observed: this.observations() });
  }

  private bindingFailed(): void {
    for (const p of this.pending.values()) if (!p.candidate) return; // the round is still open
    if (this.roundAnswered || this.candidateValue || this.confirmedValue) return;
    this.emit({ type: 'no-answer', servers: this.serverList() });
  }

  private confirm(endpoint: Endpoint, by: Endpoint): void {
    const c = this.candidateValue;
    if (!c || !endpointsEqual(c.endpoint, endpoint)) return;
    this.candidateValue = undefined;
    this.confirmedValue = endpoint;
    this.disagreeing.clear();
    const previous = this.lost;
    this.lost = undefined;
    this.emit({
      type: 'confirmed',
      endpoint,
      reportedBy: c.reportedBy,
      confirmedBy: by,
      natted: !this.locals.some((l) => endpointsEqual(l, endpoint)),
      ...(previous && !endpointsEqual(previous, endpoint) ? { previous } : {}),
    });
  }

  private observations(): Observation[] {
    return [...this.observed.values()];
  }

  private emit(event: AddressEvent): void {
    this.queue.push({ type: 'event', event });
  }
}

function positive(v: number, name: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number`);
  return v;
}
