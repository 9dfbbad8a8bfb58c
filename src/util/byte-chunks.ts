/**
 * @module util/byte-chunks
 * Copies of short byte strings as views into shared chunks. A `Uint8Array` over 64 bytes with its
 * own `ArrayBuffer` is an off-heap allocation (about 1 us, and external memory that brings major
 * GCs forward); the simulator made two per datagram: the encoded payload and the decoder's copy
 * (issue 13 Build 3). A view into a chunk costs a small on-heap object. The price: a kept view keeps
 * its whole chunk alive, so a pool's chunk size bounds what one long-kept copy can pin.
 */

/**
 * Hands out copies as views into chunks of `chunkBytes`, 8-byte aligned, starting a new chunk when
 * the current one is full; copies over `copyBytesMax` get their own buffer.
 * @example const pool = new ChunkPool(8192, 2048); const copy = pool.copy(bytes, bytes.length);
 */
export class ChunkPool {
  private readonly chunkBytes: number;
  private readonly copyBytesMax: number;
  private chunk: ArrayBuffer;
  private used = 0;

  /**
   * @param chunkBytes size of each chunk
   * @param copyBytesMax longest copy placed in a chunk (at most `chunkBytes`)
   */
  constructor(chunkBytes: number, copyBytesMax: number) {
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 8) {
      throw new RangeError(`chunkBytes must be an integer >= 8, got ${chunkBytes}`);
    }
    if (!Number.isSafeInteger(copyBytesMax) || copyBytesMax < 0 || copyBytesMax > chunkBytes) {
      throw new RangeError(`copyBytesMax must be 0..${chunkBytes}, got ${copyBytesMax}`);
    }
    this.chunkBytes = chunkBytes;
    this.copyBytesMax = copyBytesMax;
    this.chunk = new ArrayBuffer(chunkBytes);
  }

  /**
   * A copy of `bytes[0..length)`. Its `.buffer` is the whole chunk: use `byteOffset`/`byteLength`
   * (as for any `subarray` view), and keep such copies briefly: one kept view keeps its chunk alive.
   * @example const copy = pool.copy(scratch, n);
   */
  copy(bytes: Uint8Array, length: number): Uint8Array {
    if (length > this.copyBytesMax) return bytes.slice(0, length);
    if (this.used + length > this.chunkBytes) {
      this.chunk = new ArrayBuffer(this.chunkBytes);
      this.used = 0;
    }
    const out = new Uint8Array(this.chunk, this.used, length);
    out.set(length === bytes.length ? bytes : bytes.subarray(0, length));
    this.used += (length + 7) & ~7;
    return out;
  }
}
