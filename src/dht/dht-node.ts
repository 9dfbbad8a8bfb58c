/**
 * @module dht/dht-node
 * `DhtNode`: a DHT on the DRT, as the Windows DRT was meant to carry one (issue 15).
 *
 * Theory of operation. The node owns one `DrtNode` (its node ID is the DRT key it registers)
 * and speaks a small DHT format (dht/codec.ts) on the same endpoint: a datagram starting with the
 * DHT magic goes to the DHT, anything else to the DRT, whose outputs are drained into this
 * node's queue with `drainNode` (the `PnrpNode` pattern). The owner of a key is the node whose
 * DRT key is closest to it; it holds the record with the next `replicationFactor - 1` nodes of
 * its leaf set (dht/replica-set.ts). Puts find the owner with a DRT nearest search
 * (dht/operations.ts); gets walk toward the key with FIND_VALUE itself, following the keyed hints
 * of each NOT_FOUND, and search only when that walk fails (dht/get-walk.ts). A node accepts a STORE only if it is in the key's replica set in its own
 * view, and then pushes REPLICATEs to the rest of that set. Each held record remembers which
 * endpoints are known to hold it; after leaf-set changes (the DRT's `leafset-key-changed`
 * events, gathered for `reconcileDelayMs`) and every `reconcileIntervalMs`, the owner in this
 * node's view pushes the record to replica-set members not known to hold it, and the closest
 * known holder hands it to a new, closer owner. So when a node joins it receives what it now
 * owns or replicates, and when an owner leaves or fails, the next closest replica becomes owner
 * and restores the factor. Writers republish their records after `republishFraction` of the
 * lifetime; holders drop records at expiry. Answers never exceed the request toward an
 * unproven source (dht/cookies.ts).
 */
import type { NodeEvent } from '../drt/events.js';
import { DrtNode } from '../drt/node.js';
import { type Endpoint, endpointsEqual } from '../keys/endpoint.js';
import {
  addToKey,
  assertKey,
  type Key,
  keyToBigInt,
  RING_SIZE,
  ringDistanceBig,
} from '../keys/key256.js';
import type { SearchOptions } from '../resolve/search-spec.js';
import { entryEndpoint } from '../resolve/walk.js';
import {
  type DrainSink,
  drainNode,
  type Output,
  OutputQueue,
  type SansIoNode,
} from '../sans-io.js';
import { toHex } from '../util/bytes.js';
import { type DhtMessage, decodeDhtMessage, encodeDhtMessage, isDhtDatagram } from './codec.js';
import { DHT_LARGE_VALUE_BYTES_MAX, DHT_TTL_SECONDS_MAX } from './constants.js';
import { DhtCookies } from './cookies.js';
import { DhtOperations } from './dht-operations.js';
import {
  decodeFragment,
  FragmentReassembler,
  fragmentMessage,
  isFragmentDatagram,
  needsFragments,
} from './fragments.js';
import type { DhtOperation } from './operations.js';
import { type DhtNodeOptions, type ResolvedDhtOptions, resolveDhtOptions } from './options.js';
import { type DhtRecord, immutableRecord, type MutableWriter, mutableRecord } from './record.js';
import { rankFor, selfRank, type ViewMember, viewMember } from './replica-set.js';
import { DhtRequests } from './requests.js';
import { DhtResponder } from './responder.js';
import { ValueStore } from './store.js';
import { createDhtStats, type DhtEvent, type DhtFailure, type DhtStats } from './types.js';

/** Who waits for a DHT request's answer. */
export type RequestOwner =
  | { readonly kind: 'op'; readonly op: DhtOperation }
  | { readonly kind: 'replicate'; readonly keyHex: string; readonly to: string };

/** How often expired records are swept. */
const SWEEP_INTERVAL_MS = 60_000;

/** A record this node wrote and republishes. */
interface Published {
  record: DhtRecord;
  atMs: number;
}

/**
 * A DHT storage node on a DRT node. See the module header.
 * @example
 * const node = new DhtNode({ rng: seededRng(1), localEndpoints: [ep], bootstrap: staticBootstrap([seed]) });
 * node.start(0);
 * const { opId, key } = node.put(5_000, utf8Encode('hello'));
 * for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) handle(o);
 */
export class DhtNode implements SansIoNode<DhtEvent> {
  readonly stats: DhtStats = createDhtStats();
  /** The inner DRT node (read it; drive it only through this node). */
  readonly drt: DrtNode;
  /** @internal the parts' shared state (dht-operations.ts, responder.ts). */
  readonly options: ResolvedDhtOptions;
  /** @internal */
  readonly store: ValueStore;
  /** @internal */
  readonly cookies: DhtCookies;
  /** @internal */
  readonly requests: DhtRequests<RequestOwner>;
  private readonly outputs = new OutputQueue<DhtEvent>();
  private readonly sink: DrainSink<NodeEvent>;
  private readonly ops: DhtOperations;
  private readonly responder: DhtResponder;
  private readonly published = new Map<string, Published>();
  /** `${keyHex}|${endpointKey}` of REPLICATEs in flight. */
  private readonly replicating = new Set<string>();
  /** Values above one datagram arrive in fragments (dht/fragments.ts). */
  private readonly reassembler = new FragmentReassembler();
  /** The FRAGMENT datagrams of each fragmented request payload (for retransmissions). */
  private readonly fragmented = new WeakMap<Uint8Array, Uint8Array[]>();
  private drtAtMs = Number.POSITIVE_INFINITY;
  private reconcileAtMs = Number.POSITIVE_INFINITY;
  private periodicAtMs = Number.POSITIVE_INFINITY;
  private sweepAtMs = Number.POSITIVE_INFINITY;
  private nowMsValue = Number.NEGATIVE_INFINITY;
  private closed = false;
  private clientValue = false;

  constructor(options: DhtNodeOptions) {
    const o = resolveDhtOptions(options);
    this.options = o;
    this.drt = new DrtNode({
      ...o.drt,
      rng: o.rng.fork('drt'),
      localEndpoints: o.localEndpoints,
      crypto: o.crypto,
      ...(o.wallClock ? { wallClock: o.wallClock } : {}),
      ...(o.bootstrap ? { bootstrap: o.bootstrap } : {}),
    });
    this.store = new ValueStore(o, o.crypto, o.validators);
    this.stats.refused = this.store.refused;
    this.cookies = new DhtCookies(o.rng.fork('dht-cookie').bytes(32), o.crypto.sha256, o);
    this.requests = new DhtRequests(o);
    this.sink = {
      transmit: (out) => this.outputs.push(out),
      event: (event) => this.onDrtEvent(event),
      name: 'dht drt',
    };
    this.ops = new DhtOperations(this);
    this.responder = new DhtResponder(this);
  }

  /** This node's ID: the key it registers in the DRT. */
  get nodeId(): Key {
    return this.options.nodeId;
  }

  /** Current virtual time of the call being handled. */
  get nowMs(): number {
    return this.nowMsValue;
  }

  /** Records held (replicas included). */
  get recordCount(): number {
    return this.store.size;
  }

  /** The record held for `key`, if any and not expired. */
  held(key: Key): DhtRecord | undefined {
    return this.store.get(this.nowMsValue, toHex(key))?.record;
  }

  /** True after {@link startClient}: the node stores nothing and owns no key. */
  get client(): boolean {
    return this.clientValue;
  }

  /**
   * Joins the cloud without registering the node ID: a client that puts and gets through the
   * cloud but is never a key's owner or replica (nobody learns its ID), so it may come and go
   * (a command-line `put`) without costing the cloud a handover.
   */
  startClient(nowMs: number): void {
    this.advance(nowMs);
    this.clientValue = true;
    this.runDrt(() => this.drt.start(nowMs));
  }

  /** Registers the node ID and joins the cloud. */
  start(nowMs: number): void {
    this.advance(nowMs);
    this.loadStorage(nowMs);
    this.runDrt(() => {
      this.drt.registerKey(nowMs, this.options.nodeId);
      this.drt.start(nowMs);
    });
    this.periodicAtMs = nowMs + this.jitter(this.options.reconcileIntervalMs);
    this.sweepAtMs = nowMs + SWEEP_INTERVAL_MS;
  }

  /** Registers the node ID with a trusted warm cache (simulations; see `DrtNode.seedCache`). */
  startWarm(nowMs: number, entries: Parameters<DrtNode['seedCache']>[1]): void {
    this.advance(nowMs);
    this.loadStorage(nowMs);
    this.runDrt(() => {
      this.drt.registerKey(nowMs, this.options.nodeId);
      this.drt.seedCache(nowMs, entries);
    });
    this.periodicAtMs = nowMs + this.jitter(this.options.reconcileIntervalMs);
    this.sweepAtMs = nowMs + SWEEP_INTERVAL_MS;
  }

  /**
   * Stores an immutable value under SHA-256(value); ends with `put-done`. The writer republishes
   * it until {@link forget}. Throws RangeError for a value over 1000 bytes.
   */
  put(nowMs: number, value: Uint8Array): { opId: number; key: Key } {
    this.advance(nowMs);
    return this.publish(immutableRecord(value, this.options.crypto), undefined);
  }

  /**
   * Stores a signed mutable value under SHA-256(public key ‖ salt) with sequence `seq`; with
   * `cas`, only if the stored sequence is `cas` (0: nothing stored yet). Ends with `put-done`.
   */
  putMutable(
    nowMs: number,
    writer: MutableWriter,
    fields: {
      readonly seq: number;
      readonly value: Uint8Array;
      readonly salt?: Uint8Array;
      readonly cas?: number;
    },
  ): { opId: number; key: Key } {
    this.advance(nowMs);
    return this.publish(mutableRecord(writer, fields, this.options.crypto), fields.cas);
  }

  /** Deletes a mutable value: a signed tombstone with sequence `seq` (higher than the stored one). */
  deleteMutable(
    nowMs: number,
    writer: MutableWriter,
    fields: { readonly seq: number; readonly salt?: Uint8Array },
  ): { opId: number; key: Key } {
    this.advance(nowMs);
    const record = mutableRecord(writer, { ...fields, deleted: true }, this.options.crypto);
    return this.publish(record, undefined);
  }

  /** Stops republishing the record of `key` (it expires where it is held). */
  forget(key: Key): boolean {
    return this.published.delete(toHex(key));
  }

  /** Looks a key up; ends with `get-done`. */
  get(nowMs: number, key: Key): number {
    this.advance(nowMs);
    assertKey(key);
    return this.ops.startGet(key);
  }

  /** Stops the node: the DRT unregisters (flooding revokes); operations end `closed`. */
  close(nowMs: number): void {
    this.advance(nowMs);
    this.runDrt(() => this.drt.close(nowMs));
    this.ops.closeAll();
    this.closed = true;
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.advance(nowMs);
    if (!isDhtDatagram(payload)) {
      this.runDrt(() => this.drt.handleDatagram(nowMs, from, payload));
      return;
    }
    if (this.closed) return this.drop('closed');
    let whole = payload;
    if (isFragmentDatagram(payload)) {
      bumpRecord(this.stats.received, 'fragment');
      const message = this.reassemble(nowMs, from, payload);
      if (message === undefined) return;
      whole = message;
    }
    const decoded = decodeDhtMessage(
      whole,
      whole === payload ? undefined : DHT_LARGE_VALUE_BYTES_MAX,
    );
    if (!decoded.ok) return this.drop(decoded.error.code);
    const msg = decoded.value;
    bumpRecord(this.stats.received, msg.type);
    if (msg.type === 'store' || msg.type === 'replicate' || msg.type === 'find-value')
      return this.responder.onRequest(from, msg, whole.length);
    const pending = this.requests.take(from, msg);
    if (pending === undefined) return this.drop('unmatched');
    this.cookies.prove(nowMs, from); // return routability: it answered what we sent there
    if (pending.owner.kind === 'op') this.ops.onAnswer(pending.owner.op, from, msg);
    else this.onReplicateAnswer(pending.owner.keyHex, pending.owner.to, msg);
  }

  handleTimeout(nowMs: number): void {
    this.advance(nowMs);
    if (this.closed) return;
    if (nowMs >= this.drtAtMs) this.runDrt(() => this.drt.handleTimeout(nowMs));
    const { resend, expired } = this.requests.due(nowMs);
    for (const p of resend) {
      this.stats.retransmits++;
      for (const d of this.fragmented.get(p.payload) ?? [p.payload])
        this.outputs.push({ type: 'transmit', to: p.to, payload: d });
      if (p.owner.kind === 'op') p.owner.op.messages++;
    }
    for (const p of expired) {
      if (p.owner.kind === 'op') this.ops.onRequestTimeout(p.owner.op);
      else this.replicating.delete(`${p.owner.keyHex}|${p.owner.to}`);
    }
    this.republishDue(nowMs);
    if (nowMs >= this.reconcileAtMs || nowMs >= this.periodicAtMs) {
      if (nowMs >= this.periodicAtMs)
        this.periodicAtMs = nowMs + this.jitter(this.options.reconcileIntervalMs);
      this.reconcileAtMs = Number.POSITIVE_INFINITY;
      this.reconcile();
    }
    if (nowMs >= this.sweepAtMs) {
      this.sweepAtMs = nowMs + SWEEP_INTERVAL_MS;
      this.store.sweep(nowMs);
    }
  }

  poll(): Output<DhtEvent> {
    const out = this.outputs.shift();
    if (out) return out;
    if (this.closed) return { type: 'timeout', atMs: Number.POSITIVE_INFINITY };
    let atMs = Math.min(
      this.drtAtMs,
      this.requests.nextDeadline(),
      this.reconcileAtMs,
      this.periodicAtMs,
      this.sweepAtMs,
    );
    for (const p of this.published.values()) atMs = Math.min(atMs, p.atMs);
    return { type: 'timeout', atMs };
  }

  // ---- shared with the parts (dht-operations.ts, responder.ts) ----

  /** @internal Sends a DHT message; with `owner`, as a request that waits for its answer. */
  sendMessage(to: Endpoint, message: DhtMessage, owner?: RequestOwner): boolean {
    const payload = encodeDhtMessage(message);
    if (owner && !this.requests.add(this.nowMsValue, message.requestId, to, payload, owner)) {
      bumpRecord(this.stats.boundHits, 'requests');
      return false;
    }
    bumpRecord(this.stats.sent, message.type);
    if (!needsFragments(message)) {
      this.outputs.push({ type: 'transmit', to, payload });
      return true;
    }
    const datagrams = fragmentMessage(message.requestId, payload);
    if (owner) this.fragmented.set(payload, datagrams);
    for (const d of datagrams) {
      bumpRecord(this.stats.sent, 'fragment');
      this.outputs.push({ type: 'transmit', to, payload: d });
    }
    return true;
  }

  /** @internal A fresh request ID. */
  newRequestId(): number {
    return this.options.rng.nextU32();
  }

  /** @internal Emits an event. */
  emit(event: DhtEvent): void {
    this.outputs.push({ type: 'event', event });
  }

  /** @internal Runs a call on the DRT node and drains it into our queue. */
  runDrt(fn: () => void): void {
    try {
      fn();
    } finally {
      this.drtAtMs = drainNode(this.drt, this.sink) ?? Number.POSITIVE_INFINITY;
    }
  }

  /** @internal This node plus its leaf set (dht/replica-set.ts). */
  view(): ViewMember[] {
    const self = viewMember(this.options.nodeId, this.options.localEndpoints[0]!, true);
    const members = [self];
    if (!this.drt.localKeys().length) return members;
    const seen = new Set<string>([self.endpointKey]);
    const sides = this.drt.cache.leafSet(this.options.nodeId);
    for (const e of [...sides.below, ...sides.above]) {
      if (e.addresses.length === 0) continue;
      const m = viewMember(e.id, entryEndpoint(e), false);
      if (seen.has(m.endpointKey)) continue;
      seen.add(m.endpointKey);
      members.push(m);
    }
    return members;
  }

  /**
   * @internal Up to `count` nodes of the DRT cache closest to `key` (leaf set included), closest
   * first, with an endpoint; never this node.
   */
  closestKnown(key: Key, count: number): { key: Key; endpoint: Endpoint }[] {
    return this.drt.cache
      .closest(key, count, (e) => e.addresses.length > 0)
      .map((e) => ({ key: e.id, endpoint: entryEndpoint(e) }));
  }

  /**
   * @internal Ring distance from a key within which its replica set is expected: about half a
   * replica set of node spacings (from the DRT's cloud-size estimate); undefined without one.
   */
  replicaSpan(): bigint | undefined {
    const size = this.drt.cache.estimateCloudSize();
    if (size === undefined) return undefined;
    const half = BigInt(Math.ceil(this.options.replicationFactor / 2));
    return (RING_SIZE / BigInt(Math.max(1, Math.round(size)))) * half;
  }

  /** @internal True when this node is among the `slack` + replication factor closest to `key`. */
  responsible(key: Key, slack: number): boolean {
    if (this.clientValue) return false;
    return selfRank(this.view(), key) < this.options.replicationFactor + slack;
  }

  /** @internal Pushes a stored record to the rest of its replica set in our view. */
  replicateToSet(keyHex: string, cause: 'store' | 'handover', except?: Endpoint): void {
    const held = this.store.get(this.nowMsValue, keyHex);
    if (held === undefined) return;
    const set = rankFor(this.view(), held.record.key).slice(0, this.options.replicationFactor);
    for (const m of set) {
      if (m.self || (except && endpointsEqual(m.endpoint, except))) continue;
      this.replicateTo(keyHex, m, cause);
    }
  }

  /**
   * @internal The DRT search that finds a node of `key`'s replica set. Narrow (first try): any
   * key within about half a replica set of `key` on each side (the span from the DRT's cloud
   * size estimate), which stops at the first live node found there; a DRT nearest search over
   * the whole ring walks until its stack is empty and costs several times more. Wide (when the
   * narrow range held nobody, or no estimate exists): the whole-ring nearest search.
   */
  searchOwner(key: Key, op: DhtOperation): void {
    const span = op.wide ? 0n : (this.replicaSpan() ?? 0n);
    const options: SearchOptions =
      span === 0n || span >= RING_SIZE / 4n
        ? { minKey: addToKey(key, 1), maxKey: key, maxEndpoints: 1 }
        : { minKey: addToKey(key, -span), maxKey: addToKey(key, span), anyMatchInRange: true };
    if (span === 0n || span >= RING_SIZE / 4n) op.wide = true;
    this.runDrt(() => {
      op.searchId = this.drt.search(this.nowMsValue, key, {
        ...options,
        timeoutMs: this.options.searchTimeoutMs,
      });
      this.ops.bySearch.set(op.searchId, op);
    });
  }

  /** @internal True when this node's key is closer to `key` than `other`. */
  selfCloserThan(key: Key, other: Key): boolean {
    const t = keyToBigInt(key);
    return (
      ringDistanceBig(keyToBigInt(this.options.nodeId), t) < ringDistanceBig(keyToBigInt(other), t)
    );
  }

  /** @internal Remaining lifetime of a held record in whole seconds (at least 1). */
  ttlSecondsOf(expiresAtMs: number): number {
    const s = Math.ceil((expiresAtMs - this.nowMsValue) / 1000);
    return Math.max(1, Math.min(DHT_TTL_SECONDS_MAX, s));
  }

  /** @internal Counts a refusal of a local put. */
  countRefusal(reason: DhtFailure): void {
    bumpRecord(this.stats.refused, reason);
  }

  // ---- private ----

  /**
   * Takes back what the storage kept (dht/storage.ts), checked like a REPLICATE; what is refused
   * leaves the storage. The replica check then pushes each record where it belongs.
   */
  private loadStorage(nowMs: number): void {
    const storage = this.options.storage;
    if (storage === undefined || this.store.storage !== undefined) return;
    for (const { record, ttlMs, writer } of storage.load()) {
      const keyHex = toHex(record.key);
      const ttl = Math.min(ttlMs, DHT_TTL_SECONDS_MAX * 1000);
      const kept = ttl > 0 && this.store.put(nowMs, record, ttl, writer ?? `stored:${keyHex}`).ok;
      if (!kept) storage.remove(keyHex);
    }
    this.store.storage = storage;
  }

  private publish(record: DhtRecord, cas: number | undefined): { opId: number; key: Key } {
    const keyHex = toHex(record.key);
    if (!this.published.has(keyHex) && this.published.size >= this.options.publishedMax)
      bumpRecord(this.stats.boundHits, 'published');
    else this.published.set(keyHex, { record, atMs: this.republishAt() });
    const opId = this.ops.startPut(record, this.options.ttlMs, cas, false);
    return { opId, key: record.key };
  }

  private republishAt(): number {
    return this.nowMsValue + this.jitter(this.options.ttlMs * this.options.republishFraction);
  }

  private republishDue(nowMs: number): void {
    for (const p of this.published.values()) {
      if (nowMs < p.atMs) continue;
      p.atMs = this.republishAt();
      this.stats.republishes++;
      this.ops.startPut(p.record, this.options.ttlMs, undefined, true);
    }
  }

  /** `ms` shortened by up to 10%, from the node's stream (nodes do not republish in lockstep). */
  private jitter(ms: number): number {
    return Math.max(1, Math.floor(ms * (0.9 + 0.1 * this.options.rng.nextFloat())));
  }

  private replicateTo(keyHex: string, m: ViewMember, cause: 'store' | 'handover'): void {
    const held = this.store.get(this.nowMsValue, keyHex);
    if (held === undefined || held.holders.has(m.endpointKey)) return;
    const tag = `${keyHex}|${m.endpointKey}`;
    if (this.replicating.has(tag)) return;
    const message: DhtMessage = {
      type: 'replicate',
      requestId: this.newRequestId(),
      ttlSeconds: this.ttlSecondsOf(held.expiresAtMs),
      record: held.record,
    };
    if (!this.sendMessage(m.endpoint, message, { kind: 'replicate', keyHex, to: m.endpointKey }))
      return;
    this.replicating.add(tag);
    bumpRecord(this.stats.replicates, cause);
  }

  private onReplicateAnswer(keyHex: string, to: string, msg: DhtMessage): void {
    this.replicating.delete(`${keyHex}|${to}`);
    if (msg.type !== 'store-ack') return;
    // Stored, or it already holds this or a newer version: either way it holds the key.
    if (msg.refusal === undefined || msg.refusal === 'stale-seq' || msg.refusal === 'seq-conflict')
      this.store.get(this.nowMsValue, keyHex)?.holders.add(to);
  }

  /**
   * The replica check: for each held record, the owner in our view pushes it to replica-set
   * members not known to hold it; a holder closer than every other known holder hands it to a
   * new, closer owner that is not known to hold it.
   */
  private reconcile(): void {
    const view = this.view();
    if (view.length < 2) return;
    const factor = this.options.replicationFactor;
    for (const [keyHex, held] of this.store.entries()) {
      if (this.nowMsValue >= held.expiresAtMs) continue;
      const ranked = rankFor(view, held.record.key);
      const set = ranked.slice(0, factor);
      if (set[0]!.self) {
        for (const m of set) if (!m.self) this.replicateTo(keyHex, m, 'handover');
        continue;
      }
      const firstHolder = ranked.find((m) => m.self || held.holders.has(m.endpointKey))!;
      if (firstHolder.self) this.replicateTo(keyHex, set[0]!, 'handover');
    }
  }

  private onDrtEvent(event: NodeEvent): void {
    if (event.type === 'search-result' || event.type === 'search-done') {
      if (this.ops.onSearchEvent(event)) return;
    } else if (event.type === 'leafset-key-changed') {
      this.reconcileAtMs = Math.min(
        this.reconcileAtMs,
        this.nowMsValue + this.options.reconcileDelayMs,
      );
    }
    this.emit({ type: 'drt', event });
  }

  /** Feeds one FRAGMENT to the bounded reassembler; the whole message once complete. */
  private reassemble(nowMs: number, from: Endpoint, payload: Uint8Array): Uint8Array | undefined {
    const decoded = decodeFragment(payload);
    if (!decoded.ok) return void this.drop(decoded.code);
    const out = this.reassembler.add(nowMs, from, decoded.fragment);
    if (out.type === 'rejected') return void this.drop(out.code);
    return out.type === 'complete' ? out.message : undefined;
  }

  private drop(reason: string): void {
    bumpRecord(this.stats.dropped, reason);
  }

  private advance(nowMs: number): void {
    if (typeof nowMs !== 'number' || Number.isNaN(nowMs))
      throw new TypeError('nowMs must be a number');
    if (nowMs < this.nowMsValue)
      throw new RangeError(`time went backwards: ${nowMs} < ${this.nowMsValue}`);
    this.nowMsValue = nowMs;
  }
}

/**
 * Adds one to a counter of a by-name record.
 * @example bumpRecord(stats.sent, 'store')
 */
export function bumpRecord(record: Record<string, number>, name: string): void {
  record[name] = (record[name] ?? 0) + 1;
}
