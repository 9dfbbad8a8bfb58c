/**
 * @module peer/open-dht
 * `openDht`: the async API of a DHT on the DRT (issue 15 Build 4). It runs one `DhtNode` (which
 * owns its own `DrtNode`) over `runNode()` on a transport of its own, with its own bootstrap: the
 * DHT is a DRT cloud of its own, beside a peer's PNRP clouds, so a PNRP node and a DHT node never
 * compete for one endpoint's datagrams and each can be run (or not) by itself. `createPeer({ dht })`
 * opens one as `peer.dht`. Each operation is one `DhtNode` command whose `put-done` / `get-done`
 * event settles a Promise; before the DHT's DRT has joined, operations wait for the join (within
 * their deadline). `AbortSignal`s and deadlines settle the Promise at once; the node's operation
 * then ends by itself (its searches and retries are bounded) and its event is discarded.
 * Failures are `PnrpError`s: `VALUE_NOT_FOUND`, `VALUE_REFUSED` (with the refusal in `reason`),
 * `TIMEOUT`, `CANCELLED`, `CLOSED`, `ALONE` (no node to store at), `BUSY`.
 */
import { DHT_LARGE_VALUE_BYTES_MAX, DHT_REFUSAL_REASONS } from '../dht/constants.js';
import { DhtNode } from '../dht/dht-node.js';
import { type DhtRecord, type MutableWriter, mutableKeyOf } from '../dht/record.js';
import type { DhtEvent, DhtFailure } from '../dht/types.js';
import { type BootstrapProvider, staticBootstrap } from '../drt/bootstrap-provider.js';
import type { DrtStatus } from '../drt/events.js';
import { nobleCrypto } from '../keys/crypto-backend.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import { realTimers, systemRng, systemWallClock } from '../runtime.js';
import { type RunningNode, runNode, type Timers } from '../transport-adapter.js';
import { fromHex, utf8Encode } from '../util/bytes.js';
import { listenDht } from './dht-listen.js';
import { type OperationHost, runOperation } from './dht-operation.js';
import type {
  Dht,
  DhtBootstrap,
  DhtDeleteOptions,
  DhtGetMutableOptions,
  DhtKeyInput,
  DhtListenOptions,
  DhtOperationOptions,
  DhtPutMutableOptions,
  DhtPutResult,
  DhtValueInput,
  OpenDhtOptions,
} from './dht-types.js';
import { PnrpError } from './error.js';
import { hostBootstrapOf } from './host-bootstrap.js';

/**
 * Opens a DHT node over `transport` and returns its async API. Throws `TypeError`/`RangeError`
 * at once for bad options.
 * @example
 * const dht = openDht({ transport: await createUdpTransport({ port: 3550 }), bootstrap: ['[::1]:3551'] });
 * const { key } = await dht.put('hello');
 * const record = await dht.get(key);
 * await dht.close();
 */
export function openDht(options: OpenDhtOptions): Dht {
  return new DhtImpl(options);
}

/** A `DhtFailure` as a `PnrpError`. */
export function dhtFailureError(failure: DhtFailure | string, what: string): PnrpError {
  if ((DHT_REFUSAL_REASONS as readonly string[]).includes(failure))
    return new PnrpError('VALUE_REFUSED', `${what}: refused (${failure})`, { reason: failure });
  const code =
    failure === 'not-found'
      ? 'VALUE_NOT_FOUND'
      : failure === 'timeout'
        ? 'TIMEOUT'
        : failure === 'no-owner'
          ? 'ALONE'
          : failure === 'busy'
            ? 'BUSY'
            : 'CLOSED';
  return new PnrpError(code, `${what}: ${failure}`, { reason: failure });
}

function bootstrapOf(bootstrap: DhtBootstrap | undefined): BootstrapProvider {
  if (bootstrap === undefined) return staticBootstrap([]);
  if (Array.isArray(bootstrap))
    return hostBootstrapOf(bootstrap as readonly (Endpoint | string)[], undefined).provider;
  if (typeof (bootstrap as BootstrapProvider).endpoints !== 'function')
    throw new TypeError('bootstrap must be a BootstrapProvider or a list of endpoints');
  return bootstrap as BootstrapProvider;
}

/** `key` as 32 bytes; INVALID_ARGUMENT otherwise. */
export function dhtKeyOf(key: DhtKeyInput): Key {
  const bytes =
    typeof key === 'string' && /^[0-9a-fA-F]{64}$/.test(key)
      ? fromHex(key)
      : key instanceof Uint8Array && key.length === 32
        ? key
        : undefined;
  if (bytes === undefined)
    throw new PnrpError('INVALID_ARGUMENT', 'a DHT key is 32 bytes or 64 hex digits');
  return bytes;
}

function bytesOf(value: DhtValueInput | undefined): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  if (typeof value === 'string') return utf8Encode(value);
  if (value instanceof Uint8Array) return value;
  throw new PnrpError('INVALID_ARGUMENT', 'a DHT value is a Uint8Array or a string');
}

/** A value's bytes; over the record format's largest value, refused as a node would refuse it. */
function valueBytesOf(value: DhtValueInput): Uint8Array {
  const bytes = bytesOf(value);
  if (bytes.length > DHT_LARGE_VALUE_BYTES_MAX)
    throw new PnrpError(
      'VALUE_REFUSED',
      `a DHT value is at most ${DHT_LARGE_VALUE_BYTES_MAX} bytes, got ${bytes.length}`,
      { reason: 'oversized' },
    );
  return bytes;
}

type Done = Extract<DhtEvent, { type: 'put-done' | 'get-done' }>;

class DhtImpl implements Dht {
  readonly node: DhtNode;
  readonly localEndpoints: readonly Endpoint[];
  private readonly running: RunningNode<DhtNode>;
  private readonly timers: Timers;
  private readonly options: OpenDhtOptions;
  /** What waits for each operation's end, by operation ID. */
  private readonly waiters = new Map<number, (event: Done) => void>();
  /** Ends that came before their waiter (an operation that ended inside its own command). */
  private readonly early = new Map<number, Done>();
  /** Runs when the DHT's DRT status changes or a join fails, and on close. */
  private readonly statusListeners = new Set<() => void>();
  /** The application's `onStatus` listeners. */
  private readonly statusWatchers = new Set<(status: DrtStatus) => void>();
  private closedValue = false;
  private readonly opHost: OperationHost = {
    timers: () => this.timers,
    closed: () => this.closedValue,
    onClose: (listener) => {
      this.statusListeners.add(listener);
      return () => this.statusListeners.delete(listener);
    },
  };

  constructor(options: OpenDhtOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('openDht: options must be an object');
    const { transport } = options;
    if (typeof transport?.send !== 'function')
      throw new TypeError('openDht: options.transport must be a DatagramTransport');
    this.options = options;
    this.timers = options.timers ?? realTimers();
    this.localEndpoints = transport.localEndpoints();
    this.node = new DhtNode({
      ...options.node,
      rng: options.rng ?? systemRng(),
      localEndpoints: this.localEndpoints,
      wallClock: options.wallClock ?? systemWallClock,
      crypto: options.crypto ?? nobleCrypto,
      bootstrap: bootstrapOf(options.bootstrap),
      ...(options.storage ? { storage: options.storage } : {}),
    });
    this.running = runNode(this.node, transport, this.timers, {
      onEvent: (e) => this.onEvent(e),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const client = options.role === 'client';
    this.running.command((n, now) => (client ? n.startClient(now) : n.start(now)));
  }

  get closed(): boolean {
    return this.closedValue;
  }

  status(): DrtStatus {
    return this.node.drt.status;
  }

  onStatus(listener: (status: DrtStatus) => void): () => void {
    this.statusWatchers.add(listener);
    return () => this.statusWatchers.delete(listener);
  }

  whenActive(options: DhtOperationOptions = {}): Promise<void> {
    return runOperation(this.opHost, options, 'whenActive', (settle) =>
      this.afterJoin(() => {
        if (this.status() === 'active') settle.resolve(undefined);
        else settle.reject(new PnrpError('ALONE', 'the DHT knows no other node'));
      }),
    );
  }

  put(value: DhtValueInput, options: DhtOperationOptions = {}): Promise<DhtPutResult> {
    return this.run(options, 'put', (n, now) => n.put(now, valueBytesOf(value)).opId, putResult(0));
  }

  get(key: DhtKeyInput, options: DhtOperationOptions = {}): Promise<DhtRecord> {
    return this.getRecord(key, options).then((record) => {
      if (record.deleted)
        throw new PnrpError('VALUE_NOT_FOUND', 'get: the value was deleted', { reason: 'deleted' });
      return record;
    });
  }

  /** The record of `key`, tombstones included. */
  getRecord(key: DhtKeyInput, options: DhtOperationOptions): Promise<DhtRecord> {
    return this.run(
      options,
      'get',
      (n, now) => n.get(now, dhtKeyOf(key)),
      (e) => {
        if (e.type !== 'get-done' || e.record === undefined)
          throw new PnrpError('VALUE_NOT_FOUND', 'get: no value', { reason: 'not-found' });
        return e.record;
      },
    );
  }

  async putMutable(value: DhtValueInput, options: DhtPutMutableOptions): Promise<DhtPutResult> {
    const bytes = valueBytesOf(value);
    const salt = bytesOf(options?.salt);
    const { seq, cas } = await this.nextSeq(options, salt);
    return this.run(
      options,
      'putMutable',
      (n, now) =>
        n.putMutable(now, options.writer, {
          seq,
          value: bytes,
          salt,
          ...(cas !== undefined ? { cas } : {}),
        }).opId,
      putResult(seq),
    );
  }

  getMutable(publicKey: Uint8Array, options: DhtGetMutableOptions = {}): Promise<DhtRecord> {
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32)
      return Promise.reject(new PnrpError('INVALID_ARGUMENT', 'publicKey must be 32 bytes'));
    const crypto = this.options.crypto ?? nobleCrypto;
    return this.get(mutableKeyOf(publicKey, bytesOf(options.salt), crypto), options);
  }

  async delete(options: DhtDeleteOptions): Promise<DhtPutResult> {
    const salt = bytesOf(options?.salt);
    const { seq } = await this.nextSeq(options, salt);
    return this.run(
      options,
      'delete',
      (n, now) => n.deleteMutable(now, options.writer, { seq, salt }).opId,
      putResult(seq),
    );
  }

  listen(key: DhtKeyInput, options: DhtListenOptions = {}): AsyncIterableIterator<DhtRecord> {
    const k = dhtKeyOf(key);
    return listenDht(
      {
        get: (o) => this.getRecord(k, o),
        sleep: (ms, signal) => this.sleep(ms, signal),
      },
      options,
    );
  }

  forget(key: DhtKeyInput): boolean {
    return this.node.forget(dhtKeyOf(key));
  }

  stats() {
    return { ...this.node.stats, loop: { ...this.running.stats } };
  }

  async close(): Promise<void> {
    if (this.closedValue) return;
    this.running.command((n, now) => n.close(now));
    this.closedValue = true;
    this.running.stop();
    for (const listener of [...this.statusListeners]) listener();
    this.waiters.clear();
    this.early.clear();
    this.statusWatchers.clear();
    await this.options.storage?.flush?.();
    if (this.options.closeTransport ?? true) await this.options.transport.close();
  }

  /** The sequence number (and compare-and-swap) of a mutable put or delete. */
  private async nextSeq(
    options: {
      readonly writer: MutableWriter;
      readonly seq?: number;
      readonly cas?: number;
    } & DhtOperationOptions,
    salt: Uint8Array,
  ): Promise<{ seq: number; cas: number | undefined }> {
    const writer = options?.writer;
    if (!(writer?.publicKey instanceof Uint8Array) || !(writer.secretKey instanceof Uint8Array))
      throw new PnrpError('INVALID_ARGUMENT', 'writer must be a key pair (an Identity fits)');
    if (options.seq !== undefined) return { seq: options.seq, cas: options.cas };
    const crypto = this.options.crypto ?? nobleCrypto;
    const current = await this.getRecord(
      mutableKeyOf(writer.publicKey, salt, crypto),
      options,
    ).then(
      (r) => r.seq,
      (e: unknown) => {
        if (e instanceof PnrpError && e.code === 'VALUE_NOT_FOUND') return 0;
        throw e;
      },
    );
    return { seq: current + 1, cas: options.cas ?? current };
  }

  /** Runs one DhtNode operation after the join; `end` turns its event into the result. */
  private run<T>(
    options: DhtOperationOptions,
    what: string,
    start: (node: DhtNode, nowMs: number) => number,
    end: (event: Done) => T,
  ): Promise<T> {
    return runOperation(this.opHost, options, what, (settle) =>
      this.afterJoin(() => {
        const opId = this.running.command(start);
        const finish = (event: Done): void => {
          if (event.failure !== undefined)
            return settle.reject(dhtFailureError(event.failure, what));
          try {
            settle.resolve(end(event));
          } catch (error) {
            settle.reject(error);
          }
        };
        const early = this.early.get(opId);
        this.early.delete(opId);
        if (early) return finish(early);
        this.waiters.set(opId, finish);
        // Abandoned (abort, deadline): the node's operation ends by itself; its event is dropped.
        settle.onEnd(() => {
          if (this.waiters.get(opId) === finish) this.waiters.set(opId, () => {});
        });
      }),
    );
  }

  /** Runs `begin` once the DRT has joined or is not joining (its own deadline applies). */
  private afterJoin(begin: () => void): () => void {
    const drt = this.node.drt;
    if (drt.status === 'active' || !drt.joining) {
      begin();
      return () => {};
    }
    const listener = (): void => {
      if (this.closedValue || drt.status === 'active' || !drt.joining) {
        this.statusListeners.delete(listener);
        if (!this.closedValue) begin();
      }
    };
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private onEvent(event: DhtEvent): void {
    if (event.type === 'drt') {
      const t = event.event.type;
      if (t === 'status-changed' || t === 'join-failed')
        for (const listener of [...this.statusListeners]) listener();
      if (event.event.type === 'status-changed') {
        const { status } = event.event;
        for (const watcher of [...this.statusWatchers]) watcher(status);
      }
      return;
    }
    if (event.type === 'put-done' && event.republish) return;
    const waiter = this.waiters.get(event.opId);
    this.waiters.delete(event.opId);
    if (waiter) waiter(event);
    else this.early.set(event.opId, event);
  }

  /** Resolves after `ms` (rejects `CANCELLED` on abort, `CLOSED` on close). */
  private sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return runOperation(this.opHost, { ...(signal ? { signal } : {}) }, 'listen', (settle) => {
      const timer = this.timers.arm(this.timers.nowMs() + ms, () => settle.resolve(undefined));
      return () => timer.cancel();
    });
  }
}

function putResult(seq: number): (event: Done) => DhtPutResult {
  return (event) => ({ key: event.key, seq, messages: event.messages });
}
