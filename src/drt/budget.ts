/**
 * @module drt/budget
 * The signing budget (issue 10, item 3): every AUTHORITY that carries a freshly signed proof (an
 * INQUIRE answer with the A flag, [MS-PNRP] §3.2.5.6, bound to the requester's nonce) costs
 * Ed25519 signatures, so the node signs within two token buckets driven by the injected clock:
 * one per source endpoint (`sourceSignaturesPerSecond`, burst `sourceSignatureBurst`) and one for
 * the whole node (`signaturesPerSecond`, burst `signatureBurst`). The per-source buckets live in
 * an LRU of `signingSourcesMax`; a forgotten source starts again with a full bucket, which the
 * node bucket still bounds. Only proven sources reach the budget (see address-proof.ts).
 *
 * What a throttled requester sees: AUTHORITY with the B (busy) flag and nothing else, the same
 * answer an unproven source gets, but to a request that already echoed the cookie. The resolver
 * (drt/searches.ts) then counts the hop as rejected (`dropped['proof-busy']`) and goes on with
 * its other candidates; a pending-add check gives the entry up without evicting anything.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { TokenBucket } from '../util/token-bucket.js';
import { bump } from './stats.js';

/** Sizes of the signing budget (validated by `resolveDrtOptions`). */
export interface SigningLimits {
  readonly signaturesPerSecond: number;
  readonly signatureBurst: number;
  readonly sourceSignaturesPerSecond: number;
  readonly sourceSignatureBurst: number;
  readonly signingSourcesMax: number;
}

/** Per-source and per-node token buckets for fresh proofs. */
export class SigningBudget {
  private readonly limits: SigningLimits;
  private readonly boundHits: Record<string, number>;
  private node: TokenBucket | undefined;
  /**
   * Per-source buckets, least recently used first. A bucket that has refilled to its burst is in
   * the state of a new one, so `prune` drops it (issue 13: otherwise every source ever served
   * kept a bucket, ~3.7 KB per simulated node). `signingSourcesMax` still bounds the table.
   */
  private sources: Map<string, TokenBucket> | undefined;
  /** No head bucket can be full before this (a hint for `prune`, which checks exactly). */
  private pruneAtMs = Number.POSITIVE_INFINITY;

  constructor(limits: SigningLimits, boundHits: Record<string, number>) {
    this.limits = limits;
    this.boundHits = boundHits;
  }

  /** Takes one signature for `from`; false (counted) when either bucket is empty. */
  take(nowMs: number, from: Endpoint): boolean {
    const l = this.limits;
    this.node ??= new TokenBucket({
      ratePerSecond: l.signaturesPerSecond,
      burst: l.signatureBurst,
    });
    this.pruneAtMs = Math.min(this.pruneAtMs, nowMs);
    this.prune(nowMs);
    const key = endpointKey(from);
    this.sources ??= new Map();
    const sources = this.sources;
    let source = sources.get(key);
    if (source) {
      sources.delete(key); // LRU: most recent last
    } else {
      if (sources.size >= l.signingSourcesMax) {
        sources.delete(sources.keys().next().value as string);
        bump(this.boundHits, 'signing-sources');
      }
      source = new TokenBucket({
        ratePerSecond: l.sourceSignaturesPerSecond,
        burst: l.sourceSignatureBurst,
      });
    }
    sources.set(key, source);
    this.pruneAtMs = nowMs; // the head may have changed: look again on the next call
    if (!source.take(nowMs)) {
      bump(this.boundHits, 'signing-source');
      return false;
    }
    if (!this.node.take(nowMs)) {
      source.refund();
      bump(this.boundHits, 'signing-node');
      return false;
    }
    return true;
  }

  /** Sources whose buckets are held (for tests and stats). */
  get sourceCount(): number {
    return this.sources?.size ?? 0;
  }

  /**
   * Drops the full buckets at the head of the table (the least recently used), up to the first
   * that is not full. A dropped source starts again from a full bucket: the same answers. The
   * one difference: `boundHits['signing-sources']` no longer counts evicting a full bucket.
   * Cheap until the head bucket may be full, so the node calls it on every datagram.
   */
  prune(nowMs: number): void {
    if (nowMs < this.pruneAtMs) return;
    this.pruneAtMs = Number.POSITIVE_INFINITY;
    const sources = this.sources;
    if (sources === undefined) return;
    for (const [key, bucket] of sources) {
      if (!bucket.fullAt(nowMs)) {
        this.pruneAtMs = Math.max(nowMs, bucket.fullAtMs());
        return;
      }
      sources.delete(key);
    }
    this.sources = undefined;
  }
}
