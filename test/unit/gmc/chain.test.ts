import { beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '../../../src/gmc/certificate.js';
import { CertificateCache, type ChainVerdict, validateChain } from '../../../src/gmc/chain.js';
import { GMC_OID } from '../../../src/gmc/constants.js';
import { issueGmc } from '../../../src/gmc/issue.js';
import { seededRng } from '../../../src/util/rng.js';
import { type Fixture, forge, identityOf, makeFixture, makeOutsider, NOW, T0 } from './fixtures.js';

let f: Fixture;
let peerName: string;
let root: Uint8Array;

beforeAll(async () => {
  f = await makeFixture();
  peerName = f.group.properties.peerName;
  root = f.group.root.chain[0]!;
});

function reasonOf(verdict: ChainVerdict): string {
  return verdict.ok ? 'ok' : verdict.reason;
}

describe('validateChain() accepts well-formed chains', () => {
  it('accepts the bare GRC as an admin of every classifier', () => {
    const v = validateChain(f.group.root.chain, { nowWallMs: NOW, root, peerName });
    expect(v.ok && { roles: v.roles, classifiers: v.classifiers, peerName: v.peerName }).toEqual({
      roles: ['admin'],
      classifiers: [],
      peerName,
    });
  });

  it('accepts admin, inviting member and member chains with their roles and classifiers', () => {
    const cases = [
      [f.admin, ['admin'], []],
      [f.inviter, ['inviting-member'], []],
      [f.member, ['member'], ['participant']],
    ] as const;
    for (const [credential, roles, classifiers] of cases) {
      const v = validateChain(credential.chain, {
        nowWallMs: NOW,
        root,
        peerName,
        publicKey: credential.identity.publicKey,
        classifier: 'participant',
      });
      expect(v.ok && { roles: v.roles, classifiers: v.classifiers }).toEqual({
        roles,
        classifiers,
      });
    }
  });

  it('accepts the root given as its raw public key', () => {
    const v = validateChain(f.member.chain, {
      nowWallMs: NOW,
      root: f.group.root.identity.publicKey,
    });
    expect(reasonOf(v)).toBe('ok');
  });

  it('answers a repeated validation from the certificate cache without new signature checks', () => {
    const cache = new CertificateCache(16);
    expect(reasonOf(validateChain(f.member.chain, { nowWallMs: NOW, cache }))).toBe('ok');
    expect(cache.misses).toBe(4);
    expect(reasonOf(validateChain(f.member.chain, { nowWallMs: NOW, cache }))).toBe('ok');
    expect(cache.hits).toBe(4);
  });
});

describe('CertificateCache', () => {
  it('stays within entriesMax, counts evictions, and never stores a tampered certificate', () => {
    // Unpinned chains use the open tier: at most half of entriesMax (here 1).
    const cache = new CertificateCache(2);
    expect(reasonOf(validateChain(f.member.chain, { nowWallMs: NOW, cache }))).toBe('ok');
    expect(cache.evictions).toBe(3);
    expect(cache.size).toBe(1);
    const leaf = f.member.chain[3]!.slice();
    leaf[leaf.length - 1]! ^= 0x01;
    const bad = [...f.member.chain.slice(0, 3), leaf];
    expect(reasonOf(validateChain(bad, { nowWallMs: NOW, cache }))).toBe('bad-signature');
    expect(reasonOf(validateChain(bad, { nowWallMs: NOW, cache }))).toBe('bad-signature');
    // The tampered leaf never entered: what is cached is the last certificate that verified.
    expect(cache.size).toBe(1);
    expect(() => new CertificateCache(0)).toThrow(RangeError);
  });
});

describe('validateChain() rejects each rule violated once', () => {
  it('rejects a certificate naming the wrong issuer (wrong-issuer)', async () => {
    const chain = await forge(f.inviter, peerName, { issuerName: 'CN=somebody-else' });
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('wrong-issuer');
  });

  it('rejects a member issuing a member (role-escalation)', async () => {
    const chain = await forge(f.member, peerName, { roles: ['member'] });
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('role-escalation');
  });

  it('rejects an inviting member issuing an admin (role-escalation)', async () => {
    const chain = await forge(f.inviter, peerName, { roles: ['admin'], classifiers: [] });
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('role-escalation');
  });

  it('rejects a classifier the issuer did not delegate (classifier-escalation)', async () => {
    // The member's own list is ['participant']; an inviting member under a member-like list may
    // not widen it. Build admin -> inviting member limited to 'fish' -> member 'fish food'.
    const limited = await issueGmc({
      issuer: f.admin,
      subjectPublicKey: identityOf(5).publicKey,
      role: 'inviting-member',
      classifiers: ['fish'],
      nowWallMs: T0,
    });
    const chain = await forge({ identity: identityOf(5), chain: limited }, peerName, {
      roles: ['member'],
      classifiers: ['fish food'],
    });
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('classifier-escalation');
  });

  it('rejects an expired certificate (expired)', async () => {
    const chain = await forge(f.inviter, peerName, { notAfterMs: T0 + 1000 });
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('expired');
  });

  it('rejects a certificate not yet valid (not-yet-valid)', async () => {
    const chain = await forge(f.inviter, peerName, { notBeforeMs: NOW + 1000 });
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('not-yet-valid');
  });

  it('rejects a chain of 26 certificates (chain-too-long)', () => {
    const chain = Array.from({ length: 26 }, () => f.inviter.chain[2]!);
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('chain-too-long');
  });

  it('rejects a chain from another group (foreign-root)', async () => {
    const { chain } = (await makeOutsider(9, 6)).credential;
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW }))).toBe('ok');
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('foreign-root');
  });

  it('rejects a tampered signature (bad-signature)', () => {
    const leaf = f.member.chain[3]!.slice();
    leaf[leaf.length - 1]! ^= 0x01;
    const chain = [...f.member.chain.slice(0, 3), leaf];
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('bad-signature');
  });

  it('rejects a certificate for another peer name (peer-name-mismatch)', async () => {
    const chain = await forge(f.inviter, peerName, { peerName: `${'0'.repeat(40)}.chat` });
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('peer-name-mismatch');
    expect(reasonOf(validateChain(f.member.chain, { nowWallMs: NOW, root, peerName: 'x.y' }))).toBe(
      'peer-name-mismatch',
    );
  });

  it('rejects a certificate missing a critical PNRP extension (missing-extension)', async () => {
    const chain = await forge(f.inviter, peerName, {
      editExtensions: (list) => list.filter((e) => e.oid !== GMC_OID.role),
    });
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('missing-extension');
  });

  it('rejects a PNRP extension not marked critical (not-critical)', async () => {
    const chain = await forge(f.inviter, peerName, {
      editExtensions: (list) =>
        list.map((e) => ({ ...e, critical: e.oid !== GMC_OID.classifiers })),
    });
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe('not-critical');
  });

  it('rejects an unknown critical extension (unknown-critical-extension)', async () => {
    const chain = await forge(f.inviter, peerName, {
      editExtensions: (list) => [
        ...list,
        { oid: '1.2.3.4', critical: true, value: new Uint8Array([5, 0]) },
      ],
    });
    expect(reasonOf(validateChain(chain, { nowWallMs: NOW, root }))).toBe(
      'unknown-critical-extension',
    );
  });

  it('rejects a chain whose first certificate is a member (not-root)', () => {
    expect(reasonOf(validateChain(f.member.chain.slice(1), { nowWallMs: NOW }))).toBe('not-root');
  });

  it('rejects a chain ending in another key (wrong-key) and an empty chain (empty-chain)', () => {
    const v = validateChain(f.member.chain, {
      nowWallMs: NOW,
      publicKey: identityOf(42).publicKey,
    });
    expect(reasonOf(v)).toBe('wrong-key');
    expect(reasonOf(validateChain([], { nowWallMs: NOW }))).toBe('empty-chain');
  });

  it('rejects a classifier the chain does not cover (classifier-not-allowed)', () => {
    const v = validateChain(f.member.chain, { nowWallMs: NOW, classifier: 'files' });
    expect(reasonOf(v)).toBe('classifier-not-allowed');
  });
});

describe('validateChain() on hostile bytes', () => {
  it('never throws on 600 mutated and truncated chains (seeded)', () => {
    const seed = Number(process.env.PNRP_SEED ?? 5);
    const rng = seededRng(seed);
    const reasons = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const chain = f.member.chain.map((c) => c.slice());
      const which = rng.nextInt(chain.length);
      const cert = chain[which]!;
      if (rng.nextInt(4) === 0) {
        chain[which] = cert.subarray(0, rng.nextInt(cert.length));
      } else {
        for (let k = 0; k <= rng.nextInt(3); k++)
          cert[rng.nextInt(cert.length)] = rng.nextU32() & 0xff;
      }
      const v = validateChain(chain, { nowWallMs: NOW, root });
      reasons.add(reasonOf(v));
    }
    expect(reasons.has('malformed')).toBe(true);
    expect(reasons.has('bad-signature')).toBe(true);
    expect(reasons.size).toBeGreaterThan(2);
  }, 60_000);

  it('describeCertificate() reports garbage as a result, not an exception', () => {
    const r = describeCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]));
    expect(r.ok).toBe(false);
  });
});
