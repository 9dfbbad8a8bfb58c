/**
 * @module cpa/filetime
 * FILETIME, the time format of the CPA and EXTENDED_PAYLOAD "Not After" fields ([MS-PNRP]
 * §2.2.3.1, §2.2.3.3): an unsigned 64-bit count of 100-nanosecond intervals since
 * 1601-01-01T00:00:00Z, written little-endian. Values are `bigint` because they exceed 2^53.
 * The caller supplies the time; nothing here reads a clock.
 */

/**
 * FILETIME ticks from 1601-01-01 to the Unix epoch 1970-01-01 (369 years incl. 89 leap days).
 * @example filetimeFromUnixMs(0) === FILETIME_UNIX_EPOCH // true
 */
export const FILETIME_UNIX_EPOCH = 116_444_736_000_000_000n;
/** FILETIME ticks in one millisecond. */
export const FILETIME_TICKS_PER_MS = 10_000n;
/** The largest FILETIME, 2^64 - 1. */
export const FILETIME_MAX = 0xffff_ffff_ffff_ffffn;
/** The earliest Unix millisecond a FILETIME can hold (1601-01-01). */
export const FILETIME_UNIX_MS_MIN = -11_644_473_600_000;

/**
 * The FILETIME of a Unix time in whole milliseconds. Throws `TypeError` for a non-number and
 * `RangeError` for a non-integer or a time before 1601 (local input).
 * @example filetimeFromUnixMs(0) // 116444736000000000n
 */
export function filetimeFromUnixMs(unixMs: number): bigint {
  if (typeof unixMs !== 'number') throw new TypeError('unixMs must be a number');
  if (!Number.isSafeInteger(unixMs)) {
    throw new RangeError(`unixMs must be a safe integer, got ${unixMs}`);
  }
  if (unixMs < FILETIME_UNIX_MS_MIN) {
    throw new RangeError(`unixMs ${unixMs} is before 1601-01-01, which FILETIME cannot hold`);
  }
  // Safe integers reach 2^53 ms, about 2^66 ticks: the top of that range does not fit in 64 bits.
  const filetime = BigInt(unixMs) * FILETIME_TICKS_PER_MS + FILETIME_UNIX_EPOCH;
  if (filetime > FILETIME_MAX) throw new RangeError(`unixMs ${unixMs} is past the FILETIME range`);
  return filetime;
}

/**
 * The Unix time in whole milliseconds (rounded down) of a FILETIME. Every FILETIME maps to a
 * safe integer. Throws `RangeError` outside 0..2^64-1.
 * @example unixMsFromFiletime(116444736000000000n) // 0
 */
export function unixMsFromFiletime(filetime: bigint): number {
  if (typeof filetime !== 'bigint') throw new TypeError('filetime must be a bigint');
  if (filetime < 0n || filetime > FILETIME_MAX) {
    throw new RangeError(`filetime must be 0..2^64-1, got ${filetime}`);
  }
  return Number(filetime / FILETIME_TICKS_PER_MS) + FILETIME_UNIX_MS_MIN;
}
