/**
 * @module runtime
 * The real-world defaults the async facades pick (docs/design.md §8): real timers
 * (`performance.now()` and `setTimeout`), the platform's wall clock (`Date.now()`) and the
 * platform CSPRNG (`crypto.getRandomValues`). With `adapters/` this is the only place in `src/`
 * that reads a clock, sets a timer or draws platform randomness (a unit test scans for it); the
 * sans-I/O core gets all three injected, and the simulator injects virtual ones. Everything here
 * exists in browsers and in Node.js >= 20, so the core entry still bundles with no `node:` import.
 */
import type { WallClock } from './sans-io.js';
import type { Timers } from './transport-adapter.js';
import { type Rng, RngBase } from './util/rng.js';

/** Longest delay `setTimeout` accepts (about 24.8 days); longer timers fire early and re-arm. */
const SET_TIMEOUT_MAX_MS = 0x7fff_ffff;

/**
 * Real time: `performance.now()` and `setTimeout`. A timer that fires a little early is harmless:
 * `handleTimeout` ignores spurious calls and `runNode` re-arms.
 * @example const running = runNode(node, transport, realTimers());
 */
export function realTimers(): Timers {
  return {
    nowMs: () => performance.now(),
    arm(atMs, fire) {
      const delay = Math.min(SET_TIMEOUT_MAX_MS, Math.max(0, Math.ceil(atMs - performance.now())));
      const id = setTimeout(fire, delay);
      return { cancel: () => clearTimeout(id) };
    },
  };
}

/**
 * `Date.now()`: milliseconds since the Unix epoch (CPA and certificate validity).
 * @example new PnrpNode({ rng: systemRng(), wallClock: systemWallClock, clouds })
 */
export const systemWallClock: WallClock = { nowMs: () => Date.now() };

class SystemRng extends RngBase {
  private readonly pool = new Uint32Array(64);
  private index = 64;

  nextU32(): number {
    if (this.index >= this.pool.length) {
      globalThis.crypto.getRandomValues(this.pool);
      this.index = 0;
    }
    return this.pool[this.index++]!;
  }

  override bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 65536) {
      globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
    }
    return out;
  }

  /** Another system stream (labels only matter for reproducibility, which a CSPRNG does not offer). */
  fork(_label: string): Rng {
    return new SystemRng();
  }
}

/**
 * A cryptographically secure, non-reproducible {@link Rng}: `globalThis.crypto.getRandomValues`.
 * @example const node = new DrtNode({ rng: systemRng(), ... });
 */
export function systemRng(): Rng {
  return new SystemRng();
}
