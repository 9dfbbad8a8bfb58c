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
import { bump } from './stats.js';

/** A token bucket on injected milliseconds. */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;
  private readonly burst: number;
  private readonly perSecond: number;

  constructor(burst: number, perSecond: number, nowMs: number) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  /** Tokens available at `nowMs` (refilled, not taken). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /** Takes one token if there is one. */
  take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Gives back a token taken in vain (capped at the burst). */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  private refill(nowMs: number): void {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(
        this.burst,
        this.tokens + ((nowMs - this.lastMs) * this.perSecond) / 1000,
      );
      this.lastMs = nowMs;
    }
  }
}

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
  private readonly sources = new Map<string, TokenBucket>();

  constructor(limits: SigningLimits, boundHits: Record<string, number>) {
    this.limits = limits;
    this.boundHits = boundHits;
  }

  /** Takes one signature for `from`; false (counted) when either bucket is empty. */
  take(nowMs: number, from: Endpoint): boolean {
    const l = this.limits;
    this.node ??= new TokenBucket(l.signatureBurst, l.signaturesPerSecond, nowMs);
    const key = endpointKey(from);
    let source = this.sources.get(key);
    if (source) {
      this.sources.delete(key); // LRU: most recent last
    } else {
      if (this.sources.size >= l.signingSourcesMax) {
        this.sources.delete(this.sources.keys().next().value as string);
        bump(this.boundHits, 'signing-sources');
      }
      source = new TokenBucket(l.sourceSignatureBurst, l.sourceSignaturesPerSecond, nowMs);
    }
    this.sources.set(key, source);
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
}
