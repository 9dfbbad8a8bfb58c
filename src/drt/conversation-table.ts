/**
 * @module drt/conversation-table
 * The publisher's SOLICIT conversations ([MS-PNRP] §3.2.5.3: remembered for 15 s so the REQUEST
 * can be checked), made safe against SOLICIT floods (issue 10 item 4). Design decisions:
 * - Only proven solicitors get a conversation (sync.ts): an unproven SOLICIT is answered with a
 *   20-byte ACK carrying our cookie and opens nothing, so a spoofer that cannot receive at the
 *   source address it forges holds no row at all.
 * - A proven SOLICIT always gets a conversation. The spec's "busy" (an empty ADVERTISE) is never
 *   answered just because the table is full: a full table evicts instead. A REQUEST ends a
 *   conversation, so the oldest ones still waiting are the ones to go.
 * - The victim is the oldest conversation of the source *prefix* holding the most (max-min
 *   fairness; IPv4 by /24, IPv6 and everything else by /64). Hosts that can prove many addresses
 *   in a few prefixes therefore hold at most their fair share and never evict a joiner from
 *   another prefix while they hold more than that joiner's prefix.
 * - Against proven sources spread over many prefixes the bound is the table size: at R proven
 *   SOLICITs per second a genuine conversation lives at least `conversationsMax / R` seconds
 *   (1024 / 1000 s at the defaults), far longer than the round trip a joiner needs to send its
 *   REQUEST.
 * Map order is insertion order and entries are re-inserted on replacement, so with one lifetime
 * for all the head expires first.
 */
import { type Endpoint, isIpv4Mapped } from '../keys/endpoint.js';

/**
 * The prefix a source is grouped by: /24 for IPv4(-mapped) addresses, /64 otherwise.
 * @example sourcePrefix(ipv4Mapped(192, 0, 2, 7)) === sourcePrefix(ipv4Mapped(192, 0, 2, 200))
 */
export function sourcePrefix(address: Uint8Array): string {
  const bytes = isIpv4Mapped(address) ? address.subarray(0, 15) : address.subarray(0, 8);
  return String.fromCharCode(...bytes);
}

interface Row<C> {
  readonly value: C;
  readonly prefix: string;
  readonly seq: number;
}

/** Conversations keyed by endpoint, with per-prefix max-min eviction when full. */
export class ConversationTable<C extends { readonly expiresMs: number }> {
  private readonly max: number;
  /**
   * Conversations by endpoint key. This map and `prefixes` exist only while a conversation is
   * open (issue 13: most nodes publish rarely, and two empty Maps cost ~370 bytes per node).
   */
  private rows: Map<string, Row<C>> | undefined;
  /** prefix -> endpoint keys of its conversations, oldest first. */
  private prefixes: Map<string, Map<string, number>> | undefined;
  private seq = 0;

  constructor(max: number) {
    this.max = max;
  }

  get size(): number {
    return this.rows?.size ?? 0;
  }

  /** Open conversations of one prefix (for tests and stats). */
  heldBy(address: Uint8Array): number {
    return this.prefixes?.get(sourcePrefix(address))?.size ?? 0;
  }

  get(key: string): C | undefined {
    return this.rows?.get(key)?.value;
  }

  delete(key: string): void {
    const rows = this.rows;
    const row = rows?.get(key);
    if (rows === undefined || row === undefined) return;
    rows.delete(key);
    const prefixes = this.prefixes!;
    const group = prefixes.get(row.prefix)!;
    group.delete(key);
    if (group.size === 0) prefixes.delete(row.prefix);
    if (rows.size === 0) {
      this.rows = undefined;
      this.prefixes = undefined;
    }
  }

  /**
   * Opens (or replaces) the conversation of `from`, whose endpointKey is `key`. Returns true when
   * the table was full and another conversation was evicted to make room.
   */
  set(key: string, from: Endpoint, value: C): boolean {
    this.delete(key);
    let evicted = false;
    if (this.size >= this.max) {
      this.evictOne();
      evicted = true;
    }
    const prefix = sourcePrefix(from.address);
    const seq = this.seq++;
    this.rows ??= new Map();
    this.rows.set(key, { value, prefix, seq });
    this.prefixes ??= new Map();
    const prefixes = this.prefixes;
    let group = prefixes.get(prefix);
    if (group === undefined) {
      group = new Map();
      prefixes.set(prefix, group);
    }
    group.set(key, seq);
    return evicted;
  }

  /** Drops every conversation whose time is up at `nowMs`. */
  expire(nowMs: number): void {
    if (this.rows === undefined) return;
    for (const [key, row] of this.rows) {
      if (row.value.expiresMs > nowMs) break;
      this.delete(key);
    }
  }

  /** Evicts the oldest conversation of the prefix that holds the most (ties: the oldest head). */
  private evictOne(): void {
    let victim: string | undefined;
    let victimSize = 0;
    let victimSeq = Number.POSITIVE_INFINITY;
    if (this.prefixes === undefined) return;
    for (const group of this.prefixes.values()) {
      const [key, seq] = group.entries().next().value as [string, number];
      if (group.size > victimSize || (group.size === victimSize && seq < victimSeq)) {
        victim = key;
        victimSize = group.size;
        victimSeq = seq;
      }
    }
    if (victim !== undefined) this.delete(victim);
  }
}
