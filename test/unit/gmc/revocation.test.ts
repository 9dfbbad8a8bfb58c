/**
 * Revocation (issue 11, item 6): an admin's signed record naming a certificate, verified on the
 * way into a bounded list, and honoured by chain validation, membership verification (memoized
 * verdicts included), DKSP records and the participant authority verifier.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GroupAuthSession } from '../../../src/gmc/auth.js';
import { type ChainVerdict, certificateIdOf, validateChain } from '../../../src/gmc/chain.js';
import { encodeChainPkcs7 } from '../../../src/gmc/chain-codec.js';
import { derivedKeySecurityProvider } from '../../../src/gmc/dksp.js';
import { gmcAuthorityVerifier } from '../../../src/gmc/participant.js';
import { createRevocation, RevocationList } from '../../../src/gmc/revocation.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { seededRng } from '../../../src/util/rng.js';
import { credentialOf, type Fixture, makeFixture, makeOutsider, NOW, T0 } from './fixtures.js';

let f: Fixture;
let root: Uint8Array;
beforeAll(async () => {
  f = await makeFixture();
  root = f.group.root.chain[0]!;
});

const reasonOf = (v: ChainVerdict): string => (v.ok ? 'ok' : v.reason);
const leafOf = (chain: readonly Uint8Array[]): Uint8Array => chain[chain.length - 1]!;

describe('createRevocation() and RevocationList', () => {
  it('accepts a record by the root or an admin, refuses one by anyone else, by reason', async () => {
    const list = new RevocationList({ root });
    const byRoot = createRevocation({
      admin: f.group.root,
      certificate: leafOf(f.member.chain),
      nowWallMs: NOW,
    });
    const r = list.add(byRoot, NOW);
    expect(r.ok && r.added).toBe(true);
    expect(list.isRevoked(certificateIdOf(leafOf(f.member.chain)))).toBe(true);
    expect(list.add(byRoot, NOW).ok).toBe(true);
    expect(list.size).toBe(1);
    const byAdmin = createRevocation({
      admin: f.admin,
      certificate: leafOf(f.inviter.chain),
      nowWallMs: NOW,
    });
    expect(list.add(byAdmin, NOW).ok).toBe(true);
    // An inviting member may not revoke, a revoked one even less; nor may another group's root.
    const inviter = await credentialOf(f.admin, 12, 'inviting-member');
    const byInviter = createRevocation({
      admin: inviter,
      certificate: leafOf(f.admin.chain),
      nowWallMs: NOW,
    });
    const outsider = await makeOutsider(33, 34);
    const byForeign = createRevocation({
      admin: outsider.group.root,
      certificate: leafOf(f.admin.chain),
      nowWallMs: NOW,
    });
    const tampered = byRoot.slice();
    tampered[10]! ^= 1;
    const byRevoked = createRevocation({
      admin: f.inviter,
      certificate: leafOf(f.admin.chain),
      nowWallMs: NOW,
    });
    const reasons = [byInviter, byRevoked, byForeign, tampered, new Uint8Array(3)].map((b) => {
      const added = list.add(b, NOW);
      return added.ok ? 'ok' : added.reason;
    });
    expect(reasons).toEqual([
      'not-admin',
      'signer-revoked',
      'signer-foreign-root',
      'bad-signature',
      'malformed',
    ]);
    expect(list.size).toBe(2);
    // Records pass on to another member's list as they are.
    const other = new RevocationList({ root });
    for (const record of list.records()) expect(other.add(record, NOW).ok).toBe(true);
    expect(other.size).toBe(2);
  });

  it('is bounded: a full list refuses (counted) and prunes revocations of expired certificates', () => {
    const list = new RevocationList({ root, entriesMax: 1 });
    const one = createRevocation({
      admin: f.group.root,
      certificate: leafOf(f.member.chain),
      nowWallMs: NOW,
    });
    const two = createRevocation({
      admin: f.group.root,
      certificate: leafOf(f.inviter.chain),
      nowWallMs: NOW,
    });
    expect(list.add(one, NOW).ok).toBe(true);
    const full = list.add(two, NOW);
    expect(full.ok || full.reason).toBe('full');
    expect(list.refused.full).toBe(1);
    // Past the member certificate's notAfter (28 days), its revocation is no longer needed.
    const later = T0 + 29 * 86_400_000;
    expect(list.prune(later)).toBe(1);
    expect(() => new RevocationList({ root, entriesMax: 0 })).toThrow(RangeError);
  });
});

describe('every check honours a revocation', () => {
  it('validateChain refuses a chain holding a revoked certificate at any position', () => {
    const list = new RevocationList({ root });
    expect(reasonOf(validateChain(f.member.chain, { nowWallMs: NOW, root, revoked: list }))).toBe(
      'ok',
    );
    // Revoking the inviting member revokes the member it issued, and itself; not the admin.
    list.add(
      createRevocation({ admin: f.admin, certificate: leafOf(f.inviter.chain), nowWallMs: NOW }),
      NOW,
    );
    const check = (chain: readonly Uint8Array[]) =>
      reasonOf(validateChain(chain, { nowWallMs: NOW, root, revoked: list }));
    expect([check(f.member.chain), check(f.inviter.chain), check(f.admin.chain)]).toEqual([
      'revoked',
      'revoked',
      'ok',
    ]);
  });

  it('membership verification drops a revoked member, even with its verdict memoized', () => {
    const receiver = derivedKeySecurityProvider({ root, credential: f.admin, mode: 'membership' });
    const sender = derivedKeySecurityProvider({ root, credential: f.member, mode: 'membership' });
    const data = new Uint8Array([1, 2, 3]);
    const input = () => ({
      credential: sender.membership!.credential(),
      signature: sender.membership!.sign(data),
      data,
      nowWallMs: NOW,
    });
    expect(receiver.membership!.verify(input()).ok).toBe(true);
    expect(receiver.membership!.verify(input()).ok).toBe(true);
    expect(receiver.membershipCounters!.credentialMemoHits).toBe(1);
    const record = createRevocation({
      admin: f.group.root,
      certificate: leafOf(f.member.chain),
      nowWallMs: NOW,
    });
    expect(receiver.addRevocation(record, NOW).ok).toBe(true);
    const v = receiver.membership!.verify(input());
    expect(v.ok || `${v.reason} ${v.detail.split(':')[0]}`).toBe(
      'bad-credential credential-revoked',
    );
    // Its DKSP records are refused too.
    const proof = sender.secureRecord(
      {
        key: sender.derivedKey,
        appData: new Uint8Array(0),
        endpoints: [],
        nonce: new Uint8Array(16),
        revoke: false,
      },
      NOW,
    );
    const r = receiver.validateRecord(proof, {
      key: sender.derivedKey,
      nonce: new Uint8Array(16),
      revoke: false,
      nowWallMs: NOW,
    });
    expect(r.ok || r.reason).toBe('chain-revoked');
  });

  it('the participant authority verifier refuses a revoked member chain', () => {
    const list = new RevocationList({ root });
    const verifier = gmcAuthorityVerifier({ revoked: list });
    const d = {
      certChain: encodeChainPkcs7(f.member.chain),
      nowWallMs: NOW,
      publicKey: f.member.identity.publicKey,
      classifier: 'participant',
      binaryAuthority: nobleCrypto.sha1(f.group.root.identity.publicKey),
    };
    const call = () => {
      const v = verifier.verify(d as never);
      return v.ok ? 'ok' : v.reason;
    };
    expect(call()).toBe('ok');
    list.add(
      createRevocation({
        admin: f.group.root,
        certificate: leafOf(f.member.chain),
        nowWallMs: NOW,
      }),
      NOW,
    );
    expect(call()).toBe('revoked');
    // A chain under another authority is refused on certificate 0, before the rest is parsed.
    expect(verifier.verify({ ...d, binaryAuthority: new Uint8Array(20) } as never)).toEqual({
      ok: false,
      reason: 'authority-not-root',
    });
  });
});

describe('what an admin may not revoke', () => {
  it("refuses a record naming the root or a certificate of the signer's own chain", () => {
    const list = new RevocationList({ root });
    for (const certificate of [root, leafOf(f.admin.chain)]) {
      const record = createRevocation({ admin: f.admin, certificate, nowWallMs: NOW });
      expect(list.add(record, NOW)).toEqual({ ok: false, reason: 'revokes-own-chain' });
    }
    expect(reasonOf(validateChain(f.member.chain, { nowWallMs: NOW, root, revoked: list }))).toBe(
      'ok',
    );
  });
});

describe('mutual authentication honours a revocation', () => {
  /** Runs a joiner (`f.member`) against a member (`f.admin`) holding `revoked`; returns the states. */
  function authenticate(revoked: RevocationList): string[] {
    const make = (side: 'joiner' | 'member', credential: typeof f.member) =>
      new GroupAuthSession({
        side,
        credential,
        root,
        rng: seededRng(5).fork(side),
        ...(side === 'member' ? { revoked } : {}),
      });
    const joiner = make('joiner', f.member);
    const member = make('member', f.admin);
    joiner.start(NOW);
    for (let round = 0; round < 10; round++) {
      let moved = false;
      for (const [from, to] of [
        [joiner, member],
        [member, joiner],
      ] as const) {
        for (let out = from.poll(); out.type !== 'idle'; out = from.poll()) {
          moved = true;
          if (out.type === 'send') to.handleMessage(NOW, out.payload);
        }
      }
      if (!moved) break;
    }
    return [joiner.state, member.state];
  }

  it('a member holding the revocation refuses the revoked joiner; before it, both authenticate', () => {
    const list = new RevocationList({ root });
    expect(authenticate(list)).toEqual(['authenticated', 'authenticated']);
    list.add(
      createRevocation({
        admin: f.group.root,
        certificate: leafOf(f.member.chain),
        nowWallMs: NOW,
      }),
      NOW,
    );
    const [joinerState, memberState] = authenticate(list);
    expect(memberState).toBe('failed');
    expect(joinerState).not.toBe('authenticated');
  });
});
