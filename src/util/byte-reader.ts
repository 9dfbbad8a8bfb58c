/**
 * @module util/byte-reader
 * A bounds-checked cursor over remote bytes. Reading past the end throws a private
 * {@link ReadFailure}; decoders catch it at their top level with {@link decodeWith} and turn it
 * into a `{ ok: false }` result, so nothing escapes to the caller (docs/design.md §4).
 */
import { err, ok, type Result } from './result.js';

/** Thrown inside a decoder for malformed input; never escapes {@link decodeWith}. */
export class ReadFailure extends Error {
  readonly code: string;
  constructor(code: string, detail: string) {
    super(detail);
    this.code = code;
    this.name = 'ReadFailure';
  }
}

/**
 * Fails the decode in progress with a reason code. Only for use inside {@link decodeWith}.
 * @example if (count > 22) fail('limit', 'flagged path over 22 endpoints');
 */
export function fail(code: string, detail: string): never {
  throw new ReadFailure(code, detail);
}

/**
 * Runs a decoder body and converts a {@link ReadFailure} into a failed result. Any other error
 * is a bug in the decoder and is reported as code `internal` rather than thrown.
 * @example decodeWith(() => new ByteReader(bytes).u16be())
 */
export function decodeWith<T>(body: () => T): Result<T> {
  try {
    return ok(body());
  } catch (e) {
    if (e instanceof ReadFailure) return err(e.code, e.message);
    return err('internal', e instanceof Error ? e.message : String(e));
  }
}

/**
 * Sequential reader with big- and little-endian integers.
 * @example const r = new ByteReader(bytes); const id = r.u16be(); const body = r.bytes(4);
 */
export class ByteReader {
  readonly data: Uint8Array;
  offset: number;
  readonly end: number;
  /**
   * True when `data` is the reader's own copy: {@link bytes} then returns views into it instead
   * of a fresh copy (and ArrayBuffer) per field. Only for data nobody else will write to.
   */
  readonly views: boolean;

  constructor(data: Uint8Array, offset = 0, end: number = data.length, views = false) {
    this.data = data;
    this.offset = offset;
    this.end = end;
    this.views = views;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.end) {
      fail('truncated', `need ${n} bytes at offset ${this.offset}, have ${this.end - this.offset}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.data[this.offset++]!;
  }

  u16be(): number {
    this.need(2);
    const d = this.data;
    const v = (d[this.offset]! << 8) | d[this.offset + 1]!;
    this.offset += 2;
    return v;
  }

  u16le(): number {
    this.need(2);
    const d = this.data;
    const v = d[this.offset]! | (d[this.offset + 1]! << 8);
    this.offset += 2;
    return v;
  }

  u32be(): number {
    this.need(4);
    const d = this.data;
    const o = this.offset;
    this.offset += 4;
    return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
  }

  u32le(): number {
    this.need(4);
    const d = this.data;
    const o = this.offset;
    this.offset += 4;
    return (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0;
  }

  u64le(): bigint {
    const lo = this.u32le();
    const hi = this.u32le();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * The next `n` bytes: a copy, so decoded values never alias a reused buffer, or a view when the
   * reader reads its own copy (`views`).
   */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.views
      ? this.data.subarray(this.offset, this.offset + n)
      : this.data.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }
}
