/**
 * @module peer/dht-types
 * What `openDht` takes and what its {@link Dht} offers (issue 15 Build 4): the async API of a DHT
 * on the DRT, shaped like OpenDHT's and libp2p kad-dht's (`put`, `get`, `putMutable`,
 * `getMutable`, `delete`, `listen`), with an `AbortSignal` on every operation and failures as
 * `PnrpError` codes.
 */
import type { DhtNode } from '../dht/dht-node.js';
import type { DhtNodeOptions } from '../dht/options.js';
import type { DhtRecord, MutableWriter } from '../dht/record.js';
import type { DhtStorage } from '../dht/storage.js';
import type { DhtStats } from '../dht/types.js';
import type { BootstrapProvider } from '../drt/bootstrap-provider.js';
import type { DrtStatus } from '../drt/events.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import type { Logger } from '../log.js';
import type { WallClock } from '../sans-io.js';
import type { DatagramTransport, RunningNodeStats, Timers } from '../transport-adapter.js';
import type { Rng } from '../util/rng.js';

/** A key as bytes or as 64 hex digits. */
export type DhtKeyInput = Key | string;

/** A value as bytes or as text (UTF-8). */
export type DhtValueInput = Uint8Array | string;

/** Options every DHT operation takes. */
export interface DhtOperationOptions {
  /** Cancels the operation: it rejects with `CANCELLED`. */
  readonly signal?: AbortSignal;
  /** Longest wait, the join included (`TIMEOUT`). @default 30000 */
  readonly timeoutMs?: number;
}

/** What a put returns. */
export interface DhtPutResult {
  /** Where the value is stored. */
  readonly key: Key;
  /** Sequence number stored (0 for immutable values). */
  readonly seq: number;
  /** Messages the put cost (owner search, STOREs and their answers). */
  readonly messages: number;
}

/** Options of `Dht.putMutable`. */
export interface DhtPutMutableOptions extends DhtOperationOptions {
  /** The writer: an Ed25519 key pair (an `Identity` fits). */
  readonly writer: MutableWriter;
  /** Salt: several values per writer (at most 64 bytes). @default none */
  readonly salt?: DhtValueInput;
  /**
   * Sequence number. @default one more than the stored value's (a get first), with
   * compare-and-swap on the stored one so a concurrent writer makes this put fail `VALUE_REFUSED`
   * (`cas-mismatch`) instead of being lost
   */
  readonly seq?: number;
  /** Stores only if the stored sequence is this (0: none stored). @default see `seq` */
  readonly cas?: number;
}

/** Options of `Dht.getMutable`. */
export interface DhtGetMutableOptions extends DhtOperationOptions {
  /** @default none */
  readonly salt?: DhtValueInput;
}

/** Options of `Dht.delete`. */
export interface DhtDeleteOptions extends DhtOperationOptions {
  readonly writer: MutableWriter;
  /** @default none */
  readonly salt?: DhtValueInput;
  /** Sequence number of the tombstone. @default one more than the stored value's */
  readonly seq?: number;
}

/** Options of `Dht.listen`. */
export interface DhtListenOptions {
  /** Ends the iteration: the pending `next()` rejects with `CANCELLED`. */
  readonly signal?: AbortSignal;
  /** First interval between polls. @default 5000 */
  readonly intervalMs?: number;
  /** Polls back off (doubling) up to this interval while nothing changes. @default 60000 */
  readonly intervalMaxMs?: number;
  /** Longest wait of one poll. @default 30000 */
  readonly pollTimeoutMs?: number;
}

/**
 * Bootstrap of the DHT's cloud: a provider, or endpoints (`[ipv6]:port`, `a.b.c.d:port`).
 * Without it, this node starts a new DHT cloud.
 */
export type DhtBootstrap = BootstrapProvider | readonly (Endpoint | string)[];

/**
 * Options of `openDht`.
 * @example openDht({ transport: await createUdpTransport({ port: 3550 }), bootstrap: ['[::1]:3551'], crypto: nodeCrypto })
 */
export interface OpenDhtOptions {
  /** The DHT's own transport (its DRT and DHT messages share it). */
  readonly transport: DatagramTransport;
  /** @default none: a new DHT cloud */
  readonly bootstrap?: DhtBootstrap;
  /**
   * `storage`: this node holds values for the cloud (an owner and replica); `client`: it only puts
   * and gets through the cloud, holds nothing and is never known to the others as a node, so it
   * may come and go (a command-line `pnrp put`). @default 'storage'
   */
  readonly role?: 'storage' | 'client';
  /** Persists the values this node holds (`fileDhtStorage` in `pnrp/node`). @default memory only */
  readonly storage?: DhtStorage;
  /** Further options of the `DhtNode` (bounds, replication factor, lifetimes, validators). */
  readonly node?: Partial<
    Omit<
      DhtNodeOptions,
      'rng' | 'localEndpoints' | 'wallClock' | 'crypto' | 'bootstrap' | 'storage'
    >
  >;
  /** @default realTimers() */
  readonly timers?: Timers;
  /** @default nobleCrypto; `nodeCrypto` from `pnrp/node` verifies faster */
  readonly crypto?: CryptoBackend;
  /** @default systemRng() */
  readonly rng?: Rng;
  /** @default systemWallClock */
  readonly wallClock?: WallClock;
  /** Datagrams in and out, send errors. @default none */
  readonly logger?: Logger | undefined;
  /** Close the transport in `close()`. @default true */
  readonly closeTransport?: boolean;
}

/**
 * A DHT node with an async API. See `openDht`. Values are `DhtRecord`s: `value`, `seq`,
 * `deleted`, and for mutable values the writer's `publicKey` and the `salt`.
 * @example
 * const { key } = await dht.put('hello');
 * const record = await dht.get(key, { signal: AbortSignal.timeout(5000) });
 */
export interface Dht {
  /** The sans-I/O node underneath (read it; drive it only through this object). */
  readonly node: DhtNode;
  /** Where the DHT answers. */
  readonly localEndpoints: readonly Endpoint[];
  readonly closed: boolean;
  /** The DHT's DRT status (`active` once joined). */
  status(): DrtStatus;
  /** Calls `listener` with each new DRT status of the DHT; returns the unsubscribe function. */
  onStatus(listener: (status: DrtStatus) => void): () => void;
  /**
   * Resolves once the DHT's DRT has joined; rejects `ALONE` when the join failed or there is
   * nobody to join (the first node of a cloud, which still stores what is put through it), and
   * `TIMEOUT` at the deadline.
   */
  whenActive(options?: DhtOperationOptions): Promise<void>;
  /** Stores an immutable value under SHA-256(value); its writer republishes it until `forget`. */
  put(value: DhtValueInput, options?: DhtOperationOptions): Promise<DhtPutResult>;
  /** The record of `key`; `VALUE_NOT_FOUND` when none (or a deleted one, `reason` `deleted`). */
  get(key: DhtKeyInput, options?: DhtOperationOptions): Promise<DhtRecord>;
  /** Stores a signed mutable value under SHA-256(writer's public key ‖ salt). */
  putMutable(value: DhtValueInput, options: DhtPutMutableOptions): Promise<DhtPutResult>;
  /** The mutable value of `publicKey` (and salt). */
  getMutable(publicKey: Uint8Array, options?: DhtGetMutableOptions): Promise<DhtRecord>;
  /** Deletes a mutable value: a signed tombstone with a higher sequence number. */
  delete(options: DhtDeleteOptions): Promise<DhtPutResult>;
  /**
   * The changes of `key`: the current record first (once one exists), then each newer one. The
   * listener polls the key's replicas with gets (see docs/design.md): every `intervalMs`,
   * doubling up to `intervalMaxMs` while nothing changes, and only while a `next()` waits, so
   * nothing is buffered. A mutable value is yielded only with a higher sequence number than the
   * last one yielded (never a rollback); a deletion is yielded as a record with `deleted`.
   */
  listen(key: DhtKeyInput, options?: DhtListenOptions): AsyncIterableIterator<DhtRecord>;
  /** Stops republishing the value of `key` (it expires where it is held). */
  forget(key: DhtKeyInput): boolean;
  /** The node's counters and the run loop's. */
  stats(): DhtStats & { readonly loop: RunningNodeStats };
  /** Leaves the cloud; pending operations reject `CLOSED`; flushes the storage. */
  close(): Promise<void>;
}
