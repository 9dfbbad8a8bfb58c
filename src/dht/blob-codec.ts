/**
 * @module dht/blob-codec
 * What the DHT's BLOB transfer (dht/blob-node.ts, issue 15 Build 3) says on a connection: the
 * BLOB manifest that names a BLOB, and the frames of the stream.
 *
 * Manifest (the key is SHA-256 of "pnrp-dht-blob-1" ‖ manifest, so it names the whole BLOB the
 * way a BitTorrent info hash does): size (u64, at most 2^53 - 1), chunk size (u32, 65,536), then
 * the SHA-256 of each chunk (32 bytes each, ceil(size / chunk size) of them). A receiver checks
 * the manifest against the key before it takes one chunk, then each chunk against its hash as it
 * arrives, so a bad chunk is refused at once and never stored.
 *
 * Frames, most significant byte first: length (u32, of type and body), type (u8), body:
 *
 * | type | name     | body                         | sent by                                  |
 * | ---- | -------- | ---------------------------- | ---------------------------------------- |
 * | 1    | PUT      | manifest                     | writer: store this BLOB                  |
 * | 2    | GET      | key (32)                     | reader: send me this BLOB                |
 * | 3    | ACCEPT   | (none)                       | holder: send the chunks                  |
 * | 4    | REFUSE   | reason (u8, BLOB_REFUSALS)   | either side, then it closes              |
 * | 5    | MANIFEST | manifest                     | holder, answering GET                    |
 * | 6    | CHUNK    | index (u32), data            | the side that sends the BLOB, in order   |
 * | 7    | ACK      | index (u32)                  | the side that receives: chunk verified   |
 * | 8    | DONE     | (none)                       | holder: the whole BLOB is stored         |
 *
 * {@link BlobFrameReader} cuts stream bytes into frames and never throws: a frame over its bound
 * or of an unknown type is a protocol error for the connection.
 */
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { concatBytes, utf8Encode } from '../util/bytes.js';
import type { Result } from '../util/result.js';

/** Bytes of one chunk (the last may be shorter). */
export const BLOB_CHUNK_BYTES = 65_536;
/** Largest BLOB the format allows (a node's own bound, `blobBytesMax`, is usually lower). */
export const BLOB_FORMAT_BYTES_MAX: number = 256 * 1024 * 1024;
/** Largest frame: a chunk with its index, or the manifest of the largest BLOB. */
export const BLOB_FRAME_BYTES_MAX: number =
  1 + 12 + (BLOB_FORMAT_BYTES_MAX / BLOB_CHUNK_BYTES) * 32;

/** Why a BLOB was refused, in wire order (REFUSE carries the index). Append only. */
export const BLOB_REFUSALS = [
  'too-large',
  'writer-quota',
  'node-full',
  'bad-hash',
  'busy',
  'not-found',
  'malformed',
  'timeout',
] as const;

/** One of {@link BLOB_REFUSALS}. */
export type BlobRefusal = (typeof BLOB_REFUSALS)[number];

/** What names a BLOB: its size and the hashes of its chunks. */
export interface BlobManifest {
  readonly size: number;
  readonly chunkBytes: number;
  readonly chunkHashes: readonly Uint8Array[];
}

/** One frame on a BLOB connection. */
export type BlobFrame =
  | { readonly type: 'put'; readonly manifest: BlobManifest }
  | { readonly type: 'get'; readonly key: Uint8Array }
  | { readonly type: 'accept' }
  | { readonly type: 'refuse'; readonly reason: BlobRefusal }
  | { readonly type: 'manifest'; readonly manifest: BlobManifest }
  | { readonly type: 'chunk'; readonly index: number; readonly data: Uint8Array }
  | { readonly type: 'ack'; readonly index: number }
  | { readonly type: 'done' };

const TYPES = ['put', 'get', 'accept', 'refuse', 'manifest', 'chunk', 'ack', 'done'] as const;
const KEY_CONTEXT = utf8Encode('pnrp-dht-blob-1');

/**
 * The manifest of `blob`, hashing each chunk with `sha256`.
 * @example const m = blobManifestOf(blob, nobleCrypto.sha256); const key = blobKeyOf(m, sha256);
 */
export function blobManifestOf(
  blob: Uint8Array,
  sha256: (data: Uint8Array) => Uint8Array,
): BlobManifest {
  if (!(blob instanceof Uint8Array)) throw new TypeError('blob must be a Uint8Array');
  if (blob.length > BLOB_FORMAT_BYTES_MAX)
    throw new RangeError(`a BLOB is at most ${BLOB_FORMAT_BYTES_MAX} bytes`);
  const chunkHashes: Uint8Array[] = [];
  for (let at = 0; at < blob.length; at += BLOB_CHUNK_BYTES)
    chunkHashes.push(sha256(blob.subarray(at, at + BLOB_CHUNK_BYTES)));
  return { size: blob.length, chunkBytes: BLOB_CHUNK_BYTES, chunkHashes };
}

/**
 * The DHT key of a BLOB: SHA-256("pnrp-dht-blob-1" ‖ encoded manifest).
 * @example const key = blobKeyOf(blobManifestOf(blob, sha256), sha256);
 */
export function blobKeyOf(
  manifest: BlobManifest,
  sha256: (data: Uint8Array) => Uint8Array,
): Uint8Array {
  return sha256(concatBytes(KEY_CONTEXT, encodeManifest(manifest)));
}

/** Bytes of chunk `index` of a BLOB described by `manifest`. */
export function chunkLength(manifest: BlobManifest, index: number): number {
  return Math.min(manifest.chunkBytes, manifest.size - index * manifest.chunkBytes);
}

function encodeManifest(m: BlobManifest): Uint8Array {
  const out = new Uint8Array(12 + 32 * m.chunkHashes.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, Math.floor(m.size / 2 ** 32));
  v.setUint32(4, m.size % 2 ** 32);
  v.setUint32(8, m.chunkBytes);
  for (let i = 0; i < m.chunkHashes.length; i++) out.set(m.chunkHashes[i]!, 12 + 32 * i);
  return out;
}

/**
 * Encodes one frame with its length prefix.
 * @example encodeBlobFrame({ type: 'ack', index: 3 }).length // 9
 */
export function encodeBlobFrame(frame: BlobFrame): Uint8Array {
  let body: Uint8Array;
  switch (frame.type) {
    case 'put':
    case 'manifest':
      body = encodeManifest(frame.manifest);
      break;
    case 'get':
      if (frame.key.length !== 32) throw new RangeError('key must be 32 bytes');
      body = frame.key;
      break;
    case 'refuse':
      body = Uint8Array.of(BLOB_REFUSALS.indexOf(frame.reason));
      break;
    case 'chunk':
    case 'ack': {
      const data = frame.type === 'chunk' ? frame.data : new Uint8Array(0);
      body = new Uint8Array(4 + data.length);
      new DataView(body.buffer).setUint32(0, frame.index);
      body.set(data, 4);
      break;
    }
    default:
      body = new Uint8Array(0);
  }
  const out = new Uint8Array(5 + body.length);
  new DataView(out.buffer).setUint32(0, 1 + body.length);
  out[4] = TYPES.indexOf(frame.type) + 1;
  out.set(body, 5);
  return out;
}

/**
 * Decodes one frame's type and body (without the length prefix); never throws.
 * @example const r = decodeBlobFrame(typeAndBody); if (r.ok) handle(r.value);
 */
export function decodeBlobFrame(bytes: Uint8Array): Result<BlobFrame> {
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    const type = TYPES[r.u8() - 1];
    let frame: BlobFrame;
    switch (type) {
      case 'put':
      case 'manifest':
        frame = { type, manifest: readManifest(r) };
        break;
      case 'get':
        frame = { type, key: r.bytes(32) };
        break;
      case 'refuse': {
        const reason = BLOB_REFUSALS[r.u8()];
        if (reason === undefined) fail('bad-reason', 'unknown REFUSE reason');
        frame = { type, reason };
        break;
      }
      case 'chunk':
        frame = { type, index: r.u32be(), data: r.bytes(r.remaining) };
        break;
      case 'ack':
        frame = { type, index: r.u32be() };
        break;
      case 'accept':
      case 'done':
        frame = { type };
        break;
      default:
        return fail('unknown-type', 'unknown BLOB frame type');
    }
    if (r.remaining !== 0) fail('trailing', `${r.remaining} bytes after the frame`);
    return frame;
  });
}

function readManifest(r: ByteReader): BlobManifest {
  const size = r.u32be() * 2 ** 32 + r.u32be();
  const chunkBytes = r.u32be();
  if (chunkBytes !== BLOB_CHUNK_BYTES) fail('bad-chunk-size', `chunk size ${chunkBytes}`);
  if (size > BLOB_FORMAT_BYTES_MAX) fail('too-large', `BLOB of ${size} bytes`);
  const count = Math.ceil(size / chunkBytes);
  if (r.remaining !== 32 * count) fail('bad-manifest', 'chunk hashes do not match the size');
  const chunkHashes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) chunkHashes.push(r.bytes(32));
  return { size, chunkBytes, chunkHashes };
}

/**
 * Cuts a connection's stream into frames, holding at most one frame of at most `frameBytesMax`
 * bytes. `push` returns the frames completed by `bytes`, or an error code (`frame-too-large`,
 * or a decode code) after which the connection is unusable.
 * @example const frames = reader.push(bytes); if (!frames.ok) abort(conn);
 */
export class BlobFrameReader {
  private readonly frameBytesMax: number;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(frameBytesMax: number = BLOB_FRAME_BYTES_MAX) {
    this.frameBytesMax = frameBytesMax;
  }

  /** Bytes held for a frame not yet complete. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Adds stream bytes; returns the frames they complete. */
  push(bytes: Uint8Array): Result<BlobFrame[]> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    const frames: BlobFrame[] = [];
    for (;;) {
      if (this.pendingBytes < 4) return { ok: true, value: frames };
      const head = this.peek(4);
      const length = new DataView(head.buffer, head.byteOffset, 4).getUint32(0);
      if (length === 0 || length > this.frameBytesMax)
        return {
          ok: false,
          error: { code: 'frame-too-large', detail: `frame of ${length} bytes` },
        };
      if (this.pendingBytes < 4 + length) return { ok: true, value: frames };
      const whole = this.take(4 + length);
      const decoded = decodeBlobFrame(whole.subarray(4));
      if (!decoded.ok) return decoded;
      frames.push(decoded.value);
    }
  }

  private peek(n: number): Uint8Array {
    if (this.pending[0]!.length >= n) return this.pending[0]!;
    this.pending = [concatBytes(...this.pending)];
    return this.pending[0]!;
  }

  private take(n: number): Uint8Array {
    const all = this.pending.length === 1 ? this.pending[0]! : concatBytes(...this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }
}
