/**
 * @module drt/expiry-lru
 * A least-recently-used table of string keys, each with one expiry time, laid out for memory
 * (issue 13, Build 3). The proven-source set of every node (address-proof.ts) was a
 * `Map<string, number>` refreshed by delete + set on every proof: each refresh left a deleted
 * slot in the Map's hash table, which therefore ran at two to four times the live entries, and
 * every expiry (a fractional simulated time) was a boxed heap number: about 90 bytes per entry,
 * a fifth of a simulated node's heap.
 *
 * Here the Map only maps a key to a slot number (a small integer, stored unboxed) and is written
 * only when a key comes or goes. Per slot, plain arrays hold the key, the expiry (an array of
 * doubles, unboxed) and the previous and next slot of a doubly linked list in use order, so a
 * refresh relinks two integers and touches no hash table. Freed slots are reused through a free
 * list. About 45 bytes per entry. Same semantics as a Map used as an LRU: `touch` makes a key the
 * most recent, `oldest` is the least recent.
 */

const NONE = -1;

/** String keys with an expiry each, in least-recently-touched order. */
export class ExpiryLru {
  /** Key -> slot. */
  private readonly slots = new Map<string, number>();
  /** Per slot: its key ('' when free). */
  private readonly keys: string[] = [];
  /** Per slot: the expiry given to the last `touch`. */
  private readonly expiries: number[] = [];
  /** Per slot: the slot touched before it (NONE at the head), or the next free slot. */
  private readonly prev: number[] = [];
  /** Per slot: the slot touched after it (NONE at the tail). */
  private readonly next: number[] = [];
  private head = NONE;
  private tail = NONE;
  private free = NONE;

  /** Keys held. */
  get size(): number {
    return this.slots.size;
  }

  /**
   * The expiry of `key`, or undefined when it is not held.
   * @example lru.expiry('k') // 1000
   */
  expiry(key: string): number | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.expiries[slot];
  }

  /**
   * True when `key` is held.
   * @example lru.has('k')
   */
  has(key: string): boolean {
    return this.slots.has(key);
  }

  /**
   * Sets the expiry of `key` (adding it if new) and makes it the most recently touched.
   * @example lru.touch('k', nowMs + ttlMs)
   */
  touch(key: string, expiry: number): void {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.allocate(key);
      this.slots.set(key, slot);
    } else if (slot === this.tail) {
      this.expiries[slot] = expiry;
      return;
    } else {
      this.unlink(slot);
    }
    this.expiries[slot] = expiry;
    this.prev[slot] = this.tail;
    this.next[slot] = NONE;
    if (this.tail === NONE) this.head = slot;
    else this.next[this.tail] = slot;
    this.tail = slot;
  }

  /**
   * The least recently touched key, or undefined when empty.
   * @example const k = lru.oldest(); if (k !== undefined) lru.delete(k);
   */
  oldest(): string | undefined {
    return this.head === NONE ? undefined : this.keys[this.head];
  }

  /**
   * Forgets `key`; false when it was not held.
   * @example lru.delete('k')
   */
  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    this.unlink(slot);
    this.keys[slot] = '';
    this.prev[slot] = this.free;
    this.free = slot;
    return true;
  }

  private allocate(key: string): number {
    const slot = this.free;
    if (slot !== NONE) {
      this.free = this.prev[slot]!;
      this.keys[slot] = key;
      return slot;
    }
    this.keys.push(key);
    this.expiries.push(0);
    this.prev.push(NONE);
    this.next.push(NONE);
    return this.keys.length - 1;
  }

  private unlink(slot: number): void {
    const p = this.prev[slot]!;
    const n = this.next[slot]!;
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
  }
}
