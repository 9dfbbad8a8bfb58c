/**
 * @module graph/database-expiry
 * When the graph database's records expire ([MS-PPGRH] §3.1.6.7, §3.1.7.18-§3.1.7.21): a binary
 * min-heap of (Expiration Time, record ID key) with lazy deletion. A replaced or removed record
 * leaves its heap item behind, marked stale through its entry, and is skipped when it reaches the
 * top; when stale items outnumber live ones the heap is rebuilt, so it never holds more than about
 * twice the records. Ties break by record ID, so expiry order is deterministic.
 */

/** What the heap orders: an entry of the database that may have left it since. */
export interface ExpiringEntry {
  readonly expiresAt: bigint;
  readonly key: string;
  /** Set when the entry left the database (replaced, expired or removed). */
  readonly removed: boolean;
}

/**
 * Min-heap of entries by (expiresAt, key), skipping removed ones.
 * @example heap.push(entry); heap.peek()?.expiresAt
 */
export class ExpiryHeap<T extends ExpiringEntry> {
  private items: T[] = [];
  private live = 0;

  /** Adds a live entry. */
  push(entry: T): void {
    this.items.push(entry);
    this.live++;
    this.up(this.items.length - 1);
  }

  /** Notes that one entry still in the heap was marked removed (for the rebuild heuristic). */
  noteRemoved(): void {
    this.live--;
    if (this.items.length > 64 && this.items.length > 2 * this.live) this.rebuild();
  }

  /** The earliest live entry, or undefined. */
  peek(): T | undefined {
    this.dropStale();
    return this.items[0];
  }

  /** Removes and returns the earliest live entry (the caller marks it removed, without noteRemoved). */
  pop(): T | undefined {
    this.dropStale();
    const top = this.items[0];
    if (top) {
      this.removeTop();
      this.live--;
    }
    return top;
  }

  private dropStale(): void {
    while (this.items.length > 0 && this.items[0]!.removed) this.removeTop();
  }

  private removeTop(): void {
    const last = this.items.pop()!;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
  }

  private rebuild(): void {
    this.items = this.items.filter((e) => !e.removed);
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private up(i: number): void {
    const items = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) return;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const items = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && before(items[l]!, items[m]!)) m = l;
      if (r < items.length && before(items[r]!, items[m]!)) m = r;
      if (m === i) return;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
  }
}

function before(a: ExpiringEntry, b: ExpiringEntry): boolean {
  if (a.expiresAt !== b.expiresAt) return a.expiresAt < b.expiresAt;
  return a.key < b.key;
}
