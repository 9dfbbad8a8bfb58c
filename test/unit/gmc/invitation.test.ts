import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64 } from '../../../src/gmc/chain-codec.js';
import {
  acceptInvitation,
  createInvitation,
  exportIdentity,
  invitationIsFor,
  parseIdentityInfo,
  parseInvitation,
} from '../../../src/gmc/invitation.js';
import {
  createPasswordInvitation,
  openPasswordInvitation,
} from '../../../src/gmc/invitation-password.js';
import { createGroup, issueGmc } from '../../../src/gmc/issue.js';
import { passwordHashString } from '../../../src/gmc/password.js';
import {
  createKdfParams,
  derivePasswordSecret,
  type PasswordSecret,
} from '../../../src/gmc/password-strong.js';
import { seededRng } from '../../../src/util/rng.js';
import { type Fixture, identityOf, makeFixture, NOW, T0 } from './fixtures.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
});

function codeOf(r: { ok: boolean; error?: { code: string } }): string {
  return r.ok ? 'ok' : r.error!.code;
}

describe('invitations', () => {
  it('createInvitation() and parseInvitation() round-trip cloud, scope, flags and the chain', () => {
    const xml = createInvitation({
      chain: f.member.chain,
      cloudName: 'Global_',
      scope: 'global',
      cloudFlags: 2,
    });
    expect(xml.startsWith('<PEERINVITATION VERSION="1.0"><CLOUDNAME>Global_</CLOUDNAME>')).toBe(
      true,
    );
    const r = parseInvitation(xml);
    expect(r.ok).toBe(true);
    if (!r.ok || r.value.type !== 'gmc') return;
    expect(r.value).toMatchObject({ cloudName: 'Global_', scope: 'global', cloudFlags: 2 });
    expect(r.value.chain).toEqual(f.member.chain);
    expect(invitationIsFor(r.value, f.member.identity.publicKey)).toBe(true);
    const verdict = acceptInvitation(r.value, {
      publicKey: f.member.identity.publicKey,
      nowWallMs: NOW,
      root: f.group.root.chain[0]!,
    });
    expect(verdict.ok && verdict.roles).toEqual(['member']);
  });

  it('accepts an XML declaration, whitespace and entities in text', () => {
    const xml = createInvitation({ chain: f.member.chain, cloudName: 'a&b' }).replace(
      '<CLOUDNAME>',
      '\n  <CLOUDNAME>',
    );
    const r = parseInvitation(`<?xml version="1.0" encoding="utf-8"?>\n${xml}\n`);
    expect(r.ok && r.value.cloudName).toBe('a&b');
  });

  it('password invitations (1.1) carry the group peer name and no chain', () => {
    const xml = createPasswordInvitation({
      groupPeerName: f.group.properties.peerName,
      groupFriendlyName: 'Chat <room>',
      scope: 'link-local',
      interoperable: true,
    });
    const r = parseInvitation(xml);
    expect(r.ok && r.value).toMatchObject({
      type: 'password',
      version: '1.1',
      groupPeerName: f.group.properties.peerName,
      groupFriendlyName: 'Chat <room>',
      scope: 'link-local',
    });
    if (r.ok)
      expect(
        acceptInvitation(r.value, { publicKey: f.member.identity.publicKey, nowWallMs: NOW }).ok,
      ).toBe(false);
  });

  it('rejects an invitation for someone else (wrong-key) and one from another group (foreign-root)', async () => {
    const r = parseInvitation(createInvitation({ chain: f.member.chain }));
    if (!r.ok) throw new Error('fixture invitation does not parse');
    const stranger = acceptInvitation(r.value, {
      publicKey: identityOf(50).publicKey,
      nowWallMs: NOW,
    });
    expect(stranger.ok ? 'ok' : stranger.reason).toBe('wrong-key');
    const other = await createGroup({
      classifier: 'chat',
      nowWallMs: T0,
      seed: new Uint8Array(32).fill(8),
    });
    const foreign = acceptInvitation(r.value, {
      publicKey: f.member.identity.publicKey,
      nowWallMs: NOW,
      root: other.root.chain[0]!,
    });
    expect(foreign.ok ? 'ok' : foreign.reason).toBe('foreign-root');
  });

  it('refuses malformed and foreign documents with a clear code', () => {
    const good = createInvitation({ chain: f.member.chain });
    const cases: [string, string][] = [
      ['not xml at all', 'xml'],
      ['<PEERGROUPCONFIG VERSION="1.0"></PEERGROUPCONFIG>', 'not-invitation'],
      [good.replace('VERSION="1.0"', 'VERSION="2.0"'), 'unsupported-version'],
      [good.replace(/<SCOPE>.*<\/SCOPE>/, ''), 'missing-element'],
      [good.replace('<SCOPE>global</SCOPE>', '<SCOPE>galaxy</SCOPE>'), 'bad-scope'],
      [good.replace('<CLOUDFLAGS>0</CLOUDFLAGS>', '<CLOUDFLAGS>-1</CLOUDFLAGS>'), 'bad-flags'],
      [
        good.replace('</PEERINVITATION>', '<EXTRA>1</EXTRA></PEERINVITATION>'),
        'unexpected-element',
      ],
      [good.replace(/(<GMC[^>]*>)[^<]*/, '$1!!!!'), 'bad-base64'],
      [
        good.replace(
          /(<GMC[^>]*>)[^<]*/,
          `$1${encodeBase64(new Uint8Array([0x30, 0x03, 1, 2, 3]))}`,
        ),
        'bad-chain',
      ],
      [`<!DOCTYPE x>${good}`, 'xml'],
      [good.replace('</PEERINVITATION>', '<!-- hi --></PEERINVITATION>'), 'xml'],
      [`${good}<PEERINVITATION/>`, 'xml'],
      [good.replace('<CLOUDNAME>', '<CLOUDNAME>&bogus;'), 'xml'],
      [good.replace('</CLOUDFLAGS>', '</CLOUDFLAGS><SCOPE>global</SCOPE>'), 'xml'],
    ];
    for (const [xml, code] of cases)
      expect([xml.slice(0, 40), codeOf(parseInvitation(xml))]).toEqual([xml.slice(0, 40), code]);
  });
});

describe('GMC invitations: the inviter signs the cloud fields', () => {
  const signed = () =>
    createInvitation({
      chain: f.member.chain,
      cloudName: 'Global_',
      cloudFlags: 1,
      inviter: f.inviter.identity,
    });
  const accept = (xml: string, requireAuthenticatedCloud = false) => {
    const r = parseInvitation(xml);
    if (!r.ok) throw new Error(r.error.detail);
    const v = acceptInvitation(r.value, {
      publicKey: f.member.identity.publicKey,
      nowWallMs: NOW,
      root: f.group.root.chain[0]!,
      requireAuthenticatedCloud,
    });
    return v.ok ? (v.cloudAuthenticated ? 'authenticated' : 'unauthenticated') : v.reason;
  };

  it('a signed invitation authenticates CLOUDNAME, SCOPE and CLOUDFLAGS; an unsigned one does not', () => {
    expect(accept(signed())).toBe('authenticated');
    expect(accept(signed(), true)).toBe('authenticated');
    const unsigned = createInvitation({ chain: f.member.chain });
    expect(accept(unsigned)).toBe('unauthenticated');
    expect(accept(unsigned, true)).toBe('cloud-unauthenticated');
  });

  it('a tampered cloud field, or a signature moved to another invitation, is refused', async () => {
    const good = signed();
    for (const tampered of [
      good.replace('<CLOUDNAME>Global_<', '<CLOUDNAME>Evil_<'),
      good.replace('<SCOPE>global<', '<SCOPE>link-local<'),
      good.replace('<CLOUDFLAGS>1<', '<CLOUDFLAGS>0<'),
    ])
      expect(accept(tampered)).toBe('bad-cloud-signature');
    // Another invitee of the same inviter and cloud: the signature covers the invitee's certificate.
    const other = await issueGmc({
      issuer: f.inviter,
      subjectPublicKey: identityOf(51).publicKey,
      role: 'member',
      nowWallMs: T0,
    });
    const sig = /<CLOUDSIGNATURE[^>]*>([^<]*)</.exec(good)![1]!;
    const moved = createInvitation({
      chain: other,
      cloudName: 'Global_',
      cloudFlags: 1,
      inviter: f.inviter.identity,
    }).replace(/(<CLOUDSIGNATURE[^>]*>)[^<]*/, `$1${sig}`);
    const r = parseInvitation(moved);
    const v = r.ok
      ? acceptInvitation(r.value, { publicKey: identityOf(51).publicKey, nowWallMs: NOW })
      : undefined;
    expect(v?.ok ? 'ok' : v?.reason).toBe('bad-cloud-signature');
  });

  it('only the issuer of the last certificate may sign', () => {
    expect(() => createInvitation({ chain: f.member.chain, inviter: f.admin.identity })).toThrow(
      RangeError,
    );
  });
});

describe('password invitations: strong by default, interoperable on request', () => {
  const group = () => f.group.properties.peerName;
  let secret: PasswordSecret;
  const strong = () =>
    createPasswordInvitation({
      groupPeerName: group(),
      groupFriendlyName: 'Chat',
      cloudName: 'Global_',
      secret,
    });
  const open = (xml: string, password = 'correct horse', interoperable = false) => {
    const r = parseInvitation(xml);
    if (!r.ok) return r.error.code;
    const o = openPasswordInvitation(r.value, password, { interoperable });
    return o.ok
      ? o.value.authenticated
        ? 'authenticated'
        : 'opened-unauthenticated'
      : o.error.code;
  };
  beforeAll(() => {
    secret = derivePasswordSecret(
      'correct horse',
      group(),
      createKdfParams(seededRng(5), { logN: 15 }),
    );
  });

  it('opens with the password: every field authenticated, the same secret as the group', () => {
    const r = parseInvitation(strong());
    if (!r.ok || r.value.type !== 'password') throw new Error('no strong invitation');
    expect(r.value.kdf?.logN).toBe(15);
    const o = openPasswordInvitation(r.value, 'correct horse');
    expect(o.ok && o.value.mode).toBe('strong');
    expect(o.ok && o.value.mode === 'strong' && o.value.secret.key).toEqual(secret.key);
    expect(o.ok && o.value.groupPeerName).toBe(group());
    expect(open(strong(), 'wrong horse')).toBe('bad-mac');
  }, 20_000);

  it('refuses a tampered group peer name, cloud, scope, flags, friendly name, cost or salt', () => {
    const good = strong();
    const fakeGroup = `${'e'.repeat(40)}.chat`;
    const cases = [
      good.replace(group(), fakeGroup),
      good.replace('<CLOUDNAME>Global_<', '<CLOUDNAME>Evil_<'),
      good.replace('<SCOPE>global<', '<SCOPE>site-local<'),
      good.replace('<CLOUDFLAGS>0<', '<CLOUDFLAGS>1<'),
      good.replace('>Chat<', '>Chat2<'),
      good.replace('ln=15', 'ln=16'),
      good.replace(/(<PASSWORDSALT[^>]*>)./, (_all, tag: string) => `${tag}A`),
    ];
    for (const xml of cases) {
      expect(xml).not.toBe(good);
      expect(open(xml)).toBe('bad-mac');
    }
  }, 60_000);

  it('a stripped (downgraded) invitation is not acted on unless interoperability is asked for', () => {
    const stripped = strong().replace(/<PASSWORDKDF>.*<\/INVITATIONMAC>/, '');
    expect(open(stripped)).toBe('unauthenticated');
    const interop = createPasswordInvitation({
      groupPeerName: group(),
      groupFriendlyName: 'Chat',
      interoperable: true,
    });
    expect(open(interop)).toBe('unauthenticated');
    expect(open(interop, 'correct horse', true)).toBe('opened-unauthenticated');
    const r = parseInvitation(interop);
    const o = r.ok ? openPasswordInvitation(r.value, 'pw', { interoperable: true }) : undefined;
    expect(o?.ok && o.value.mode === 'interoperable' && o.value.hashString).toBe(
      passwordHashString('pw'),
    );
    expect(() =>
      createPasswordInvitation({ groupPeerName: group(), groupFriendlyName: 'x' } as never),
    ).toThrow(TypeError);
  });

  it('incomplete or out-of-bounds strong elements are refused at parse time (bad-kdf)', () => {
    const good = strong();
    expect(open(good.replace(/<INVITATIONMAC.*<\/INVITATIONMAC>/, ''))).toBe('bad-kdf');
    expect(open(good.replace('ln=15', 'ln=8'))).toBe('bad-kdf');
    expect(open(good.replace('ln=15', 'ln=30'))).toBe('bad-kdf');
  });
});

describe('invitation parser on hostile text', () => {
  it('never throws on 1,000 mutated invitations (seeded) and refuses them with several codes', () => {
    const rng = seededRng(Number(process.env.PNRP_SEED ?? 13));
    const good = createInvitation({ chain: f.member.chain });
    const alphabet = '<>/="&;#x ABCDEFGHIJKLMNOP\n\0';
    const codes = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const chars = [...good];
      for (let k = 0; k <= rng.nextInt(4); k++) {
        const at = rng.nextInt(chars.length);
        const op = rng.nextInt(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[rng.nextInt(alphabet.length)]!);
        else chars.length = at;
      }
      codes.add(codeOf(parseInvitation(chars.join(''))));
    }
    expect(codes.has('xml')).toBe(true);
    expect(codes.size).toBeGreaterThan(3);
  }, 30_000);
});

describe('identity exports', () => {
  it('exportIdentity() and parseIdentityInfo() round-trip the key and peer name', async () => {
    const me = identityOf(60);
    const xml = await exportIdentity({ identity: me, classifier: 'me', nowWallMs: T0 });
    const r = parseIdentityInfo(xml);
    expect(r.ok && r.value.peerName).toBe(`${me.authority}.me`);
    expect(r.ok && r.value.publicKey).toEqual(me.publicKey);
    // The exported key is what an inviter signs a GMC for.
    if (r.ok) {
      const chain = await issueGmc({
        issuer: f.inviter,
        subjectPublicKey: r.value.publicKey,
        role: 'member',
        nowWallMs: T0,
      });
      expect(chain).toHaveLength(4);
    }
  });

  it('parseIdentityInfo() refuses a GRC passed off as an identity, and an invitation', () => {
    const grcXml = `<PEERIDENTITYINFO VERSION="1.0"><IDC xmlns:dt="urn:schemas-microsoft-com:datatypes" dt:dt="bin.base64">${encodeBase64(f.group.root.chain[0]!)}</IDC></PEERIDENTITYINFO>`;
    expect(codeOf(parseIdentityInfo(grcXml))).toBe('bad-certificate');
    expect(codeOf(parseIdentityInfo(createInvitation({ chain: f.member.chain })))).toBe(
      'not-identity',
    );
  });
});
