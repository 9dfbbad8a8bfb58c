/**
 * @module dht/responder
 * How a `DhtNode` answers STORE, REPLICATE and FIND_VALUE (issue 15 Build 1 and the bad-input
 * rules). A STORE is taken only by a node of the key's replica set in its own view (else
 * `not-responsible`, with the closest node it knows as a hint); a REPLICATE by a node within two
 * places of it (views differ a little under churn). What a source address puts here by STORE, or
 * by REPLICATE unless it is a leaf-set neighbour proven to this node, is bounded by
 * `recordsPerSourceMax`. Every record passes its type's validator and
 * the store's bounds before anything is kept; each refusal is answered with its reason and
 * counted. FIND_VALUE is answered with the record only by a node within two places of the
 * replica set (others name the set: they may hold an older version), and only toward a proven source or when the
 * answer is no larger than the request (a reader pads its FIND_VALUE to a likely holder for
 * this); otherwise with a COOKIE (dht/cookies.ts). NOT_FOUND names the nodes of the responder's
 * cache closest to the key, with their DRT keys, so a get walks toward the key hop by hop
 * (dht/get-walk.ts).
 */
import { type Endpoint, endpointKey, endpointsEqual } from '../keys/endpoint.js';
import { toHex } from '../util/bytes.js';
import { type DhtMessage, encodeDhtMessage } from './codec.js';
import {
  DHT_ENDPOINT_BYTES,
  DHT_HEADER_BYTES,
  DHT_HINTS_MAX,
  DHT_KEYED_HINT_BYTES,
} from './constants.js';
import type { DhtNode } from './dht-node.js';
import { rankFor } from './replica-set.js';

/** Places beyond the replication factor within which a REPLICATE is still taken. */
export const REPLICATE_SLACK = 2;

type Request = Extract<DhtMessage, { type: 'store' | 'replicate' | 'find-value' }>;

/** Answers the requests other nodes send. */
export class DhtResponder {
  private readonly node: DhtNode;

  constructor(node: DhtNode) {
    this.node = node;
  }

  /** One request from `from`, `bytes` long on the wire. */
  onRequest(from: Endpoint, msg: Request, bytes: number): void {
    if (msg.type === 'find-value') return this.onFindValue(from, msg, bytes);
    const node = this.node;
    const slack = msg.type === 'store' ? 0 : REPLICATE_SLACK;
    if (!node.responsible(msg.record.key, slack)) {
      node.countRefusal('not-responsible');
      const owner = rankFor(node.view(), msg.record.key)[0]!;
      return this.ack(
        from,
        msg.requestId,
        'not-responsible',
        owner.self ? undefined : owner.endpoint,
      );
    }
    const cas = msg.type === 'store' ? msg.cas : undefined;
    // The writer of an unsigned record is the sending address, not the endpoint: a host's ports
    // are free, and per port it would multiply its quota.
    const writer = `addr:${toHex(from.address)}`;
    // Every record put here by STORE, or by REPLICATE from anyone but a leaf-set neighbour whose
    // address is proven to us, counts against its source address: keys cost nothing to mint, so
    // the per-writer quota alone would not stop one host filling the store. (Proven alone is not
    // enough: anyone proves its own address by echoing a cookie.)
    const key = endpointKey(from);
    const neighbour =
      msg.type === 'replicate' &&
      node.cookies.isProven(node.nowMs, from) &&
      node.view().some((m) => !m.self && m.endpointKey === key);
    const counted = !neighbour;
    const outcome = node.store.put(
      node.nowMs,
      msg.record,
      msg.ttlSeconds * 1000,
      writer,
      cas,
      counted ? writer : undefined,
    );
    if (!outcome.ok) return this.ack(from, msg.requestId, outcome.refusal);
    const keyHex = toHex(msg.record.key);
    // A STORE that only renews the lifetime (the writer's republish) must reach the replicas
    // too: forget who held the old lifetime, so replicateToSet pushes the new one to all of them.
    if (msg.type === 'store' && outcome.change === 'refreshed')
      node.store.get(node.nowMs, keyHex)?.holders.clear();
    if (msg.type === 'replicate')
      node.store.get(node.nowMs, keyHex)?.holders.add(endpointKey(from));
    this.ack(from, msg.requestId, undefined);
    if (msg.type === 'store') node.replicateToSet(keyHex, 'store', from);
  }

  private ack(
    to: Endpoint,
    requestId: number,
    refusal: Extract<DhtMessage, { type: 'store-ack' }>['refusal'],
    hint?: Endpoint,
  ): void {
    this.node.sendMessage(to, {
      type: 'store-ack',
      requestId,
      ...(refusal !== undefined ? { refusal } : {}),
      ...(hint !== undefined ? { hint } : {}),
    });
  }

  private onFindValue(
    from: Endpoint,
    msg: Extract<DhtMessage, { type: 'find-value' }>,
    bytes: number,
  ): void {
    const node = this.node;
    const now = node.nowMs;
    const proven = node.cookies.isProven(now, from) || node.cookies.echoed(now, from, msg.cookie);
    // Only a node within two places of the key's replica set answers with the record: one further
    // out may hold an older version (it left the set before an update) and points at the set.
    // (Not the set itself: dead neighbours not yet evicted push live replicas down the ranking.)
    const answers = node.responsible(msg.key, REPLICATE_SLACK);
    const held = answers ? node.store.get(now, toHex(msg.key)) : undefined;
    if (held !== undefined) {
      const answer: DhtMessage = {
        type: 'value',
        requestId: msg.requestId,
        ttlSeconds: node.ttlSecondsOf(held.expiresAtMs),
        record: held.record,
      };
      if (proven || encodeDhtMessage(answer).length <= bytes)
        return void node.sendMessage(from, answer);
      node.stats.cookiesSent++;
      return void node.sendMessage(from, {
        type: 'cookie',
        requestId: msg.requestId,
        cookie: node.cookies.cookie(now, from),
      });
    }
    // Hints: the nodes of this node's cache closest to the key, with their keys so that a reader
    // walking toward the key (dht/get-walk.ts) knows which to ask next; as many as fit in the
    // request toward an unproven source (keyed when all fit, else plain endpoints).
    const want = Math.min(DHT_HINTS_MAX, node.options.replicationFactor);
    const closest = node
      .closestKnown(msg.key, want + 1)
      .filter((m) => !endpointsEqual(m.endpoint, from));
    const room = bytes - DHT_HEADER_BYTES - 1;
    const count = Math.min(want, closest.length);
    const keyed = proven || Math.floor(room / DHT_KEYED_HINT_BYTES) >= count;
    const fit = keyed ? count : Math.min(count, Math.floor(room / DHT_ENDPOINT_BYTES));
    const chosen = closest.slice(0, Math.max(0, fit));
    const hints = chosen.map((m) => m.endpoint);
    if (keyed) {
      const hintKeys = chosen.map((m) => m.key);
      return void node.sendMessage(from, {
        type: 'not-found',
        requestId: msg.requestId,
        hints,
        hintKeys,
      });
    }
    node.sendMessage(from, { type: 'not-found', requestId: msg.requestId, hints });
  }
}
