/**
 * @module kad/dht-node
 * `KadDhtNode`: the Kademlia DHT baseline (paper §2.3; issue 15's comparison), a `KadNode` for
 * routing plus STORE and FIND_VALUE on the same endpoint and the same sans-I/O contract, with the
 * same records, store and value bounds as `DhtNode` (dht/record.ts, dht/store.ts), so that the
 * simulator compares protocols, not value formats. Theory of operation:
 *
 * - **Put** (paper §2.3 "to store a (key, value) pair, a participant locates the k closest nodes
 *   to the key and sends them STORE RPCs"): a FIND_NODE lookup of the key (the inner KadNode),
 *   then STORE to the k closest nodes that answered (k - 1 of them and the node itself when it is
 *   among the k closest). It succeeds when at least one node stored it (libp2p kad-dht).
 * - **Get** (FIND_VALUE): an iterative lookup (`kad/lookup.ts`, alpha in parallel) whose answers
 *   carry the value or the k closest contacts the answerer knows. An immutable value ends the
 *   lookup at once (paper: "the procedure halts immediately when any node returns the value");
 *   a mutable one lets the lookup run to its end and keeps the highest sequence number (BEP 44,
 *   libp2p's best-record selection). Not done: caching along the path (the paper's optional
 *   STORE at the closest node without the value; libp2p does not), correcting outdated holders.
 * - **Lifetime**: records live `ttlMs` (1 h, as `DhtNode`), and the writer republishes each of its
 *   records after `republishFraction` of it (0.5). Holders do not republish hourly and nothing is
 *   handed over on joins (libp2p kad-dht does neither for values): k = 20 copies carry the churn.
 * - **Routing upkeep**: every DHT message updates the sender's k-bucket (`observeContact`); a
 *   peer that misses a DHT request after the retries leaves the table.
 * - **Hostile input**: the decoder never throws; answers are matched by transaction ID and
 *   endpoint; FIND_VALUE is padded to the largest answer and STORED is smaller than any STORE, so
 *   nothing answers with more bytes than it received; requests in flight, operations, records
 *   (per node, per writer, in bytes) and republished records are bounded and refusals counted.
 */
import { DHT_RECORD_TYPE } from '../dht/constants.js';
import {
  type DhtRecord,
  immutableRecord,
  type MutableWriter,
  mutableRecord,
} from '../dht/record.js';
import { ValueStore } from '../dht/store.js';
import type { DhtFailure } from '../dht/types.js';
import { type Endpoint, endpointKey, endpointsEqual } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import {
  type DrainSink,
  drainNode,
  type Output,
  OutputQueue,
  type SansIoNode,
} from '../sans-io.js';
import { equalBytes, toHex } from '../util/bytes.js';
import type { KadContact } from './codec.js';
import {
  decodeKadDhtMessage,
  encodeKadDhtMessage,
  isKadDhtDatagram,
  type KadDhtMessage,
} from './dht-codec.js';
import {
  createKadDhtStats,
  type KadDhtEvent,
  type KadDhtNodeOptions,
  type KadDhtStats,
  type ResolvedKadDhtOptions,
  resolveKadDhtOptions,
} from './dht-types.js';
import { Lookup, type LookupPeer } from './lookup.js';
import { KadNode } from './node.js';
import type { KadEvent } from './types.js';
import { compareXor } from './xor.js';

const SWEEP_INTERVAL_MS = 60_000;

interface Op {
  readonly id: number;
  readonly kind: 'put' | 'get';
  readonly key: Key;
  readonly record: DhtRecord | undefined;
  readonly cas: number | undefined;
  readonly republish: boolean;
  messages: number;
  lookupId: number | undefined;
  lookup: Lookup | undefined;
  storesPending: number;
  stored: number;
  refusal: DhtFailure | undefined;
  best: DhtRecord | undefined;
}

interface Pending {
  readonly to: Endpoint;
  readonly payload: Uint8Array;
  readonly op: Op;
  readonly peer: LookupPeer | undefined;
  readonly peerId: Uint8Array | undefined;
  deadlineMs: number;
  retriesLeft: number;
}

/**
 * A Kademlia DHT node. See the module header.
 * @example
 * const node = new KadDhtNode({ id, rng, bootstrap: [seed] });
 * node.start(0);
 * const { opId, key } = node.put(5_000, utf8Encode('hello'));
 * for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) handle(o);
 */
export class KadDhtNode implements SansIoNode<KadDhtEvent> {
  /** The routing node (read it; drive it only through this node). */
  readonly kad: KadNode;
  readonly stats: KadDhtStats = createKadDhtStats();
  /** Options with defaults; `replicationFactor` is k. */
  readonly options: ResolvedKadDhtOptions;
  private readonly store: ValueStore;
  private readonly out = new OutputQueue<KadDhtEvent>();
  private readonly sink: DrainSink<KadEvent>;
  private readonly ops = new Map<number, Op>();
  private readonly byLookup = new Map<number, Op>();
  private readonly pending = new Map<number, Pending>();
  private readonly published = new Map<string, { record: DhtRecord; atMs: number }>();
  private nextOpId = 1;
  private nextTxid: number;
  private kadAtMs = Number.POSITIVE_INFINITY;
  private sweepAtMs = Number.POSITIVE_INFINITY;
  private nowMsValue = 0;

  constructor(options: KadDhtNodeOptions) {
    const o = resolveKadDhtOptions(options);
    this.options = o;
    this.kad = new KadNode({ ...options, rng: o.rng.fork('kad') });
    this.store = new ValueStore(o, o.crypto);
    this.stats.refused = this.store.refused;
    this.nextTxid = o.rng.nextU32();
    this.sink = {
      transmit: (t) => this.out.push(t),
      event: (e) => this.onKadEvent(e),
      name: 'kad dht',
    };
  }

  /** This node's ID. */
  get id(): Uint8Array {
    return this.kad.id;
  }

  /** Records held (expired ones until the next sweep). */
  get recordCount(): number {
    return this.store.size;
  }

  /** The record held for `key`, if any and not expired. */
  held(key: Key): DhtRecord | undefined {
    return this.store.get(this.nowMsValue, toHex(key))?.record;
  }

  /** Joins through the bootstrap endpoints (`KadNode.start`). */
  start(nowMs: number): void {
    this.advance(nowMs);
    this.runKad(() => this.kad.start(nowMs));
    this.sweepAtMs = nowMs + SWEEP_INTERVAL_MS;
  }

  /** Starts with a known routing table and no join traffic (`KadNode.seedTable`; simulations). */
  startWarm(nowMs: number, contacts: readonly KadContact[]): void {
    this.advance(nowMs);
    this.runKad(() => this.kad.seedTable(nowMs, contacts));
    this.sweepAtMs = nowMs + SWEEP_INTERVAL_MS;
  }

  /** Stores an immutable value under SHA-256(value); ends with `put-done`. */
  put(nowMs: number, value: Uint8Array): { opId: number; key: Key } {
    this.advance(nowMs);
    return this.publish(immutableRecord(value, this.options.crypto), undefined);
  }

  /** Stores a signed mutable value (BEP 44 fields, optional compare-and-swap); ends with `put-done`. */
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

  /** Looks a key up with FIND_VALUE; ends with `get-done`. */
  get(nowMs: number, key: Key): number {
    this.advance(nowMs);
    if (!(key instanceof Uint8Array) || key.length !== 32)
      throw new RangeError('key must be 32 bytes');
    const op = this.newOp('get', key.slice(), undefined, undefined, false);
    this.stats.getsStarted++;
    const local = this.held(key);
    if (local !== undefined && local.type !== DHT_RECORD_TYPE.mutable)
      return this.finish(op, undefined, local);
    op.best = local;
    if (this.ops.size >= this.options.operationsMax) return this.finish(op, 'busy');
    const o = this.options;
    op.lookup = new Lookup(op.id, op.key, o.k, o.alpha, this.kad.table.closest(op.key, o.k), []);
    this.ops.set(op.id, op);
    this.pumpGet(op);
    return op.id;
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.advance(nowMs);
    if (!isKadDhtDatagram(payload)) {
      this.runKad(() => this.kad.handleDatagram(nowMs, from, payload));
      return;
    }
    const decoded = decodeKadDhtMessage(payload);
    if (!decoded.ok) return this.drop(decoded.error.code);
    const m = decoded.value;
    if (compareXor(this.id, m.sender, this.id) === 0) return this.drop('own-id');
    bump(this.stats.received, m.type);
    if (m.type === 'store' || m.type === 'find-value') {
      this.runKad(() => this.kad.observeContact(nowMs, m.sender, from, false));
      return this.answer(m, from);
    }
    const p = this.pending.get(m.txid);
    if (p === undefined || !endpointsEqual(p.to, from)) return this.drop('unsolicited');
    if (p.peerId !== undefined && compareXor(p.peerId, m.sender, p.peerId) !== 0)
      return this.drop('id-mismatch');
    this.pending.delete(m.txid);
    this.runKad(() => this.kad.observeContact(nowMs, m.sender, from, true));
    if (this.ops.has(p.op.id)) this.onAnswer(p, m);
  }

  handleTimeout(nowMs: number): void {
    this.advance(nowMs);
    if (nowMs >= this.kadAtMs) this.runKad(() => this.kad.handleTimeout(nowMs));
    for (const [txid, p] of this.pending) {
      if (p.deadlineMs > nowMs) continue;
      if (p.retriesLeft > 0) {
        p.retriesLeft--;
        p.deadlineMs = nowMs + this.options.requestTimeoutMs;
        this.stats.retransmits++;
        p.op.messages++;
        this.out.push({ type: 'transmit', to: p.to, payload: p.payload });
        continue;
      }
      this.pending.delete(txid);
      if (p.peerId !== undefined) this.kad.table.fail(p.peerId);
      if (this.ops.has(p.op.id)) this.onNoAnswer(p);
    }
    for (const pub of this.published.values()) {
      if (nowMs < pub.atMs) continue;
      pub.atMs = this.republishAt();
      this.stats.republishes++;
      this.startPut(pub.record, undefined, true);
    }
    if (nowMs >= this.sweepAtMs) {
      this.sweepAtMs = nowMs + SWEEP_INTERVAL_MS;
      this.store.sweep(nowMs);
    }
  }

  poll(): Output<KadDhtEvent> {
    const o = this.out.shift();
    if (o) return o;
    let atMs = Math.min(this.kadAtMs, this.sweepAtMs);
    for (const p of this.pending.values()) atMs = Math.min(atMs, p.deadlineMs);
    for (const p of this.published.values()) atMs = Math.min(atMs, p.atMs);
    return { type: 'timeout', atMs };
  }

  // ---- puts ----

  private publish(record: DhtRecord, cas: number | undefined): { opId: number; key: Key } {
    const keyHex = toHex(record.key);
    if (!this.published.has(keyHex) && this.published.size >= this.options.publishedMax)
      bump(this.stats.boundHits, 'published');
    else this.published.set(keyHex, { record, atMs: this.republishAt() });
    return { opId: this.startPut(record, cas, false), key: record.key };
  }

  private startPut(record: DhtRecord, cas: number | undefined, republish: boolean): number {
    const op = this.newOp('put', record.key, record, cas, republish);
    this.stats.putsStarted++;
    const refusal = this.store.check(record);
    if (refusal !== undefined) {
      bump(this.stats.refused, refusal);
      return this.finish(op, refusal);
    }
    if (this.ops.size >= this.options.operationsMax) return this.finish(op, 'busy');
    this.ops.set(op.id, op);
    // The lookup's end (even a synchronous refusal) is drained after the ID is known.
    this.runKad(() => {
      op.lookupId = this.kad.lookup(this.nowMsValue, op.key);
      this.byLookup.set(op.lookupId, op);
    });
    return op.id;
  }

  private onKadEvent(event: KadEvent): void {
    if (event.type === 'lookup-done') {
      const op = this.byLookup.get(event.lookupId);
      if (op !== undefined) {
        this.byLookup.delete(event.lookupId);
        const s = event.stats;
        op.messages += s.requests + s.retransmits + s.answers;
        return this.sendStores(op, event.closest);
      }
    }
    this.out.push({ type: 'event', event: { type: 'kad', event } });
  }

  private sendStores(op: Op, closest: readonly KadContact[]): void {
    const k = this.options.k;
    const selfRank = closest.findIndex((c) => compareXor(op.key, this.id, c.id) < 0);
    const selfIn = selfRank >= 0 ? selfRank < k : closest.length < k;
    const targets = closest.slice(0, selfIn ? k - 1 : k);
    if (selfIn) {
      const r = this.store.put(this.nowMsValue, op.record!, this.options.ttlMs, 'self', op.cas);
      if (r.ok) op.stored++;
      else op.refusal = r.refusal;
    }
    const ttlSeconds = Math.ceil(this.options.ttlMs / 1000);
    for (const c of targets) {
      const m: KadDhtMessage = {
        type: 'store',
        txid: 0,
        sender: this.id,
        ttlSeconds,
        record: op.record!,
        ...(op.cas !== undefined ? { cas: op.cas } : {}),
      };
      if (this.request(c.endpoint, c.id, m, op, undefined)) op.storesPending++;
    }
    if (op.storesPending === 0) this.endPut(op);
  }

  private endPut(op: Op): void {
    this.finish(op, op.stored > 0 ? undefined : (op.refusal ?? 'no-owner'));
  }

  // ---- gets ----

  private pumpGet(op: Op): void {
    const l = op.lookup!;
    while (this.pending.size < this.options.requestsMax) {
      const peer = l.next();
      if (peer === undefined) break;
      l.stats.requests++;
      const m: KadDhtMessage = { type: 'find-value', txid: 0, sender: this.id, key: op.key };
      this.request(peer.endpoint, peer.id, m, op, peer);
    }
    if (l.done || (l.inFlight === 0 && this.pending.size >= this.options.requestsMax))
      this.finish(op, op.best ? undefined : 'not-found', op.best);
  }

  private onAnswer(p: Pending, m: KadDhtMessage): void {
    const op = p.op;
    op.messages++;
    if (op.kind === 'put') {
      if (m.type === 'stored') {
        if (m.refusal === undefined || m.refusal === 'stale-seq') op.stored++;
        else op.refusal = m.refusal;
      }
      if (--op.storesPending === 0) this.endPut(op);
      return;
    }
    const l = op.lookup!;
    const peer = p.peer!;
    if (m.type === 'value') {
      const r = m.record;
      const valid = equalBytes(r.key, op.key) && this.store.check(r) === undefined;
      if (valid && r.type !== DHT_RECORD_TYPE.mutable) {
        l.onSuccess(peer, m.sender, []);
        return void this.finish(op, undefined, r);
      }
      if (valid && (op.best === undefined || r.seq > op.best.seq)) op.best = r;
      l.onSuccess(peer, m.sender, []);
    } else if (m.type === 'closer') {
      const own = this.id;
      l.onSuccess(
        peer,
        m.sender,
        m.contacts.filter((c) => compareXor(own, c.id, own) !== 0),
      );
    } else l.onFailure(peer);
    this.pumpGet(op);
  }

  private onNoAnswer(p: Pending): void {
    const op = p.op;
    if (op.kind === 'put') {
      op.refusal ??= 'timeout';
      if (--op.storesPending === 0) this.endPut(op);
      return;
    }
    op.lookup!.onFailure(p.peer!);
    this.pumpGet(op);
  }

  // ---- answers ----

  private answer(
    m: Extract<KadDhtMessage, { type: 'store' | 'find-value' }>,
    from: Endpoint,
  ): void {
    let reply: KadDhtMessage;
    if (m.type === 'store') {
      const ttlMs = Math.min(m.ttlSeconds * 1000, this.options.ttlMaxMs);
      const r = this.store.put(this.nowMsValue, m.record, ttlMs, `ep:${endpointKey(from)}`, m.cas);
      reply = {
        type: 'stored',
        txid: m.txid,
        sender: this.id,
        refusal: r.ok ? undefined : r.refusal,
      };
    } else {
      const held = this.store.get(this.nowMsValue, toHex(m.key));
      reply = held
        ? {
            type: 'value',
            txid: m.txid,
            sender: this.id,
            ttlSeconds: Math.max(1, Math.ceil((held.expiresAtMs - this.nowMsValue) / 1000)),
            record: held.record,
          }
        : {
            type: 'closer',
            txid: m.txid,
            sender: this.id,
            contacts: this.kad.table.closest(m.key, this.options.k, m.sender),
          };
    }
    this.send(from, encodeKadDhtMessage(reply), reply.type);
  }

  // ---- plumbing ----

  private request(
    to: Endpoint,
    peerId: Uint8Array | undefined,
    m: KadDhtMessage,
    op: Op,
    peer: LookupPeer | undefined,
  ): boolean {
    if (this.pending.size >= this.options.requestsMax) {
      bump(this.stats.boundHits, 'requests');
      return false;
    }
    let txid = this.nextTxid;
    while (this.pending.has(txid)) txid = (txid + 1) >>> 0;
    this.nextTxid = (txid + 1) >>> 0;
    const payload = encodeKadDhtMessage({ ...m, txid });
    this.pending.set(txid, {
      to,
      payload,
      op,
      peer,
      peerId,
      deadlineMs: this.nowMsValue + this.options.requestTimeoutMs,
      retriesLeft: this.options.retries,
    });
    op.messages++;
    this.send(to, payload, m.type);
    return true;
  }

  private send(to: Endpoint, payload: Uint8Array, type: string): void {
    bump(this.stats.sent, type);
    this.out.push({ type: 'transmit', to, payload });
  }

  private newOp(
    kind: Op['kind'],
    key: Key,
    record: DhtRecord | undefined,
    cas: number | undefined,
    republish: boolean,
  ): Op {
    return {
      id: this.nextOpId++,
      kind,
      key,
      record,
      cas,
      republish,
      messages: 0,
      lookupId: undefined,
      lookup: undefined,
      storesPending: 0,
      stored: 0,
      refusal: undefined,
      best: undefined,
    };
  }

  private finish(op: Op, failure: DhtFailure | undefined, record?: DhtRecord): number {
    this.ops.delete(op.id);
    if (op.lookupId !== undefined) this.byLookup.delete(op.lookupId);
    op.lookup?.cancel();
    // Requests still in flight stay matched (so their answers are not "unsolicited") but stop
    // retransmitting.
    for (const p of this.pending.values()) if (p.op === op) p.retriesLeft = 0;
    const s = this.stats;
    if (op.kind === 'put') {
      if (failure === undefined) s.putsSucceeded++;
      else s.putsFailed++;
      this.out.push({
        type: 'event',
        event: {
          type: 'put-done',
          opId: op.id,
          key: op.key,
          failure,
          republish: op.republish,
          messages: op.messages,
        },
      });
    } else {
      if (failure === undefined) s.getsSucceeded++;
      else s.getsFailed++;
      this.out.push({
        type: 'event',
        event: {
          type: 'get-done',
          opId: op.id,
          key: op.key,
          record,
          failure,
          messages: op.messages,
        },
      });
    }
    return op.id;
  }

  private republishAt(): number {
    const o = this.options;
    const ms = o.ttlMs * o.republishFraction;
    return this.nowMsValue + Math.max(1, Math.floor(ms * (0.9 + 0.1 * o.rng.nextFloat())));
  }

  private runKad(fn: () => void): void {
    try {
      fn();
    } finally {
      this.kadAtMs = drainNode(this.kad, this.sink) ?? Number.POSITIVE_INFINITY;
    }
  }

  private drop(reason: string): void {
    bump(this.stats.dropped, reason);
  }

  private advance(nowMs: number): void {
    if (!(nowMs >= this.nowMsValue))
      throw new RangeError(`nowMs went backwards: ${nowMs} < ${this.nowMsValue}`);
    this.nowMsValue = nowMs;
  }
}

function bump(record: Record<string, number>, name: string): void {
  record[name] = (record[name] ?? 0) + 1;
}
