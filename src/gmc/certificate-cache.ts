/**
 * @module gmc/certificate-cache
 * A bounded memo of parsed certificates and the issuer keys whose signature over each verified,
 * for the chain validator (gmc/chain.ts; [MS-PNRP] §3.1.5.10). Decisions (issue 11, item 1):
 *
 * - Keyed by SHA-256 of the certificate's DER *and* by the `CryptoBackend` that checked it: a
 *   lenient backend's "signature good" never satisfies a strict caller sharing the cache. The DER
 *   of a certificate the validator accepts is canonical (gmc/der.ts `certificateParts`), so one
 *   certificate has one key: byte-different copies cannot spread over many entries.
 * - Only certificates whose signature verified are stored (the validator calls {@link
 *   CertificateCache.remember} after the check); a failed parse or signature is not remembered, so
 *   hostile certificates cost their own check each time and occupy nothing.
 * - Two tiers: certificates verified in a chain under a *pinned* root, and the rest ("open": a
 *   chain validated without a root, e.g. a participant name's, may be anyone's). Open entries hold
 *   at most half of `entriesMax` and never evict pinned ones, so a flood of self-rooted chains
 *   cannot push a member's certificates out. Within a tier the least recently used leaves first.
 */
import type { CryptoBackend } from '../keys/crypto-backend.js';
import type { CertificateFacts } from './certificate.js';

/** What the cache remembers of one certificate under one backend. */
export interface CertificateCacheEntry {
  readonly facts: CertificateFacts;
  /** Hex SHA-256 of the DER (the name revocations use). */
  readonly id: string;
  /** Hex of issuer keys whose signature over this certificate verified (under this backend). */
  readonly verifiedBy: Set<string>;
  pinned: boolean;
}

const backendIds = new WeakMap<CryptoBackend, number>();
let nextBackendId = 1;

function backendIdOf(crypto: CryptoBackend): number {
  let id = backendIds.get(crypto);
  if (id === undefined) {
    id = nextBackendId++;
    backendIds.set(crypto, id);
  }
  return id;
}

/**
 * The cache key of a certificate under a backend: backend id and the SHA-256 of the DER.
 * @example const key = certificateCacheKey(nobleCrypto.sha256(der), nobleCrypto);
 */
export function certificateCacheKey(h: Uint8Array, crypto: CryptoBackend): string {
  let s = `${backendIdOf(crypto)}:`;
  for (let i = 0; i < h.length; i += 2) s += String.fromCharCode(h[i]! | (h[i + 1]! << 8));
  return s;
}

/**
 * A bounded memo of verified certificates, per backend. See the module header for the policy.
 * @example const cache = new CertificateCache(); validateChain(chain, { nowWallMs, cache });
 */
export class CertificateCache {
  readonly entriesMax: number;
  hits = 0;
  misses = 0;
  /** Entries dropped because their tier was full. */
  evictions = 0;
  private readonly pinned = new Map<string, CertificateCacheEntry>();
  private readonly open = new Map<string, CertificateCacheEntry>();

  constructor(entriesMax = 1024) {
    if (!Number.isSafeInteger(entriesMax) || entriesMax < 1) {
      throw new RangeError(
        `CertificateCache: entriesMax must be a positive integer, got ${entriesMax}`,
      );
    }
    this.entriesMax = entriesMax;
  }

  /** Entries held (both tiers). */
  get size(): number {
    return this.pinned.size + this.open.size;
  }

  /** Entries held for chains under a pinned root. */
  get pinnedSize(): number {
    return this.pinned.size;
  }

  /** The entry under `key`, refreshed as most recently used; counts a hit or a miss. */
  find(key: string): CertificateCacheEntry | undefined {
    const tier = this.pinned.has(key) ? this.pinned : this.open.has(key) ? this.open : undefined;
    const entry = tier?.get(key);
    if (tier === undefined || entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    tier.delete(key);
    tier.set(key, entry);
    return entry;
  }

  /**
   * Stores (or promotes) a certificate whose signature by `issuerKeyHex` verified. `pinned`: the
   * chain it belongs to starts at a pinned root.
   */
  remember(key: string, entry: CertificateCacheEntry, issuerKeyHex: string, pinned: boolean): void {
    entry.verifiedBy.add(issuerKeyHex);
    if (pinned && !entry.pinned) {
      this.open.delete(key);
      entry.pinned = true;
    }
    const tier = entry.pinned ? this.pinned : this.open;
    if (tier.has(key)) return;
    const openMax = Math.max(1, Math.floor(this.entriesMax / 2));
    if (!entry.pinned && this.open.size >= openMax) this.dropOldest(this.open);
    if (this.size >= this.entriesMax) this.dropOldest(this.open.size > 0 ? this.open : tier);
    tier.set(key, entry);
  }

  private dropOldest(tier: Map<string, CertificateCacheEntry>): void {
    const oldest = tier.keys().next().value;
    if (oldest === undefined) return;
    tier.delete(oldest);
    this.evictions++;
  }
}
