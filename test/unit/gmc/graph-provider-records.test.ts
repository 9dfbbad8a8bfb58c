import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GroupSecurityProvider } from '../../../src/gmc/graph-provider.js';
import { compileRolePolicy } from '../../../src/gmc/graph-provider-policy.js';
import {
  canonicalRecordBytes,
  decodeRecordSecurity,
  encodeRecordSecurity,
} from '../../../src/gmc/graph-provider-record.js';
import type { GmcCredential } from '../../../src/gmc/issue.js';
import { issueGmc } from '../../../src/gmc/issue.js';
import { createRevocation, RevocationList } from '../../../src/gmc/revocation.js';
import { type GraphRecord, RECORD_TYPE } from '../../../src/graph/model.js';
import { type CryptoBackend, nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { toHex } from '../../../src/util/bytes.js';
import {
  APP_TYPE,
  clockAt,
  peerTime,
  providerFor,
  recordBy,
  signedBy,
} from '../graph/security/group-helpers.js';
import {
  credentialOf,
  type Fixture,
  identityOf,
  makeFixture,
  makeOutsider,
  NOW,
  T0,
} from './fixtures.js';

let f: Fixture;
let root: Uint8Array;
let bob: GmcCredential;
let shortLived: GmcCredential;
let outsider: { credential: GmcCredential; root: Uint8Array };
let alice: GroupSecurityProvider;
let validator: GroupSecurityProvider;

beforeAll(async () => {
  f = await makeFixture();
  root = f.group.root.chain[0]!;
  bob = await credentialOf(f.inviter, 5, 'member');
  const id = identityOf(8);
  shortLived = {
    identity: id,
    chain: await issueGmc({
      issuer: f.inviter,
      subjectPublicKey: id.publicKey,
      role: 'member',
      nowWallMs: T0,
      validityMs: 2 * 3_600_000,
    }),
  };
  const o = await makeOutsider(7, 70);
  outsider = { credential: o.credential, root: o.group.root.chain[0]! };
  alice = providerFor(f.member, root, 'alice');
  validator = providerFor(bob, root, 'bob');
});

/** Security data signed by `credential` over `record` as it stands, bypassing local checks. */
function forgeSigned(credential: GmcCredential, record: GraphRecord): GraphRecord {
  const canonical = canonicalRecordBytes(record);
  if (!canonical.ok) throw new Error('bad record');
  const signature = nobleCrypto.ed25519Sign(canonical.value, credential.identity.secretKey);
  return { ...record, securityData: encodeRecordSecurity({ chain: credential.chain, signature }) };
}

/** A crypto backend counting Ed25519 verifications. */
function countingCrypto(): CryptoBackend & { verifies: number } {
  const c = {
    ...nobleCrypto,
    verifies: 0,
    ed25519Verify(s: Uint8Array, m: Uint8Array, k: Uint8Array) {
      c.verifies++;
      return nobleCrypto.ed25519Verify(s, m, k);
    },
  };
  return c;
}

describe('groupSecurityProvider records', () => {
  it('a member’s signed record validates at another member', () => {
    const record = signedBy(alice, recordBy(alice.localPeerId));
    const data = decodeRecordSecurity(record.securityData);
    expect(data.ok && data.value.chain.length).toBe(f.member.chain.length);
    expect(validator.validateRecord(record)).toEqual({ kind: 'valid' });
    expect(alice.validateRecord(record)).toEqual({ kind: 'valid' });
  });

  it('a record altered after signing fails bad-signature, whatever field changed', () => {
    const p = providerFor(bob, root, 'fresh');
    const record = signedBy(alice, recordBy(alice.localPeerId));
    const id = record.id.slice();
    id[15]! ^= 1;
    const alterations: Record<string, Partial<GraphRecord>> = {
      'version bumped': { version: 2 },
      'payload changed': { payload: new Uint8Array([1, 2, 3, 5]) },
      'payload extended': { payload: new Uint8Array([1, 2, 3, 4, 0]) },
      'deleted flag flipped': { deleted: true, payload: new Uint8Array(0) },
      'expiry extended': { expiresAt: record.expiresAt + 10_000_000n },
      'created moved': { createdAt: record.createdAt - 1n },
      'modified moved': { modifiedAt: record.modifiedAt + 1n },
      'attributes added': { attributes: '<attributes/>' },
      'graph ID changed': { graphId: 'other-graph' },
      'type changed': { type: RECORD_TYPE.presence },
      'ID changed': { id },
    };
    for (const [what, change] of Object.entries(alterations)) {
      expect(p.validateRecord({ ...record, ...change }), what).toEqual({
        kind: 'invalid',
        reason: 'bad-signature',
      });
    }
    const sig = record.securityData.slice();
    sig[sig.length - 1]! ^= 1;
    expect(p.validateRecord({ ...record, securityData: sig })).toEqual({
      kind: 'invalid',
      reason: 'bad-signature',
    });
    expect(p.stats.records.invalid['bad-signature']).toBe(Object.keys(alterations).length + 1);
  });

  it('malformed security data is refused, never thrown', () => {
    const record = signedBy(alice, recordBy(alice.localPeerId));
    for (const securityData of [
      new Uint8Array(0),
      record.securityData.subarray(0, record.securityData.length - 1),
      Uint8Array.of(...record.securityData, 0),
      Uint8Array.of(2, ...record.securityData.subarray(1)),
      new Uint8Array(20_000),
    ]) {
      expect(validator.validateRecord({ ...record, securityData })).toEqual({
        kind: 'invalid',
        reason: 'malformed-security-data',
      });
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (securityData) => {
        const v = validator.validateRecord({ ...record, securityData });
        expect(v.kind).toBe('invalid');
      }),
      { numRuns: 200 },
    );
    expect(validator.validateRecord({ ...record, version: -1 })).toEqual({
      kind: 'invalid',
      reason: 'malformed-record',
    });
    expect(validator.validateRecord({ ...record, expiresAt: 1n << 64n })).toEqual({
      kind: 'invalid',
      reason: 'malformed-record',
    });
  });

  it('a signer from another group is not-member', () => {
    const po = providerFor(outsider.credential, outsider.root, 'outsider');
    const record = signedBy(po, recordBy(po.localPeerId));
    expect(po.validateRecord(record)).toEqual({ kind: 'valid' });
    expect(validator.validateRecord(record)).toEqual({ kind: 'invalid', reason: 'not-member' });
  });

  it('an expired signer is expired, and a cached valid verdict does not outlive the chain', () => {
    const ps = providerFor(shortLived, root, 'short');
    const record = signedBy(ps, recordBy(ps.localPeerId, { expiresAt: peerTime(NOW + 1_800_000) }));
    const clock = clockAt(NOW);
    const p = providerFor(bob, root, 'late', { wallClock: clock });
    expect(p.validateRecord(record)).toEqual({ kind: 'valid' });
    clock.now = T0 + 3 * 3_600_000;
    expect(p.validateRecord(record)).toEqual({ kind: 'invalid', reason: 'expired' });
    expect(p.validateRecord(record)).toEqual({ kind: 'invalid', reason: 'expired' });
    expect(p.stats.verdictCache).toMatchObject({ hits: 0, misses: 3 });
    // and it cannot sign any more
    const late = providerFor(shortLived, root, 'short-late', { wallClock: clock });
    expect(late.secureRecord(recordBy(late.localPeerId))).toEqual({
      ok: false,
      reason: 'credential-expired',
    });
  });

  it('a revoked signer is revoked, even when its record was validated before the revocation', () => {
    const list = new RevocationList({ root });
    const p = providerFor(bob, root, 'revoking', { revoked: list });
    const record = signedBy(alice, recordBy(alice.localPeerId));
    expect(p.validateRecord(record)).toEqual({ kind: 'valid' });
    const added = list.add(
      createRevocation({
        admin: f.group.root,
        certificate: f.member.chain.at(-1)!,
        nowWallMs: NOW,
      }),
      NOW,
    );
    expect(added.ok).toBe(true);
    expect(p.validateRecord(record)).toEqual({ kind: 'invalid', reason: 'revoked' });
  });

  it('a record naming someone else than its signer is signer-mismatch', () => {
    const bobPeerId = validator.localPeerId;
    // signed by Alice but naming Bob as creator
    expect(validator.validateRecord(forgeSigned(f.member, recordBy(bobPeerId)))).toEqual({
      kind: 'invalid',
      reason: 'signer-mismatch',
    });
    // Alice's valid record with its creator changed afterwards
    const record = signedBy(alice, recordBy(alice.localPeerId));
    expect(validator.validateRecord({ ...record, creatorId: bobPeerId })).toEqual({
      kind: 'invalid',
      reason: 'signer-mismatch',
    });
    // an update naming Bob as modifier but signed by Alice
    const update = forgeSigned(
      f.member,
      recordBy(alice.localPeerId, {
        version: 2,
        modifiedById: bobPeerId,
        modifiedAt: peerTime(NOW + 1),
      }),
    );
    expect(validator.validateRecord(update)).toEqual({
      kind: 'invalid',
      reason: 'signer-mismatch',
    });
    expect(alice.secureRecord(recordBy(bobPeerId))).toEqual({
      ok: false,
      reason: 'not-local-signer',
    });
    // a secure peer name with the signer's authority is the signer
    const named = signedBy(alice, recordBy(`${alice.localPeerId}.participant`));
    expect(validator.validateRecord(named)).toEqual({ kind: 'valid' });
  });

  it('graph info is for admins: a member publishing it is role-forbidden', () => {
    const info = (creatorId: string) => recordBy(creatorId, { type: RECORD_TYPE.graphInfo });
    expect(alice.secureRecord(info(alice.localPeerId))).toEqual({
      ok: false,
      reason: 'role-forbidden',
    });
    expect(validator.validateRecord(forgeSigned(f.member, info(alice.localPeerId)))).toEqual({
      kind: 'invalid',
      reason: 'role-forbidden',
    });
    const admin = providerFor(f.admin, root, 'admin');
    expect(validator.validateRecord(signedBy(admin, info(admin.localPeerId)))).toEqual({
      kind: 'valid',
    });
    const creator = providerFor(f.group.root, root, 'creator');
    expect(validator.validateRecord(signedBy(creator, info(creator.localPeerId)))).toEqual({
      kind: 'valid',
    });
    for (const type of [RECORD_TYPE.presence, RECORD_TYPE.contact, RECORD_TYPE.signature]) {
      expect(
        validator.validateRecord(signedBy(alice, recordBy(alice.localPeerId, { type }))),
      ).toEqual({ kind: 'valid' });
    }
  });

  it('a role policy restricts application record types', () => {
    const policy = { byType: { [toHex(APP_TYPE)]: ['admin' as const] } };
    const strict = providerFor(bob, root, 'strict', { rolePolicy: policy });
    const record = signedBy(alice, recordBy(alice.localPeerId));
    expect(strict.validateRecord(record)).toEqual({ kind: 'invalid', reason: 'role-forbidden' });
    const closed = providerFor(bob, root, 'closed', { rolePolicy: { otherTypes: ['admin'] } });
    expect(closed.validateRecord(record)).toEqual({ kind: 'invalid', reason: 'role-forbidden' });
    expect(
      closed.validateRecord(
        signedBy(alice, recordBy(alice.localPeerId, { type: RECORD_TYPE.presence })),
      ),
    ).toEqual({ kind: 'valid' });
    expect(() => compileRolePolicy({ byType: { xyz: ['admin'] } })).toThrow(RangeError);
    expect(() => compileRolePolicy({ otherTypes: ['owner' as 'admin'] })).toThrow(RangeError);
  });

  it('a member may update and delete only its own records; an admin may touch anyone’s', () => {
    const original = signedBy(alice, recordBy(alice.localPeerId));
    const later = peerTime(NOW + 60_000);
    const update = (by: string, fields: Partial<GraphRecord> = {}) =>
      recordBy(alice.localPeerId, {
        version: 2,
        modifiedById: by,
        modifiedAt: later,
        payload: new Uint8Array([9]),
        ...fields,
      });
    const bobP = providerFor(bob, root, 'bob-signer');
    const admin = providerFor(f.admin, root, 'admin');
    const third = providerFor(f.inviter, root, 'third');
    // the owner
    expect(third.validateRecord(original)).toEqual({ kind: 'valid' });
    expect(third.validateRecord(signedBy(alice, update(alice.localPeerId)))).toEqual({
      kind: 'valid',
    });
    // another member (an inviting member included)
    expect(bobP.secureRecord(update(bobP.localPeerId))).toEqual({ ok: false, reason: 'not-owner' });
    expect(third.validateRecord(forgeSigned(bob, update(bobP.localPeerId)))).toEqual({
      kind: 'invalid',
      reason: 'not-owner',
    });
    const deletion = (by: string) => update(by, { deleted: true, payload: new Uint8Array(0) });
    expect(third.validateRecord(forgeSigned(bob, deletion(bobP.localPeerId)))).toEqual({
      kind: 'invalid',
      reason: 'not-owner',
    });
    expect(validator.validateRecord(forgeSigned(f.inviter, update(third.localPeerId)))).toEqual({
      kind: 'invalid',
      reason: 'not-owner',
    });
    // an admin
    expect(third.validateRecord(signedBy(admin, update(admin.localPeerId)))).toEqual({
      kind: 'valid',
    });
    expect(third.validateRecord(signedBy(admin, deletion(admin.localPeerId)))).toEqual({
      kind: 'valid',
    });
  });

  it('a record must live inside its signer’s credential', () => {
    const tooLong = recordBy(alice.localPeerId, { expiresAt: peerTime(T0 + 40 * 86_400_000) });
    expect(alice.secureRecord(tooLong)).toEqual({ ok: false, reason: 'outlives-credential' });
    expect(validator.validateRecord(forgeSigned(f.member, tooLong))).toEqual({
      kind: 'invalid',
      reason: 'outlives-credential',
    });
    const early = recordBy(alice.localPeerId, {
      createdAt: peerTime(T0 - 60_000),
      modifiedAt: peerTime(T0 - 60_000),
    });
    expect(validator.validateRecord(forgeSigned(f.member, early))).toEqual({
      kind: 'invalid',
      reason: 'before-credential',
    });
  });

  it('memoizes verdicts: a record flooded 1,000 times is verified once', () => {
    const crypto = countingCrypto();
    const p = providerFor(bob, root, 'memo', { crypto });
    const record = signedBy(alice, recordBy(alice.localPeerId));
    expect(p.validateRecord(record)).toEqual({ kind: 'valid' });
    const afterFirst = crypto.verifies;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 999; i++) p.validateRecord({ ...record, payload: record.payload.slice() });
    expect(crypto.verifies).toBe(afterFirst);
    expect(p.stats.verdictCache).toMatchObject({ hits: 999, misses: 1 });
    expect(p.stats.records.valid).toBe(1000);
    // invalid verdicts are remembered too
    const bad = { ...record, version: 7 };
    p.validateRecord(bad);
    const afterBad = crypto.verifies;
    p.validateRecord(bad);
    expect(crypto.verifies).toBe(afterBad);
    expect(p.stats.records.invalid['bad-signature']).toBe(2);
  });

  it('the verdict memo is bounded and evicts the least recently used', () => {
    const p = providerFor(bob, root, 'small', { verdictCacheMax: 2 });
    const records = [1, 2, 3].map((n) =>
      signedBy(alice, recordBy(alice.localPeerId, { payload: new Uint8Array([n]) })),
    );
    for (const r of records) p.validateRecord(r);
    expect(p.stats.verdictCache).toMatchObject({ misses: 3, evictions: 1 });
    p.validateRecord(records[2]!);
    p.validateRecord(records[0]!);
    expect(p.stats.verdictCache).toMatchObject({ hits: 1, misses: 4 });
    expect(() => providerFor(bob, root, 'zero', { verdictCacheMax: 0 })).toThrow(RangeError);
  });
});

describe('canonicalRecordBytes()', () => {
  it('separates fields: moving characters between strings changes the bytes', () => {
    const a = canonicalRecordBytes(recordBy('ab', { modifiedById: 'c' }));
    const b = canonicalRecordBytes(recordBy('a', { modifiedById: 'bc' }));
    expect(a.ok && b.ok && toHex(a.value) !== toHex(b.value)).toBe(true);
  });

  it('keeps lone surrogates apart from U+FFFD', () => {
    const a = canonicalRecordBytes(recordBy('x\ud800'));
    const b = canonicalRecordBytes(recordBy('x\ufffd'));
    expect(a.ok && b.ok && toHex(a.value) !== toHex(b.value)).toBe(true);
  });

  it('ignores the security data and nothing else', () => {
    const r = recordBy('a');
    const base = canonicalRecordBytes(r);
    const withData = canonicalRecordBytes({ ...r, securityData: new Uint8Array([1]) });
    expect(base.ok && withData.ok && toHex(base.value) === toHex(withData.value)).toBe(true);
  });
});
