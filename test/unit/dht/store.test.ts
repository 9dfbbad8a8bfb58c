/**
 * Records and their store (src/dht/record.ts, src/dht/store.ts): every kind of bad record is
 * refused with its reason and leaves nothing behind; mutable records follow BEP 44 (higher seq
 * wins, compare-and-swap, signed tombstones); application types use their own validator.
 */
import { describe, expect, it } from 'vitest';
import type { DhtRecord, ValueValidator } from '../../../src/dht/record.js';
import { immutableRecord, mutableRecord } from '../../../src/dht/record.js';
import { ValueStore } from '../../../src/dht/store.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { toHex, utf8Encode } from '../../../src/util/bytes.js';

const alice = createIdentity(new Uint8Array(32).fill(1));
const mallory = createIdentity(new Uint8Array(32).fill(2));
const limits = { recordsMax: 100, bytesMax: 1_000_000, recordsPerWriterMax: 3, valueBytesMax: 200 };
const HOUR = 3_600_000;
const mk = (seq: number, text: string, extra: { salt?: Uint8Array; deleted?: boolean } = {}) =>
  mutableRecord(alice, { seq, value: utf8Encode(text), ...extra }, nobleCrypto);

function fresh(): ValueStore {
  return new ValueStore(limits, nobleCrypto);
}

describe('ValueStore', () => {
  it('stores an immutable value under its hash and refreshes it when written again', () => {
    const s = fresh();
    const r = immutableRecord(utf8Encode('hello'), nobleCrypto);
    expect(s.put(0, r, HOUR, 'ep:a')).toEqual({ ok: true, change: 'new' });
    expect(s.put(10, r, HOUR, 'ep:a')).toEqual({ ok: true, change: 'refreshed' });
    expect(s.get(HOUR + 5, toHex(r.key))?.record).toEqual(r);
    expect(s.get(HOUR + 10, toHex(r.key))).toBeUndefined();
  });

  it('refuses a forged signature, nothing stored', () => {
    const s = fresh();
    const good = mk(1, 'v1');
    const forged: DhtRecord = { ...good, value: utf8Encode('v2') };
    expect(s.put(0, forged, HOUR, 'ep:a')).toEqual({ ok: false, refusal: 'bad-signature' });
    const byMallory: DhtRecord = {
      ...good,
      signature: mutableRecord(mallory, { seq: 1, value: utf8Encode('v1') }, nobleCrypto)
        .signature!,
    };
    expect(s.put(0, byMallory, HOUR, 'ep:a')).toEqual({ ok: false, refusal: 'bad-signature' });
    expect(s.size).toBe(0);
    expect(s.refused['bad-signature']).toBe(2);
  });

  it('refuses a key that is not the hash of the value or of the public key and salt', () => {
    const s = fresh();
    const imm = immutableRecord(utf8Encode('x'), nobleCrypto);
    expect(s.put(0, { ...imm, key: new Uint8Array(32) }, HOUR, 'ep:a')).toEqual({
      ok: false,
      refusal: 'key-mismatch',
    });
    expect(s.put(0, { ...mk(1, 'v'), key: imm.key }, HOUR, 'ep:a')).toEqual({
      ok: false,
      refusal: 'key-mismatch',
    });
    expect(s.size).toBe(0);
  });

  it('refuses an oversized value and an unknown record type', () => {
    const s = fresh();
    expect(s.put(0, immutableRecord(new Uint8Array(201), nobleCrypto), HOUR, 'ep:a')).toEqual({
      ok: false,
      refusal: 'oversized',
    });
    expect(
      s.put(0, { ...immutableRecord(utf8Encode('x'), nobleCrypto), type: 99 }, HOUR, 'ep:a'),
    ).toEqual({ ok: false, refusal: 'unknown-type' });
    expect(s.size).toBe(0);
    expect(() => immutableRecord(new Uint8Array(65_001), nobleCrypto)).toThrow(RangeError);
  });

  it('mutable: a higher seq replaces, a stale seq and a same-seq conflict are refused (never rolls back)', () => {
    const s = fresh();
    expect(s.put(0, mk(5, 'five'), HOUR, 'ep:a').ok).toBe(true);
    expect(s.put(0, mk(4, 'four'), HOUR, 'ep:a')).toEqual({ ok: false, refusal: 'stale-seq' });
    expect(s.put(0, mk(5, 'other'), HOUR, 'ep:a')).toEqual({ ok: false, refusal: 'seq-conflict' });
    expect(s.put(0, mk(6, 'six'), HOUR, 'ep:a')).toEqual({ ok: true, change: 'replaced' });
    expect(s.get(0, toHex(mk(6, 'six').key))?.record.seq).toBe(6);
  });

  it('mutable: compare-and-swap stores only over the expected seq', () => {
    const s = fresh();
    expect(s.put(0, mk(1, 'a'), HOUR, 'ep:a', 3)).toEqual({ ok: false, refusal: 'cas-mismatch' });
    expect(s.put(0, mk(1, 'a'), HOUR, 'ep:a', 0).ok).toBe(true);
    expect(s.put(0, mk(2, 'b'), HOUR, 'ep:a', 0)).toEqual({ ok: false, refusal: 'cas-mismatch' });
    expect(s.put(0, mk(2, 'b'), HOUR, 'ep:a', 1).ok).toBe(true);
  });

  it('mutable: a signed tombstone with a higher seq deletes, and the old value can not come back', () => {
    const s = fresh();
    s.put(0, mk(1, 'a'), HOUR, 'ep:a');
    const tomb = mk(2, '', { deleted: true });
    expect(s.put(0, tomb, HOUR, 'ep:a').ok).toBe(true);
    expect(s.get(0, toHex(tomb.key))?.record.deleted).toBe(true);
    expect(s.put(0, mk(1, 'a'), HOUR, 'ep:a')).toEqual({ ok: false, refusal: 'stale-seq' });
  });

  it('refuses a writer over its quota and a full node, counting each refusal', () => {
    const s = fresh();
    for (let i = 0; i < 3; i++)
      expect(s.put(0, immutableRecord(utf8Encode(`w${i}`), nobleCrypto), HOUR, 'ep:w').ok).toBe(
        true,
      );
    expect(s.put(0, immutableRecord(utf8Encode('w3'), nobleCrypto), HOUR, 'ep:w')).toEqual({
      ok: false,
      refusal: 'writer-quota',
    });
    expect(s.put(0, immutableRecord(utf8Encode('w3'), nobleCrypto), HOUR, 'ep:other').ok).toBe(
      true,
    );
    // Signed records count against their public key, whoever relays them.
    for (let i = 0; i < 3; i++)
      s.put(0, mk(1, 'x', { salt: utf8Encode(`s${i}`) }), HOUR, `ep:${i}`);
    expect(s.put(0, mk(1, 'x', { salt: utf8Encode('s3') }), HOUR, 'ep:9')).toEqual({
      ok: false,
      refusal: 'writer-quota',
    });
    const small = new ValueStore({ ...limits, recordsMax: 1 }, nobleCrypto);
    small.put(0, immutableRecord(utf8Encode('a'), nobleCrypto), HOUR, 'ep:a');
    expect(small.put(0, immutableRecord(utf8Encode('b'), nobleCrypto), HOUR, 'ep:b')).toEqual({
      ok: false,
      refusal: 'node-full',
    });
    expect(small.size).toBe(1);
    expect(s.refused['writer-quota']).toBe(2);
  });

  it('an expired record frees its writer quota at the sweep', () => {
    const s = new ValueStore({ ...limits, recordsPerWriterMax: 1 }, nobleCrypto);
    s.put(0, immutableRecord(utf8Encode('a'), nobleCrypto), 1000, 'ep:w');
    expect(s.put(500, immutableRecord(utf8Encode('b'), nobleCrypto), 1000, 'ep:w').ok).toBe(false);
    expect(s.sweep(1000)).toBe(1);
    expect(s.put(1000, immutableRecord(utf8Encode('b'), nobleCrypto), 1000, 'ep:w').ok).toBe(true);
  });

  it('application types use their validator (validate and select)', () => {
    const appType = 42;
    const validator: ValueValidator = {
      validate: (r) => (r.value[0] === 0 ? 'malformed' : undefined),
      select: (c, i) => (i.value[0]! > c.value[0]! ? 'incoming' : 'current'),
    };
    const s = new ValueStore(limits, nobleCrypto, new Map([[appType, validator]]));
    const rec = (v: number): DhtRecord => ({
      type: appType,
      key: new Uint8Array(32).fill(9),
      value: Uint8Array.of(v),
      seq: 0,
      deleted: false,
    });
    expect(s.put(0, rec(0), HOUR, 'ep:a')).toEqual({ ok: false, refusal: 'malformed' });
    expect(s.put(0, rec(5), HOUR, 'ep:a').ok).toBe(true);
    expect(s.put(0, rec(3), HOUR, 'ep:a')).toEqual({ ok: false, refusal: 'stale-seq' });
    expect(s.put(0, rec(7), HOUR, 'ep:a')).toEqual({ ok: true, change: 'replaced' });
  });
});
