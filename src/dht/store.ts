/**
 * @module dht/store
 * The records one node holds (issue 15 Build 1): a map by key, bounded in records and bytes per
 * node and in records per writer, each record with its expiry. A writer is the public key of a
 * signed record, else the address that sent it, whatever its port (immutable records name no
 * writer), so one writer can fill at most its share. Every refusal is counted by reason; a refused record leaves
 * nothing behind. Which record wins for one key is the record type's validator's choice
 * (`record.ts`), with BEP 44's compare-and-swap on top for STOREs that ask for it.
 */
import type { CryptoBackend } from '../keys/crypto-backend.js';
import { toHex } from '../util/bytes.js';
import { DHT_RECORD_TYPE, type DhtRefusal } from './constants.js';
import {
  type DhtRecord,
  immutableValidator,
  mutableValidator,
  recordBytes,
  type ValueValidator,
} from './record.js';
import type { DhtStorage } from './storage.js';

/** Bounds of a {@link ValueStore}. */
export interface StoreLimits {
  /** Records held at most. */
  readonly recordsMax: number;
  /** Bytes of records held at most (see `recordBytes`). */
  readonly bytesMax: number;
  /** Records one writer may have here. */
  readonly recordsPerWriterMax: number;
  /** Records one source (the address that sent them, see `put`) may have here. @default no bound */
  readonly recordsPerSourceMax?: number;
  /** Longest value accepted (at most the wire's 65,000; above 1000 in fragments). */
  readonly valueBytesMax: number;
}

/** One held record. */
export interface StoredRecord {
  readonly record: DhtRecord;
  /** Local monotonic time it expires at. */
  expiresAtMs: number;
  readonly writer: string;
  /** The source it is counted against (see `put`), if any. */
  readonly source?: string;
  /** DRT keys (hex) of nodes known to hold this version (replica bookkeeping, dht-node.ts). */
  readonly holders: Set<string>;
}

/** What {@link ValueStore.put} did. */
export type StoreOutcome =
  | { readonly ok: true; readonly change: 'new' | 'replaced' | 'refreshed' }
  | { readonly ok: false; readonly refusal: DhtRefusal };

/**
 * Bounded record storage with validation.
 * @example const store = new ValueStore(limits, nobleCrypto); store.put(now, record, ttlMs, 'addr:..');
 */
export class ValueStore {
  /** Refusals by reason (never reset). */
  readonly refused: Record<string, number> = {};
  private readonly limits: StoreLimits;
  private readonly crypto: CryptoBackend;
  private readonly validators: ReadonlyMap<number, ValueValidator>;
  private readonly byKey = new Map<string, StoredRecord>();
  private readonly perWriter = new Map<string, number>();
  private readonly perSource = new Map<string, number>();
  private bytes = 0;
  /** Told of every record kept, refreshed or dropped (dht/storage.ts). @default none */
  storage: DhtStorage | undefined;

  constructor(
    limits: StoreLimits,
    crypto: CryptoBackend,
    validators: ReadonlyMap<number, ValueValidator> = new Map(),
  ) {
    this.limits = limits;
    this.crypto = crypto;
    const all = new Map<number, ValueValidator>(validators);
    all.set(DHT_RECORD_TYPE.immutable, immutableValidator);
    all.set(DHT_RECORD_TYPE.mutable, mutableValidator);
    this.validators = all;
  }

  /** Records held. */
  get size(): number {
    return this.byKey.size;
  }

  /** Bytes held (see `recordBytes`). */
  get bytesHeld(): number {
    return this.bytes;
  }

  /** The live record of `keyHex`, if held and not expired at `nowMs`. */
  get(nowMs: number, keyHex: string): StoredRecord | undefined {
    const held = this.byKey.get(keyHex);
    if (held === undefined || nowMs >= held.expiresAtMs) return undefined;
    return held;
  }

  /** Every held record (expired ones until the next sweep). */
  entries(): IterableIterator<[string, StoredRecord]> {
    return this.byKey.entries();
  }

  /**
   * Why `record` would be refused by its type's validator, before any storage question.
   * @example store.check(record) // 'bad-signature'
   */
  check(record: DhtRecord): DhtRefusal | undefined {
    if (record.value.length > this.limits.valueBytesMax) return 'oversized';
    const validator = this.validators.get(record.type);
    if (validator === undefined) return 'unknown-type';
    try {
      return validator.validate(record, this.crypto);
    } catch {
      return 'malformed';
    }
  }

  /**
   * Stores `record` for `ttlMs` unless refused; `cas` (BEP 44) requires the current seq to be
   * it. A new record is counted against `source` too (the address that sent it), bounded by
   * `recordsPerSourceMax` (refused `writer-quota`). Counted in {@link refused} when refused;
   * nothing is stored then.
   */
  put(
    nowMs: number,
    record: DhtRecord,
    ttlMs: number,
    writerOfUnsigned: string,
    cas?: number,
    source?: string,
  ): StoreOutcome {
    const outcome = this.decide(nowMs, record, ttlMs, writerOfUnsigned, cas, source);
    if (!outcome.ok) this.refused[outcome.refusal] = (this.refused[outcome.refusal] ?? 0) + 1;
    else if (this.storage !== undefined) {
      const held = this.byKey.get(toHex(record.key))!;
      const { writer } = held;
      this.storage.save({ record: held.record, ttlMs: held.expiresAtMs - nowMs, writer });
    }
    return outcome;
  }

  private decide(
    nowMs: number,
    record: DhtRecord,
    ttlMs: number,
    writerOfUnsigned: string,
    cas: number | undefined,
    source: string | undefined,
  ): StoreOutcome {
    const invalid = this.check(record);
    if (invalid !== undefined) return { ok: false, refusal: invalid };
    const keyHex = toHex(record.key);
    const current = this.get(nowMs, keyHex);
    const expiresAtMs = nowMs + ttlMs;
    if (current !== undefined) {
      if (cas !== undefined && current.record.seq !== cas)
        return { ok: false, refusal: 'cas-mismatch' };
      const choice = this.select(current.record, record);
      if (choice === 'equal') {
        current.expiresAtMs = Math.max(current.expiresAtMs, expiresAtMs);
        return { ok: true, change: 'refreshed' };
      }
      if (choice === 'current') {
        // Same seq with other content is BEP 44's conflict; anything else is not newer.
        const conflict =
          record.type === DHT_RECORD_TYPE.mutable && record.seq === current.record.seq;
        return { ok: false, refusal: conflict ? 'seq-conflict' : 'stale-seq' };
      }
      const grow = recordBytes(record) - recordBytes(current.record);
      if (this.bytes + grow > this.limits.bytesMax) return { ok: false, refusal: 'node-full' };
      this.bytes += grow;
      this.byKey.set(keyHex, {
        record,
        expiresAtMs,
        writer: current.writer,
        ...(current.source !== undefined ? { source: current.source } : {}),
        holders: new Set(),
      });
      return { ok: true, change: 'replaced' };
    }
    if (cas !== undefined && cas !== 0) return { ok: false, refusal: 'cas-mismatch' };
    this.dropIfExpired(nowMs, keyHex);
    const writer = record.publicKey ? `pk:${toHex(record.publicKey)}` : writerOfUnsigned;
    if ((this.perWriter.get(writer) ?? 0) >= this.limits.recordsPerWriterMax)
      return { ok: false, refusal: 'writer-quota' };
    if (
      source !== undefined &&
      (this.perSource.get(source) ?? 0) >= (this.limits.recordsPerSourceMax ?? Infinity)
    )
      return { ok: false, refusal: 'writer-quota' };
    const size = recordBytes(record);
    if (this.byKey.size >= this.limits.recordsMax || this.bytes + size > this.limits.bytesMax)
      return { ok: false, refusal: 'node-full' };
    this.byKey.set(keyHex, {
      record,
      expiresAtMs,
      writer,
      ...(source !== undefined ? { source } : {}),
      holders: new Set(),
    });
    this.perWriter.set(writer, (this.perWriter.get(writer) ?? 0) + 1);
    if (source !== undefined) this.perSource.set(source, (this.perSource.get(source) ?? 0) + 1);
    this.bytes += size;
    return { ok: true, change: 'new' };
  }

  private select(current: DhtRecord, incoming: DhtRecord): 'incoming' | 'current' | 'equal' {
    if (current.type !== incoming.type) return 'current';
    try {
      return this.validators.get(incoming.type)!.select(current, incoming);
    } catch {
      return 'current';
    }
  }

  /** Removes records expired at `nowMs`; returns how many. */
  sweep(nowMs: number): number {
    let removed = 0;
    for (const keyHex of [...this.byKey.keys()]) if (this.dropIfExpired(nowMs, keyHex)) removed++;
    return removed;
  }

  private dropIfExpired(nowMs: number, keyHex: string): boolean {
    const held = this.byKey.get(keyHex);
    if (held === undefined || nowMs < held.expiresAtMs) return false;
    this.byKey.delete(keyHex);
    this.storage?.remove(keyHex);
    this.bytes -= recordBytes(held.record);
    const n = (this.perWriter.get(held.writer) ?? 1) - 1;
    if (n <= 0) this.perWriter.delete(held.writer);
    else this.perWriter.set(held.writer, n);
    if (held.source !== undefined) {
      const m = (this.perSource.get(held.source) ?? 1) - 1;
      if (m <= 0) this.perSource.delete(held.source);
      else this.perSource.set(held.source, m);
    }
    return true;
  }
}
