/**
 * @module kad/routing-table
 * The k-buckets of a Kademlia node (paper §2.2): bucket i holds up to k contacts whose IDs share
 * exactly i leading bits with the node's own ID, least recently seen first. A contact heard from
 * again moves to the tail. A newcomer for a full bucket does not evict anyone by itself: the node
 * PINGs the least recently seen entry (the head) and only evicts it if it fails to answer
 * (paper §2.2: "Kademlia's k-buckets ... never remove live contacts"), and only when that head
 * has been silent for `headFreshMs` (BEP 5's 15 minutes); meanwhile newcomers wait
 * in a bounded replacement cache (paper §4.1), which also refills a bucket when an entry fails a
 * request. At most `contactsPerAddressMax` entries may share one IP address, so one host cannot
 * fill the table with invented IDs. The table is a pure data structure: the node sends the PINGs.
 */
import type { Endpoint } from '../keys/endpoint.js';
import { endpointsEqual } from '../keys/endpoint.js';
import type { KadContact } from './codec.js';
import { KAD_ID_BITS } from './constants.js';
import { compareXor, sharedPrefixBits } from './xor.js';

/** One routing-table entry (its ID is a copy owned by the table; the endpoint is shared). */
export interface KadEntry extends KadContact {
  /** Virtual ms this contact was last heard from. */
  lastSeenMs: number;
  /** True once it answered one of this node's requests (its address is proven). */
  answered: boolean;
}

/** One k-bucket. */
export interface KadBucket {
  /** Least recently seen first. */
  readonly entries: KadEntry[];
  /** Newcomers that found the bucket full, most recent last. */
  readonly replacements: KadEntry[];
  /** The head being PINGed before eviction and the newcomer waiting for its place. */
  eviction: { readonly stale: KadEntry; readonly newcomer: KadEntry } | undefined;
  /** Virtual ms of the last lookup whose target fell in this bucket. */
  lastLookupMs: number;
}

/** What {@link RoutingTable.observe} did with a contact. */
export type ObserveOutcome =
  | { readonly type: 'updated' | 'added' | 'replacement' | 'ignored' }
  /** The bucket is full: PING `stale`, then call `onEvictionPing`. */
  | { readonly type: 'ping'; readonly stale: KadEntry; readonly bucket: number };

/** The limits of a table. */
export interface RoutingTableLimits {
  readonly k: number;
  readonly replacementsMax: number;
  readonly contactsPerAddressMax: number;
  /**
   * A full bucket whose head was heard from within this many ms keeps it without a PING (BEP 5:
   * a node heard from in the last 15 minutes is "good").
   */
  readonly headFreshMs: number;
}

/**
 * 256 k-buckets around `ownId`, created lazily.
 * @example const t = new RoutingTable(ownId, { k: 20, replacementsMax: 20, contactsPerAddressMax: 2 });
 */
export class RoutingTable {
  readonly ownId: Uint8Array;
  private readonly limits: RoutingTableLimits;
  private readonly buckets: (KadBucket | undefined)[] = new Array(KAD_ID_BITS);
  private count = 0;
  /** Contacts refused because their address already had `contactsPerAddressMax` entries. */
  refusedPerAddress = 0;

  constructor(ownId: Uint8Array, limits: RoutingTableLimits) {
    this.ownId = ownId;
    this.limits = limits;
  }

  /** Contacts in the table (replacements not counted). */
  get size(): number {
    return this.count;
  }

  /** The bucket an ID falls in. */
  bucketOf(id: Uint8Array): number {
    return sharedPrefixBits(this.ownId, id);
  }

  /** Bucket `i`, created when asked for. */
  bucket(i: number): KadBucket {
    let b = this.buckets[i];
    if (b === undefined) {
      b = { entries: [], replacements: [], eviction: undefined, lastLookupMs: -Infinity };
      this.buckets[i] = b;
    }
    return b;
  }

  /** The deepest bucket holding an entry, or -1 when the table is empty. */
  deepestBucket(): number {
    for (let i = KAD_ID_BITS - 1; i >= 0; i--) if (this.buckets[i]?.entries.length) return i;
    return -1;
  }

  /** The entry with this ID, if any. */
  find(id: Uint8Array): KadEntry | undefined {
    const b = this.buckets[this.bucketOf(id)];
    return b?.entries.find((e) => compareXor(id, e.id, id) === 0);
  }

  /**
   * Records that `id` at `endpoint` was heard from at `nowMs` (`answered`: it answered one of
   * our requests). Known contacts move to the tail; a newcomer joins a bucket with room, or, if
   * the bucket is full, waits in the replacement cache while its head is PINGed (only when the
   * head has been silent for `headFreshMs`).
   */
  observe(nowMs: number, id: Uint8Array, endpoint: Endpoint, answered: boolean): ObserveOutcome {
    const i = this.bucketOf(id);
    if (i >= KAD_ID_BITS) return { type: 'ignored' }; // our own ID
    const b = this.bucket(i);
    const at = b.entries.findIndex((e) => compareXor(id, e.id, id) === 0);
    if (at >= 0) {
      const e = b.entries[at]!;
      // The first address wins; another endpoint claiming the ID does not move it.
      if (!endpointsEqual(e.endpoint, endpoint)) return { type: 'ignored' };
      e.lastSeenMs = nowMs;
      e.answered ||= answered;
      b.entries.splice(at, 1);
      b.entries.push(e);
      return { type: 'updated' };
    }
    const entry: KadEntry = {
      id: id.slice(),
      endpoint, // shared: the caller never mutates endpoints it hands in
      lastSeenMs: nowMs,
      answered,
    };
    if (b.entries.length < this.limits.k) {
      if (!this.reserveAddress(endpoint)) return { type: 'ignored' };
      b.entries.push(entry);
      this.count++;
      return { type: 'added' };
    }
    const head = b.entries[0]!;
    if (b.eviction !== undefined || nowMs - head.lastSeenMs < this.limits.headFreshMs) {
      this.remember(b, entry);
      return { type: 'replacement' };
    }
    b.eviction = { stale: head, newcomer: entry };
    return { type: 'ping', stale: head, bucket: i };
  }

  /**
   * The end of an eviction PING in bucket `i`: if the head answered it stays (and moved to the
   * tail through `observe`), and the newcomer becomes a replacement; otherwise the head is
   * evicted and the newcomer takes its place.
   */
  onEvictionPing(i: number, answered: boolean): 'kept' | 'evicted' {
    const b = this.bucket(i);
    const ev = b.eviction;
    if (ev === undefined) return 'kept';
    b.eviction = undefined;
    if (answered || !b.entries.includes(ev.stale)) {
      if (b.entries.length < this.limits.k && this.reserveAddress(ev.newcomer.endpoint)) {
        b.entries.push(ev.newcomer);
        this.count++;
      } else this.remember(b, ev.newcomer);
      return 'kept';
    }
    this.removeEntry(b, ev.stale);
    if (this.reserveAddress(ev.newcomer.endpoint)) {
      b.entries.push(ev.newcomer);
      this.count++;
    }
    return 'evicted';
  }

  /**
   * `id` failed to answer a request (after retries): it leaves the table and the most recent
   * replacement takes its place. Returns true when it was in the table.
   */
  fail(id: Uint8Array): boolean {
    const b = this.buckets[this.bucketOf(id)];
    const e = b?.entries.find((x) => compareXor(id, x.id, id) === 0);
    if (b === undefined || e === undefined) return false;
    if (b.eviction?.stale === e) return false; // the eviction PING decides
    this.removeEntry(b, e);
    while (b.replacements.length > 0 && b.entries.length < this.limits.k) {
      const r = b.replacements.pop()!;
      if (this.reserveAddress(r.endpoint)) {
        b.entries.push(r);
        this.count++;
      }
    }
    return true;
  }

  /**
   * Up to `n` contacts closest to `target` by XOR, closest first, leaving out `exclude`.
   * @example table.closest(target, 20)
   */
  closest(target: Uint8Array, n: number, exclude?: Uint8Array): KadEntry[] {
    // With b = bucket of the target: entries of bucket b are closest, then those of every
    // deeper bucket (their distance has bit b as its top bit), then buckets b-1, b-2, ..., 0,
    // each farther than the one before. So only the classes needed are gathered and sorted.
    const out: KadEntry[] = [];
    const b = this.bucketOf(target);
    const take = (group: KadEntry[]): void => {
      group.sort((x, y) => compareXor(target, x.id, y.id));
      for (const e of group) {
        if (out.length === n) return;
        out.push(e);
      }
    };
    const gather = (from: number, to: number): KadEntry[] => {
      const group: KadEntry[] = [];
      for (let i = from; i < to; i++) {
        const bucket = this.buckets[i];
        if (bucket === undefined) continue;
        for (const e of bucket.entries) {
          if (exclude === undefined || compareXor(exclude, e.id, exclude) !== 0) group.push(e);
        }
      }
      return group;
    };
    if (b < KAD_ID_BITS) {
      take(gather(b, b + 1));
      if (out.length < n) take(gather(b + 1, KAD_ID_BITS));
    }
    for (let i = Math.min(b, KAD_ID_BITS) - 1; i >= 0 && out.length < n; i--)
      take(gather(i, i + 1));
    return out;
  }

  /** Every entry (for tests and statistics). */
  *entries(): IterableIterator<KadEntry> {
    for (const b of this.buckets) if (b !== undefined) yield* b.entries;
  }

  private remember(b: KadBucket, entry: KadEntry): void {
    const at = b.replacements.findIndex((r) => compareXor(entry.id, r.id, entry.id) === 0);
    if (at >= 0) b.replacements.splice(at, 1);
    b.replacements.push(entry);
    if (b.replacements.length > this.limits.replacementsMax) b.replacements.shift();
  }

  private removeEntry(b: KadBucket, e: KadEntry): void {
    const at = b.entries.indexOf(e);
    if (at < 0) return;
    b.entries.splice(at, 1);
    this.count--;
  }

  /** True when `endpoint`'s address holds fewer than the allowed entries (a scan: no index). */
  private reserveAddress(endpoint: Endpoint): boolean {
    const max = this.limits.contactsPerAddressMax;
    let n = 0;
    for (const b of this.buckets) {
      if (b === undefined) continue;
      for (const e of b.entries) if (sameAddress(e.endpoint.address, endpoint.address)) n++;
    }
    if (n < max) return true;
    this.refusedPerAddress++;
    return false;
  }
}

function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 15; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}
