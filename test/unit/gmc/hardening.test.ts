/**
 * Group security that holds (issue 11, items 1, 2 and 4): hostile chains are refused before
 * parsing and never evict a member's memoized verdict, the certificate cache keeps backends
 * apart, a group peer name's authority is bound to the root key, cold verifications are budgeted
 * per source, and a time that is not a finite number is refused with a reason everywhere.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CertificateCache,
  type ChainVerdict,
  chainParseStats,
  validateChain,
} from '../../../src/gmc/chain.js';
import { decodeChainPkcs7, encodeChainPkcs7 } from '../../../src/gmc/chain-codec.js';
import { derivedKeySecurityProvider } from '../../../src/gmc/dksp.js';
import { createDkspMembership } from '../../../src/gmc/dksp-membership.js';
import { createGroup, type GmcCredential } from '../../../src/gmc/issue.js';
import { RevocationList } from '../../../src/gmc/revocation.js';
import { VerifyBudget } from '../../../src/gmc/verify-budget.js';
import { type CryptoBackend, nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { type Fixture, forge, identityOf, makeFixture, makeOutsider, NOW, T0 } from './fixtures.js';
import { envelope, longChain } from './hostile.js';

let f: Fixture;
let root: Uint8Array;
let peerName: string;
let hostile25: GmcCredential;

beforeAll(async () => {
  f = await makeFixture();
  root = f.group.root.chain[0]!;
  peerName = f.group.properties.peerName;
  const foreign = await createGroup({
    classifier: 'chat',
    nowWallMs: T0,
    seed: new Uint8Array(32).fill(77),
  });
  hostile25 = await longChain(foreign.root, 25, T0);
}, 60_000);

const reasonOf = (v: ChainVerdict): string => (v.ok ? 'ok' : v.reason);
const data = new TextEncoder().encode('signed bytes of a LOOKUP');

function receiver(memoEntriesMax = 4, budget = {}) {
  return createDkspMembership({
    root,
    credential: f.member,
    crypto: nobleCrypto,
    cache: new CertificateCache(64),
    memoEntriesMax,
    budget,
  });
}

function inputOf(credential: Uint8Array, signer: GmcCredential, extra = {}) {
  return {
    credential,
    signature: nobleCrypto.ed25519Sign(data, signer.identity.secretKey),
    data,
    nowWallMs: NOW,
    ...extra,
  };
}

describe('refuse cheaply, before parsing', () => {
  it('refuses a 25-certificate chain under a foreign root without parsing a certificate', () => {
    expect(hostile25.chain).toHaveLength(25);
    expect(reasonOf(validateChain(hostile25.chain, { nowWallMs: NOW }))).toBe('ok');
    const before = chainParseStats.certificates;
    const v = validateChain(hostile25.chain, { nowWallMs: NOW, root });
    expect(reasonOf(v)).toBe('foreign-root');
    expect(chainParseStats.certificates - before).toBe(0);
    // The same chain as a membership credential: no parse, no cold check, no memo entry.
    const { membership, counters } = receiver();
    const r = membership.verify(inputOf(encodeChainPkcs7(hostile25.chain), hostile25));
    expect(r.ok || r.detail.split(':')[0]).toBe('credential-foreign-root');
    expect(chainParseStats.certificates - before).toBe(0);
    expect(counters.credentialChecks).toBe(0);
  });

  it('parses one certificate at a time and stops at the first failure', async () => {
    // Root, then a certificate the root never signed, then 23 more that are never looked at.
    const forged = await forge({ identity: identityOf(50), chain: [root] }, peerName, {
      roles: ['admin'],
      classifiers: [],
      issuerName: `CN=${f.group.root.identity.authority}`,
    });
    const chain = [...forged, ...hostile25.chain.slice(2, 25)];
    const before = chainParseStats.certificates;
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('bad-signature');
    expect(chainParseStats.certificates - before).toBe(2);
  });

  it('refuses a certificate whose DER is re-encoded (long-form length): one certificate, one byte string', () => {
    const leaf = f.member.chain[3]!;
    // 30 82 LL LL -> 30 83 00 LL LL: same content, non-minimal length.
    expect(leaf[0]).toBe(0x30);
    expect(leaf[1]).toBe(0x82);
    const longer = new Uint8Array(leaf.length + 1);
    longer.set([0x30, 0x83, 0x00]);
    longer.set(leaf.subarray(2), 3);
    const chain = [...f.member.chain.slice(0, 3), longer];
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('malformed');
  });

  it('byte-different envelopes of one chain decode to the same certificates and share one memo entry', () => {
    const { membership, counters } = receiver();
    for (let salt = 0; salt < 200; salt++) {
      const bytes = envelope(f.inviter.chain, salt);
      expect(decodeChainPkcs7(bytes).ok).toBe(true);
      expect(membership.verify(inputOf(bytes, f.inviter)).ok).toBe(true);
    }
    expect(counters.credentialChecks).toBe(1);
    expect(counters.credentialMemoHits).toBe(199);
  });

  it('no sequence of hostile credentials evicts a member verdict from the memo (property)', async () => {
    const tamperedLeaf = f.member.chain[3]!.slice();
    tamperedLeaf[tamperedLeaf.length - 1]! ^= 1;
    const kinds = [
      // A foreign root, any length, any envelope.
      (salt: number) => envelope(hostile25.chain.slice(0, 1 + (salt % 25)), salt),
      // Our root, then a tampered certificate.
      (salt: number) => envelope([...f.member.chain.slice(0, 3), tamperedLeaf], salt),
      // Garbage.
      (salt: number) => new Uint8Array([0x30, 0x03, salt & 0xff, 1, 2]),
      // A genuine member chain, re-enveloped (a hit on its own entry, never a new one).
      (salt: number) => envelope(f.admin.chain, salt),
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat()), { maxLength: 60 }),
        (sequence) => {
          const { membership, counters } = receiver(2, { perSourceBurst: 1e9, globalBurst: 1e9 });
          const member = encodeChainPkcs7(f.inviter.chain);
          expect(membership.verify(inputOf(member, f.inviter)).ok).toBe(true);
          for (const [kind, salt] of sequence) {
            membership.verify(inputOf(kinds[kind]!(salt), f.admin));
          }
          const checks = counters.credentialChecks;
          expect(membership.verify(inputOf(member, f.inviter)).ok).toBe(true);
          expect(counters.credentialChecks).toBe(checks);
        },
      ),
      { numRuns: 25, seed: 11 },
    );
  });

  it('a lenient backend sharing the cache never vouches for a signature to a strict one', async () => {
    const lenient: CryptoBackend = { ...nobleCrypto, name: 'lenient', ed25519Verify: () => true };
    const cache = new CertificateCache(64);
    const leaf = f.member.chain[3]!.slice();
    leaf[leaf.length - 1]! ^= 1;
    const forged = [...f.member.chain.slice(0, 3), leaf];
    expect(reasonOf(validateChain(forged, { nowWallMs: NOW, root, cache, crypto: lenient }))).toBe(
      'ok',
    );
    expect(reasonOf(validateChain(forged, { nowWallMs: NOW, root, cache }))).toBe('bad-signature');
    expect(reasonOf(validateChain(f.member.chain, { nowWallMs: NOW, root, cache }))).toBe('ok');
  });

  it('open-tier certificates (unpinned chains) never evict pinned ones', async () => {
    const cache = new CertificateCache(8);
    expect(reasonOf(validateChain(f.member.chain, { nowWallMs: NOW, root, cache }))).toBe('ok');
    expect(cache.pinnedSize).toBe(4);
    for (let i = 0; i < 3; i++) {
      const outsider = (await makeOutsider(90 + i, 91 + i)).credential;
      expect(reasonOf(validateChain(outsider.chain, { nowWallMs: NOW, cache }))).toBe('ok');
    }
    expect(cache.pinnedSize).toBe(4);
    expect(cache.size).toBeLessThanOrEqual(8);
    const misses = cache.misses;
    expect(reasonOf(validateChain(f.member.chain, { nowWallMs: NOW, root, cache }))).toBe('ok');
    expect(cache.misses).toBe(misses);
  });

  it('budgets cold verifications per source and for the node, on the injected clock', () => {
    const { membership, counters } = receiver(4, { perSourceBurst: 2, perSourcePerSecond: 1 });
    const tampered = f.member.chain[3]!.slice();
    tampered[tampered.length - 1]! ^= 1;
    const cold = (salt: number) =>
      envelope([...f.member.chain.slice(0, 3), tampered.map((b, i) => (i === 40 ? salt : b))], 0);
    const outcome = (source: string, nowMs: number, salt: number) => {
      const v = membership.verify(inputOf(cold(salt), f.member, { source, nowMs }));
      return v.ok ? 'ok' : v.reason;
    };
    expect([1, 2, 3].map((s) => outcome('attacker', 0, s))).toEqual([
      'bad-credential',
      'bad-credential',
      'membership-throttled',
    ]);
    expect(outcome('someone-else', 0, 4)).toBe('bad-credential');
    expect(outcome('attacker', 999, 5)).toBe('membership-throttled');
    expect(outcome('attacker', 1_000, 6)).toBe('bad-credential');
    expect(counters.throttled).toBe(2);
    // A member already in the memo never touches the budget.
    const member = encodeChainPkcs7(f.inviter.chain);
    expect(membership.verify(inputOf(member, f.inviter, { source: 'm', nowMs: 1_000 })).ok).toBe(
      true,
    );
    const budget = new VerifyBudget({ globalBurst: 2, globalPerSecond: 1 });
    expect([budget.take('a', 0), budget.take('b', 0), budget.take('c', 0)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(budget.refused.global).toBe(1);
    expect(budget.take('d', Number.NaN)).toBe(false);
    expect(() => new VerifyBudget({ perSourceBurst: 0 })).toThrow(RangeError);
  });
});

describe('names are bound to keys', () => {
  it('an attacker-rooted chain never validates for another group peer name (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100, max: 250 }), async (seedByte) => {
        // The attacker makes a group of its own, naming it like the victim's.
        const attacker = await createGroup({
          classifier: 'chat',
          nowWallMs: T0,
          seed: new Uint8Array(32).fill(seedByte),
        });
        const { signCertificate } = await import('../../../src/gmc/issue.js');
        const { encodePnrpExtensions } = await import('../../../src/gmc/extensions.js');
        const name = `CN=${attacker.root.identity.authority}`;
        const grc = await signCertificate({
          signer: attacker.root.identity,
          issuerName: name,
          subjectName: name,
          subjectPublicKey: attacker.root.identity.publicKey,
          notBeforeMs: T0,
          notAfterMs: T0 + 86_400_000,
          extensions: encodePnrpExtensions({ certificateType: 2, peerName }),
        });
        for (const expect_ of [{}, { peerName }]) {
          const v = validateChain([grc], { nowWallMs: NOW, ...expect_ });
          expect(reasonOf(v)).toBe('authority-mismatch');
        }
        // Its honest chain validates for its own name only.
        const own = validateChain(attacker.root.chain, { nowWallMs: NOW, peerName });
        expect(reasonOf(own)).toBe('peer-name-mismatch');
      }),
      { numRuns: 4, seed: 3 },
    );
  }, 30_000);
});

describe('time fails closed', () => {
  const bad = [Number.NaN, undefined, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  it('validateChain refuses a time that is not a finite number (bad-time), before parsing', () => {
    for (const t of bad) {
      const before = chainParseStats.certificates;
      const v = validateChain(f.member.chain, { nowWallMs: t as number, root });
      expect(v.ok ? 'ok' : `${v.reason}: ${v.detail}`).toMatch(/^bad-time: the time .* finite/);
      expect(chainParseStats.certificates).toBe(before);
    }
  });

  it('membership, DKSP records and revocation lists refuse it too', () => {
    const { membership } = receiver();
    const dksp = derivedKeySecurityProvider({ root, credential: f.member });
    const record = dksp.secureRecord(
      {
        key: dksp.derivedKey,
        appData: new Uint8Array(0),
        endpoints: [],
        nonce: new Uint8Array(16),
        revoke: false,
      },
      NOW,
    );
    const list = new RevocationList({ root });
    for (const t of bad) {
      const v = membership.verify(
        inputOf(encodeChainPkcs7(f.inviter.chain), f.inviter, { nowWallMs: t }),
      );
      expect(v.ok || v.detail.split(':')[0]).toBe('credential-bad-time');
      const r = dksp.validateRecord(record, {
        key: dksp.derivedKey,
        nonce: new Uint8Array(16),
        revoke: false,
        nowWallMs: t as number,
      });
      expect(r.ok || r.reason).toBe('chain-bad-time');
      const added = list.add(new Uint8Array(8), t as number);
      expect(added.ok || added.reason).toBe('bad-time');
    }
    // A memoized good verdict is not reused at a NaN time either.
    expect(membership.verify(inputOf(encodeChainPkcs7(f.inviter.chain), f.inviter)).ok).toBe(true);
    const again = membership.verify(
      inputOf(encodeChainPkcs7(f.inviter.chain), f.inviter, { nowWallMs: Number.NaN }),
    );
    expect(again.ok).toBe(false);
  });
});
