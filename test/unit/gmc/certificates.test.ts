/**
 * Known answers for every certificate type: the fixture certificates are deterministic (fixed
 * seeds, fixed time, deterministic Ed25519 and derived serial numbers), so their SHA-256 is pinned;
 * the PNRP extension values are checked against DER written out by hand from [MS-PNRP] §2.2.3.5.1.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '../../../src/gmc/certificate.js';
import { decodeChainPkcs7, encodeChainPkcs7 } from '../../../src/gmc/chain-codec.js';
import { GMC_OID, ROLE_UUID } from '../../../src/gmc/constants.js';
import { classifiersDelegated } from '../../../src/gmc/delegation.js';
import { decodePnrpExtensions, encodePnrpExtensions } from '../../../src/gmc/extensions.js';
import { issueGmc } from '../../../src/gmc/issue.js';
import { x509ShimInstalled } from '../../../src/gmc/x509.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { decodeWith } from '../../../src/util/byte-reader.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';
import { type Fixture, identityOf, makeFixture, T0 } from './fixtures.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
});

/** Extension values straight from @peculiar/x509 (not through our decoder), by certificate hex. */
const rawExtensions = new Map<string, { oid: string; critical: boolean; value: Uint8Array }[]>();

function extensionHex(der: Uint8Array, oid: string): string | undefined {
  const ext = rawExtensions.get(toHex(der))?.find((e) => e.oid === oid);
  return ext === undefined ? undefined : `${ext.critical ? 'critical:' : ''}${toHex(ext.value)}`;
}

describe('certificate known answers', () => {
  beforeAll(async () => {
    const { x509 } = await import('../../../src/gmc/x509.js');
    for (const der of [f.group.root.chain[0]!, ...f.member.chain.slice(1)]) {
      const cert = new x509.X509Certificate(new Uint8Array(der));
      rawExtensions.set(
        toHex(der),
        cert.extensions.map((e) => ({
          oid: e.type,
          critical: e.critical,
          value: new Uint8Array(e.value),
        })),
      );
    }
  });

  it('the GRC, admin, inviting member and member certificates have pinned SHA-256 digests', () => {
    const digests = [
      f.group.root.chain[0]!,
      f.admin.chain[1]!,
      f.inviter.chain[2]!,
      f.member.chain[3]!,
    ].map((der) => toHex(nobleCrypto.sha256(der)));
    expect(digests).toEqual([
      '26b9b3ec83fe7ff60613b9a540946012782a21733498a4dd43a066ee47408ab6',
      '8a4fc25e880daf6c55a4ba56ca25034c95e3d49c3c411801fe535ad5118506e9',
      '46a6dd87b425477b3c72a69f38538b51f73e050ba9d362ca30a71b46b470ba55',
      '29a2cda904c3ceef5b6c0aada66c9144abc2f1ad1f1498fccaad3c2ef22291fc',
    ]);
    expect(f.group.properties.peerName).toBe('9ad19e0f16eef714cb90c6f195dbce66e94580f9.chat');
    expect(f.group.properties.peerName.split('.')[0]).toBe(f.group.root.identity.authority);
  });

  it('the GRC carries critical type Root (u32 LE 2) and version 1.2 (01 00 02 00)', () => {
    const grc = f.group.root.chain[0]!;
    expect(extensionHex(grc, GMC_OID.certificateType)).toBe('critical:040402000000');
    expect(extensionHex(grc, GMC_OID.certificateVersion)).toBe('critical:040401000200');
    expect(extensionHex(grc, GMC_OID.role)).toBeUndefined();
  });

  it('a member GMC carries type Member, roleMember and the classifier "participant"', () => {
    const gmc = f.member.chain[3]!;
    expect(extensionHex(gmc, GMC_OID.certificateType)).toBe('critical:040401000000');
    expect(extensionHex(gmc, GMC_OID.role)).toBe(`critical:30120410${ROLE_UUID.member}`);
    const participant = Array.from(
      'participant',
      (c) => `000000${c.charCodeAt(0).toString(16)}`,
    ).join('');
    // GeneralNames { otherName { type-id 1.3.6.1.4.1.311.44.0.3, [0] UniversalString } }
    expect(extensionHex(gmc, GMC_OID.classifiers)).toBe(
      `critical:303ea03c060a2b0601040182372c0003a02e1c2c${participant}`,
    );
  });

  it('describeCertificate() reads a GMC: 16-byte serial, names, validity and Ed25519 key', () => {
    const r = describeCertificate(f.member.chain[3]!);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.value.facts;
    expect(c.serialNumber).toHaveLength(32);
    expect(c.subject).toBe(`CN=${f.member.identity.authority}`);
    expect(c.issuer).toBe(`CN=${f.inviter.identity.authority}`);
    expect([c.notBeforeMs, c.notAfterMs]).toEqual([T0, T0 + 2_419_200_000]);
    expect(c.publicKey).toEqual(f.member.identity.publicKey);
    expect(c.signatureAlgorithm).toBe('Ed25519');
  });

  it('encodes the peer name "a.b" exactly as the hand-written DER', () => {
    const ext = encodePnrpExtensions({ certificateType: 1, peerName: 'a.b' }).find(
      (e) => e.oid === GMC_OID.peerName,
    )!;
    expect(toHex(ext.value)).toBe(
      '301ea01c060a2b0601040182372c0002a00e1c0c000000610000002e00000062',
    );
  });

  it('decodePnrpExtensions() reads back what encodePnrpExtensions() wrote, including an empty classifier', () => {
    const raw = encodePnrpExtensions({
      certificateType: 1,
      peerName: 'a.b',
      roles: ['inviting-member', 'admin'],
      classifiers: ['', 'fish'],
    });
    const r = decodeWith(() => decodePnrpExtensions(raw));
    expect(r.ok && r.value).toMatchObject({
      certificateType: 1,
      versionOk: true,
      peerName: 'a.b',
      roles: ['inviting-member', 'admin'],
      classifiers: ['', 'fish'],
    });
  });

  it('accepts the MS-PNRP roleInvitingMember UUID as an alias', () => {
    const raw = encodePnrpExtensions({
      certificateType: 1,
      peerName: 'a.b',
      roles: ['member'],
    }).map((e) =>
      e.oid === GMC_OID.role
        ? { ...e, value: fromHex('30120410dd15f41ffc4e4922b0354c06a754d01d') }
        : e,
    );
    const r = decodeWith(() => decodePnrpExtensions(raw));
    expect(r.ok && r.value.roles).toEqual(['inviting-member']);
  });

  it('PKCS#7 chains round-trip in order', () => {
    const r = decodeChainPkcs7(encodeChainPkcs7(f.member.chain));
    expect(r.ok && r.value).toEqual(f.member.chain);
    expect(decodeChainPkcs7(new Uint8Array([1, 2, 3])).ok).toBe(false);
  });

  it('loads @peculiar/x509 without the user importing a Reflect polyfill', () => {
    expect(typeof x509ShimInstalled).toBe('boolean');
    expect(typeof (Reflect as unknown as { getMetadata?: unknown }).getMetadata).toBe('function');
  });
});

describe('classifier delegation ([MS-PNRP] §2.2.3.5.1.5.1 table)', () => {
  // The specification's table also lists "cheese" as invalid for an admin under ["fish",
  // "cheese"], contradicting its own rule (an exact match is legal); we follow the rule.
  const table: [
    readonly string[],
    boolean,
    readonly (readonly string[])[],
    readonly (readonly string[])[],
  ][] = [
    [[], true, [['anything'], []], []],
    [['', 'fish'], true, [['whatever'], []], []],
    [['', 'fish'], false, [[''], ['fish']], [[], ['fish food']]],
    [
      ['fish', 'cheese'],
      true,
      [['fish'], ['fish food'], ['cheese'], ['cheese-like']],
      [[], ['ham']],
    ],
    [['fish', 'cheese'], false, [['fish'], ['cheese']], [[], ['fish food'], ['cheese-like']]],
  ];
  for (const [delegator, prefix, valid, invalid] of table) {
    it(`delegator [${delegator.map((d) => `"${d}"`).join(', ')}] with ${prefix ? 'admin' : 'member'} role`, () => {
      const role = prefix ? 'admin' : 'member';
      for (const c of valid)
        expect([c, classifiersDelegated(delegator, role, c)]).toEqual([c, true]);
      for (const c of invalid)
        expect([c, classifiersDelegated(delegator, role, c)]).toEqual([c, false]);
    });
  }
});

describe('issueGmc() local rules', () => {
  it('refuses a member issuing, an inviting member issuing an admin, and an undelegated classifier', async () => {
    const key = identityOf(80).publicKey;
    await expect(
      issueGmc({ issuer: f.member, subjectPublicKey: key, role: 'member', nowWallMs: T0 }),
    ).rejects.toThrow(RangeError);
    await expect(
      issueGmc({ issuer: f.inviter, subjectPublicKey: key, role: 'admin', nowWallMs: T0 }),
    ).rejects.toThrow(RangeError);
    const limited = {
      identity: identityOf(81),
      chain: await issueGmc({
        issuer: f.admin,
        subjectPublicKey: identityOf(81).publicKey,
        role: 'inviting-member',
        classifiers: ['fish'],
        nowWallMs: T0,
      }),
    };
    await expect(
      issueGmc({
        issuer: limited,
        subjectPublicKey: key,
        role: 'member',
        classifiers: ['ham'],
        nowWallMs: T0,
      }),
    ).rejects.toThrow(/not delegable/);
    await expect(
      issueGmc({
        issuer: { identity: identityOf(82), chain: f.admin.chain },
        subjectPublicKey: key,
        role: 'member',
        nowWallMs: T0,
      }),
    ).rejects.toThrow(/does not own/);
  });
});
