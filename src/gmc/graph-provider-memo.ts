/**
 * @module gmc/graph-provider-memo
 * The grouping provider's record verdict memo. A record is flooded to every member and reaches
 * each one over several connections; without a memo each copy costs a chain validation and an
 * Ed25519 verification. Keys are SHA-256 over the record's canonical bytes and its security data
 * (so any change to either is a different key); the memo holds at most `entriesMax` verdicts,
 * least recently used out first (counted). Only verdicts that time and revocation cannot change
 * are kept as they are; a valid verdict keeps the chain's notAfter and certificate IDs, and a hit
 * rechecks both against the wall clock and the revocation list before it counts.
 */

/** A remembered verdict. */
export type MemoEntry =
  | {
      readonly kind: 'valid';
      /** Earliest notAfter along the signer's chain (wall-clock ms). */
      readonly notAfterMs: number;
      /** Hex SHA-256 of each certificate, for revocation rechecks (empty without a list). */
      readonly certificateIds: readonly string[];
    }
  | { readonly kind: 'invalid'; readonly reason: string };

/** A bounded least-recently-used map of verdicts. */
export class VerdictMemo {
  /** Entries held at most. */
  readonly entriesMax: number;
  /** Entries dropped to make room. */
  evictions = 0;
  private readonly entries = new Map<string, MemoEntry>();

  constructor(entriesMax: number) {
    if (!Number.isSafeInteger(entriesMax) || entriesMax < 1)
      throw new RangeError(`verdictCacheMax must be a positive integer, got ${entriesMax}`);
    this.entriesMax = entriesMax;
  }

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** The entry for `key`, refreshed as most recently used. */
  get(key: string): MemoEntry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Remembers `entry`, evicting the least recently used one when full. */
  set(key: string, entry: MemoEntry): void {
    this.entries.delete(key);
    if (this.entries.size >= this.entriesMax) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) {
        this.entries.delete(oldest);
        this.evictions++;
      }
    }
    this.entries.set(key, entry);
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
