/**
 * @module adapters/node/file-dht-storage
 * A file-backed `DhtStorage` (dht/storage.ts): the records a `DhtNode` holds, kept in one JSON
 * file so that a restarted node serves them again. Changes are gathered for `writeDelayMs`, then
 * the whole set is written to a temporary file beside the target and renamed over it, so the file
 * is always either the old or the new set, never half of one. Lifetimes are stored as wall-clock
 * expiry times; expired records are not loaded. Bounded: at most `recordsMax` records are kept
 * and a file over `fileBytesMax` is not read. Loading never throws: a missing file starts empty,
 * and a file that cannot be read or parsed (or is too large) starts empty too, with the reason in
 * `loadProblem` and passed to `onWarning`. The node validates every loaded record again, so a
 * tampered file cannot plant a record that would have been refused on the wire.
 */
import { readFileSync, statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { DhtRecord } from '../../dht/record.js';
import type { DhtStorage, StoredDhtRecord } from '../../dht/storage.js';
import { fromHex, toHex } from '../../util/bytes.js';

/** Options of {@link fileDhtStorage}. */
export interface FileDhtStorageOptions {
  /** The file (created on the first write; its directory must exist). */
  readonly path: string;
  /** Records kept at most; further new keys are not kept. @default 4096 */
  readonly recordsMax?: number;
  /** A larger file is not read (the node starts empty). @default 16777216 */
  readonly fileBytesMax?: number;
  /** Changes are gathered this long before a write. @default 200 */
  readonly writeDelayMs?: number;
  /** Hears why a file was not loaded or a write failed. @default `process.emitWarning` */
  readonly onWarning?: (message: string) => void;
  /** Wall-clock milliseconds (expiry times). @default Date.now */
  readonly nowMs?: () => number;
}

/** A {@link fileDhtStorage}: a `DhtStorage` with its file's state. */
export interface FileDhtStorage extends DhtStorage {
  readonly path: string;
  /** Records kept. */
  readonly size: number;
  /** Why the file was not loaded at open (it started empty), if it was not. */
  readonly loadProblem: string | undefined;
  /** Writes that failed (each reported to `onWarning`). */
  readonly writeErrors: number;
  /** Writes the pending changes now; resolves once they are on disk. */
  flush(): Promise<void>;
}

const FORMAT = 'pnrp-dht-storage';

interface FileRecord {
  readonly record: DhtRecord;
  readonly expiresAt: number;
  readonly writer: string | undefined;
}

/**
 * Opens (or starts) the record file at `path`. Never throws for the file's content.
 * @example const dht = openDht({ transport, storage: fileDhtStorage({ path: 'dht-records.json' }) });
 */
export function fileDhtStorage(options: FileDhtStorageOptions): FileDhtStorage {
  const path = options?.path;
  if (typeof path !== 'string' || path.length === 0)
    throw new TypeError('fileDhtStorage: path must be a file path');
  const recordsMax = positive(options.recordsMax ?? 4096, 'recordsMax');
  const fileBytesMax = positive(options.fileBytesMax ?? 16 * 1024 * 1024, 'fileBytesMax');
  const writeDelayMs = options.writeDelayMs ?? 200;
  if (!(Number.isFinite(writeDelayMs) && writeDelayMs >= 0))
    throw new RangeError('writeDelayMs must be a number >= 0');
  const warn = options.onWarning ?? ((m: string) => process.emitWarning(m, 'PnrpDhtStorage'));
  const now = options.nowMs ?? Date.now;
  const byKey = new Map<string, FileRecord>();
  const loaded = readRecords(path, fileBytesMax);
  const loadProblem = loaded.ok ? undefined : loaded.problem;
  if (loaded.ok)
    for (const r of loaded.records.slice(0, recordsMax)) byKey.set(toHex(r.record.key), r);
  else if (loaded.problem !== 'missing') warn(`${path}: starting empty: ${loaded.problem}`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  let writeErrors = 0;
  let tmpCounter = 0;

  const writeNow = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const text = JSON.stringify({
      format: FORMAT,
      version: 1,
      records: [...byKey.values()].map(encodeRecord),
    });
    const tmp = `${path}.${process.pid}.${tmpCounter++}.tmp`;
    writing = writing
      .then(() => writeFile(tmp, text, { mode: 0o600 }))
      .then(() => rename(tmp, path))
      .catch((error: unknown) => {
        writeErrors++;
        warn(`${path}: write failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    return writing;
  };
  const changed = (): void => {
    if (timer !== undefined) return;
    timer = setTimeout(() => void writeNow(), writeDelayMs);
    timer.unref?.();
  };

  return {
    path,
    get size() {
      return byKey.size;
    },
    loadProblem: loadProblem === 'missing' ? undefined : loadProblem,
    get writeErrors() {
      return writeErrors;
    },
    load(): StoredDhtRecord[] {
      const t = now();
      const out: StoredDhtRecord[] = [];
      for (const r of byKey.values()) {
        const ttlMs = r.expiresAt - t;
        if (ttlMs > 0)
          out.push({ record: r.record, ttlMs, ...(r.writer ? { writer: r.writer } : {}) });
      }
      return out;
    },
    save(entry) {
      const keyHex = toHex(entry.record.key);
      if (!byKey.has(keyHex) && byKey.size >= recordsMax) return;
      byKey.set(keyHex, {
        record: entry.record,
        expiresAt: now() + entry.ttlMs,
        writer: entry.writer,
      });
      changed();
    },
    remove(keyHex) {
      if (byKey.delete(keyHex)) changed();
    },
    flush(): Promise<void> {
      return timer !== undefined ? writeNow() : writing;
    },
  };
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function encodeRecord(r: FileRecord): Record<string, unknown> {
  const { record } = r;
  return {
    type: record.type,
    key: toHex(record.key),
    value: toHex(record.value),
    seq: record.seq,
    deleted: record.deleted,
    ...(record.publicKey ? { publicKey: toHex(record.publicKey) } : {}),
    ...(record.salt ? { salt: toHex(record.salt) } : {}),
    ...(record.signature ? { signature: toHex(record.signature) } : {}),
    expiresAt: r.expiresAt,
    ...(r.writer !== undefined ? { writer: r.writer } : {}),
  };
}

type ReadResult =
  | { readonly ok: true; readonly records: FileRecord[] }
  | { readonly ok: false; readonly problem: string };

/** Reads and checks the file; never throws. */
function readRecords(path: string, fileBytesMax: number): ReadResult {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > fileBytesMax)
      return { ok: false, problem: `file is ${size} bytes, over fileBytesMax ${fileBytesMax}` };
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return { ok: false, problem: 'missing' };
    return { ok: false, problem: `cannot read: ${(error as Error).message}` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON: ${(error as Error).message}` };
  }
  const d = doc as { format?: unknown; version?: unknown; records?: unknown } | null;
  if (d?.format !== FORMAT || d.version !== 1 || !Array.isArray(d.records))
    return { ok: false, problem: `not a ${FORMAT} version 1 file` };
  const records: FileRecord[] = [];
  for (const [i, item] of d.records.entries()) {
    const r = decodeRecord(item);
    if (r === undefined) return { ok: false, problem: `record ${i} is malformed` };
    records.push(r);
  }
  return { ok: true, records };
}

const HEX = /^(?:[0-9a-f]{2})*$/;

function hexField(o: Record<string, unknown>, name: string): Uint8Array | undefined | null {
  const v = o[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' && HEX.test(v) ? fromHex(v) : null;
}

function decodeRecord(item: unknown): FileRecord | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const o = item as Record<string, unknown>;
  const key = hexField(o, 'key');
  const value = hexField(o, 'value');
  const publicKey = hexField(o, 'publicKey');
  const salt = hexField(o, 'salt');
  const signature = hexField(o, 'signature');
  if (key?.length !== 32 || !value || publicKey === null || salt === null) return undefined;
  if (signature === null) return undefined;
  const { type, seq, deleted, expiresAt, writer } = o;
  if (!Number.isInteger(type) || !Number.isSafeInteger(seq) || typeof deleted !== 'boolean')
    return undefined;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  if (writer !== undefined && typeof writer !== 'string') return undefined;
  const record: DhtRecord = {
    type: type as number,
    key,
    value,
    seq: seq as number,
    deleted,
    ...(publicKey ? { publicKey } : {}),
    ...(salt ? { salt } : {}),
    ...(signature ? { signature } : {}),
  };
  return { record, expiresAt, writer };
}
