/**
 * @module adapters/system-rng
 * The CSPRNG-backed {@link Rng} for real deployments: `globalThis.crypto.getRandomValues`, present
 * in browsers and Node.js >= 20. Lives in the adapter layer because the sans-I/O core may not touch
 * platform randomness (DESIGN.md §2). `fork` returns another system stream (labels only matter for
 * reproducibility, which a CSPRNG does not offer).
 */
import { type Rng, RngBase } from '../util/rng.js';

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

  fork(_label: string): Rng {
    return new SystemRng();
  }
}

/**
 * A cryptographically secure, non-reproducible {@link Rng}.
 * @example const node = new DrtNode({ rng: systemRng(), ... });
 */
export function systemRng(): Rng {
  return new SystemRng();
}
