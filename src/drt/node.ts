/**
 * @module drt/node
 * `DrtNode`: the sans-I/O Distributed Routing Table node ([MC-DRT], built on [MS-PNRP] §3).
 *
 * Theory of operation. The node is a synchronous state machine (docs/design.md §2). Inputs are
 * `handleDatagram`, `handleTimeout` and the commands `start`, `registerKey`, `unregisterKey`,
 * `search`, `continueSearch`, `cancel`, `close`, each taking the current monotonic time. Outputs
 * are drained with `poll()`: transmits, events, and last the time of the next timer. The node's
 * work is split into parts that each own one protocol conversation: `Searches` (iterative
 * resolution), `PendingAdds` (return-routability checks before anything enters the cache),
 * `Floods` (leaf-set upkeep), `Sync` (SOLICIT/ADVERTISE/REQUEST when joining), the responder
 * (LOOKUP/INQUIRE answers) and maintenance. This file only wires them together and dispatches.
 *
 * Issue 10 item 4 (no lockouts from cheap spoofing): every request sent is recorded in
 * `OutstandingRequests`; an answer that echoes one of our message IDs from the endpoint it went
 * to proves that endpoint's address. AUTHORITY fragments are reassembled only when they answer a
 * LOOKUP or INQUIRE we sent, from the endpoint we sent it to; anything else is dropped as
 * `fragment-unsolicited` before it can take a reassembly slot. Route entries arriving in
 * datagrams from unproven sources pass the `ProbeGate` before they cost an INQUIRE.
 */
import { internEntry } from '../cache/entry-intern.js';
import { RouteCache } from '../cache/index.js';
import { type Endpoint, endpointKey, endpointsEqual, formatEndpoint } from '../keys/endpoint.js';
import { assertKey, type Key, keyInRange } from '../keys/key256.js';
import { DEFAULT_RESOLUTION_LIMITS, emptyResolutionStats } from '../resolve/resolution.js';
import { normalizeSearch, type SearchOptions, type SearchSpec } from '../resolve/search-spec.js';
import { type Output, OutputQueue, type SansIoNode } from '../sans-io.js';
import { equalBytes, toHex } from '../util/bytes.js';
import { readable } from '../util/readable.js';
import { AuthorityReassembler, decodeMessage, encodeDatagramsShared } from '../wire/index.js';
import type { AuthorityMessage, Message, ProtocolVersion, RouteEntry } from '../wire/types.js';
import { AddressProofs } from './address-proof.js';
import { SigningBudget } from './budget.js';
import {
  type AdmitOrigin,
  type EntryCredential,
  entryEndpoint,
  type KeySet,
  type LocalRegistration,
  localOf,
  type NodeCore,
} from './core.js';
import type { DrtStatus, NodeEvent, SearchFailure } from './events.js';
import { Floods } from './flooding.js';
import { MaintenanceSchedule, runMaintenance } from './maintenance.js';
import {
  isSecuredType,
  MembershipReplayGuard,
  membershipRefusal,
  withMembership,
} from './membership.js';
import { type DrtNodeOptions, type ResolvedDrtOptions, resolveDrtOptions } from './options.js';
import { OutstandingRequests } from './outstanding.js';
import { PendingAdds } from './pending-adds.js';
import { ProbeGate } from './probe-gate.js';
import { Registrations } from './registrations.js';
import { answerInquire, answerLookup } from './responder.js';
import { Searches, type SearchPurpose } from './searches.js';
import type { ValidatedRecord } from './security-provider.js';
import type { SendCause } from './send-cause.js';
import { bump, createDrtStats, type DrtStats } from './stats.js';
import { type JoinAttempt, Sync } from './sync.js';

/** Requests whose message ID may echo our cookie (address-proof.ts). */
const ECHO_TYPES: ReadonlySet<string> = new Set([
  'lookup',
  'inquire',
  'solicit',
  'request',
  'flood',
]);

/**
 * Answers, charged to an unproven destination's credit: AUTHORITY, ADVERTISE, ACK, and FLOOD with
 * the D flag (the FLOODs answering a REQUEST, and our own entry flooded back to a FLOOD's sender).
 * LOOKUP, INQUIRE, SOLICIT, REQUEST and acknowledged FLOODs are our own initiative.
 */
function isAnswer(message: Message): boolean {
  return (
    message.type === 'authority' ||
    message.type === 'advertise' ||
    message.type === 'ack' ||
    (message.type === 'flood' && message.dontAck)
  );
}

/** Delay between joining (first cache entry) and the first registration walk. */
const JOIN_SETTLE_MS = 2000;
/** Requests remembered for matching their answers (oldest forgotten first, counted). */
const OUTSTANDING_MAX = 4096;

/** The app data of a key registered without any (zero-length, so nothing can change it). */
const NO_APP_DATA = new Uint8Array(0);

/** A set of one key: a node nearly always has one local endpoint, and a Set costs ~150 bytes. */
class OneKey implements KeySet {
  private readonly key: string;
  constructor(key: string) {
    this.key = key;
  }
  has(key: string): boolean {
    return key === this.key;
  }
}

function keySetOf(keys: readonly string[]): KeySet {
  return keys.length === 1 ? new OneKey(keys[0]!) : new Set(keys);
}

/**
 * A DRT node. See the module header. `P` is the evidence type of its security provider, which
 * its search results carry as `proof` (inferred from `options.security`).
 * @example
 * const node = new DrtNode({ rng: seededRng(1), localEndpoints: [ep], bootstrap: staticBootstrap([seed]) });
 * node.registerKey(0, key); node.start(0);
 * for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) handle(o);
 */
export class DrtNode<P = unknown> implements SansIoNode<NodeEvent<P>> {
  readonly stats: DrtStats = createDrtStats();
  private readonly options: ResolvedDrtOptions<P>;
  private readonly routeCache: RouteCache;
  private readonly locals = new Map<string, LocalRegistration>();
  private readonly selfEndpointKeys: KeySet;
  /** Membership mode: accepted signatures, refused if seen again (drt/membership.ts). */
  private membershipGuard: MembershipReplayGuard | undefined;
  private readonly outputs = new OutputQueue<NodeEvent<P>>();
  /** Made on the first fragment (most nodes never see one): components are created lazily. */
  private reassembler: AuthorityReassembler | undefined;
  private readonly outstanding: OutstandingRequests;
  private readonly probeGate: ProbeGate;
  private readonly searches: Searches<P>;
  private readonly pendingAdds: PendingAdds;
  private readonly floods: Floods;
  private readonly registrations: Registrations;
  private readonly sync: Sync;
  private readonly proofs: AddressProofs;
  private readonly signing: SigningBudget;
  private readonly core: NodeCore<P>;
  /**
   * Owner key and validity of cached entries admitted with a proof, for judging their revokes.
   * Keyed by the cached RouteEntry object (the cache holds entries by reference), so an entry
   * that leaves the cache takes its credential with it: bounded by the cache.
   */
  private readonly credentials = new WeakMap<RouteEntry, EntryCredential>();
  /**
   * Issue 13: the proofs that admitted cached entries while joining, until the first registration
   * walk ends (then dropped: no memory in a joined node). The walk INQUIREs its nearest results
   * for their proofs, and a joiner proved most of them moments before (the sync FLOODs of its
   * bootstrap nodes carry its neighbourhood, each admitted only with a proof), so the walk takes
   * the proof it holds for an entry cached at the same endpoint instead of asking again.
   * Keyed by the cached RouteEntry object: an entry that left the cache (revoked, dead) or was
   * replaced is INQUIREd as before.
   */
  private joinProofs: WeakMap<RouteEntry, ValidatedRecord<P>> | undefined;
  private nowMsValue = Number.NEGATIVE_INFINITY;
  private maintenanceAtMs = Number.POSITIVE_INFINITY;
  /** The adaptive maintenance period (maintenance.ts). */
  private readonly maintenance: MaintenanceSchedule;
  /** When pending registration walks start after joining (the SOLICIT floods have landed by then). */
  private registrationAtMs = Number.POSITIVE_INFINITY;
  private statusValue: DrtStatus = 'alone';
  /** {@link nextTimerMs}, valid while `deadlineFresh` (cleared by `advance` on every input). */
  private deadlineMs = Number.POSITIVE_INFINITY;
  private deadlineFresh = false;
  private closed = false;
  /** Source of the datagram being dispatched (pending-add checks toward it pay from its credit). */
  private source: Endpoint | undefined;
  /** Message ID of that datagram (a check toward its source echoes it: core.ts `requestId`). */
  private sourceMessageId: number | undefined;

  constructor(options: DrtNodeOptions<P>) {
    this.options = resolveDrtOptions(options);
    const o = this.options;
    this.routeCache = new RouteCache({
      rng: o.rng.fork('cache'),
      leafSetSide: o.leafSetSide,
      entriesPerLevel: o.entriesPerLevel,
      entriesMax: o.cacheEntriesMax,
    });
    this.selfEndpointKeys = keySetOf(o.localEndpoints.map(endpointKey));
    const hopTimeoutMs = o.resolution.hopTimeoutMs ?? DEFAULT_RESOLUTION_LIMITS.hopTimeoutMs;
    this.outstanding = new OutstandingRequests({
      requestsMax: OUTSTANDING_MAX,
      // An answer may follow the last retransmit by a hop timeout; fragments trail the first.
      answerWindowMs: 2 * hopTimeoutMs,
    });
    this.proofs = new AddressProofs(
      o.rng.fork('address-proof').bytes(32),
      o.crypto.sha256,
      o,
      this.stats.boundHits,
    );
    this.probeGate = new ProbeGate(o, this.proofs, this.stats);
    this.signing = new SigningBudget(o, this.stats.boundHits);
    // The core also carries the parts' callbacks (searchDone, joined, attemptEnded) as methods,
    // instead of three closures per node.
    const core = new DrtNode.Core<P>(this);
    this.core = core;
    this.searches = new Searches(core, core);
    this.pendingAdds = new PendingAdds(core);
    this.floods = new Floods(core);
    this.registrations = new Registrations(core, this.searches, this.floods, core);
    this.sync = new Sync(core, core);
    this.maintenance = new MaintenanceSchedule(o.maintenanceIntervalMs, o.maintenanceIntervalMaxMs);
  }

  /** DRT_STATUS of the node. */
  get status(): DrtStatus {
    return this.statusValue;
  }

  /** True while a join attempt is under way (it ends with `status-changed` or `join-failed`). */
  get joining(): boolean {
    return this.sync.joining;
  }

  /**
   * The routing cache (read it; do not modify it).
   * @internal Tests and tools of this repository read it; not part of the package's API.
   */
  get cache(): RouteCache {
    return this.routeCache;
  }

  /** Keys this node publishes. */
  localKeys(): Key[] {
    return [...this.locals.values()].map((r) => r.key);
  }

  /** Joins the cloud: solicits the bootstrap provider's endpoints. */
  start(nowMs: number): void {
    this.advance(nowMs);
    if (this.routeCache.size === 0) this.joinProofs = new WeakMap();
    this.rejoin(true);
  }

  /**
   * Publishes a key: resolves key + 1 with our own entry as best match, so the nodes on the way
   * learn it and our leaf set fills. Throws RangeError for a duplicate or a refused key.
   */
  registerKey(nowMs: number, key: Key, appData: Uint8Array = new Uint8Array(0)): void {
    this.advance(nowMs);
    assertKey(key);
    if (!(appData instanceof Uint8Array)) throw new TypeError('appData must be a Uint8Array');
    const keyHex = toHex(key);
    if (this.locals.has(keyHex))
      throw new RangeError(`key ${keyHex} is already registered (DUPLICATE_KEY)`);
    const refusal = this.options.security.checkRegistration(key, appData);
    if (refusal !== undefined)
      throw new RangeError(`the security provider refused the key: ${refusal}`);
    // The shared packed copy (cache/entry-intern): the other nodes' caches hold the same entry,
    // so the node's own ID costs no 32-byte array of its own (~230 heap bytes). Never modified.
    const entry: RouteEntry = internEntry({
      id: key.slice(),
      port: this.options.localEndpoints[0]!.port,
      addresses: this.options.localEndpoints.map((ep) => ep.address),
    });
    const reg: LocalRegistration = {
      key: entry.id,
      keyHex,
      // Shared when empty (nearly always): an empty array of its own still costs ~150 heap bytes.
      appData: appData.length === 0 ? NO_APP_DATA : appData.slice(),
      entry,
      resolvable: false,
      walking: false,
    };
    this.locals.set(keyHex, reg);
    this.emitLeafChanges(this.routeCache.addLocalKey(entry.id));
    this.options.bootstrap.register?.(this.options.localEndpoints);
    this.registrations.start(reg);
  }

  /**
   * Loads a trusted cache snapshot: the entries enter the cache without return-routability
   * checks and every local key counts as registered with its neighbours. For simulations that
   * start from a warm cloud and for tests; a snapshot from an untrusted source must instead be
   * fed through the bootstrap provider so every entry is checked.
   */
  seedCache(nowMs: number, entries: Iterable<RouteEntry>): void {
    this.advance(nowMs);
    for (const entry of entries) {
      if (this.core.isSelf(entry) || localOf(this.locals, entry.id) !== undefined) continue;
      // Trusted for routing, but no evidence that anyone answers at these addresses: they are
      // proven (address-proof.ts) only once they answer us or echo a cookie.
      this.routeCache.add(entry);
    }
    if (this.routeCache.size > 0) {
      this.sync.joined();
      this.setStatus('active');
    }
    for (const reg of this.locals.values()) reg.resolvable = true;
  }

  /** Stops publishing a key: floods its revoke and heals the neighbours' leaf sets. */
  unregisterKey(nowMs: number, key: Key): void {
    this.advance(nowMs);
    assertKey(key);
    const reg = this.locals.get(toHex(key));
    if (!reg) throw new RangeError(`key ${toHex(key)} is not registered here`);
    this.floods.unregister(reg);
    this.locals.delete(reg.keyHex);
    this.emitLeafChanges(this.routeCache.removeLocalKey(reg.key));
    if (this.locals.size === 0) this.options.bootstrap.unregister?.();
  }

  /**
   * Starts a search; results and the end arrive as `search-result` / `search-done` events.
   * Throws `SearchOptionsError` (a RangeError with a DRT code) for invalid options.
   */
  search(nowMs: number, target: Key, options: SearchOptions = {}): number {
    this.advance(nowMs);
    const spec = normalizeSearch(target, options);
    if (spec.allowCurrentInstanceMatch && spec.firstMatch) {
      const local = this.localMatch(spec);
      if (local) return this.endAtOnce(spec, local);
    }
    if (this.routeCache.size === 0) return this.endAtOnce(spec, undefined, 'alone');
    const id = this.searches.start(spec, { kind: 'app' });
    return id ?? this.endAtOnce(spec, undefined, 'busy');
  }

  /** Iterative searches: asks the next hop. Returns false for an unknown or finished search. */
  continueSearch(nowMs: number, searchId: number): boolean {
    this.advance(nowMs);
    return this.searches.continue(searchId);
  }

  /** Cancels a search. Returns false for an unknown or finished search. */
  cancel(nowMs: number, searchId: number): boolean {
    this.advance(nowMs);
    return this.searches.cancel(searchId);
  }

  /** Unregisters every key (flooding revokes) and stops the node's timers. */
  close(nowMs: number): void {
    this.advance(nowMs);
    for (const reg of [...this.locals.values()]) this.unregisterKey(nowMs, reg.key);
    this.closed = true;
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.advance(nowMs);
    this.stats.datagramsReceived++;
    this.stats.bytesReceived += payload.length;
    const dropped = this.receive(nowMs, from, payload);
    if (dropped === undefined) return;
    bump(this.stats.dropped, dropped);
    this.options.logger?.({ type: 'drop', reason: dropped, from: formatEndpoint(from) });
  }

  /** Decodes and dispatches one datagram; returns a drop reason when it is not used. */
  private receive(nowMs: number, from: Endpoint, payload: Uint8Array): string | undefined {
    if (this.closed || this.statusValue === 'faulted') return 'closed';
    if (from.port <= 1024) return 'reserved-port';
    this.proofs.received(nowMs, from, payload.length);
    this.outstanding.expire(nowMs);
    this.signing.prune(nowMs);
    const decoded = decodeMessage(payload);
    if (!decoded.ok) return decoded.error.code;
    let msg = decoded.value;
    const v = this.options.version;
    if (msg.version.major !== v.major || msg.version.minor !== v.minor) return 'version-mismatch';
    if (msg.type === 'authority-fragment') {
      // Only fragments answering a LOOKUP/INQUIRE we sent, from where we sent it, get a slot.
      if (!this.outstanding.answers(nowMs, from, msg.type, msg.ackedMessageId))
        return 'fragment-unsolicited';
      this.reassembler ??= new AuthorityReassembler();
      const r = this.reassembler.add(nowMs, endpointKey(from), msg);
      if (r.type === 'rejected') return `fragment-${r.error.code}`;
      if (r.type === 'pending') return undefined;
      msg = r.message;
    }
    const membership = this.options.security.membership;
    if (membership !== undefined && isSecuredType(msg)) {
      // Membership mode: a LOOKUP, INQUIRE or REQUEST from a non-member gets no answer at all.
      this.membershipGuard ??= new MembershipReplayGuard();
      const refusal = membershipRefusal(msg, membership, {
        nowWallMs: this.options.wallClock.nowMs(),
        nowMs,
        source: endpointKey(from),
        local: this.selfEndpointKeys,
        guard: this.membershipGuard,
      });
      if (refusal !== undefined) return refusal;
    }
    bump(this.stats.received, msg.type);
    if (
      'ackedMessageId' in msg &&
      this.outstanding.answers(nowMs, from, msg.type, msg.ackedMessageId)
    )
      this.proofs.prove(nowMs, from); // return routability: it answered what we sent there
    // A request whose message ID is the cookie of an earlier small answer proves its source.
    if (ECHO_TYPES.has(msg.type) && this.proofs.echoed(nowMs, from, msg.messageId))
      this.stats.addressesProven++;
    this.source = from;
    this.sourceMessageId = msg.messageId;
    try {
      this.dispatch(from, msg);
    } catch (e) {
      this.fault(e);
    } finally {
      this.source = undefined;
      this.sourceMessageId = undefined;
    }
    return undefined;
  }

  handleTimeout(nowMs: number): void {
    this.advance(nowMs);
    if (this.closed || this.statusValue === 'faulted') return;
    try {
      this.searches.onTimer(nowMs);
      this.pendingAdds.onTimer(nowMs);
      this.floods.onTimer(nowMs);
      this.sync.expire(nowMs);
      this.reassembler?.expire(nowMs);
      if (nowMs >= this.registrationAtMs) {
        this.registrationAtMs = Number.POSITIVE_INFINITY;
        this.registrations.retry();
      }
      if (nowMs >= this.maintenanceAtMs) {
        const periodMs = this.maintenance.periodMs;
        // Jittered by +-25% so nodes whose periods double together do not tick in lockstep.
        const next = this.maintenance.afterTick(this.routeCache.size);
        this.maintenanceAtMs =
          nowMs + Math.ceil(next * (0.75 + 0.5 * this.options.rng.nextFloat()));
        runMaintenance({
          periodMs,
          core: this.core,
          searches: this.searches,
          pendingAdds: this.pendingAdds,
          sync: this.sync,
          retryRegistrations: () => this.registrations.retry(),
          rejoin: () => this.rejoin(),
          detectSplit: () => this.registrations.detectSplit(),
        });
      }
    } catch (e) {
      this.fault(e);
    }
  }

  poll(): Output<NodeEvent<P>> {
    return this.outputs.shift() ?? { type: 'timeout', atMs: this.nextTimerMs() };
  }

  /**
   * The node's one deadline, computed at most once per input: every input and command passes
   * through `advance`, which marks it stale; polls in between (one per output drained) reuse it.
   */
  private nextTimerMs(): number {
    if (this.deadlineFresh) return this.deadlineMs;
    this.deadlineMs = this.computeNextTimerMs();
    this.deadlineFresh = true;
    return this.deadlineMs;
  }

  private computeNextTimerMs(): number {
    if (this.closed || this.statusValue === 'faulted') return Number.POSITIVE_INFINITY;
    return Math.min(
      this.maintenanceAtMs,
      this.registrationAtMs,
      this.searches.nextDeadline(),
      this.pendingAdds.nextDeadline(),
      this.floods.nextDeadline(),
      this.sync.nextDeadline(),
    );
  }

  private dispatch(from: Endpoint, msg: Message): void {
    switch (msg.type) {
      case 'lookup':
        return answerLookup(this.core, from, msg);
      case 'inquire':
        this.registrations.noteInquiry(from, msg.validateId);
        return answerInquire(this.core, from, msg);
      case 'authority':
        return this.onAuthority(from, msg);
      case 'solicit':
        return this.sync.onSolicit(from, msg);
      case 'advertise':
        return this.sync.onAdvertise(from, msg);
      case 'request':
        return this.sync.onRequest(from, msg);
      case 'flood':
        return this.floods.onFlood(from, msg);
      case 'ack':
        // ACKs of our FLOODs matter; an ACK of a REQUEST only confirms what the FLOODs show; an
        // ACK of a SOLICIT asks us to prove our address (sync.ts).
        if (!this.floods.onAck(from, msg)) this.sync.onAck(from, msg);
        return;
    }
  }

  private onAuthority(from: Endpoint, msg: AuthorityMessage): void {
    if (this.searches.onAuthority(from, msg)) return;
    if (this.pendingAdds.onAuthority(from, msg)) return;
    bump(this.stats.dropped, 'unmatched-authority');
  }

  private advance(nowMs: number): void {
    if (typeof nowMs !== 'number' || Number.isNaN(nowMs))
      throw new TypeError('nowMs must be a number');
    if (nowMs < this.nowMsValue)
      throw new RangeError(`time went backwards: ${nowMs} < ${this.nowMsValue}`);
    if (this.maintenanceAtMs === Number.POSITIVE_INFINITY && !this.closed) {
      // The first tick falls at a random point of the second half of the interval, so nodes
      // started together (a mass restart, a warm simulation) do not maintain in lockstep.
      const interval = this.options.maintenanceIntervalMs;
      this.maintenanceAtMs =
        nowMs + Math.ceil(interval * (0.5 + 0.5 * this.options.rng.nextFloat()));
    }
    this.nowMsValue = nowMs;
    this.deadlineFresh = false;
  }

  private fault(e: unknown): void {
    bump(this.stats.dropped, 'internal-error');
    this.options.trace?.(`faulted: ${e instanceof Error ? e.stack : String(e)}`);
    this.setStatus('faulted');
  }

  private setStatus(
    status: DrtStatus,
    bootstrapEndpoints: readonly Endpoint[] = [],
    force = false,
  ): void {
    if (status === this.statusValue && !force) return;
    this.statusValue = status;
    this.emit({ type: 'status-changed', status, bootstrapEndpoints });
  }

  private emit(event: NodeEvent<P>): void {
    if (event.type === 'search-result') readable(event.result);
    this.outputs.push({ type: 'event', event });
  }

  private emitLeafChanges(
    changes: readonly { type: 'added' | 'deleted'; localKey: Key; remoteKey: Key }[],
  ): void {
    for (const c of changes) {
      this.emit({
        type: 'leafset-key-changed',
        change: c.type,
        localKey: c.localKey,
        remoteKey: c.remoteKey,
      });
    }
  }

  /** Solicits the bootstrap endpoints; with nothing to solicit and an empty cache, reports `alone`. */
  private rejoin(explicit = false): void {
    const endpoints = this.options.bootstrap.endpoints(this.nowMsValue);
    const tried = this.sync.solicit(endpoints);
    if (tried.length === 0 && this.routeCache.size === 0)
      this.setStatus('alone', endpoints, explicit);
  }

  private localMatch(spec: SearchSpec): LocalRegistration | undefined {
    for (const reg of this.locals.values())
      if (keyInRange(reg.key, spec.minKey, spec.maxKey)) return reg;
    return undefined;
  }

  private endAtOnce(
    spec: SearchSpec,
    local: LocalRegistration | undefined,
    failure?: SearchFailure,
  ): number {
    const searchId = this.searches.reserveId();
    if (local) {
      this.emit({
        type: 'search-result',
        result: {
          searchId,
          type: equalBytes(local.key, spec.target) ? 'exact' : 'near',
          key: local.key,
          appData: local.appData,
          endpoint: this.options.localEndpoints[0]!,
          proof: undefined,
        },
      });
    }
    const stats = emptyResolutionStats();
    this.emit({ type: 'search-done', searchId, results: local ? 1 : 0, failure, path: [], stats });
    return searchId;
  }

  /**
   * The {@link NodeCore} the parts of a node share: one object whose methods sit on a prototype,
   * instead of a literal of 16 closures per node (issue 13 Build 3, per-node memory). Declared
   * inside the class so it may call the node's private members.
   */
  private static readonly Core = class<P> implements NodeCore<P> {
    readonly options: ResolvedDrtOptions<P>;
    readonly cache: RouteCache;
    readonly stats: DrtStats;
    readonly locals: ReadonlyMap<string, LocalRegistration>;
    readonly selfEndpoints: readonly Endpoint[];
    readonly selfEndpointKeys: KeySet;
    readonly version: ProtocolVersion;
    readonly proofs: AddressProofs;
    readonly signing: SigningBudget;
    private readonly node: DrtNode<P>;

    constructor(node: DrtNode<P>) {
      this.node = node;
      this.options = node.options;
      this.cache = node.routeCache;
      this.stats = node.stats;
      this.locals = node.locals;
      this.selfEndpoints = node.options.localEndpoints;
      this.selfEndpointKeys = node.selfEndpointKeys;
      this.version = node.options.version;
      this.proofs = node.proofs;
      this.signing = node.signing;
    }

    nowMs(): number {
      return this.node.nowMsValue;
    }

    /** A search ended (Searches' listener). */
    searchDone(purpose: SearchPurpose, results: number): void {
      const node = this.node;
      if (purpose.kind === 'registration') node.joinProofs = undefined;
      node.registrations.onWalkDone(purpose, results);
    }

    /** True once the node is active (Registrations' gate). */
    joined(): boolean {
      return this.node.statusValue === 'active';
    }

    /** A join attempt ended (Sync's listener): without a cache entry, it failed. */
    attemptEnded(attempt: JoinAttempt): void {
      if (this.node.routeCache.size > 0) return;
      this.node.emit({ type: 'join-failed', tried: attempt.tried, answered: attempt.answered });
    }

    wallNowMs(): number {
      return this.options.wallClock.nowMs();
    }

    newMessageId(): number {
      return this.options.rng.nextU32();
    }

    requestId(to: Endpoint): number {
      const node = this.node;
      const now = node.nowMsValue;
      if (this.proofs.isProven(now, to)) return this.newMessageId();
      const cookie = this.proofs.cookie(now, to);
      return node.outstanding.inFlight(now, cookie) ? this.newMessageId() : cookie;
    }

    currentMessageId(): number | undefined {
      return this.node.sourceMessageId;
    }

    send(
      to: Endpoint,
      message: Message,
      options?: { readonly charged?: boolean; readonly cause?: SendCause },
    ): boolean {
      return this.node.send(to, message, options?.charged, options?.cause);
    }

    currentSource(): Endpoint | undefined {
      return this.node.source;
    }

    emit(event: NodeEvent<P>): void {
      this.node.emit(event);
    }

    admit(entry: RouteEntry, origin: AdmitOrigin, proof?: ValidatedRecord<P>): void {
      this.node.admit(entry, origin, proof);
    }

    evict(id: Key, reason: 'stale' | 'revoked' | 'denied', endpoint?: Endpoint): void {
      this.node.evict(id, reason, endpoint);
    }

    credentialOf(entry: RouteEntry): EntryCredential | undefined {
      return this.node.credentials.get(entry);
    }

    joinProof(entry: RouteEntry): ValidatedRecord<P> | undefined {
      const proofs = this.node.joinProofs;
      if (proofs === undefined || entry.addresses.length === 0) return undefined;
      const cached = this.cache.get(entry.id);
      if (cached === undefined || !sameEndpoint(cached, entry)) return undefined;
      return proofs.get(cached);
    }

    offer(entry: RouteEntry, origin: AdmitOrigin): void {
      this.node.pendingAdds.offer(entry, origin);
    }

    admitCheck(held: (sourceKey: string) => number): string | undefined | false {
      return this.node.probeGate.admit(this.node.nowMsValue, this.node.source, held);
    }

    isSelf(entry: RouteEntry): boolean {
      const keys = this.selfEndpointKeys;
      const port = entry.port;
      for (const address of entry.addresses)
        if (keys.has(endpointKey({ address, port }))) return true;
      return false;
    }
  };

  private send(to: Endpoint, message: Message, charged?: boolean, cause?: SendCause): boolean {
    const membership = this.options.security.membership;
    const secured =
      membership !== undefined && isSecuredType(message)
        ? withMembership(message, membership, to, this.options.wallClock.nowMs())
        : message;
    // Views into a shared chunk: the payloads only travel to the transport (wire/codec).
    const payloads = encodeDatagramsShared(secured);
    let bytes = 0;
    for (const payload of payloads) bytes += payload.length;
    const answer = charged || isAnswer(message);
    if (!this.proofs.charge(this.nowMsValue, to, bytes, !answer)) {
      bump(this.stats.boundHits, 'amplification');
      return false;
    }
    for (const payload of payloads) {
      this.stats.datagramsSent++;
      this.stats.bytesSent += payload.length;
      this.outputs.push({ type: 'transmit', to, payload });
    }
    bump(this.stats.sent, message.type);
    this.options.sendObserver?.(
      to,
      message,
      cause ?? 'answer',
      payloads.length,
      this.options.localEndpoints[0],
    );
    if (this.outstanding.sent(this.nowMsValue, to, message))
      bump(this.stats.boundHits, 'outstanding');
    return true;
  }

  /**
   * Design decision (issue 10): an entry whose ID is cached at another endpoint, even one that
   * answered its own check (and proved its key, in a leaf set), does not replace the cached
   * entry: that entry is probed at its own endpoint and the newcomer waits; it is admitted only
   * if the probe fails (pending-adds.ts `contest`). So a live owner can never be displaced by
   * someone else answering for its ID, and an owner that moved is replaced after one probe.
   * The same endpoint with other addresses replaces at once (the owner refreshed its entry).
   */
  private admit(entry: RouteEntry, origin: AdmitOrigin, proof?: ValidatedRecord<P>): void {
    if (this.core.isSelf(entry) || localOf(this.locals, entry.id) !== undefined) return;
    const cached = this.routeCache.get(entry.id);
    if (cached !== undefined && cached.addresses.length > 0 && !sameEndpoint(cached, entry)) {
      this.pendingAdds.contest(cached, entry, origin, proof);
      return;
    }
    // One shared packed copy per distinct entry across nodes (cache/entry-intern.ts). A refresh
    // with the very content cached gets the cached object back, which the cache takes as "nothing
    // to do"; it used to replace it with the fresh copy, so count that replacement as before.
    entry = internEntry(entry);
    if (entry === cached) this.routeCache.stats.replacements++;
    const result = this.routeCache.add(entry);
    if (result.added) this.stats.cacheAdmissions++;
    const credential = proof ? credentialOf(proof) : cached && this.credentials.get(cached);
    if (credential !== undefined) this.credentials.set(entry, credential);
    // A shared copy may carry this node's credential from an earlier stay in the cache.
    else this.credentials.delete(entry);
    if (this.joinProofs !== undefined) {
      if (proof !== undefined) this.joinProofs.set(entry, proof);
      else this.joinProofs.delete(entry);
    }
    this.options.trace?.(
      `admit ${toHex(entry.id).slice(0, 8)} added=${result.added} evicted=${result.evicted.map((e) => toHex(e.id).slice(0, 8)).join(',')}`,
    );
    for (const c of result.leafSetChanges) {
      this.emit({
        type: 'leafset-key-changed',
        change: c.type,
        localKey: c.localKey,
        remoteKey: c.remoteKey,
      });
      if (c.type === 'added' && equalBytes(c.remoteKey, entry.id)) {
        this.floods.floodNewLeafEntry(entry, c.localKey, origin);
      }
    }
    if (this.statusValue !== 'active' && this.routeCache.size > 0) {
      this.sync.joined();
      this.setStatus('active');
      // Give the joining conversation (SOLICIT .. FLOOD and their checks) one hop budget to land
      // before walking toward our own keys, so the walk starts from a useful cache.
      this.registrationAtMs = this.nowMsValue + JOIN_SETTLE_MS;
    }
  }

  private evict(id: Key, reason: 'stale' | 'revoked' | 'denied', endpoint?: Endpoint): void {
    if (endpoint !== undefined) {
      const cached = this.routeCache.get(id);
      // (An entry without addresses gives an endpoint without one: no evidence either.)
      if (cached === undefined || cached.addresses.length === 0) return;
      if (!(endpoint.address instanceof Uint8Array)) return;
      if (!endpointsEqual(entryEndpoint(cached), endpoint)) {
        // The failure was at another endpoint: no evidence against the cached entry.
        bump(this.stats.dropped, 'evict-other-endpoint');
        return;
      }
    }
    const result = this.routeCache.remove(id);
    this.options.trace?.(
      `evict ${toHex(id).slice(0, 8)} ${reason} removed=${result.removed !== undefined}`,
    );
    if (!result.removed) return;
    if (reason !== 'revoked') {
      this.stats.staleCacheEntryHits++;
      // Churn: maintain at the base period again, the next tick at most that far away.
      if (!this.closed && this.maintenanceAtMs !== Number.POSITIVE_INFINITY)
        this.maintenanceAtMs = Math.min(
          this.maintenanceAtMs,
          this.nowMsValue + this.maintenance.onDeadEntry(),
        );
    }
    this.emitLeafChanges(result.leafSetChanges);
    if (this.routeCache.size === 0 && this.statusValue === 'active') this.setStatus('alone');
  }
}

function sameEndpoint(a: RouteEntry, b: RouteEntry): boolean {
  if (a.addresses.length === 0 || b.addresses.length === 0) return false;
  return endpointsEqual(entryEndpoint(a), entryEndpoint(b));
}

function credentialOf(proof: ValidatedRecord): EntryCredential | undefined {
  if (proof.ownerKey === undefined && proof.validUntilWallMs === undefined) return undefined;
  return { ownerKey: proof.ownerKey, validUntilWallMs: proof.validUntilWallMs };
}
