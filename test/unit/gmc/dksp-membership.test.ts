/**
 * The membership-mode hook of the derived-key security provider: the credential is the GMC chain
 * as PKCS#7, the signature Ed25519 by the last certificate's key, the KEY_IDENTIFIER a [MC-DRT]
 * PUBLIC_KEY naming that key; verification refuses foreign roots, garbage, expired chains, wrong
 * key identifiers and signatures of other bytes or by other keys, and answers a credential it has
 * seen from a bounded memo.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeKeyIdentifier, encodeKeyIdentifier } from '../../../src/gmc/dksp-membership.js';
import {
  decodeChainPkcs7,
  derivedKeySecurityProvider,
  encodeChainPkcs7,
} from '../../../src/gmc/index.js';
import { createGroup } from '../../../src/gmc/issue.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { fromHex } from '../../../src/util/bytes.js';
import { type Fixture, identityOf, makeFixture, makeOutsider, NOW, T0 } from './fixtures.js';

let f: Fixture;
let root: Uint8Array;
let foreignRoot: Uint8Array;
beforeAll(async () => {
  f = await makeFixture();
  root = f.group.root.chain[0]!;
  const foreign = await createGroup({
    classifier: 'chat',
    nowWallMs: T0,
    seed: new Uint8Array(32).fill(42),
  });
  foreignRoot = foreign.root.chain[0]!;
});

const data = new TextEncoder().encode('a LOOKUP without its security elements');

describe('derivedKeySecurityProvider({ mode: "membership" })', () => {
  it('has no hook in resolve mode (the default)', () => {
    const p = derivedKeySecurityProvider({ root, credential: f.member });
    expect(p.membership).toBeUndefined();
    expect(p.membershipCounters).toBeUndefined();
    expect(p.name).toBe('derived-key');
    expect(() =>
      derivedKeySecurityProvider({ root, credential: f.member, mode: 'confidential' as never }),
    ).toThrow(RangeError);
  });

  it('presents its chain as PKCS#7, signs with its key and names it in the KEY_IDENTIFIER', () => {
    const p = derivedKeySecurityProvider({ root, credential: f.member, mode: 'membership' });
    const m = p.membership!;
    const chain = decodeChainPkcs7(m.credential());
    expect(chain.ok && chain.value).toEqual(f.member.chain);
    const named = decodeKeyIdentifier(m.keyIdentifier!()!);
    expect(named.ok && named.value).toEqual(f.member.identity.publicKey);
    const signature = m.sign(data);
    expect(nobleCrypto.ed25519Verify(signature, data, f.member.identity.publicKey)).toBe(true);
  });

  it('accepts a member of the group and refuses everyone else, by reason', async () => {
    const sender = derivedKeySecurityProvider({ root, credential: f.inviter, mode: 'membership' });
    const receiver = derivedKeySecurityProvider({ root, credential: f.member, mode: 'membership' });
    const s = sender.membership!;
    const verify = receiver.membership!.verify;
    const good = {
      credential: s.credential(),
      signature: s.sign(data),
      keyIdentifier: s.keyIdentifier!()!,
      data,
      nowWallMs: NOW,
    };
    expect(verify(good).ok).toBe(true);
    const { keyIdentifier: _k, ...withoutKeyId } = good;
    expect(verify(withoutKeyId).ok).toBe(true);

    const reasonOf = (input: Partial<typeof good>) => {
      const v = verify({ ...good, ...input });
      return v.ok ? 'ok' : `${v.reason} ${v.detail.split(':')[0]}`;
    };
    expect(reasonOf({ data: new Uint8Array([1, 2]) })).toBe('bad-signature bad-signature');
    expect(reasonOf({ signature: new Uint8Array(64) })).toBe('bad-signature bad-signature');
    expect(reasonOf({ signature: new Uint8Array(3) })).toBe('bad-signature bad-signature');
    // The member's credential with a signature by someone else's key.
    const other = nobleCrypto.ed25519Sign(data, identityOf(77).secretKey);
    expect(reasonOf({ signature: other })).toBe('bad-signature bad-signature');
    expect(reasonOf({ credential: new Uint8Array([0x30, 0x03, 1, 2, 3]) })).toBe(
      'bad-credential credential-malformed',
    );
    expect(reasonOf({ credential: new Uint8Array(0) })).toBe('bad-credential credential-malformed');
    expect(reasonOf({ keyIdentifier: encodeKeyIdentifier(identityOf(77).publicKey) })).toBe(
      'bad-credential key-identifier-mismatch',
    );
    expect(reasonOf({ keyIdentifier: fromHex('00') })).toBe(
      'bad-credential key-identifier-mismatch',
    );
    expect(reasonOf({ nowWallMs: T0 - 1 })).toBe('bad-credential credential-not-yet-valid');

    // A chain under a foreign root, properly signed by its own key.
    const { group: foreignGroup, credential: foreigner } = await makeOutsider(42, 60);
    const { identity: foreignIdentity, chain: foreignChain } = foreigner;
    expect(foreignGroup.root.chain[0]).toEqual(foreignRoot);
    expect(
      reasonOf({
        credential: encodeChainPkcs7(foreignChain),
        signature: nobleCrypto.ed25519Sign(data, foreignIdentity.secretKey),
        keyIdentifier: encodeKeyIdentifier(foreignIdentity.publicKey),
      }),
    ).toBe('bad-credential credential-foreign-root');
    expect(receiver.membershipCounters!.refusals).toMatchObject({
      'bad-signature': 4,
      'credential-malformed': 2,
      'key-identifier-mismatch': 2,
      'credential-not-yet-valid': 1,
      'credential-foreign-root': 1,
    });
  });

  it('validates a credential once and answers it from a bounded memo afterwards', () => {
    const sender = derivedKeySecurityProvider({ root, credential: f.admin, mode: 'membership' });
    const receiver = derivedKeySecurityProvider({
      root,
      credential: f.member,
      mode: 'membership',
      membershipMemoEntriesMax: 1,
    });
    const s = sender.membership!;
    const input = (d: Uint8Array, nowWallMs = NOW) => ({
      credential: s.credential(),
      signature: s.sign(d),
      data: d,
      nowWallMs,
    });
    const c = receiver.membershipCounters!;
    for (let i = 0; i < 20; i++) {
      expect(receiver.membership!.verify(input(new Uint8Array([i]))).ok).toBe(true);
    }
    expect(c.credentialChecks).toBe(1);
    expect(c.credentialMemoHits).toBe(19);
    expect(c.accepted).toBe(20);
    // A clock that went back before the memoized check: validated again, not trusted blindly.
    expect(receiver.membership!.verify(input(data, NOW - 1)).ok).toBe(true);
    expect(c.credentialChecks).toBe(2);
    // A second credential pushes the first out of a memo of one.
    const other = derivedKeySecurityProvider({ root, credential: f.inviter, mode: 'membership' });
    const o = other.membership!;
    const v = receiver.membership!.verify({
      credential: o.credential(),
      signature: o.sign(data),
      data,
      nowWallMs: NOW,
    });
    expect(v.ok).toBe(true);
    expect(receiver.membership!.verify(input(data)).ok).toBe(true);
    expect(c.credentialChecks).toBe(4);
    expect(() =>
      derivedKeySecurityProvider({
        root,
        credential: f.member,
        mode: 'membership',
        membershipMemoEntriesMax: 0,
      }),
    ).toThrow(RangeError);
  });
});
