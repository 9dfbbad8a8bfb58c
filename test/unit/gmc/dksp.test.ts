import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyRecord, RecordExpectation } from '../../../src/drt/security-provider.js';
import { describeCertificate } from '../../../src/gmc/certificate.js';
import { derivedKeyOf, derivedKeySecurityProvider } from '../../../src/gmc/dksp.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { concatBytes, fromHex } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import { type Fixture, makeFixture, NOW } from './fixtures.js';

let f: Fixture;
let root: Uint8Array;
beforeAll(async () => {
  f = await makeFixture();
  root = f.group.root.chain[0]!;
});

const nonce = new Uint8Array(16).fill(5);
const endpoint = { address: new Uint8Array(16).fill(1), port: 3540 };

function recordOf(key: Uint8Array, revoke = false): KeyRecord {
  return {
    key,
    appData: new Uint8Array([1, 2, 3]),
    endpoints: [endpoint],
    nonce: revoke ? new Uint8Array(16) : nonce,
    revoke,
  };
}

function expectation(
  key: Uint8Array | undefined,
  overrides: Partial<RecordExpectation> = {},
): RecordExpectation {
  return { key, nonce, revoke: false, nowWallMs: NOW, ...overrides };
}

describe('derivedKeySecurityProvider()', () => {
  it('derives the key as SHA-256 of the DER SubjectPublicKeyInfo of the last certificate', () => {
    const leaf = describeCertificate(f.member.chain[3]!);
    if (!leaf.ok) throw new Error('fixture');
    const provider = derivedKeySecurityProvider({ root, credential: f.member });
    expect(provider.derivedKey).toEqual(nobleCrypto.sha256(leaf.value.facts.spki));
    expect(derivedKeyOf(f.member.chain[3]!)).toEqual(provider.derivedKey);
    expect(provider.credentialProblem).toBeUndefined();
    // Independently: the Ed25519 SPKI is a fixed 12-byte DER prefix and the raw key (RFC 8410).
    const spki = concatBytes(fromHex('302a300506032b6570032100'), f.member.identity.publicKey);
    expect(provider.derivedKey).toEqual(nobleCrypto.sha256(spki));
  });

  it('round-trips a record: key, endpoints, app data and the chain verdict as proof', () => {
    const publisher = derivedKeySecurityProvider({ root, credential: f.member });
    const resolver = derivedKeySecurityProvider({ root, credential: f.inviter });
    const bytes = publisher.secureRecord(recordOf(publisher.derivedKey), NOW);
    const v = resolver.validateRecord(bytes, expectation(publisher.derivedKey));
    expect(v.ok && { appData: v.record.appData, endpoints: v.record.endpoints }).toEqual({
      appData: new Uint8Array([1, 2, 3]),
      endpoints: [endpoint],
    });
    const revoke = publisher.secureRecord(recordOf(publisher.derivedKey, true), NOW);
    expect(
      resolver.validateRecord(revoke, expectation(undefined, { nonce: undefined, revoke: true }))
        .ok,
    ).toBe(true);
  });

  it('refuses each broken record with its reason', () => {
    const publisher = derivedKeySecurityProvider({ root, credential: f.member });
    const resolver = derivedKeySecurityProvider({ root, credential: f.inviter });
    const good = publisher.secureRecord(recordOf(publisher.derivedKey), NOW);
    const reason = (bytes: Uint8Array, expect: RecordExpectation) => {
      const v = resolver.validateRecord(bytes, expect);
      return v.ok ? 'ok' : v.reason;
    };
    const flipped = good.slice();
    flipped[flipped.length - 1]! ^= 1;
    expect(reason(flipped, expectation(publisher.derivedKey))).toBe('bad-signature');
    expect(reason(good, expectation(publisher.derivedKey, { nonce: new Uint8Array(16) }))).toBe(
      'nonce-mismatch',
    );
    expect(reason(good, expectation(resolver.derivedKey))).toBe('id-mismatch');
    expect(
      reason(good, expectation(publisher.derivedKey, { nowWallMs: NOW + 10 * 365 * 86_400_000 })),
    ).toBe('chain-expired');
    const otherKey = resolver.derivedKey;
    const claimed = publisher.secureRecord(recordOf(otherKey), NOW);
    expect(reason(claimed, expectation(otherKey))).toBe('key-not-derived');
    expect(reason(good.subarray(0, 40), expectation(publisher.derivedKey))).toBe('malformed');
    expect(resolver.refusals['bad-signature']).toBe(1);
  });

  it('never throws on 500 mutated records (seeded)', () => {
    const publisher = derivedKeySecurityProvider({ root, credential: f.member });
    const resolver = derivedKeySecurityProvider({ root, credential: f.inviter });
    const good = publisher.secureRecord(recordOf(publisher.derivedKey), NOW);
    const rng = seededRng(Number(process.env.PNRP_SEED ?? 9));
    let accepted = 0;
    for (let i = 0; i < 500; i++) {
      const bytes = good.slice(0, rng.nextInt(4) === 0 ? rng.nextInt(good.length) : good.length);
      bytes[rng.nextInt(bytes.length)] = rng.nextU32() & 0xff;
      if (resolver.validateRecord(bytes, expectation(publisher.derivedKey)).ok) accepted++;
    }
    // A mutation that rewrites a byte to its own value leaves the record intact; nothing else passes.
    expect(accepted).toBeLessThan(5);
  }, 30_000);
});
