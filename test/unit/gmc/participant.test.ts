/**
 * `<group authority>.participant` published by members ([MS-PNRP] §3.1.5.10 delegation): a member
 * signs the CPA with its own key under the group's authority and sends its GMC chain; a CPA
 * provider with `gmcAuthorityVerifier` accepts it only when the chain's root key hashes to the
 * authority, the chain's last key signed the CPA and the classifiers cover the name. Without a
 * verifier the CPA stays `authority-mismatch`, as before.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyRecord, RecordExpectation } from '../../../src/drt/security-provider.js';
import { encodeChainPkcs7 } from '../../../src/gmc/chain-codec.js';
import type { GmcCredential } from '../../../src/gmc/issue.js';
import { gmcAuthorityVerifier, participantPeerName } from '../../../src/gmc/participant.js';
import { p2pIdOf } from '../../../src/keys/ids.js';
import {
  type CpaSecurityProvider,
  cpaSecurityProvider,
} from '../../../src/pnrp/cpa-security-provider.js';
import { concatBytes } from '../../../src/util/bytes.js';
import { type Fixture, makeFixture, makeOutsider, NOW } from './fixtures.js';

let f: Fixture;
let outsider: GmcCredential;
let participant: string;
let authority: string;
beforeAll(async () => {
  f = await makeFixture();
  authority = f.group.root.identity.authority;
  participant = participantPeerName(f.group);
  outsider = (await makeOutsider(42, 61)).credential;
});

const nonce = new Uint8Array(16).fill(8);
const serviceLocation = new Uint8Array(16).fill(0x21);
const endpoint = { address: new Uint8Array(16).fill(1), port: 3540 };

/** A publisher of `peerName` signing as `signer`, sending `chain`; returns one INQUIRE answer. */
function publish(signer: GmcCredential, chain: readonly Uint8Array[], peerName = participant) {
  const publisher = cpaSecurityProvider();
  const pnrpId = concatBytes(p2pIdOf(peerName), serviceLocation);
  publisher.setRegistration({
    peerName,
    classifier: peerName.slice(41),
    // Delegated: the group's authority with the signer's key (what register() builds from
    // `certChain`), and the chain sent with the CPA.
    identity: { ...signer.identity, authority },
    pnrpId,
    serviceLocation,
    appEndpoints: [],
    certChain: encodeChainPkcs7(chain),
  });
  const record: KeyRecord = {
    key: pnrpId,
    appData: new Uint8Array(0),
    endpoints: [endpoint],
    nonce,
    revoke: false,
  };
  const cpa = publisher.secureRecord(record, NOW);
  const extras = publisher.authorityExtras!(pnrpId, false, nonce, NOW);
  return { publisher, pnrpId, cpa, certChain: publisher.certChain!(pnrpId), extras };
}

function expectation(
  answer: ReturnType<typeof publish>,
  overrides: Partial<RecordExpectation> = {},
): RecordExpectation {
  return {
    key: answer.pnrpId,
    nonce,
    revoke: false,
    nowWallMs: NOW,
    authority: {
      ...(answer.extras.classifier !== undefined ? { classifier: answer.extras.classifier } : {}),
      ...(answer.certChain ? { certChain: answer.certChain } : {}),
    },
    ...overrides,
  };
}

function reasonOf(resolver: CpaSecurityProvider, answer: ReturnType<typeof publish>, o = {}) {
  const v = resolver.validateRecord(answer.cpa, expectation(answer, o));
  return v.ok ? 'ok' : v.reason;
}

describe('<group>.participant through the CPA provider', () => {
  it('names the participant peer name', () => {
    expect(participant).toBe(`${authority}.participant`);
  });

  it('a member publishes with its own key and chain; only resolvers with a verifier accept it', () => {
    const answer = publish(f.member, f.member.chain);
    expect(answer.certChain).toBeDefined();
    expect(answer.extras.classifier).toBe('participant');
    const plain = cpaSecurityProvider();
    expect(plain.wantCertChain!(answer.pnrpId)).toBe(false);
    expect(reasonOf(plain, answer)).toBe('authority-mismatch');

    const verifier = gmcAuthorityVerifier();
    const resolver = cpaSecurityProvider({ authorityVerifier: verifier.verify });
    expect(resolver.wantCertChain!(answer.pnrpId)).toBe(true);
    const v = resolver.validateRecord(answer.cpa, expectation(answer));
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.record.endpoints).toEqual([endpoint]);
    expect(verifier.counters.accepted).toBe(1);
    // The same chain again: decoded from the memo.
    expect(reasonOf(resolver, answer)).toBe('ok');
    expect(verifier.counters.memoHits).toBe(1);
    // A verifier can also be set later, and removed.
    plain.setAuthorityVerifier(verifier.verify);
    expect(reasonOf(plain, answer)).toBe('ok');
    plain.setAuthorityVerifier(undefined);
    expect(reasonOf(plain, answer)).toBe('authority-mismatch');
  });

  it('refuses foreign chains, borrowed chains, uncovered classifiers and every usual CPA fault', () => {
    const verifier = gmcAuthorityVerifier();
    const resolver = cpaSecurityProvider({ authorityVerifier: verifier.verify });
    const good = publish(f.member, f.member.chain);
    // The outsider signs under the group's authority with a chain from another group.
    expect(reasonOf(resolver, publish(outsider, outsider.chain))).toBe(
      'delegation-authority-not-root',
    );
    // The outsider presents a member's (public) chain: the chain's key did not sign the CPA.
    expect(reasonOf(resolver, publish(outsider, f.member.chain))).toBe('delegation-wrong-key');
    // A member's chain delegates 'participant' only.
    expect(reasonOf(resolver, publish(f.member, f.member.chain, `${authority}.admin-only`))).toBe(
      'delegation-classifier-not-allowed',
    );
    // No chain, garbage chain, no classifier.
    const { certChain: _c, ...noChain } = good.extras as { certChain?: Uint8Array };
    expect(reasonOf(resolver, good, { authority: { ...noChain, classifier: 'participant' } })).toBe(
      'authority-mismatch',
    );
    expect(
      reasonOf(resolver, good, {
        authority: { classifier: 'participant', certChain: new Uint8Array([0x30, 1, 0]) },
      }),
    ).toBe('delegation-malformed');
    expect(reasonOf(resolver, good, { authority: { certChain: good.certChain! } })).toBe(
      'delegation-no-classifier',
    );
    // The checks verifyCpa would make after the authority.
    expect(reasonOf(resolver, good, { nonce: new Uint8Array(16) })).toBe('nonce-mismatch');
    expect(reasonOf(resolver, good, { key: new Uint8Array(32) })).toBe('id-mismatch');
    expect(reasonOf(resolver, good, { nowWallMs: NOW + 400 * 86_400_000 })).toBe('expired');
    const tampered = { ...good, cpa: good.cpa.slice() };
    tampered.cpa[tampered.cpa.length - 1]! ^= 1; // inside the Ed25519 signature
    expect(reasonOf(resolver, tampered)).toBe('bad-signature');
    expect(resolver.counters.rejected['delegation-authority-not-root']).toBe(1);
    expect(verifier.counters.refused).toMatchObject({
      'authority-not-root': 1,
      'wrong-key': 1,
      'classifier-not-allowed': 1,
      malformed: 1,
    });
  });
});
