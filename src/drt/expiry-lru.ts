/**
 * @module drt/expiry-lru
 * A least-recently-used table of string keys, each with one expiry time, laid out for memory
 * (issue 13, Build 3). The proven-source set of every node (address-proof.ts) was a
 * `Map<string, number>` refreshed by delete + set on every proof: each refresh left a deleted
 * entry in the Map's hash table, which therefore ran at two to four times the live entries, and
 * every expiry (a fractional simulated time) was a boxed heap number: about 90 bytes per entry,
 * a third of a simulated node's heap.
 *
 * Layout: a **log** of (key, expiry) records in touch order, two plain arrays (keys; expiries as
 * unboxed doubles), and an open-addressing **index** from key to log position (an array of small
 * integers, linear probing, FNV-1a over the key's UTF-16 code units). A touch appends a record and
 * blanks the key's previous one; the head of the log is the least recently touched key. The log
 * arrays are sized by hand (JavaScript's own growth overshoots and never shrinks): when the log
 * is full it is compacted, keeping order, into about 1.5x the live records, and the index is
 * rebuilt (amortized O(1) per touch: a third of the log is blank by then). About 37 bytes per
 * entry against the Map's 90, with the same answers as a Map refreshed by delete + set.
 */

/** Index slot holding no record. */
const EMPTY = -1;
/** Smallest index (a power of two). */
const INDEX_MIN = 8;

/** FNV-1a over the UTF-16 code units of `key`. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Log capacity for `records` live records: room for half as many touches again. */
function logCapacityFor(records: number): number {
  return records + (records >> 1) + 4;
}

/** String keys with an expiry each, in least-recently-touched order. */
export class ExpiryLru {
  /** Per log record: its key, or undefined once the key was touched again or deleted. */
  private logKeys: (string | undefined)[] = [];
  /** Per log record: the expiry given to that touch (a double array: unboxed). */
  private logExpiries: number[] = [];
  /** Log position of the oldest record that may still be live. */
  private head = 0;
  /** Records written (the log arrays' length is their capacity). */
  private tail = 0;
  /** Open-addressing index: log position of each live key, EMPTY elsewhere. */
  private index: number[] = new Array<number>(INDEX_MIN).fill(EMPTY);
  private live = 0;

  /** Keys held. */
  get size(): number {
    return this.live;
  }

  /**
   * The expiry of `key`, or undefined when it is not held.
   * @example lru.expiry('k') // 1000
   */
  expiry(key: string): number | undefined {
    const slot = this.find(key);
    return slot === EMPTY ? undefined : this.logExpiries[this.index[slot]!];
  }

  /**
   * True when `key` is held.
   * @example lru.has('k')
   */
  has(key: string): boolean {
    return this.find(key) !== EMPTY;
  }

  /**
   * Sets the expiry of `key` (adding it if new) and makes it the most recently touched.
   * @example lru.touch('k', nowMs + ttlMs)
   */
  touch(key: string, expiry: number): void {
    let slot = this.find(key);
    if (slot !== EMPTY) {
      const at = this.index[slot]!;
      if (at === this.tail - 1) {
        this.logExpiries[at] = expiry; // already the newest record
        return;
      }
      this.logKeys[at] = undefined;
    } else {
      this.live++;
    }
    if (this.tail === this.logKeys.length) {
      // Rebuilds the index from the live records, which no longer include `key`'s.
      this.makeRoom();
      slot = EMPTY;
    } else if (slot === EMPTY && this.live * 5 > this.index.length * 4) {
      this.reindex(this.index.length * 2);
    }
    if (slot === EMPTY) slot = this.freeSlotFor(key);
    const at = this.tail++;
    this.index[slot] = at;
    this.logKeys[at] = key;
    this.logExpiries[at] = expiry;
  }

  /**
   * The least recently touched key, or undefined when empty.
   * @example const k = lru.oldest(); if (k !== undefined) lru.delete(k);
   */
  oldest(): string | undefined {
    if (this.live === 0) return undefined;
    const keys = this.logKeys;
    while (keys[this.head] === undefined) this.head++;
    return keys[this.head];
  }

  /**
   * Forgets `key`; false when it was not held.
   * @example lru.delete('k')
   */
  delete(key: string): boolean {
    const slot = this.find(key);
    if (slot === EMPTY) return false;
    this.logKeys[this.index[slot]!] = undefined;
    this.removeSlot(slot);
    this.live--;
    if (this.live === 0) {
      this.logKeys = [];
      this.logExpiries = [];
      this.head = 0;
      this.tail = 0;
    }
    if (this.index.length > INDEX_MIN && this.live * 8 < this.index.length) {
      this.reindex(this.index.length / 2);
    }
    return true;
  }

  /** The index slot of `key`, or EMPTY. */
  private find(key: string): number {
    const index = this.index;
    const mask = index.length - 1;
    for (let slot = hashOf(key) & mask; ; slot = (slot + 1) & mask) {
      const at = index[slot]!;
      if (at === EMPTY) return EMPTY;
      if (this.logKeys[at] === key) return slot;
    }
  }

  /** The first empty index slot on `key`'s probe path (the key must not be held). */
  private freeSlotFor(key: string): number {
    const index = this.index;
    const mask = index.length - 1;
    let slot = hashOf(key) & mask;
    while (index[slot] !== EMPTY) slot = (slot + 1) & mask;
    return slot;
  }

  /** Empties index slot `slot`, moving later records of the probe run back (no tombstones). */
  private removeSlot(slot: number): void {
    const index = this.index;
    const mask = index.length - 1;
    let hole = slot;
    for (let j = (slot + 1) & mask; index[j] !== EMPTY; j = (j + 1) & mask) {
      const home = hashOf(this.logKeys[index[j]!]!) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      index[hole] = index[j]!;
      hole = j;
    }
    index[hole] = EMPTY;
  }

  /** Rebuilds the index with `size` slots (a power of two) from the live log records. */
  private reindex(size: number): void {
    this.index = new Array<number>(Math.max(INDEX_MIN, size)).fill(EMPTY);
    const keys = this.logKeys;
    for (let at = this.head; at < this.tail; at++) {
      const key = keys[at];
      if (key !== undefined) this.index[this.freeSlotFor(key)] = at;
    }
  }

  /**
   * The log is full: drops its blank records, keeping order, into arrays of `logCapacityFor` the
   * live ones (a new pair when that differs much from the present size), then rebuilds the index.
   */
  private makeRoom(): void {
    const keys = this.logKeys;
    const expiries = this.logExpiries;
    let records = 0;
    for (let at = this.head; at < this.tail; at++) if (keys[at] !== undefined) records++;
    const capacity = logCapacityFor(records);
    const reuse = keys.length >= capacity && keys.length <= 2 * capacity;
    const toKeys = reuse ? keys : new Array<string | undefined>(capacity).fill(undefined);
    const toExpiries = reuse ? expiries : new Array<number>(capacity).fill(0);
    let to = 0;
    for (let at = this.head; at < this.tail; at++) {
      const key = keys[at];
      if (key === undefined) continue;
      toKeys[to] = key;
      toExpiries[to] = expiries[at]!;
      to++;
    }
    toKeys.fill(undefined, to);
    this.logKeys = toKeys;
    this.logExpiries = toExpiries;
    this.head = 0;
    this.tail = to;
    let size = this.index.length;
    while (this.live * 5 > size * 4) size *= 2;
    this.reindex(size);
  }
}
