/**
 * @module dht/blob-node
 * `DhtBlobNode`: BLOBs up to 16 MiB (and more, by option) over the connection seam (issue 15
 * Build 3; the seed's design carries BLOBs over TCP, values in datagrams).
 *
 * Theory of operation. A DhtBlobNode is a sans-I/O `ConnectionNode` that runs beside a `DhtNode`
 * on the same endpoint (TCP and UDP on one address and port; the simulator's connections use the
 * same synthetic endpoints as its datagrams) and is driven by the same `drainNode` loop
 * (`runConnectionNode`, `ConnectionSimulation`, or a cloud wiring `SimConnections`). The two
 * share nothing but the key space: the caller finds a key's owner with the DHT (a DRT search
 * for the key, as `DhtNode` puts do) and hands its endpoint to {@link DhtBlobNode.storeBlob} or
 * {@link DhtBlobNode.fetchBlob}; the blob node opens one connection per transfer.
 *
 * A BLOB's key is the SHA-256 of its manifest (size and chunk hashes, dht/blob-codec.ts). To
 * store, the writer sends PUT(manifest); the holder computes the key, reserves the size against
 * its bounds (per BLOB, per writer = the connecting address, per node) or answers REFUSE with
 * the reason (a connection over `transfersMax`, or over one address's `transfersPerSourceMax`,
 * is refused `busy` at once, and so is a PUT of a BLOB another connection is already
 * delivering), then ACCEPT (or DONE at once when it holds that BLOB already). Chunks follow in
 * order, at most `windowChunks` unacknowledged; each is checked against its hash on arrival and
 * acknowledged, so a bad chunk ends the transfer (`bad-hash`) with nothing stored and the
 * reservation given back. After the last chunk the holder stores the BLOB and sends DONE. To
 * fetch, the reader sends GET(key); the holder answers MANIFEST, which the reader checks against
 * the key, then chunks paced by the reader's ACKs. A transfer that hears nothing for
 * `idleTimeoutMs` (time from `nowMs`) is aborted. Connections are handshaken, so the address
 * rule of the datagram side (no more bytes than received toward an unproven address) holds by
 * construction: a holder sends a BLOB only to the end of an established connection, and paces
 * it by that end's acknowledgements.
 *
 * Replication is pushed: {@link DhtBlobNode.replicateBlob} sends a held BLOB to the endpoints
 * it is given (`blobReplicaEndpoints` reads them from a `DhtNode`'s leaf set); a replica counts
 * what it holds against the pushing holder's address, like any writer.
 *
 * Handover keeps the copies alive under churn: {@link DhtBlobNode.handover} is called by whoever
 * drives the blob node beside a `DhtNode` (`blobHandover`, dht/blob-replicas.ts), on the DHT's
 * leaf-set changes and periodically. For every held BLOB it asks the caller for the BLOB's
 * replica endpoints and pushes it to those not yet known to hold it. Per BLOB the node remembers
 * the endpoints that answered DONE (a holder that has the BLOB already answers DONE at once, so
 * a push to it costs one round trip and no chunks), and forgets the ones that left the replica
 * set, so that set never exceeds the replica count; a push that fails is retried at the next
 * call. Bounded: at most `handoverTransfersMax` handover pushes in flight (within
 * `transfersMax`), and the walk over held BLOBs resumes where the last call stopped, so that no
 * BLOB waits behind others for ever. Every holder hands over, not only the owner: with one
 * surviving copy the BLOB spreads back to its whole replica set. Not here: dropping copies that
 * left the replica set (a holder keeps what it holds), mutable (signed-manifest) BLOBs, and BLOB
 * expiry.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import type {
  ConnectionEnd,
  ConnectionId,
  ConnectionNode,
  ConnectionOutput,
  Output,
} from '../sans-io.js';
import { equalBytes, fromHex, toHex } from '../util/bytes.js';
import {
  type BlobFrame,
  BlobFrameReader,
  type BlobManifest,
  type BlobRefusal,
  blobKeyOf,
  blobManifestOf,
  chunkLength,
  encodeBlobFrame,
} from './blob-codec.js';
import { BlobStore } from './blob-store.js';
import {
  type BlobEvent,
  type BlobFailure,
  type BlobStats,
  createBlobStats,
  type DhtBlobNodeOptions,
  type ResolvedBlobOptions,
  resolveBlobOptions,
} from './blob-types.js';

/** What a connection is for. */
type Role = 'store' | 'fetch' | 'serve';

interface Sending {
  readonly data: Uint8Array;
  readonly manifest: BlobManifest;
  next: number;
  acked: number;
}

interface Receiving {
  readonly manifest: BlobManifest;
  readonly buffer: Uint8Array;
  next: number;
  /** The writer whose reservation this is (holder side). */
  readonly writer?: string;
}

interface Transfer {
  readonly conn: ConnectionId;
  readonly role: Role;
  readonly opId: number;
  key: Uint8Array;
  readonly from: Endpoint | undefined;
  readonly reader: BlobFrameReader;
  deadlineMs: number;
  /** The writer's BLOB waiting for ACCEPT (store), or the BLOB being sent. */
  send: Sending | undefined;
  recv: Receiving | undefined;
  accepted: boolean;
}

/**
 * BLOB storage and transfer over connections. See the module header.
 * @example
 * const node = new DhtBlobNode({ blobBytesMax: 16 * 1024 * 1024 });
 * const { opId, key } = node.storeBlob(nowMs, ownerEndpoint, blob);
 * // drive with drainNode / runConnectionNode; wait for { type: 'blob-stored', opId }
 */
export class DhtBlobNode implements ConnectionNode<BlobEvent> {
  readonly stats: BlobStats = createBlobStats();
  private readonly options: ResolvedBlobOptions;
  private readonly store: BlobStore;
  private readonly transfers = new Map<ConnectionId, Transfer>();
  private readonly outputs: (Output<BlobEvent> | ConnectionOutput)[] = [];
  private head = 0;
  private nextConn = 1;
  private nextOp = 1;
  private nowMsValue = Number.NEGATIVE_INFINITY;
  /** Per held BLOB (hex key): endpoint keys that answered DONE, all in its replica set. */
  private readonly confirmed = new Map<string, Set<string>>();
  /** Handover pushes in flight, by operation ID. */
  private readonly handing = new Map<number, { keyHex: string; to: string }>();
  /** Where the next handover walk over held BLOBs starts. */
  private handoverCursor = 0;

  constructor(options: DhtBlobNodeOptions = {}) {
    this.options = resolveBlobOptions(options);
    this.store = new BlobStore(this.options);
    this.stats.refused = this.store.refused;
  }

  /** BLOBs held. */
  get blobCount(): number {
    return this.store.size;
  }

  /** Bytes held and reserved by transfers in progress. */
  get bytesUsed(): number {
    return this.store.bytesUsed;
  }

  /** Transfers in progress. */
  get transferCount(): number {
    return this.transfers.size;
  }

  /** The BLOB held for `key`, if any. */
  heldBlob(key: Uint8Array): Uint8Array | undefined {
    return this.store.get(toHex(key))?.data;
  }

  /**
   * The key `blob` is stored under: SHA-256 of its manifest.
   * @example node.keyOf(blob)
   */
  keyOf(blob: Uint8Array): Uint8Array {
    return blobKeyOf(blobManifestOf(blob, this.options.crypto.sha256), this.options.crypto.sha256);
  }

  /**
   * Sends `blob` to the node at `to` to hold; ends with `blob-stored`. Throws RangeError above
   * `blobBytesMax`.
   */
  storeBlob(nowMs: number, to: Endpoint, blob: Uint8Array): { opId: number; key: Uint8Array } {
    this.advance(nowMs);
    if (!(blob instanceof Uint8Array)) throw new TypeError('blob must be a Uint8Array');
    if (blob.length > this.options.blobBytesMax)
      throw new RangeError(`a BLOB is at most ${this.options.blobBytesMax} bytes`);
    const sha256 = this.options.crypto.sha256;
    const manifest = blobManifestOf(blob, sha256);
    const key = blobKeyOf(manifest, sha256);
    const send: Sending = { data: blob, manifest, next: 0, acked: 0 };
    return { opId: this.open('store', to, key, send), key };
  }

  /**
   * Pushes the BLOB held for `key` to each of `to` (its replica set, e.g. from
   * `blobReplicaEndpoints`), one store each; every one ends with `blob-stored`. Returns their
   * operation IDs, none when the BLOB is not held.
   */
  replicateBlob(nowMs: number, key: Uint8Array, to: readonly Endpoint[]): number[] {
    this.advance(nowMs);
    const held = this.store.get(toHex(key));
    if (held === undefined) return [];
    return to.map((ep) =>
      this.open('store', ep, key.slice(), {
        data: held.data,
        manifest: held.manifest,
        next: 0,
        acked: 0,
      }),
    );
  }

  /**
   * Hands held BLOBs over to their replica sets: for each held BLOB, pushes it to the endpoints
   * of `replicasOf(key)` (which should leave out this node) that have not yet confirmed it with
   * DONE, at most `handoverTransfersMax` pushes in flight and never beyond `transfersMax`. Call
   * it on the DHT's leaf-set changes and periodically (see `blobHandover`); a failed push is
   * retried at the next call. Every push ends with `blob-stored`. Returns their operation IDs.
   * @example node.handover(now, (key) => blobReplicaEndpoints(dht, key));
   */
  handover(nowMs: number, replicasOf: (key: Uint8Array) => readonly Endpoint[]): number[] {
    this.advance(nowMs);
    const keys = [...this.store.keys()];
    for (const keyHex of this.confirmed.keys())
      if (this.store.get(keyHex) === undefined) this.confirmed.delete(keyHex);
    const opened: number[] = [];
    const budget = () =>
      Math.min(
        this.options.handoverTransfersMax - this.handing.size,
        this.options.transfersMax - this.transfers.size,
      );
    const start = keys.length === 0 ? 0 : this.handoverCursor % keys.length;
    let walked = 0;
    while (walked < keys.length && budget() > 0) {
      const keyHex = keys[(start + walked) % keys.length]!;
      const held = this.store.get(keyHex)!;
      const key = fromHex(keyHex);
      const wanted = new Map(replicasOf(key).map((ep) => [endpointKey(ep), ep] as const));
      const done = this.confirmed.get(keyHex) ?? new Set<string>();
      for (const k of done) if (!wanted.has(k)) done.delete(k);
      this.confirmed.set(keyHex, done);
      let finished = true;
      for (const [k, ep] of wanted) {
        if (done.has(k) || this.isHanding(keyHex, k)) continue;
        if (budget() <= 0) {
          finished = false; // resume with this BLOB next time
          break;
        }
        const send = { data: held.data, manifest: held.manifest, next: 0, acked: 0 };
        const opId = this.open('store', ep, key.slice(), send);
        this.handing.set(opId, { keyHex, to: k });
        this.stats.handoverPushes++;
        opened.push(opId);
      }
      if (!finished) break;
      walked++;
    }
    this.handoverCursor = keys.length === 0 ? 0 : (start + walked) % keys.length;
    return opened;
  }

  /** Asks the node at `to` for the BLOB of `key`; ends with `blob-fetched`. */
  fetchBlob(nowMs: number, to: Endpoint, key: Uint8Array): number {
    this.advance(nowMs);
    if (!(key instanceof Uint8Array) || key.length !== 32)
      throw new RangeError('key must be 32 bytes');
    return this.open('fetch', to, key.slice(), undefined);
  }

  handleConnected(nowMs: number, conn: ConnectionId): void {
    this.advance(nowMs);
    const t = this.transfers.get(conn);
    if (t === undefined) return;
    this.touch(t);
    if (t.role === 'store') this.write(t, { type: 'put', manifest: t.send!.manifest });
    else this.write(t, { type: 'get', key: t.key });
  }

  handleAccepted(nowMs: number, conn: ConnectionId, from: Endpoint): void {
    this.advance(nowMs);
    // A fair share per address too: connections that send nothing hold a transfer for the idle
    // timeout, so one host could otherwise take every transfer and lock the others out.
    let fromSource = 0;
    for (const t of this.transfers.values())
      if (t.role === 'serve' && t.from && equalBytes(t.from.address, from.address)) fromSource++;
    if (
      this.transfers.size >= this.options.transfersMax ||
      fromSource >= this.options.transfersPerSourceMax
    ) {
      this.store.count('busy');
      this.push({ type: 'send', conn, bytes: encodeBlobFrame({ type: 'refuse', reason: 'busy' }) });
      this.push({ type: 'close', conn });
      return;
    }
    this.transfers.set(conn, {
      conn,
      role: 'serve',
      opId: 0,
      key: new Uint8Array(32),
      from,
      reader: new BlobFrameReader(),
      deadlineMs: nowMs + this.options.idleTimeoutMs,
      send: undefined,
      recv: undefined,
      accepted: false,
    });
  }

  handleReceived(nowMs: number, conn: ConnectionId, bytes: Uint8Array): void {
    this.advance(nowMs);
    const t = this.transfers.get(conn);
    if (t === undefined) return;
    this.touch(t);
    const frames = t.reader.push(bytes);
    if (!frames.ok) return this.protocolError(t, frames.error.code);
    for (const frame of frames.value) {
      if (this.transfers.get(conn) !== t) return; // ended by an earlier frame
      this.onFrame(t, frame);
    }
  }

  handleConnectionClosed(nowMs: number, conn: ConnectionId, end: ConnectionEnd): void {
    this.advance(nowMs);
    const t = this.transfers.get(conn);
    if (t === undefined) return;
    const failure = end === 'refused' || end === 'unreachable' ? 'unreachable' : 'closed';
    this.end(t, failure, false);
  }

  handleTimeout(nowMs: number): void {
    this.advance(nowMs);
    for (const t of [...this.transfers.values()]) {
      if (nowMs < t.deadlineMs) continue;
      this.store.count('timeout');
      this.end(t, 'timeout', true);
    }
  }

  poll(): Output<BlobEvent> | ConnectionOutput {
    if (this.head < this.outputs.length) {
      const out = this.outputs[this.head++]!;
      if (this.head === this.outputs.length) {
        this.outputs.length = 0;
        this.head = 0;
      }
      return out;
    }
    let atMs = Number.POSITIVE_INFINITY;
    for (const t of this.transfers.values()) atMs = Math.min(atMs, t.deadlineMs);
    return { type: 'timeout', atMs };
  }

  // ---- private ----

  /** A handover push of `keyHex` to endpoint key `to` is in flight. */
  private isHanding(keyHex: string, to: string): boolean {
    for (const h of this.handing.values()) if (h.keyHex === keyHex && h.to === to) return true;
    return false;
  }

  private open(role: Role, to: Endpoint, key: Uint8Array, send: Sending | undefined): number {
    const opId = this.nextOp++;
    if (this.transfers.size >= this.options.transfersMax) {
      this.emitEnd(role, opId, key, 'busy', undefined);
      return opId;
    }
    const conn = this.nextConn++;
    this.transfers.set(conn, {
      conn,
      role,
      opId,
      key,
      from: undefined,
      reader: new BlobFrameReader(),
      deadlineMs: this.nowMsValue + this.options.idleTimeoutMs,
      send,
      recv: undefined,
      accepted: false,
    });
    this.push({ type: 'connect', conn, to });
    return opId;
  }

  private onFrame(t: Transfer, frame: BlobFrame): void {
    switch (frame.type) {
      case 'put':
        return t.role === 'serve' && !t.accepted
          ? this.onPut(t, frame.manifest)
          : this.unexpected(t);
      case 'get':
        return t.role === 'serve' && !t.accepted ? this.onGet(t, frame.key) : this.unexpected(t);
      case 'accept':
        if (t.role !== 'store' || t.accepted) return this.unexpected(t);
        t.accepted = true;
        return this.pump(t);
      case 'done':
        if (t.role !== 'store') return this.unexpected(t);
        return this.end(t, undefined, false);
      case 'refuse':
        if (t.role === 'serve') return this.end(t, 'closed', false);
        return this.end(t, frame.reason, false);
      case 'manifest':
        return t.role === 'fetch' && t.recv === undefined
          ? this.onManifest(t, frame.manifest)
          : this.unexpected(t);
      case 'chunk':
        return t.recv !== undefined ? this.onChunk(t, frame.index, frame.data) : this.unexpected(t);
      case 'ack':
        return t.send !== undefined && t.accepted ? this.onAck(t, frame.index) : this.unexpected(t);
    }
  }

  private onPut(t: Transfer, manifest: BlobManifest): void {
    const sha256 = this.options.crypto.sha256;
    t.key = blobKeyOf(manifest, sha256);
    t.accepted = true;
    if (this.store.get(toHex(t.key)) !== undefined) return this.finishServe(t, 'done');
    // The same BLOB already on its way here (several holders hand it over at once): one copy
    // travels; the others hear `busy` and, retried, DONE.
    for (const o of this.transfers.values())
      if (o !== t && o.role === 'serve' && o.recv !== undefined && equalBytes(o.key, t.key))
        return this.refuse(t, 'busy', true);
    const writer = `addr:${toHex(t.from!.address)}`;
    const refusal = this.store.reserve(writer, manifest.size);
    if (refusal !== undefined) return this.refuse(t, refusal, false);
    t.recv = { manifest, buffer: new Uint8Array(manifest.size), next: 0, writer };
    this.write(t, { type: 'accept' });
    if (manifest.chunkHashes.length === 0) this.completeReceive(t);
  }

  private onGet(t: Transfer, key: Uint8Array): void {
    t.key = key;
    t.accepted = true;
    const held = this.store.get(toHex(key));
    if (held === undefined) return this.refuse(t, 'not-found', false);
    t.send = { data: held.data, manifest: held.manifest, next: 0, acked: 0 };
    this.write(t, { type: 'manifest', manifest: held.manifest });
    if (held.manifest.chunkHashes.length === 0) return this.finishServe(t, undefined);
    this.pump(t);
  }

  private onManifest(t: Transfer, manifest: BlobManifest): void {
    if (!equalBytes(blobKeyOf(manifest, this.options.crypto.sha256), t.key))
      return this.refuse(t, 'bad-hash', true);
    if (manifest.size > this.options.blobBytesMax) return this.refuse(t, 'too-large', true);
    t.recv = { manifest, buffer: new Uint8Array(manifest.size), next: 0 };
    if (manifest.chunkHashes.length === 0) this.completeReceive(t);
  }

  private onChunk(t: Transfer, index: number, data: Uint8Array): void {
    const r = t.recv!;
    const m = r.manifest;
    if (index !== r.next || index >= m.chunkHashes.length || data.length !== chunkLength(m, index))
      return this.protocolError(t, 'bad-chunk-index');
    if (!equalBytes(this.options.crypto.sha256(data), m.chunkHashes[index]!))
      return this.refuse(t, 'bad-hash', true);
    r.buffer.set(data, index * m.chunkBytes);
    r.next++;
    this.stats.chunksReceived++;
    this.write(t, { type: 'ack', index });
    if (r.next === m.chunkHashes.length) this.completeReceive(t);
  }

  private onAck(t: Transfer, index: number): void {
    const s = t.send!;
    if (index !== s.acked || index >= s.next) return this.protocolError(t, 'bad-ack');
    s.acked++;
    if (s.acked < s.manifest.chunkHashes.length) return this.pump(t);
    // Every chunk acknowledged: a reader has the BLOB; a writer waits for DONE.
    if (t.role === 'serve') this.finishServe(t, undefined);
  }

  /** Sends chunks while the window has room. */
  private pump(t: Transfer): void {
    const s = t.send!;
    const count = s.manifest.chunkHashes.length;
    while (s.next < count && s.next - s.acked < this.options.windowChunks) {
      const at = s.next * s.manifest.chunkBytes;
      const data = s.data.subarray(at, at + chunkLength(s.manifest, s.next));
      this.write(t, { type: 'chunk', index: s.next, data });
      this.stats.chunksSent++;
      s.next++;
    }
  }

  private completeReceive(t: Transfer): void {
    const r = t.recv!;
    if (t.role === 'fetch') {
      this.emitEnd('fetch', t.opId, t.key, undefined, r.buffer);
      return this.close(t, false);
    }
    this.store.commit(toHex(t.key), { manifest: r.manifest, data: r.buffer, writer: r.writer! });
    t.recv = undefined; // the reservation is the BLOB's now
    this.stats.blobsStored++;
    this.push({ type: 'event', event: { type: 'blob-received', key: t.key, from: t.from! } });
    this.finishServe(t, 'done');
  }

  private finishServe(t: Transfer, frame: 'done' | undefined): void {
    if (frame) this.write(t, { type: 'done' });
    else this.stats.blobsServed++;
    this.close(t, false);
  }

  private refuse(t: Transfer, reason: BlobRefusal, counted: boolean): void {
    if (counted) this.store.count(reason);
    this.write(t, { type: 'refuse', reason });
    this.end(t, reason, false);
  }

  private unexpected(t: Transfer): void {
    this.protocolError(t, 'unexpected-frame');
  }

  private protocolError(t: Transfer, code: string): void {
    this.stats.protocolErrors[code] = (this.stats.protocolErrors[code] ?? 0) + 1;
    this.store.count('malformed');
    this.end(t, 'protocol', true);
  }

  /** Ends a transfer: releases a holder's reservation, reports an operation, closes. */
  private end(t: Transfer, failure: BlobFailure | undefined, abort: boolean): void {
    if (t.recv?.writer !== undefined) this.store.release(t.recv.writer, t.recv.manifest.size);
    t.recv = undefined;
    if (t.role !== 'serve') this.emitEnd(t.role, t.opId, t.key, failure, undefined);
    this.close(t, abort);
  }

  private close(t: Transfer, abort: boolean): void {
    if (this.transfers.get(t.conn) !== t) return;
    this.transfers.delete(t.conn);
    this.push(
      abort ? { type: 'close', conn: t.conn, abort: true } : { type: 'close', conn: t.conn },
    );
  }

  private emitEnd(
    role: Role,
    opId: number,
    key: Uint8Array,
    failure: BlobFailure | undefined,
    blob: Uint8Array | undefined,
  ): void {
    const s = this.stats;
    if (role === 'store') {
      const h = this.handing.get(opId);
      if (h !== undefined) {
        this.handing.delete(opId);
        if (failure === undefined) this.confirmed.get(h.keyHex)?.add(h.to);
      }
      if (failure === undefined) s.storesSucceeded++;
      else s.storesFailed++;
      this.push({ type: 'event', event: { type: 'blob-stored', opId, key, failure } });
    } else if (role === 'fetch') {
      if (failure === undefined) s.fetchesSucceeded++;
      else s.fetchesFailed++;
      this.push({ type: 'event', event: { type: 'blob-fetched', opId, key, blob, failure } });
    }
  }

  private write(t: Transfer, frame: BlobFrame): void {
    this.push({ type: 'send', conn: t.conn, bytes: encodeBlobFrame(frame) });
  }

  private touch(t: Transfer): void {
    t.deadlineMs = this.nowMsValue + this.options.idleTimeoutMs;
  }

  private push(out: Output<BlobEvent> | ConnectionOutput): void {
    this.outputs.push(out);
  }

  private advance(nowMs: number): void {
    if (typeof nowMs !== 'number' || Number.isNaN(nowMs))
      throw new TypeError('nowMs must be a number');
    if (nowMs < this.nowMsValue)
      throw new RangeError(`time went backwards: ${nowMs} < ${this.nowMsValue}`);
    this.nowMsValue = nowMs;
  }
}
