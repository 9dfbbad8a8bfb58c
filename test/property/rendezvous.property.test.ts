/**
 * Properties of the rendezvous codec (fast-check, seeded): the decoder never throws on arbitrary
 * bytes, on a valid header followed by noise, or on mutated valid messages; whatever it accepts
 * re-encodes to the same bytes. Seed: PNRP_SEED, else a fixed default; printed on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRendezvous, encodeRendezvous } from '../../src/nat/index.js';
import { SAMPLES } from '../unit/nat/rendezvous-samples.js';

const seed = Number(process.env.PNRP_SEED ?? 20261203);

function check<T>(property: fc.IRawProperty<T>, numRuns: number): void {
  try {
    fc.assert(property, { seed, numRuns });
  } catch (e) {
    console.error(`rendezvous property failed; replay with PNRP_SEED=${seed}`);
    throw e;
  }
}

function neverThrowsAndReencodes(bytes: Uint8Array): void {
  const r = decodeRendezvous(bytes);
  if (r.ok) expect(encodeRendezvous(r.value)).toEqual(bytes);
  else expect(typeof r.error.code).toBe('string');
}

describe('rendezvous codec properties', () => {
  it('arbitrary bytes never throw; accepted ones re-encode identically', () => {
    check(fc.property(fc.uint8Array({ maxLength: 80 }), neverThrowsAndReencodes), 3000);
  });

  it('a valid header and type followed by noise never throws', () => {
    check(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.uint8Array({ maxLength: 70 }),
        (type, rest) => {
          neverThrowsAndReencodes(Uint8Array.of(0x52, 0x56, 1, type, ...rest));
        },
      ),
      3000,
    );
  });

  it('mutated valid messages never throw', () => {
    const valid = SAMPLES.map(([m]) => encodeRendezvous(m));
    check(
      fc.property(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.integer({ min: -4, max: 4 }),
        (i, edits, grow) => {
          const b = valid[i]!.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          const sized =
            grow >= 0
              ? Uint8Array.of(...b, ...new Uint8Array(grow))
              : b.subarray(0, b.length + grow);
          neverThrowsAndReencodes(sized);
        },
      ),
      3000,
    );
  });
});
