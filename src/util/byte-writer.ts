/**
 * @module util/byte-writer
 * A growable writer with big- and little-endian integers and 4-byte alignment, used by the wire
 * codec and the CPA encoder. Values out of range are programmer errors and throw `RangeError`.
 */

/**
 * Appends bytes and integers; `finish()` returns exactly the written bytes.
 * @example const w = new ByteWriter(); w.u16be(0x10); w.u16be(12); w.finish();
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    checkInt(v, 0xff);
    this.reserve(1);
    this.buf[this.length++] = v;
    return this;
  }

  u16be(v: number): this {
    checkInt(v, 0xffff);
    this.reserve(2);
    this.view.setUint16(this.length, v, false);
    this.length += 2;
    return this;
  }

  u16le(v: number): this {
    checkInt(v, 0xffff);
    this.reserve(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }

  u32be(v: number): this {
    checkInt(v, 0xffffffff);
    this.reserve(4);
    this.view.setUint32(this.length, v, false);
    this.length += 4;
    return this;
  }

  u32le(v: number): this {
    checkInt(v, 0xffffffff);
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
    return this;
  }

  u64le(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`u64 out of range: ${v}`);
    this.reserve(8);
    this.view.setBigUint64(this.length, v, true);
    this.length += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** Zero bytes up to the next multiple of 4 (TLV padding, [MS-PNRP] §2.2). */
  pad4(): this {
    while (this.length % 4 !== 0) this.u8(0);
    return this;
  }

  /** Overwrites a big-endian u16 already written at `offset` (for lengths known afterwards). */
  patchU16be(offset: number, v: number): this {
    checkInt(v, 0xffff);
    this.view.setUint16(offset, v, false);
    return this;
  }

  /** Overwrites a little-endian u16 already written at `offset`. */
  patchU16le(offset: number, v: number): this {
    checkInt(v, 0xffff);
    this.view.setUint16(offset, v, true);
    return this;
  }

  /**
   * Empties the writer for the next message, keeping its buffer (a writer reused per encoder
   * path allocates nothing but the copy `finish` returns).
   */
  reset(): this {
    this.length = 0;
    return this;
  }

  /** A copy of the written bytes (the one copy a reused writer makes per message). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /**
   * A copy of the written bytes as a view into a shared chunk ({@link copyToChunk}): for datagrams
   * handed on and soon dropped. Cheaper than {@link finish} above 64 bytes, where every copy
   * with its own `ArrayBuffer` costs an off-heap allocation (about 1 us, issue 13 Build 3).
   * @example const payload = w.finishShared();
   */
  finishShared(): Uint8Array {
    return copyToChunk(this.buf, this.length);
  }
}

/** Size of the chunks {@link copyToChunk} hands out views of. */
const CHUNK_BYTES = 64 * 1024;
let chunk = new ArrayBuffer(CHUNK_BYTES);
let chunkUsed = 0;

/**
 * A copy of `bytes[0..length)` in a view into a shared 64 KB chunk, 8-byte aligned; a new chunk is
 * started when this one is full (copies over 4 KB get their own buffer). The view's `.buffer` is
 * the whole chunk, so use `byteOffset`/`byteLength` (as `subarray` views need anyway), and do not
 * keep such copies for long: one kept view keeps its chunk alive.
 * @example const copy = copyToChunk(scratch, n);
 */
export function copyToChunk(bytes: Uint8Array, length: number): Uint8Array {
  if (length > 4096) return bytes.slice(0, length);
  if (chunkUsed + length > CHUNK_BYTES) {
    chunk = new ArrayBuffer(CHUNK_BYTES);
    chunkUsed = 0;
  }
  const out = new Uint8Array(chunk, chunkUsed, length);
  out.set(length === bytes.length ? bytes : bytes.subarray(0, length));
  chunkUsed += (length + 7) & ~7;
  return out;
}

function checkInt(v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new RangeError(`integer ${v} out of range 0..${max}`);
  }
}
