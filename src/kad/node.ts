/**
 * @module kad/node
 * `KadNode`: a Kademlia node (Maymounkov and Mazières, IPTPS 2002) on the sans-I/O contract of
 * `src/sans-io.ts` (docs/design.md §2, §8), the baseline the simulator runs beside the DRT on the same
 * node set (issue 13, Build 4). Theory of operation:
 *
 * - **Routing** (`routing-table.ts`): 256 k-buckets by shared prefix with the own ID. Every
 *   message received updates the sender's bucket; a full bucket PINGs its least recently seen
 *   entry and evicts it only if it does not answer.
 * - **Lookups** (`lookup.ts`): iterative FIND_NODE, alpha requests in parallel, k results, ends
 *   when the k closest nodes seen have all answered. A request unanswered after
 *   `requestTimeoutMs` is sent again `retries` times, then its peer fails and leaves the table.
 * - **Join** (`start`): a lookup of the own ID through the bootstrap endpoints, then a refresh
 *   of every bucket farther than the closest neighbour (paper §2.3).
 * - **Refresh**: a bucket with no lookup in its range for `refreshIntervalMs` (an hour) gets a
 *   lookup of a random ID in its range.
 * - **Hostile input**: the decoder never throws; answers match a pending request by transaction
 *   ID and endpoint; an address that never answered this node gets at most as many bytes as it
 *   sent (FIND_NODE is padded for that); answers per source are rate-limited in 64 hashed
 *   budgets; lookups, requests in flight, lookup candidates, buckets and replacement caches are
 *   bounded; one IP address holds at most `contactsPerAddressMax` table entries.
 *
 * The node has no clock: time comes in through `handle*`, `start` and `lookup`, randomness from
 * the injected `rng`, and one timer (`poll()`'s last output) covers retransmissions and refresh.
 */
import type { Endpoint } from '../keys/endpoint.js';
import { endpointsEqual } from '../keys/endpoint.js';
import { type Output, OutputQueue, type SansIoNode } from '../sans-io.js';
import type { Rng } from '../util/rng.js';
import {
  decodeKadMessage,
  encodeKadMessage,
  KAD_CONTACT_BYTES,
  KAD_HEADER_BYTES,
  KAD_MESSAGE_BYTES_MAX,
  type KadContact,
  type KadMessage,
} from './codec.js';
import {
  KAD_ALPHA_DEFAULT,
  KAD_ANSWERS_PER_SOURCE_PER_SECOND_DEFAULT,
  KAD_CONTACTS_PER_ADDRESS_MAX_DEFAULT,
  KAD_HEAD_FRESH_MS_DEFAULT,
  KAD_ID_BITS,
  KAD_ID_BYTES,
  KAD_K_DEFAULT,
  KAD_LOOKUPS_MAX_DEFAULT,
  KAD_REFRESH_INTERVAL_MS_DEFAULT,
  KAD_REPLACEMENTS_MAX_DEFAULT,
  KAD_REQUEST_TIMEOUT_MS_DEFAULT,
  KAD_REQUESTS_MAX_DEFAULT,
  KAD_RETRIES_DEFAULT,
} from './constants.js';
import { Lookup, type LookupPeer, PEER_STATE } from './lookup.js';
import { RoutingTable } from './routing-table.js';
import type { KadEvent, KadLookupFailure, KadNodeOptions, KadStats } from './types.js';
import { compareXor, idInBucket, sharedPrefixBits } from './xor.js';

/** Hashed answer budgets per node (sources share a slot by a salted hash of their endpoint). */
const ANSWER_SLOTS = 64;

interface Settings {
  readonly k: number;
  readonly alpha: number;
  readonly requestTimeoutMs: number;
  readonly retries: number;
  readonly refreshIntervalMs: number;
  readonly lookupsMax: number;
  readonly requestsMax: number;
  readonly answersPerSecond: number;
  readonly padFindNode: boolean;
}

interface PendingRequest {
  readonly to: Endpoint;
  readonly payload: Uint8Array;
  deadlineMs: number;
  retriesLeft: number;
  readonly run: LookupRun | undefined;
  readonly peer: LookupPeer | undefined;
  /** Bucket whose head this PING checks before eviction, or -1. */
  readonly evictionBucket: number;
}

interface LookupRun {
  readonly lookup: Lookup;
  readonly kind: 'user' | 'join' | 'refresh';
}

/**
 * A Kademlia node driven like every node of this codebase: `handle*` in, `poll()` out.
 * @example
 * const node = new KadNode({ id, rng, bootstrap: [seed] });
 * node.start(nowMs);
 * const lookupId = node.lookup(nowMs, target);
 * for (let out = node.poll(); out.type !== 'timeout'; out = node.poll()) send(out);
 */
export class KadNode implements SansIoNode<KadEvent> {
  readonly id: Uint8Array;
  /**
   * The k-buckets (read them; do not modify them).
   * @internal Tests and tools of this repository read it; not part of the package's API.
   */
  readonly table: RoutingTable;
  readonly stats: KadStats = {
    datagramsSent: 0,
    datagramsReceived: 0,
    requestsSent: 0,
    retransmits: 0,
    answersSent: 0,
    answersReceived: 0,
    evictionPings: 0,
    evictions: 0,
    lookupsStarted: 0,
    refreshLookups: 0,
    lookupsRefused: 0,
    answersTrimmed: 0,
    answersRateLimited: 0,
    dropped: {},
  };
  private readonly s: Settings;
  private readonly rng: Rng;
  private readonly bootstrap: readonly Endpoint[];
  private readonly out = new OutputQueue<KadEvent>();
  private readonly pending = new Map<number, PendingRequest>();
  private readonly runs = new Set<LookupRun>();
  private nextTxid: number;
  private nextLookupId = 1;
  private nowMs = 0;
  private startedMs: number | undefined;
  private refreshCheckMs = Number.POSITIVE_INFINITY;
  private readonly answerSalt: number;
  private answerTokens: Float64Array | undefined;
  private answerLastMs: Float64Array | undefined;

  constructor(options: KadNodeOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('KadNode options must be an object');
    }
    const { id, rng } = options;
    if (!(id instanceof Uint8Array) || id.length !== KAD_ID_BYTES) {
      throw new RangeError(`KadNode id must be ${KAD_ID_BYTES} bytes`);
    }
    if (typeof rng?.nextU32 !== 'function') throw new TypeError('KadNode needs an rng');
    const int = (name: string, v: number | undefined, dflt: number, min: number): number => {
      const r = v ?? dflt;
      if (!Number.isInteger(r) || r < min)
        throw new RangeError(`KadNode ${name} must be >= ${min}`);
      return r;
    };
    const k = int('k', options.k, KAD_K_DEFAULT, 1);
    if (k > KAD_K_DEFAULT) throw new RangeError(`KadNode k must be <= ${KAD_K_DEFAULT}`);
    this.s = {
      k,
      alpha: int('alpha', options.alpha, KAD_ALPHA_DEFAULT, 1),
      requestTimeoutMs: int(
        'requestTimeoutMs',
        options.requestTimeoutMs,
        KAD_REQUEST_TIMEOUT_MS_DEFAULT,
        1,
      ),
      retries: int('retries', options.retries, KAD_RETRIES_DEFAULT, 0),
      refreshIntervalMs: int(
        'refreshIntervalMs',
        options.refreshIntervalMs,
        KAD_REFRESH_INTERVAL_MS_DEFAULT,
        1,
      ),
      lookupsMax: int('lookupsMax', options.lookupsMax, KAD_LOOKUPS_MAX_DEFAULT, 1),
      requestsMax: int('requestsMax', options.requestsMax, KAD_REQUESTS_MAX_DEFAULT, 1),
      answersPerSecond: int(
        'answersPerSourcePerSecond',
        options.answersPerSourcePerSecond,
        KAD_ANSWERS_PER_SOURCE_PER_SECOND_DEFAULT,
        1,
      ),
      padFindNode: options.padFindNode ?? true,
    };
    this.id = id.slice();
    this.rng = rng;
    this.bootstrap = [...(options.bootstrap ?? [])];
    this.table = new RoutingTable(this.id, {
      k,
      replacementsMax: int(
        'replacementsMax',
        options.replacementsMax,
        KAD_REPLACEMENTS_MAX_DEFAULT,
        0,
      ),
      headFreshMs: int('headFreshMs', options.headFreshMs, KAD_HEAD_FRESH_MS_DEFAULT, 0),
      contactsPerAddressMax: int(
        'contactsPerAddressMax',
        options.contactsPerAddressMax,
        KAD_CONTACTS_PER_ADDRESS_MAX_DEFAULT,
        1,
      ),
    });
    this.nextTxid = rng.nextU32();
    this.answerSalt = rng.nextU32();
  }

  /** Joins: looks up the own ID through the bootstrap endpoints, then refreshes farther buckets. */
  start(nowMs: number): void {
    this.advance(nowMs);
    if (this.startedMs !== undefined) return;
    this.startedMs = nowMs;
    this.refreshCheckMs = nowMs + this.s.refreshIntervalMs;
    if (this.bootstrap.length === 0) {
      this.out.push({ type: 'event', event: { type: 'joined', contacts: this.table.size } });
      return;
    }
    this.begin(this.id, 'join', this.bootstrap);
    this.pump();
  }

  /**
   * Fills the routing table with known contacts without any traffic (a warm start for clouds
   * too large to build through joins in a benchmark's time). They count as never heard from.
   * @example node.seedTable(nowMs, contacts)
   */
  seedTable(nowMs: number, contacts: readonly KadContact[]): void {
    this.advance(nowMs);
    if (this.startedMs === undefined) {
      this.startedMs = nowMs;
      this.refreshCheckMs = nowMs + this.s.refreshIntervalMs;
    }
    for (const c of contacts) {
      if (compareXor(this.id, c.id, this.id) === 0) continue;
      this.table.observe(nowMs, c.id, c.endpoint, false);
    }
  }

  /**
   * Starts a lookup of the k nodes closest to `target`; ends with a `lookup-done` event carrying
   * the returned ID.
   * @example const id = node.lookup(nowMs, target)
   */
  lookup(nowMs: number, target: Uint8Array): number {
    this.advance(nowMs);
    if (!(target instanceof Uint8Array) || target.length !== KAD_ID_BYTES) {
      throw new RangeError(`lookup target must be ${KAD_ID_BYTES} bytes`);
    }
    const run = this.begin(target.slice(), 'user', []);
    if (typeof run === 'string') {
      const lookupId = this.nextLookupId++;
      this.emitDone(lookupId, target, undefined, run);
      return lookupId;
    }
    this.pump();
    return run.lookup.id;
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.advance(nowMs);
    this.stats.datagramsReceived++;
    const decoded = decodeKadMessage(payload);
    if (!decoded.ok) return this.drop(decoded.error.code);
    const m = decoded.value;
    if (compareXor(this.id, m.sender, this.id) === 0) return this.drop('own-id');
    if (m.type === 'ping' || m.type === 'find-node') this.answer(m, from, payload.length);
    else this.onAnswer(m, from);
    this.pump();
  }

  handleTimeout(nowMs: number): void {
    this.advance(nowMs);
    for (const [txid, p] of this.pending) {
      if (p.deadlineMs > nowMs) continue;
      if (p.retriesLeft > 0) {
        p.retriesLeft--;
        p.deadlineMs = nowMs + this.s.requestTimeoutMs;
        this.stats.retransmits++;
        if (p.run) p.run.lookup.stats.retransmits++;
        this.send(p.to, p.payload);
      } else {
        this.pending.delete(txid);
        this.onNoAnswer(p);
      }
    }
    if (nowMs >= this.refreshCheckMs) this.refresh(nowMs);
    this.pump();
  }

  poll(): Output<KadEvent> {
    return this.out.shift() ?? { type: 'timeout', atMs: this.nextTimerMs() };
  }

  /**
   * Learns a contact heard from outside this node's own messages (the DHT part of
   * `kad/dht-node.ts` receives its own datagrams): as any received message does, it updates the
   * sender's bucket, and a full bucket PINGs its head before evicting it.
   * @internal
   */
  observeContact(nowMs: number, id: Uint8Array, from: Endpoint, answered: boolean): void {
    this.advance(nowMs);
    if (compareXor(this.id, id, this.id) === 0) return;
    this.observe(id, from, answered);
  }

  /** Lookups running now (user lookups, the join and refreshes). */
  get lookupsRunning(): number {
    return this.runs.size;
  }

  private advance(nowMs: number): void {
    if (!(nowMs >= this.nowMs))
      throw new RangeError(`nowMs went backwards: ${nowMs} < ${this.nowMs}`);
    this.nowMs = nowMs;
  }

  private nextTimerMs(): number {
    let at = this.refreshCheckMs;
    for (const p of this.pending.values()) if (p.deadlineMs < at) at = p.deadlineMs;
    return at;
  }

  private begin(
    target: Uint8Array,
    kind: LookupRun['kind'],
    seeds: readonly Endpoint[],
  ): LookupRun | KadLookupFailure {
    if (this.runs.size >= this.s.lookupsMax) {
      this.stats.lookupsRefused++;
      return 'busy';
    }
    const known = this.table.closest(target, this.s.k);
    if (known.length === 0 && seeds.length === 0) return 'no-contacts';
    const bucket = sharedPrefixBits(this.id, target);
    if (bucket < KAD_ID_BITS) this.table.bucket(bucket).lastLookupMs = this.nowMs;
    const lookup = new Lookup(this.nextLookupId++, target, this.s.k, this.s.alpha, known, seeds);
    const run: LookupRun = { lookup, kind };
    this.runs.add(run);
    if (kind === 'refresh') this.stats.refreshLookups++;
    else this.stats.lookupsStarted++;
    return run;
  }

  /** Sends what every running lookup may send now and ends the lookups that are done. */
  private pump(): void {
    for (const run of this.runs) {
      const l = run.lookup;
      while (this.pending.size < this.s.requestsMax) {
        const peer = l.next();
        if (peer === undefined) break;
        l.stats.requests++;
        const message: KadMessage = {
          type: 'find-node',
          txid: 0,
          sender: this.id,
          target: l.target,
          ...(this.s.padFindNode ? { padTo: KAD_MESSAGE_BYTES_MAX } : {}),
        };
        this.request(peer.endpoint, message, run, peer, -1);
      }
      if (l.done) this.end(run);
    }
  }

  private end(run: LookupRun): void {
    this.runs.delete(run);
    const l = run.lookup;
    // Requests still in flight stay matched (their answers refresh the table) but no longer
    // count for the lookup or retransmit.
    for (const p of this.pending.values()) {
      if (p.run === run) p.retriesLeft = 0;
    }
    if (run.kind === 'user') this.emitDone(l.id, l.target, l, undefined);
    else if (run.kind === 'join') {
      const closest = l
        .closestSucceeded()
        .find((p) => p.id !== undefined && compareXor(this.id, p.id, this.id) !== 0);
      const depth = closest?.id ? sharedPrefixBits(this.id, closest.id) : 0;
      for (let i = 0; i < Math.min(depth, KAD_ID_BITS); i++) this.refreshBucket(i);
      this.out.push({ type: 'event', event: { type: 'joined', contacts: this.table.size } });
    }
  }

  private emitDone(
    lookupId: number,
    target: Uint8Array,
    l: Lookup | undefined,
    failure: KadLookupFailure | undefined,
  ): void {
    const peer = l?.peerOf(target);
    const found = peer?.state === PEER_STATE.succeeded;
    this.out.push({
      type: 'event',
      event: {
        type: 'lookup-done',
        lookupId,
        target,
        closest: (l?.closestSucceeded() ?? []).map((p) => ({ id: p.id!, endpoint: p.endpoint })),
        found,
        hops: found ? peer.depth : undefined,
        contacted: l?.stats.requests ?? 0,
        stats: { ...(l?.stats ?? { requests: 0, retransmits: 0, answers: 0, failures: 0 }) },
        failure,
      },
    });
  }

  private refresh(nowMs: number): void {
    const deepest = this.table.deepestBucket();
    const since = this.startedMs ?? nowMs;
    let next = nowMs + this.s.refreshIntervalMs;
    for (let i = 0; i <= deepest; i++) {
      const last = Math.max(this.table.bucket(i).lastLookupMs, since);
      if (nowMs - last >= this.s.refreshIntervalMs) this.refreshBucket(i);
      else next = Math.min(next, last + this.s.refreshIntervalMs);
    }
    this.refreshCheckMs = next;
  }

  private refreshBucket(i: number): void {
    this.begin(idInBucket(this.id, i, this.rng.bytes(KAD_ID_BYTES)), 'refresh', []);
  }

  private request(
    to: Endpoint,
    message: KadMessage,
    run: LookupRun | undefined,
    peer: LookupPeer | undefined,
    evictionBucket: number,
  ): void {
    let txid = this.nextTxid;
    while (this.pending.has(txid)) txid = (txid + 1) >>> 0;
    this.nextTxid = (txid + 1) >>> 0;
    const payload = encodeKadMessage({ ...message, txid });
    this.pending.set(txid, {
      to,
      payload,
      deadlineMs: this.nowMs + this.s.requestTimeoutMs,
      retriesLeft: this.s.retries,
      run,
      peer,
      evictionBucket,
    });
    this.stats.requestsSent++;
    this.send(to, payload);
  }

  private send(to: Endpoint, payload: Uint8Array): void {
    this.stats.datagramsSent++;
    this.out.push({ type: 'transmit', to, payload });
  }

  private drop(reason: string): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
  }

  /** Learns the sender; a full bucket PINGs its head before anyone is evicted. */
  private observe(id: Uint8Array, from: Endpoint, answered: boolean): void {
    const outcome = this.table.observe(this.nowMs, id, from, answered);
    if (outcome.type !== 'ping') return;
    this.stats.evictionPings++;
    this.request(
      outcome.stale.endpoint,
      { type: 'ping', txid: 0, sender: this.id },
      undefined,
      undefined,
      outcome.bucket,
    );
  }

  private answer(
    m: KadMessage & { type: 'ping' | 'find-node' },
    from: Endpoint,
    received: number,
  ): void {
    if (!this.spendAnswer(from)) {
      this.stats.answersRateLimited++;
      this.observe(m.sender, from, false);
      return;
    }
    let reply: KadMessage;
    if (m.type === 'ping') reply = { type: 'pong', txid: m.txid, sender: this.id };
    else {
      const known = this.table.find(m.sender);
      const proven = known?.answered === true && endpointsEqual(known.endpoint, from);
      let contacts: KadContact[] = this.table.closest(m.target, this.s.k, m.sender);
      if (!proven) {
        const fit = Math.max(0, Math.floor((received - KAD_HEADER_BYTES - 1) / KAD_CONTACT_BYTES));
        if (contacts.length > fit) {
          this.stats.answersTrimmed++;
          contacts = contacts.slice(0, fit);
        }
      }
      reply = { type: 'nodes', txid: m.txid, sender: this.id, contacts };
    }
    // Observe after choosing the contacts, so the requester is not offered itself.
    this.observe(m.sender, from, false);
    this.stats.answersSent++;
    this.send(from, encodeKadMessage(reply));
  }

  private onAnswer(m: KadMessage & { type: 'pong' | 'nodes' }, from: Endpoint): void {
    const p = this.pending.get(m.txid);
    if (p === undefined || !endpointsEqual(p.to, from)) return this.drop('unsolicited');
    const isNodes = m.type === 'nodes';
    if (isNodes !== p.evictionBucket < 0) return this.drop('wrong-answer-type');
    this.pending.delete(m.txid);
    const expected = p.peer?.id;
    if (expected !== undefined && compareXor(expected, m.sender, expected) !== 0) {
      this.drop('id-mismatch');
      this.onNoAnswer(p);
      return;
    }
    this.stats.answersReceived++;
    this.observe(m.sender, from, true);
    if (p.evictionBucket >= 0) {
      this.table.onEvictionPing(p.evictionBucket, true);
      return;
    }
    if (isNodes && p.run !== undefined && p.peer !== undefined && !p.run.lookup.done) {
      const contacts = m.contacts.filter((c) => compareXor(this.id, c.id, this.id) !== 0);
      p.run.lookup.onSuccess(p.peer, m.sender, contacts);
    }
  }

  private onNoAnswer(p: PendingRequest): void {
    if (p.evictionBucket >= 0) {
      if (this.table.onEvictionPing(p.evictionBucket, false) === 'evicted') this.stats.evictions++;
      return;
    }
    if (p.peer?.id !== undefined) this.table.fail(p.peer.id);
    if (p.run !== undefined && p.peer !== undefined && !p.run.lookup.done)
      p.run.lookup.onFailure(p.peer);
  }

  /** Takes one answer from the source's hashed budget (token bucket per slot). */
  private spendAnswer(from: Endpoint): boolean {
    if (this.answerTokens === undefined) {
      this.answerTokens = new Float64Array(ANSWER_SLOTS).fill(this.s.answersPerSecond);
      this.answerLastMs = new Float64Array(ANSWER_SLOTS).fill(this.nowMs);
    }
    let h = this.answerSalt ^ from.port;
    const a = from.address;
    for (let i = 0; i < 16; i++) h = Math.imul(h ^ a[i]!, 0x01000193);
    const slot = (h >>> 0) % ANSWER_SLOTS;
    const rate = this.s.answersPerSecond;
    const tokens = Math.min(
      rate,
      this.answerTokens[slot]! + ((this.nowMs - this.answerLastMs![slot]!) * rate) / 1000,
    );
    this.answerLastMs![slot] = this.nowMs;
    if (tokens < 1) {
      this.answerTokens[slot] = tokens;
      return false;
    }
    this.answerTokens[slot] = tokens - 1;
    return true;
  }
}
