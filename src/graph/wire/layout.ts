/**
 * @module graph/wire/layout
 * What every [MS-PPGRH] message shares: the PEER_MESSAGE header (§2.2.1.2: u32 Message Size,
 * Version 0x10, Message Type, 2 reserved bytes) and the offset-and-count arithmetic of §3.1.5.x.
 * The rule throughout: a field located by an offset must lie inside the message and after the
 * message's fixed part (an offset pointing into the header is refused, `offset-out-of-bounds`);
 * an array of `count` entries of `size` bytes at `offset` must end at or before its bound
 * (`array-out-of-bounds`); an absent array (count 0) may carry any offset up to its bound, as
 * the specification tells senders to write 0 there (§3.1.5.2.1).
 */
import { fail } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { GRAPH_WIRE_ERROR as E } from './errors.js';

/** Bytes of the PEER_MESSAGE header. */
export const MESSAGE_HEADER_BYTES = 8;
/** PEER_MESSAGE Version for protocol version 1.0 (§2.2.1.2). */
export const MESSAGE_VERSION = 0x10;

/** Writes the PEER_MESSAGE header (§2.2.1.2). */
export function writeHeader(w: ByteWriter, type: number, size: number): void {
  w.u32be(size).u8(MESSAGE_VERSION).u8(type).u16be(0);
}

/** Refuses a message below its minimum size (the larger of §3.1.5.x's and its fixed part). */
export function needSize(size: number, min: number, what: string): void {
  if (size < min) fail(E.tooShort, `${what} of ${size} bytes (at least ${min})`);
}

/** Refuses an offset beyond `bound`, or (when the field is present) inside the fixed part. */
export function checkOffset(
  offset: number,
  fixedEnd: number,
  bound: number,
  present: boolean,
  what: string,
): void {
  if (offset > bound) fail(E.offsetOutOfBounds, `${what} offset ${offset} beyond ${bound}`);
  if (present && offset < fixedEnd) {
    fail(E.offsetOutOfBounds, `${what} offset ${offset} inside the fixed part (${fixedEnd})`);
  }
}

/**
 * Checks an array of `count` entries of `entryBytes` at `offset` against `bound` (inclusive, or
 * exclusive when `strict`) and against a limit; returns the array's end.
 */
export function checkArray(
  what: string,
  count: number,
  entryBytes: number,
  offset: number,
  fixedEnd: number,
  bound: number,
  limit: number,
  strict = false,
): number {
  checkOffset(offset, fixedEnd, bound, count > 0, what);
  const end = offset + count * entryBytes;
  if (strict ? end >= bound : end > bound) {
    fail(E.arrayOutOfBounds, `${count} ${what} × ${entryBytes} + ${offset} beyond ${bound}`);
  }
  if (count > limit) fail(E.limitExceeded, `${count} ${what} (at most ${limit})`);
  return end;
}

/** Refuses an offset order the specification forbids (`a` must be <= `b`, or < when strict). */
export function checkOrder(a: number, b: number, strict: boolean, what: string): void {
  if (strict ? a >= b : a > b) fail(E.offsetOrder, what);
}

/** Local misuse: a count that does not fit its field. */
export function checkCount(count: number, max: number, what: string): number {
  if (count > max) throw new RangeError(`${count} ${what} (the field holds at most ${max})`);
  return count;
}
