import { describe, expect, it } from 'vitest';
import { contactBounds } from '../../../../src/graph/contacts.js';
import { RECORD_TYPE } from '../../../../src/graph/model.js';
import {
  authTimeoutMs,
  GRAPH_TIMERS,
  randomDelayMs,
  resolveLimits,
  resolveTimers,
} from '../../../../src/graph/options.js';
import { isReservedType } from '../../../../src/graph/records.js';
import { signatureDelayMs } from '../../../../src/graph/signature.js';
import { seededRng } from '../../../../src/util/rng.js';

describe('graph node options and formulas', () => {
  it('resolveLimits() refuses neighbour counts out of order and resolveTimers() inverted ranges', () => {
    expect(() => resolveLimits({ neighboursMin: 4, neighboursIdeal: 3 })).toThrow(RangeError);
    expect(() => resolveLimits({ connectionsMax: 3 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxFrameSize: 40_000 })).toThrow(RangeError);
    expect(() => resolveTimers({ contactDelayMinMs: 200_000 })).toThrow(RangeError);
    expect(() => resolveTimers({ connectTimeoutMs: -1 })).toThrow(RangeError);
    expect(resolveLimits().neighboursMax).toBe(7);
    expect(resolveTimers().maintenanceIntervalMs).toBe(300_000);
  });

  it('authTimeoutMs() stays within [20 s, 300 s] and shrinks with connections', () => {
    expect(authTimeoutMs(GRAPH_TIMERS, 1)).toBe(300_000);
    expect(authTimeoutMs(GRAPH_TIMERS, 3)).toBe(100_000);
    expect(authTimeoutMs(GRAPH_TIMERS, 100)).toBe(20_000);
  });

  it('randomDelayMs() draws within the bounds, both ends reachable', () => {
    const rng = seededRng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const d = randomDelayMs(rng, 10, 13);
      expect(d).toBeGreaterThanOrEqual(10);
      expect(d).toBeLessThanOrEqual(13);
      seen.add(d);
    }
    expect([...seen].sort()).toEqual([10, 11, 12, 13]);
  });

  it('contactBounds() grows with the graph size the signature suggests; max is min + 5', () => {
    expect(contactBounds((1n << 64n) / 101n)).toEqual({ min: 7, max: 12 });
    expect(contactBounds((1n << 64n) - 1n)).toEqual({ min: 1, max: 6 });
    expect(contactBounds(0n)).toEqual({ min: 32, max: 37 });
  });

  it('signatureDelayMs() grows exponentially with the top 8 bits of the node ID', () => {
    expect(signatureDelayMs(0n)).toBe(1000);
    expect(signatureDelayMs(32n << 56n)).toBe(2000);
    expect(signatureDelayMs(255n << 56n)).toBeGreaterThan(250_000);
  });

  it('isReservedType() covers the internal types and {0000xxxx-0000-...} only', () => {
    for (const t of Object.values(RECORD_TYPE)) expect(isReservedType(t)).toBe(true);
    expect(isReservedType(Uint8Array.from([0, 0, 0xff, 0xff, ...new Array(12).fill(0)]))).toBe(
      true,
    );
    expect(isReservedType(Uint8Array.from([0, 1, 0, 0, ...new Array(12).fill(0)]))).toBe(false);
    expect(isReservedType(Uint8Array.from([0, 0, 1, 0, ...new Array(11).fill(0), 1]))).toBe(false);
  });
});
