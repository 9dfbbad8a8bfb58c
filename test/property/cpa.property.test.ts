/**
 * Properties of the CPA and extended payload codecs: arbitrary valid models round-trip exactly,
 * and the decoders never throw (nor hit an internal error) on arbitrary or mutated bytes;
 * whatever they accept re-encodes. Signing is kept out of the big loops (about 1 ms each).
 * Replay a failure with PNRP_SEED=<seed>.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AppEndpoint,
  type Cpa,
  createCpa,
  decodeCpa,
  decodeExtendedPayload,
  type ExtendedPayload,
  type ExtendedPayloadData,
  encodeCpa,
  encodeExtendedPayload,
  type FriendlyName,
  verifyCpa,
} from '../../src/cpa/index.js';
import { createIdentity, type Endpoint } from '../../src/keys/index.js';
import { concatBytes, equalBytes, utf8Encode } from '../../src/util/bytes.js';
import type { Result } from '../../src/util/result.js';

const seed = Number(process.env.PNRP_SEED ?? 20261121);
const identity = createIdentity(new Uint8Array(32).fill(7));

function check<T>(property: fc.IProperty<T>, numRuns: number): void {
  try {
    fc.assert(property, { seed, numRuns });
  } catch (e) {
    throw new Error(`property failed; replay with PNRP_SEED=${seed}\n${(e as Error).message}`);
  }
}

const bytes = (n: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: n, maxLength: n });
const noNul = (s: string): boolean => !s.includes('\u0000');
const anyUnit = fc.integer({ min: 1, max: 0xffff }).map((c) => String.fromCharCode(c));

const arbFriendlyName: fc.Arbitrary<FriendlyName> = fc.oneof(
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 30 })
    .filter((t) => noNul(t) && utf8Encode(t).length <= 78)
    .map((text) => ({ text, encoding: 'utf-8' as const })),
  fc
    .string({ unit: anyUnit, minLength: 1, maxLength: 39 })
    .map((text) => ({ text, encoding: 'utf-16le' as const })),
);

const arbServiceEndpoint: fc.Arbitrary<Endpoint> = fc.record({
  address: bytes(16),
  port: fc.integer({ min: 1025, max: 0xffff }),
});

const arbAppEndpoint: fc.Arbitrary<AppEndpoint> = fc.record({
  address: bytes(16),
  port: fc.integer({ min: 0, max: 0xffff }),
  protocol: fc.integer({ min: 0, max: 0xffff }),
});

const arbNameHashes = fc
  .record({
    a: fc.option(bytes(20), { nil: undefined }),
    c: fc.option(bytes(20), { nil: undefined }),
  })
  .filter(({ a, c }) => a !== undefined || c !== undefined);

const arbCpa: fc.Arbitrary<Cpa> = fc
  .record({
    revoke: fc.boolean(),
    hasExtendedPayload: fc.boolean(),
    notAfterFiletime: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    serviceLocation: bytes(16),
    nonce: bytes(16),
    hashes: arbNameHashes,
    friendlyName: fc.option(arbFriendlyName, { nil: undefined }),
    serviceEndpoints: fc.array(arbServiceEndpoint, { maxLength: 4 }),
    appEndpoints: fc.array(arbAppEndpoint, { maxLength: 10 }),
    publicKey: bytes(32),
    signature: bytes(64),
  })
  .filter((r) => r.revoke || r.serviceEndpoints.length > 0)
  .map(({ hashes, friendlyName, ...r }) => ({
    ...r,
    nonce: r.revoke ? new Uint8Array(16) : r.nonce,
    ...(hashes.a === undefined ? {} : { binaryAuthority: hashes.a }),
    ...(hashes.c === undefined ? {} : { classifierHash: hashes.c }),
    ...(friendlyName === undefined ? {} : { friendlyName }),
    secured: hashes.a?.some((b) => b !== 0) ?? false,
  }));

const arbExtendedPayloadData: fc.Arbitrary<ExtendedPayloadData> = fc.oneof(
  fc
    .uint8Array({ minLength: 1, maxLength: 4096, size: 'medium' })
    .map((b) => ({ type: 'binary' as const, bytes: b })),
  fc
    .string({ unit: anyUnit, minLength: 1, maxLength: 2047, size: 'medium' })
    .filter(noNul)
    .map((text) => ({ type: 'string' as const, text, encoding: 'utf-16le' as const })),
  fc
    .string({ unit: 'binary', minLength: 3, maxLength: 1000, size: 'medium' })
    .filter((t) => noNul(t) && utf8Encode(t).length >= 3 && utf8Encode(t).length <= 4095)
    .map((text) => ({ type: 'string' as const, text, encoding: 'utf-8' as const })),
);

const arbExtendedPayload: fc.Arbitrary<ExtendedPayload> = fc.record({
  notAfterFiletime: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  pnrpId: bytes(32),
  nonce: bytes(16),
  payload: arbExtendedPayloadData,
  signature: bytes(64),
});

/** Byte edits: overwrite a byte or a little-endian u16, insert, delete, truncate. */
const arbEdit = fc.oneof(
  fc.record({
    kind: fc.constant('byte' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('u16' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 0xffff }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), value: fc.constant(0) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
);
type Edit = typeof arbEdit extends fc.Arbitrary<infer T> ? T : never;

function mutate(original: Uint8Array, edits: readonly Edit[], fixLength: boolean): Uint8Array {
  let b: Uint8Array = original.slice();
  for (const { kind, at, value } of edits) {
    const i = b.length === 0 ? 0 : at % b.length;
    if (kind === 'byte' && b.length > 0) b[i] = value;
    if (kind === 'u16' && b.length > 1) {
      const j = Math.min(i, b.length - 2);
      b[j] = value & 0xff;
      b[j + 1] = value >> 8;
    }
    if (kind === 'insert') b = concatBytes(b.subarray(0, i), Uint8Array.of(value), b.subarray(i));
    if (kind === 'delete') b = concatBytes(b.subarray(0, i), b.subarray(i + 1));
    if (kind === 'truncate') b = b.slice(0, i);
  }
  if (fixLength && b.length >= 2) {
    b[0] = b.length & 0xff;
    b[1] = (b.length >> 8) & 0xff;
  }
  return b;
}

/** A decode result is well-formed, never internal, and anything accepted re-encodes stably. */
function assertSane<T>(
  result: Result<T>,
  encode: (v: T) => Uint8Array,
  decode: (b: Uint8Array) => Result<T>,
): void {
  if (!result.ok) {
    expect(result.error.code).not.toBe('internal');
    return;
  }
  const again = encode(result.value);
  const reread = decode(again);
  expect(reread.ok).toBe(true);
  if (reread.ok) expect(equalBytes(encode(reread.value), again)).toBe(true);
}

describe('CPA properties', () => {
  it('encodeCpa() then decodeCpa() returns the same CPA and the same bytes', () => {
    check(
      fc.property(arbCpa, (cpa) => {
        const encoded = encodeCpa(cpa);
        const decoded = decodeCpa(encoded);
        expect(decoded).toEqual({ ok: true, value: cpa });
        if (decoded.ok) expect(equalBytes(encodeCpa(decoded.value), encoded)).toBe(true);
      }),
      2_000,
    );
  });

  it('decodeCpa() never throws on arbitrary bytes, with or without a matching length', () => {
    check(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.boolean(), (raw, fix) => {
        assertSane(decodeCpa(mutate(raw, [], fix)), encodeCpa, decodeCpa);
      }),
      20_000,
    );
  });

  it('decodeCpa() never throws on mutated valid encodings, and what it accepts re-encodes', () => {
    check(
      fc.property(
        arbCpa,
        fc.array(arbEdit, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (cpa, edits, fix) => {
          assertSane(decodeCpa(mutate(encodeCpa(cpa), edits, fix)), encodeCpa, decodeCpa);
        },
      ),
      20_000,
    );
  });

  it('verifyCpa() accepts a signed CPA and refuses every mutation of it, never throwing', () => {
    const nowWallMs = 1_767_225_600_000;
    const { encoded } = createCpa(
      {
        peerName: `${identity.authority}.prop`,
        serviceLocation: new Uint8Array(16).fill(3),
        notAfterMs: nowWallMs + 86_400_000,
        serviceEndpoints: [{ address: new Uint8Array(16).fill(1), port: 3540 }],
        appEndpoints: [{ address: new Uint8Array(16).fill(2), port: 80, protocol: 6 }],
        friendlyName: 'property',
      },
      identity,
    );
    expect(verifyCpa(encoded, { nowWallMs }).ok).toBe(true);
    check(
      fc.property(fc.array(arbEdit, { minLength: 1, maxLength: 3 }), fc.boolean(), (edits, fix) => {
        const mutated = mutate(encoded, edits, fix);
        const verdict = verifyCpa(mutated, { nowWallMs });
        expect(verdict.ok).toBe(equalBytes(mutated, encoded));
      }),
      400,
    );
  });
});

describe('extended payload properties', () => {
  it('encodeExtendedPayload() then decodeExtendedPayload() returns the same payload and bytes', () => {
    check(
      fc.property(arbExtendedPayload, (ext) => {
        const encoded = encodeExtendedPayload(ext);
        const decoded = decodeExtendedPayload(encoded);
        expect(decoded).toEqual({ ok: true, value: ext });
        if (decoded.ok)
          expect(equalBytes(encodeExtendedPayload(decoded.value), encoded)).toBe(true);
      }),
      1_000,
    );
  });

  it('decodeExtendedPayload() never throws on arbitrary bytes, with or without a matching length', () => {
    check(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (raw, fix) => {
        assertSane(
          decodeExtendedPayload(mutate(raw, [], fix)),
          encodeExtendedPayload,
          decodeExtendedPayload,
        );
      }),
      20_000,
    );
  });

  it('decodeExtendedPayload() never throws on mutated valid encodings, and what it accepts re-encodes', () => {
    const small = arbExtendedPayload.map((e) =>
      e.payload.type === 'binary' && e.payload.bytes.length > 300
        ? { ...e, payload: { type: 'binary' as const, bytes: e.payload.bytes.slice(0, 300) } }
        : e,
    );
    check(
      fc.property(
        small,
        fc.array(arbEdit, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (ext, edits, fix) => {
          const mutated = mutate(encodeExtendedPayload(ext), edits, fix);
          assertSane(decodeExtendedPayload(mutated), encodeExtendedPayload, decodeExtendedPayload);
        },
      ),
      20_000,
    );
  });
});
