/**
 * @module drt/output-queue
 * The queue of transmits and events a sans-I/O node hands out through `poll()`: FIFO, emptied
 * in O(1) per item, its array reused once drained. Shared by `DrtNode` and `PnrpNode`.
 */
import type { Output } from './sans-io.js';

/**
 * Outputs waiting for `poll()`.
 * @example queue.push({ type: 'event', event }); const next = queue.shift() ?? { type: 'timeout', atMs };
 */
export class OutputQueue<E> {
  private readonly items: Output<E>[] = [];
  private head = 0;

  push(output: Output<E>): void {
    this.items.push(output);
  }

  /** The oldest output, or undefined when none is waiting. */
  shift(): Output<E> | undefined {
    if (this.head >= this.items.length) return undefined;
    const out = this.items[this.head++]!;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    }
    return out;
  }
}
