/**
 * @module graph/database-sorted
 * The graph database's records in the sync order of [MS-PPGRH] §3.1.7.31 (Last Modification
 * Time, then record ID), kept sorted on every insert and removal. It is a chunked sorted list
 * (the layout of Python's sortedcontainers): runs of at most {@link CHUNK_MAX} items, found by a
 * binary search over the runs' last items, then a binary search and a short splice inside one run.
 * Insert and remove cost O(log n + CHUNK_MAX) with a small constant; iteration is in order.
 */
import { comparePositions, type RecordPosition } from './record-order.js';

/** Items per run before a run splits in two. */
export const CHUNK_MAX = 512;

/**
 * A sorted multiset-free list of positioned items (positions are unique: one per record ID).
 * @example const list = new SortedPositions<Entry>(); list.insert(entry); for (const e of list) ...
 */
export class SortedPositions<T extends RecordPosition> {
  private readonly chunks: T[][] = [];
  private count = 0;

  /** Items held. */
  get size(): number {
    return this.count;
  }

  /** Adds `item`; its position must not be held already (the caller removes the old one first). */
  insert(item: T): void {
    this.count++;
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      return;
    }
    let c = this.chunkFor(item);
    if (c === this.chunks.length) c--;
    const chunk = this.chunks[c]!;
    chunk.splice(lowerIndex(chunk, item, false), 0, item);
    if (chunk.length > CHUNK_MAX) this.chunks.splice(c + 1, 0, chunk.splice(chunk.length >> 1));
  }

  /** Removes the item at `item`'s position; false when none is there. */
  remove(item: RecordPosition): boolean {
    const c = this.chunkFor(item);
    const chunk = this.chunks[c];
    if (!chunk) return false;
    const i = lowerIndex(chunk, item, false);
    if (i >= chunk.length || comparePositions(chunk[i]!, item) !== 0) return false;
    chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
    this.count--;
    return true;
  }

  /** Every item in order. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const chunk of this.chunks) yield* chunk;
  }

  /**
   * Items in order from the first at or above `from` (`inclusive`) or strictly above it. Do not
   * insert or remove while iterating.
   */
  *from(from: RecordPosition, inclusive: boolean): IterableIterator<T> {
    let c = this.chunkFor(from);
    if (c === this.chunks.length) return;
    let i = lowerIndex(this.chunks[c]!, from, !inclusive);
    for (; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c]!;
      for (; i < chunk.length; i++) yield chunk[i]!;
    }
  }

  /** The first run whose last item is at or above `p` (chunks.length when none). */
  private chunkFor(p: RecordPosition): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid]!;
      if (comparePositions(chunk[chunk.length - 1]!, p) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Index of the first item at or above `p` (`strict`: strictly above). */
function lowerIndex(items: readonly RecordPosition[], p: RecordPosition, strict: boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const d = comparePositions(items[mid]!, p);
    if (d < 0 || (strict && d === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
