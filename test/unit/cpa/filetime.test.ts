import { describe, expect, it } from 'vitest';
import { FILETIME_MAX, FILETIME_UNIX_EPOCH } from '../../../src/cpa/filetime.js';
import { filetimeFromUnixMs, unixMsFromFiletime } from '../../../src/cpa/index.js';

describe('FILETIME', () => {
  it('filetimeFromUnixMs() counts 100 ns ticks from 1601-01-01', () => {
    expect(filetimeFromUnixMs(0)).toBe(116_444_736_000_000_000n);
    // 2026-01-01T00:00:00Z, also computed by test/vectors/make-cpa-vectors.py.
    expect(filetimeFromUnixMs(1_767_225_600_000)).toBe(134_116_992_000_000_000n);
    expect(filetimeFromUnixMs(-11_644_473_600_000)).toBe(0n);
    expect(filetimeFromUnixMs(1)).toBe(FILETIME_UNIX_EPOCH + 10_000n);
  });

  it('unixMsFromFiletime() inverts it and rounds sub-millisecond ticks down', () => {
    for (const ms of [0, 1, 1_767_225_600_000, -11_644_473_600_000, 253_402_300_799_999]) {
      expect(unixMsFromFiletime(filetimeFromUnixMs(ms))).toBe(ms);
    }
    expect(unixMsFromFiletime(FILETIME_UNIX_EPOCH + 9_999n)).toBe(0);
    expect(unixMsFromFiletime(FILETIME_UNIX_EPOCH - 1n)).toBe(-1);
    expect(Number.isSafeInteger(unixMsFromFiletime(FILETIME_MAX))).toBe(true);
  });

  it('filetimeFromUnixMs() refuses non-integers, times before 1601 and past 2^64 ticks', () => {
    expect(() => filetimeFromUnixMs(0.5)).toThrow(RangeError);
    expect(() => filetimeFromUnixMs(Number.NaN)).toThrow(RangeError);
    expect(() => filetimeFromUnixMs(-11_644_473_600_001)).toThrow(RangeError);
    expect(() => filetimeFromUnixMs(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
    expect(() => filetimeFromUnixMs('0' as never)).toThrow(TypeError);
    const lastMs = unixMsFromFiletime(FILETIME_MAX);
    expect(filetimeFromUnixMs(lastMs) <= FILETIME_MAX).toBe(true);
    expect(() => filetimeFromUnixMs(lastMs + 1)).toThrow(RangeError);
  });

  it('unixMsFromFiletime() refuses values outside 0..2^64-1', () => {
    expect(() => unixMsFromFiletime(-1n)).toThrow(RangeError);
    expect(() => unixMsFromFiletime(FILETIME_MAX + 1n)).toThrow(RangeError);
    expect(() => unixMsFromFiletime(5 as never)).toThrow(TypeError);
  });
});
