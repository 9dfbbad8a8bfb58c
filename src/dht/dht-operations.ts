/**
 * @module dht/dht-operations
 * The puts and gets of one `DhtNode` in flight (the state machines of dht/operations.ts): started
 * by the node's commands, advanced by the owner search's events and by the answers and timeouts
 * of their DHT requests, ended with `put-done` / `get-done`. Bounded by `operationsMax`.
 */
import type { NodeEvent } from '../drt/events.js';
import { type Endpoint, endpointKey, endpointsEqual } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import { equalBytes, toHex } from '../util/bytes.js';
import type { DhtMessage } from './codec.js';
import {
  DHT_FIND_VALUE_BYTES_MIN,
  DHT_FIND_VALUE_KEYED_BYTES,
  DHT_HINTS_MAX,
  DHT_RECORD_TYPE,
} from './constants.js';
import type { DhtNode } from './dht-node.js';
import { GetWalk } from './get-walk.js';
import {
  COOKIE_ECHOES_MAX,
  type DhtOperation,
  GET_CANDIDATES_MAX,
  newOperation,
} from './operations.js';
import type { DhtRecord } from './record.js';
import type { DhtFailure } from './types.js';

interface Best {
  readonly key: Key;
  readonly endpoint: Endpoint;
}

/** The operations of one node. */
export class DhtOperations {
  /** Operations waiting for their owner search, by DRT search ID. */
  readonly bySearch: Map<number, DhtOperation> = new Map();
  private readonly node: DhtNode;
  private readonly live = new Map<number, DhtOperation>();
  private readonly best = new Map<DhtOperation, Best>();
  private nextId = 1;

  constructor(node: DhtNode) {
    this.node = node;
  }

  /** Starts a put of `record`; returns its operation ID. */
  startPut(record: DhtRecord, ttlMs: number, cas: number | undefined, republish: boolean): number {
    const node = this.node;
    const op = newOperation(this.nextId++, 'put', record.key, toHex(record.key), {
      record,
      ttlMs,
      ...(cas !== undefined ? { cas } : {}),
      republish,
    });
    node.stats.putsStarted++;
    const refusal = node.store.check(record);
    if (refusal !== undefined) {
      node.countRefusal(refusal);
      return this.finish(op, refusal);
    }
    return this.begin(op);
  }

  /** Starts a get of `key`; returns its operation ID. */
  startGet(key: Key): number {
    const node = this.node;
    const op = newOperation(this.nextId++, 'get', key, toHex(key), {});
    node.stats.getsStarted++;
    const held = node.store.get(node.nowMs, op.keyHex);
    if (held !== undefined && node.responsible(key, 0))
      return this.finish(op, undefined, held.record);
    return this.begin(op);
  }

  private begin(op: DhtOperation): number {
    if (this.live.size >= this.node.options.operationsMax) {
      this.node.stats.boundHits.operations = (this.node.stats.boundHits.operations ?? 0) + 1;
      return this.finish(op, 'busy');
    }
    this.live.set(op.id, op);
    if (op.kind === 'get' && this.startWalk(op)) return op.id;
    this.node.searchOwner(op.key, op);
    return op.id;
  }

  /** Starts a get's walk from the nodes of this node's cache closest to the key; false if none. */
  private startWalk(op: DhtOperation): boolean {
    const node = this.node;
    const walk = new GetWalk(op.key);
    for (const own of node.options.localEndpoints) walk.exclude(own);
    for (const m of node.closestKnown(op.key, DHT_HINTS_MAX)) walk.add(m.key, m.endpoint);
    op.walk = walk;
    op.span = node.replicaSpan();
    return this.walkOn(op);
  }

  /** Asks the walk's next node; false (and the walk over) when it has none left. */
  private walkOn(op: DhtOperation): boolean {
    const next = op.walk?.next();
    if (next === undefined) {
      op.walk = undefined;
      op.attempts = 0;
      return false;
    }
    this.ask(op, next.endpoint, true, op.span === undefined || next.distance <= op.span);
    return true;
  }

  /** Takes a DRT search event of one of our owner searches; false when it is someone else's. */
  onSearchEvent(event: NodeEvent): boolean {
    if (event.type === 'search-result') {
      const op = this.bySearch.get(event.result.searchId);
      if (op === undefined) return false;
      this.best.set(op, { key: event.result.key, endpoint: event.result.endpoint });
      return true;
    }
    if (event.type !== 'search-done') return false;
    const op = this.bySearch.get(event.searchId);
    if (op === undefined) return false;
    this.bySearch.delete(event.searchId);
    op.searchId = undefined;
    const s = event.stats;
    op.messages +=
      s.lookups +
      s.inquires +
      s.retransmits +
      event.path.filter((h) => h.rttMs !== undefined).length;
    const best = this.best.get(op);
    this.best.delete(op);
    if (this.live.has(op.id)) this.afterSearch(op, best);
    return true;
  }

  private afterSearch(op: DhtOperation, best: Best | undefined): void {
    const node = this.node;
    // The narrow range held nobody: search the whole ring.
    if (best === undefined && !op.wide) {
      op.wide = true;
      return node.searchOwner(op.key, op);
    }
    // A client (DhtNode.startClient) owns nothing, even alone.
    const selfOwns =
      best === undefined
        ? !node.client
        : node.selfCloserThan(op.key, best.key) && node.responsible(op.key, 0);
    if (op.kind === 'put') {
      if (selfOwns) return this.storeLocally(op);
      if (best === undefined) return void this.finish(op, 'no-owner');
      return this.sendStore(op, best.endpoint);
    }
    const held = node.store.get(node.nowMs, op.keyHex);
    if (selfOwns && held !== undefined) return void this.finish(op, undefined, held.record);
    // Alone (not joined yet, or cut off): nobody to ask.
    if (best === undefined)
      return void this.finish(op, node.view().length < 2 ? 'no-owner' : 'not-found');
    // The search found a node already asked: ask the hints it gave, if any are left, then search
    // the whole ring once (next() ends the get when that was done).
    if (op.tried.has(endpointKey(best.endpoint))) return this.next(op, 'not-found');
    this.ask(op, best.endpoint, true, true);
  }

  private storeLocally(op: DhtOperation): void {
    const node = this.node;
    const outcome = node.store.put(node.nowMs, op.record!, op.ttlMs, 'self', op.cas);
    if (!outcome.ok) return void this.finish(op, outcome.refusal);
    // A republish renews the lifetime: push it to every replica again (see responder.ts).
    if (outcome.change === 'refreshed') node.store.get(node.nowMs, op.keyHex)?.holders.clear();
    node.replicateToSet(op.keyHex, 'store');
    this.finish(op, undefined);
  }

  private sendStore(op: DhtOperation, to: Endpoint): void {
    const node = this.node;
    op.attempts++;
    op.tried.add(endpointKey(to));
    const message: DhtMessage = {
      type: 'store',
      requestId: node.newRequestId(),
      ttlSeconds: Math.ceil(op.ttlMs / 1000),
      record: op.record!,
      ...(op.cas !== undefined ? { cas: op.cas } : {}),
    };
    if (!node.sendMessage(to, message, { kind: 'op', op })) return void this.finish(op, 'busy');
    op.messages++;
  }

  /**
   * Sends FIND_VALUE to `to`. Without a fresh cookie of `to` the request is padded so that an
   * unproven responder may still answer in full (never more bytes than it received): to the
   * value's size toward a `likelyHolder` (no COOKIE round trip), to 3 keyed hints on a walk.
   */
  private ask(op: DhtOperation, to: Endpoint, counted = true, likelyHolder = false): void {
    const node = this.node;
    if (counted) op.attempts++;
    op.tried.add(endpointKey(to));
    const cookie = node.cookies.theirCookie(node.nowMs, to);
    const padTo =
      cookie !== 0
        ? undefined
        : likelyHolder
          ? node.options.findValuePadBytes
          : op.walk !== undefined
            ? DHT_FIND_VALUE_KEYED_BYTES
            : undefined;
    const message: DhtMessage = {
      type: 'find-value',
      requestId: node.newRequestId(),
      key: op.key,
      cookie,
      ...(padTo !== undefined && padTo > DHT_FIND_VALUE_BYTES_MIN ? { padTo } : {}),
    };
    if (!node.sendMessage(to, message, { kind: 'op', op })) return void this.finish(op, 'busy');
    op.messages++;
  }

  /** An answer to one of `op`'s requests. */
  onAnswer(op: DhtOperation, from: Endpoint, msg: DhtMessage): void {
    if (!this.live.has(op.id)) return;
    op.messages++;
    if (op.kind === 'put') {
      if (msg.type !== 'store-ack') return this.next(op, 'malformed');
      if (msg.refusal === undefined) return void this.finish(op, undefined);
      const hint = msg.hint;
      const redirect =
        msg.refusal === 'not-responsible' &&
        hint !== undefined &&
        !op.tried.has(endpointKey(hint)) &&
        op.attempts < this.node.options.attemptsMax;
      if (redirect) return this.sendStore(op, hint);
      return void this.finish(op, msg.refusal);
    }
    switch (msg.type) {
      case 'value': {
        const record = msg.record;
        const valid = equalBytes(record.key, op.key) && this.node.store.check(record) === undefined;
        if (!valid) return this.next(op, 'bad-signature');
        const best = op.found === undefined || record.seq > op.found.seq ? record : op.found;
        // A mutable value may be stale at one holder (it left the replica set before an update):
        // a walking get reads a second holder and keeps the higher sequence number.
        if (op.found === undefined && record.type !== DHT_RECORD_TYPE.immutable) {
          op.found = best;
          if (op.walk !== undefined && this.walkOn(op)) return;
        }
        return void this.finish(op, undefined, best);
      }
      case 'not-found':
        msg.hints.forEach((hint, i) => {
          const key = msg.hintKeys?.[i];
          if (op.walk !== undefined && key !== undefined && !op.tried.has(endpointKey(hint)))
            op.walk.add(key, hint);
          else this.addCandidate(op, hint);
        });
        return this.next(op, 'not-found');
      case 'cookie':
        this.node.cookies.remember(this.node.nowMs, from, msg.cookie);
        if (op.cookieEchoes++ < COOKIE_ECHOES_MAX) return this.ask(op, from, false);
        return this.next(op, 'timeout');
      default:
        return this.next(op, 'malformed');
    }
  }

  /** The last send of one of `op`'s requests went unanswered. */
  onRequestTimeout(op: DhtOperation): void {
    if (!this.live.has(op.id)) return;
    this.next(op, 'timeout');
  }

  private addCandidate(op: DhtOperation, ep: Endpoint): void {
    if (op.tried.has(endpointKey(ep))) return;
    if (this.node.options.localEndpoints.some((own) => endpointsEqual(own, ep))) return;
    if (op.candidates.some((c) => endpointsEqual(c, ep))) return;
    if (op.candidates.length < GET_CANDIDATES_MAX) op.candidates.push(ep);
  }

  /** Asks the next candidate (gets) or ends the operation with `failure`. */
  private next(op: DhtOperation, failure: DhtFailure): void {
    if (op.kind === 'get') {
      if (op.walk !== undefined && this.walkOn(op)) return;
      // A mutable value found once, and its second read came to nothing: the first stands.
      if (op.found !== undefined) return void this.finish(op, undefined, op.found);
      while (op.candidates.length > 0 && op.attempts < GET_CANDIDATES_MAX) {
        const c = op.candidates.shift()!;
        if (!op.tried.has(endpointKey(c))) return this.ask(op, c);
      }
      if (!op.searchedAgain && (failure === 'timeout' || failure === 'not-found')) {
        // The nodes asked went silent or were not the key's replicas (a narrow search may stop at
        // a node some way off): search once more over the whole ring, then ask what it finds.
        op.searchedAgain = true;
        op.attempts = 0;
        op.wide = true;
        return this.node.searchOwner(op.key, op);
      }
    }
    this.finish(op, failure);
  }

  /** Ends every operation (the node closes). */
  closeAll(): void {
    for (const op of [...this.live.values()]) this.finish(op, 'closed');
  }

  private finish(op: DhtOperation, failure: DhtFailure | undefined, record?: DhtRecord): number {
    const node = this.node;
    this.live.delete(op.id);
    node.requests.forget((o) => o.kind === 'op' && o.op === op);
    if (op.searchId !== undefined) {
      const searchId = op.searchId;
      this.bySearch.delete(searchId);
      op.searchId = undefined;
      node.runDrt(() => node.drt.cancel(node.nowMs, searchId));
    }
    const s = node.stats;
    if (op.kind === 'put') {
      if (failure === undefined) s.putsSucceeded++;
      else s.putsFailed++;
      node.emit({
        type: 'put-done',
        opId: op.id,
        key: op.key,
        failure,
        republish: op.republish,
        messages: op.messages,
      });
    } else {
      if (failure === undefined) s.getsSucceeded++;
      else s.getsFailed++;
      node.emit({
        type: 'get-done',
        opId: op.id,
        key: op.key,
        record,
        failure,
        messages: op.messages,
      });
    }
    return op.id;
  }
}
