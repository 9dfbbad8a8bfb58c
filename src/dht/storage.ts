/**
 * @module dht/storage
 * Where a `DhtNode`'s records can outlive the process (issue 15 Build 4): a {@link DhtStorage} is
 * told of every record the node's bounded store keeps, refreshes or drops, and hands back what it
 * kept when the node starts. The node's own `ValueStore` stays the authority: it validates, bounds
 * (per node, per writer, in bytes) and picks which version wins; the storage only mirrors it, so
 * the bounds hold whatever the storage does. Lifetimes cross the interface as milliseconds left
 * (the node's clock is monotonic and starts again at each run; a storage that persists converts
 * them to wall-clock time). Records loaded at start are validated again like a REPLICATE, so a
 * tampered file stores nothing it could not have received. The interface is synchronous (the
 * core does no I/O): a persisting storage writes in the background and offers `flush()`, which
 * the async API awaits when it closes. The default is no storage: records live in memory only.
 */
import { toHex } from '../util/bytes.js';
import type { DhtRecord } from './record.js';

/** A record handed to or from a {@link DhtStorage}, with its lifetime left. */
export interface StoredDhtRecord {
  readonly record: DhtRecord;
  /** Milliseconds of lifetime left (records at or below zero are not loaded). */
  readonly ttlMs: number;
  /** Whose quota it counts against (the store's writer tag). @default one of its own */
  readonly writer?: string;
}

/**
 * Persistence of the records a `DhtNode` holds. Implementations never throw (a failing write is
 * their own to report); `pnrp/node` offers a file-backed one, {@link memoryDhtStorage} keeps them
 * in memory (for a node restarted within one process, and for tests).
 * @example new DhtNode({ rng, localEndpoints, storage: memoryDhtStorage() })
 */
export interface DhtStorage {
  /** The records kept from an earlier run; called once, when the node starts. */
  load(): Iterable<StoredDhtRecord>;
  /** A record was stored, replaced or refreshed (`ttlMs` from now). */
  save(entry: StoredDhtRecord): void;
  /** The record of `keyHex` expired or was replaced by nothing. */
  remove(keyHex: string): void;
  /** Resolves once every change so far is durable. @default resolves at once */
  flush?(): Promise<void>;
}

/** An in-memory {@link DhtStorage}, also able to report what it holds. */
export interface MemoryDhtStorage extends DhtStorage {
  /** Records kept, by key (hex). */
  readonly size: number;
}

/**
 * A {@link DhtStorage} in memory: bounded to `recordsMax` records (further records are not kept).
 * Lifetimes are kept as given: it is for a node that restarts within the same run of a test.
 * @example const storage = memoryDhtStorage(); // pass to a second DhtNode to restart with it
 */
export function memoryDhtStorage(recordsMax = 4096): MemoryDhtStorage {
  if (!Number.isInteger(recordsMax) || recordsMax < 1)
    throw new RangeError(`recordsMax must be a positive integer, got ${recordsMax}`);
  const byKey = new Map<string, StoredDhtRecord>();
  return {
    get size() {
      return byKey.size;
    },
    load: () => [...byKey.values()],
    save(entry) {
      const keyHex = toHex(entry.record.key);
      if (!byKey.has(keyHex) && byKey.size >= recordsMax) return;
      byKey.set(keyHex, entry);
    },
    remove(keyHex) {
      byKey.delete(keyHex);
    },
  };
}
