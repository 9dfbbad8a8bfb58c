/** Byte helpers for the [MS-PPGRH] codec tests: hand layouts and targeted corruption. */
import { decodeGraphMessage } from '../../../../src/graph/wire/index.js';

/** Bytes from numbers and nested arrays. */
export function bytes(...parts: (number | readonly number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else out.push(...p);
  }
  return new Uint8Array(out);
}

/** `n` copies of `value`. */
export function fill(n: number, value = 0): number[] {
  return new Array<number>(n).fill(value);
}

/** Big-endian bytes of an unsigned integer of `width` bytes. */
export function be(value: number | bigint, width: number): number[] {
  let v = BigInt(value);
  const out = fill(width);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** A copy of `base` with `values` written at `offset`. */
export function patch(base: Uint8Array, offset: number, values: readonly number[]): Uint8Array {
  const out = base.slice();
  out.set(values, offset);
  return out;
}

/** A copy of `base` cut (or zero-extended) to `length`, its Message Size rewritten to match. */
export function resize(base: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(base.subarray(0, Math.min(length, base.length)));
  if (length >= 4) out.set(be(length, 4), 0);
  return out;
}

/** 'ok' or the decode error code. */
export function outcome(b: Uint8Array, limits?: Parameters<typeof decodeGraphMessage>[1]): string {
  const r = decodeGraphMessage(b, limits);
  return r.ok ? 'ok' : r.error.code;
}
