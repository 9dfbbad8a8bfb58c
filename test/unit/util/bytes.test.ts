/**
 * util/bytes: the hex, concatenation and UTF-8 helpers now delegate to @noble/hashes/utils; these
 * pin the behaviour callers rely on (lowercase hex, either case accepted, `TypeError`/`RangeError`
 * for bad local input, fresh arrays) against node:buffer as an independent reference.
 */
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesKey,
  compareBytes,
  concatBytes,
  equalBytes,
  fromHex,
  toHex,
  utf8Decode,
  utf8Encode,
} from '../../../src/util/bytes.js';

describe('util/bytes', () => {
  it('bytesKey() is equal exactly when the bytes are (any length, 32-byte IDs included)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(bytesKey(a) === bytesKey(b)).toBe(equalBytes(a, b));
        expect(bytesKey(a)).toBe(bytesKey(a.slice()));
      }),
    );
    const id = new Uint8Array(32).fill(7);
    const other = id.slice();
    other[31] = 8;
    expect(bytesKey(id)).not.toBe(bytesKey(other));
    expect(bytesKey(new Uint8Array([0, 1]))).not.toBe(bytesKey(new Uint8Array([1])));
    expect(bytesKey(new Uint8Array([0]))).not.toBe(bytesKey(new Uint8Array(0)));
  });

  it('toHex() and fromHex() agree with node:buffer and round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toBe(Buffer.from(bytes).toString('hex'));
        expect(fromHex(hex)).toEqual(bytes);
        expect(fromHex(hex.toUpperCase())).toEqual(bytes);
      }),
    );
  });

  it('toHex() and bytesKey() are right past their reused scratch buffers (64 KB inputs)', () => {
    const big = new Uint8Array(70_000).map((_, i) => (i * 31) & 0xff);
    expect(toHex(big)).toBe(Buffer.from(big).toString('hex'));
    const other = big.slice();
    other[69_999] = (other[69_999]! + 1) & 0xff;
    expect(bytesKey(big)).toBe(bytesKey(big.slice()));
    expect(bytesKey(big)).not.toBe(bytesKey(other));
    expect(bytesKey(big).length).toBe(2 + 35_000);
  });

  it('fromHex() throws TypeError for a non-string and RangeError for odd lengths and bad digits', () => {
    expect(() => fromHex(42 as unknown as string)).toThrow(TypeError);
    expect(() => fromHex('abc')).toThrow(RangeError);
    expect(() => fromHex('0g')).toThrow(RangeError);
    expect(() => fromHex(' 01')).toThrow(RangeError);
    expect(fromHex('')).toEqual(new Uint8Array(0));
  });

  it('toHex() throws TypeError for something that is not bytes', () => {
    expect(() => toHex([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('concatBytes() returns a fresh array holding the parts in order', () => {
    const a = new Uint8Array([1, 2]);
    const out = concatBytes(a, new Uint8Array(0), new Uint8Array([3]));
    expect(out).toEqual(new Uint8Array([1, 2, 3]));
    out[0] = 9;
    expect(a[0]).toBe(1);
    expect(concatBytes()).toEqual(new Uint8Array(0));
  });

  it('utf8Encode() encodes like node:buffer; utf8Decode() returns undefined for bad UTF-8', () => {
    expect(utf8Encode('café ☕')).toEqual(new Uint8Array(Buffer.from('café ☕', 'utf8')));
    expect(utf8Decode(utf8Encode('café'))).toBe('café');
    expect(utf8Decode(new Uint8Array([0xc3]))).toBeUndefined();
    expect(utf8Decode(new Uint8Array([0xff, 0xfe]))).toBeUndefined();
  });

  it('equalBytes() and compareBytes() order lexicographically, shorter first on a tie', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1]))).toBe(false);
    expect(compareBytes(new Uint8Array([1]), new Uint8Array([2]))).toBe(-1);
    expect(compareBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(-1);
    expect(compareBytes(new Uint8Array([2]), new Uint8Array([1, 9]))).toBe(1);
  });
});
