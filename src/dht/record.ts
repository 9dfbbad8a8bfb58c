/**
 * @module dht/record
 * What the DHT stores (issue 15 Build 2): a record has a type, a 256-bit key, a value and a
 * sequence number. Two types are built in, following BEP 44:
 * - immutable (type 1): key = SHA-256(value), sequence 0, no signature;
 * - mutable (type 2): key = SHA-256(public key ‖ salt), signed with Ed25519 over
 *   ("pnrp-dht-mutable-1" ‖ salt length ‖ salt ‖ seq (u64 BE) ‖ flags ‖ value); a higher sequence
 *   replaces a lower one, and deletion is a signed tombstone (flag `deleted`, empty value) with a
 *   higher sequence, kept until it expires so an older version can not come back.
 * Applications add record types 16..255 with a {@link ValueValidator} (libp2p's validate and
 * select): validate says why a record is refused, select which of two records for one key wins.
 */
import type { CryptoBackend } from '../keys/crypto-backend.js';
import type { Key } from '../keys/key256.js';
import { concatBytes, equalBytes, utf8Encode } from '../util/bytes.js';
import {
  DHT_LARGE_VALUE_BYTES_MAX,
  DHT_PUBLIC_KEY_BYTES,
  DHT_RECORD_TYPE,
  DHT_SALT_BYTES_MAX,
  DHT_SEQ_MAX,
  DHT_SIGNATURE_BYTES,
  type DhtRefusal,
} from './constants.js';

/** A record: what one key holds. */
export interface DhtRecord {
  /** {@link DHT_RECORD_TYPE} or an application type (16..255). */
  readonly type: number;
  readonly key: Key;
  readonly value: Uint8Array;
  /** 0 for immutable records. */
  readonly seq: number;
  /** A signed tombstone (mutable records): the value is empty. */
  readonly deleted: boolean;
  /** Writer's Ed25519 public key (signed records). */
  readonly publicKey?: Uint8Array;
  /** Salt of a mutable key (may be empty). */
  readonly salt?: Uint8Array;
  /** Ed25519 signature (signed records). */
  readonly signature?: Uint8Array;
}

/** Which of two records for one key wins: the incoming one, the current one, or they are equal. */
export type RecordChoice = 'incoming' | 'current' | 'equal';

/**
 * How an application type is checked (libp2p's `Validator` and `Selector` in one).
 * @example const v: ValueValidator = { validate: () => undefined, select: (c, i) => i.seq > c.seq ? 'incoming' : 'current' };
 */
export interface ValueValidator {
  /** Why `record` is refused (a reason code), or undefined when it is acceptable. Never throws. */
  validate(record: DhtRecord, crypto: CryptoBackend): DhtRefusal | undefined;
  /** Which of two valid records for the same key to keep. Never throws. */
  select(current: DhtRecord, incoming: DhtRecord): RecordChoice;
}

const MUTABLE_CONTEXT: Uint8Array = utf8Encode('pnrp-dht-mutable-1');

/**
 * The key of an immutable value: SHA-256 of the value.
 * @example immutableKeyOf(utf8Encode('hello'), nobleCrypto)
 */
export function immutableKeyOf(value: Uint8Array, crypto: CryptoBackend): Key {
  return crypto.sha256(value);
}

/**
 * The key of a mutable value: SHA-256(public key ‖ salt).
 * @example mutableKeyOf(alice.publicKey, new Uint8Array(0), nobleCrypto)
 */
export function mutableKeyOf(publicKey: Uint8Array, salt: Uint8Array, crypto: CryptoBackend): Key {
  return crypto.sha256(concatBytes(publicKey, salt));
}

/**
 * The bytes a mutable record's signature covers.
 * @example crypto.ed25519Verify(sig, mutableSignedBytes(salt, 3, false, value), pk)
 */
export function mutableSignedBytes(
  salt: Uint8Array,
  seq: number,
  deleted: boolean,
  value: Uint8Array,
): Uint8Array {
  const seqBytes = new Uint8Array(8);
  new DataView(seqBytes.buffer).setBigUint64(0, BigInt(seq), false);
  return concatBytes(
    MUTABLE_CONTEXT,
    Uint8Array.of(salt.length),
    salt,
    seqBytes,
    Uint8Array.of(deleted ? 1 : 0),
    value,
  );
}

/** A writer of mutable records: an Ed25519 key pair (an `Identity` fits). */
export interface MutableWriter {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/**
 * An immutable record of `value`. Throws RangeError when the value is too long.
 * @example const r = immutableRecord(utf8Encode('hello'), nobleCrypto);
 */
export function immutableRecord(value: Uint8Array, crypto: CryptoBackend): DhtRecord {
  if (!(value instanceof Uint8Array)) throw new TypeError('value must be a Uint8Array');
  if (value.length > DHT_LARGE_VALUE_BYTES_MAX)
    throw new RangeError(
      `value must be at most ${DHT_LARGE_VALUE_BYTES_MAX} bytes, got ${value.length}`,
    );
  return {
    type: DHT_RECORD_TYPE.immutable,
    key: immutableKeyOf(value, crypto),
    value: value.slice(),
    seq: 0,
    deleted: false,
  };
}

/**
 * A signed mutable record (a tombstone when `deleted`). Throws RangeError for a bad length or
 * sequence number.
 * @example const r = mutableRecord(alice, { seq: 1, value: utf8Encode('v1') }, nobleCrypto);
 */
export function mutableRecord(
  writer: MutableWriter,
  fields: {
    readonly seq: number;
    readonly value?: Uint8Array;
    readonly salt?: Uint8Array;
    readonly deleted?: boolean;
  },
  crypto: CryptoBackend,
): DhtRecord {
  const salt = fields.salt ?? new Uint8Array(0);
  const deleted = fields.deleted ?? false;
  const value = deleted ? new Uint8Array(0) : (fields.value ?? new Uint8Array(0));
  if (!(value instanceof Uint8Array) || !(salt instanceof Uint8Array))
    throw new TypeError('value and salt must be Uint8Arrays');
  if (value.length > DHT_LARGE_VALUE_BYTES_MAX)
    throw new RangeError(
      `value must be at most ${DHT_LARGE_VALUE_BYTES_MAX} bytes, got ${value.length}`,
    );
  if (salt.length > DHT_SALT_BYTES_MAX)
    throw new RangeError(`salt must be at most ${DHT_SALT_BYTES_MAX} bytes, got ${salt.length}`);
  if (!Number.isSafeInteger(fields.seq) || fields.seq < 0 || fields.seq > DHT_SEQ_MAX)
    throw new RangeError(`seq must be a safe integer >= 0, got ${fields.seq}`);
  if (writer.publicKey.length !== DHT_PUBLIC_KEY_BYTES)
    throw new RangeError('writer.publicKey must be 32 bytes');
  const signature = crypto.ed25519Sign(
    mutableSignedBytes(salt, fields.seq, deleted, value),
    writer.secretKey,
  );
  return {
    type: DHT_RECORD_TYPE.mutable,
    key: mutableKeyOf(writer.publicKey, salt, crypto),
    value: value.slice(),
    seq: fields.seq,
    deleted,
    publicKey: writer.publicKey.slice(),
    salt: salt.slice(),
    signature,
  };
}

/**
 * The validator of immutable records: the key must be the value's hash; nothing else is allowed.
 * @example immutableValidator.validate(record, nobleCrypto) // undefined when valid
 */
export const immutableValidator: ValueValidator = {
  validate(record, crypto) {
    if (record.seq !== 0 || record.deleted || record.signature !== undefined) return 'malformed';
    return equalBytes(immutableKeyOf(record.value, crypto), record.key)
      ? undefined
      : 'key-mismatch';
  },
  select: () => 'equal',
};

/**
 * The validator of mutable records (BEP 44): key from public key and salt, a valid signature; the
 * higher sequence number wins, the same number with other content is a conflict.
 * @example mutableValidator.select(current, incoming) // 'incoming' when incoming.seq is higher
 */
export const mutableValidator: ValueValidator = {
  validate(record, crypto) {
    const { publicKey, salt, signature } = record;
    if (publicKey === undefined || salt === undefined || signature === undefined)
      return 'malformed';
    if (signature.length !== DHT_SIGNATURE_BYTES || publicKey.length !== DHT_PUBLIC_KEY_BYTES)
      return 'malformed';
    if (record.deleted && record.value.length > 0) return 'malformed';
    if (!equalBytes(mutableKeyOf(publicKey, salt, crypto), record.key)) return 'key-mismatch';
    const signed = mutableSignedBytes(salt, record.seq, record.deleted, record.value);
    return crypto.ed25519Verify(signature, signed, publicKey) ? undefined : 'bad-signature';
  },
  select(current, incoming) {
    if (incoming.seq > current.seq) return 'incoming';
    if (incoming.seq < current.seq) return 'current';
    return sameContent(current, incoming) ? 'equal' : 'current';
  },
};

/**
 * True when two records carry the same type, key, sequence, flags, value and signature.
 * @example sameContent(a, a) // true
 */
export function sameContent(a: DhtRecord, b: DhtRecord): boolean {
  return (
    a.type === b.type &&
    a.seq === b.seq &&
    a.deleted === b.deleted &&
    equalBytes(a.key, b.key) &&
    equalBytes(a.value, b.value) &&
    optionalEqual(a.signature, b.signature)
  );
}

function optionalEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return equalBytes(a, b);
}

/** Bytes a record costs in a store's byte budget (value, key, signature fields). */
export function recordBytes(record: DhtRecord): number {
  return (
    record.value.length +
    32 +
    (record.publicKey?.length ?? 0) +
    (record.salt?.length ?? 0) +
    (record.signature?.length ?? 0)
  );
}
