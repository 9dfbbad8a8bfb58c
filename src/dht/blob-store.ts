/**
 * @module dht/blob-store
 * The BLOBs one node holds (issue 15 Build 3), bounded in bytes per node, per writer and per
 * BLOB. A transfer reserves the BLOB's full size when it is accepted (so transfers in progress
 * can never overshoot a bound) and either commits the reservation with the verified BLOB or
 * releases it. A writer is whatever the caller names: the BLOB node uses the connecting
 * address (dht/blob-node.ts). Every refusal is counted by reason.
 */
import type { BlobManifest, BlobRefusal } from './blob-codec.js';

/** Bounds of a {@link BlobStore}. */
export interface BlobStoreLimits {
  /** Bytes of BLOBs held and reserved at most. */
  readonly bytesMax: number;
  /** Bytes one writer may hold and reserve here. */
  readonly bytesPerWriterMax: number;
  /** Largest BLOB accepted. */
  readonly blobBytesMax: number;
}

/** One held BLOB. */
export interface StoredBlob {
  readonly manifest: BlobManifest;
  readonly data: Uint8Array;
  readonly writer: string;
}

/**
 * Bounded BLOB storage with reservations.
 * @example const s = new BlobStore({ bytesMax: 64 << 20, bytesPerWriterMax: 32 << 20, blobBytesMax: 16 << 20 });
 */
export class BlobStore {
  /** Refusals by reason (never reset). */
  readonly refused: Record<string, number> = {};
  private readonly limits: BlobStoreLimits;
  private readonly byKey = new Map<string, StoredBlob>();
  private readonly perWriter = new Map<string, number>();
  private bytes = 0;

  constructor(limits: BlobStoreLimits) {
    this.limits = limits;
  }

  /** BLOBs held. */
  get size(): number {
    return this.byKey.size;
  }

  /** Bytes held and reserved. */
  get bytesUsed(): number {
    return this.bytes;
  }

  /** The hex keys of the BLOBs held, in the order they were stored. */
  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  /** The BLOB of `keyHex`, if held. */
  get(keyHex: string): StoredBlob | undefined {
    return this.byKey.get(keyHex);
  }

  /** Bytes `writer` holds and reserves. */
  writerBytes(writer: string): number {
    return this.perWriter.get(writer) ?? 0;
  }

  /**
   * Reserves `size` bytes for a BLOB of `writer`, or says why not (counted).
   * @example const refusal = store.reserve('ep:...', manifest.size);
   */
  reserve(writer: string, size: number): BlobRefusal | undefined {
    let refusal: BlobRefusal | undefined;
    if (size > this.limits.blobBytesMax) refusal = 'too-large';
    else if (this.writerBytes(writer) + size > this.limits.bytesPerWriterMax)
      refusal = 'writer-quota';
    else if (this.bytes + size > this.limits.bytesMax) refusal = 'node-full';
    if (refusal !== undefined) {
      this.count(refusal);
      return refusal;
    }
    this.adjust(writer, size);
    return undefined;
  }

  /** Gives back a reservation of `size` bytes (a transfer that failed). */
  release(writer: string, size: number): void {
    this.adjust(writer, -size);
  }

  /**
   * Keeps a verified BLOB under its reservation. A BLOB already held gives the reservation back.
   * @example store.commit(keyHex, { manifest, data, writer });
   */
  commit(keyHex: string, blob: StoredBlob): void {
    if (this.byKey.has(keyHex)) return this.release(blob.writer, blob.manifest.size);
    this.byKey.set(keyHex, blob);
  }

  /** Counts a refusal decided elsewhere (bad hash, busy, malformed ...). */
  count(reason: BlobRefusal): void {
    this.refused[reason] = (this.refused[reason] ?? 0) + 1;
  }

  private adjust(writer: string, delta: number): void {
    const n = this.writerBytes(writer) + delta;
    if (n <= 0) this.perWriter.delete(writer);
    else this.perWriter.set(writer, n);
    this.bytes += delta;
  }
}
