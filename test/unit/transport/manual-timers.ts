/**
 * A manual monotonic clock for tests that run real nodes through `runNode()`: no fake-timer
 * library and no sleeps. Every arm and cancel is recorded, so tests can check that nothing is
 * left armed.
 */
import { setImmediate as macrotask } from 'node:timers/promises';
import { expect } from 'vitest';
import type { TimerHandle, Timers } from '../../../src/transport-adapter.js';

/** A manual monotonic clock that records every arm and cancel. */
export class ManualTimers implements Timers {
  now = 0;
  readonly armed: Map<number, { atMs: number; fire: () => void }> = new Map();
  arms = 0;
  cancels = 0;
  maxArmedAtOnce = 0;
  private nextId = 0;

  nowMs(): number {
    return this.now;
  }

  arm(atMs: number, fire: () => void): TimerHandle {
    expect(Number.isFinite(atMs)).toBe(true);
    const id = this.nextId++;
    this.arms++;
    this.armed.set(id, { atMs, fire });
    this.maxArmedAtOnce = Math.max(this.maxArmedAtOnce, this.armed.size);
    return {
      cancel: () => {
        if (this.armed.delete(id)) this.cancels++;
      },
    };
  }

  /** Moves time forward to `untilMs`, firing due timers in order and letting datagrams flow. */
  async advanceTo(untilMs: number): Promise<void> {
    await macrotask();
    for (;;) {
      let next: [number, { atMs: number; fire: () => void }] | undefined;
      for (const e of this.armed) if (!next || e[1].atMs < next[1].atMs) next = e;
      if (!next || next[1].atMs > untilMs) break;
      this.armed.delete(next[0]);
      this.now = Math.max(this.now, next[1].atMs);
      next[1].fire();
      await macrotask(); // every microtask-delivered datagram cascade runs to its end
    }
    this.now = Math.max(this.now, untilMs);
  }
}
