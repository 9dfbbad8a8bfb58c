/**
 * verifyCpa() with a delegated authority ([MS-PNRP] §3.1.5.10): a secured CPA under alice's
 * authority signed by bob's key passes check 2 only with a chain and a classifier, and the
 * injected verifier judges the chain last, after the signature.
 */
import { describe, expect, it } from 'vitest';
import { encodeCpaSignedSpan } from '../../../src/cpa/encode.js';
import {
  type AuthorityDelegation,
  type AuthorityVerifier,
  type CpaExpectations,
  createCpa,
  verifyCpa,
} from '../../../src/cpa/index.js';
import { nobleCrypto, pnrpIdOf } from '../../../src/keys/index.js';
import { concatBytes } from '../../../src/util/bytes.js';
import { alice, bob, DAY_MS, NONCE, NOW_MS, params, SERVICE_LOCATION } from './fixtures.js';

const securedName = `${alice.authority}.chat`;
const genuine = createCpa(params(), alice);
const span = encodeCpaSignedSpan({ ...genuine.cpa, publicKey: bob.publicKey });
const signatureField = new Uint8Array([72, 0, 64, 0, 0xed, 0x20, 0, 0]);
/** Alice's authority, bob's key and signature: what a member publishes under a group's name. */
const delegated = concatBytes(span, signatureField, nobleCrypto.ed25519Sign(span, bob.secretKey));
const certChain = new Uint8Array([1, 2, 3]);

function recording(answer: ReturnType<AuthorityVerifier>) {
  const seen: AuthorityDelegation[] = [];
  const verifier: AuthorityVerifier = (d) => {
    seen.push(d);
    return answer;
  };
  return { seen, verifier };
}

function expectations(verifier: AuthorityVerifier, extra: Partial<CpaExpectations> = {}) {
  const e: CpaExpectations = {
    nowWallMs: NOW_MS,
    nonce: NONCE,
    pnrpId: pnrpIdOf(securedName, SERVICE_LOCATION),
    authority: { verifier, certChain, classifier: 'chat' },
    ...extra,
  };
  return e;
}

describe('verifyCpa() with authority: a delegation', () => {
  it('accepts the CPA when the verifier accepts the chain, and hands it the claim', () => {
    const { seen, verifier } = recording({ ok: true });
    expect(verifyCpa(delegated, expectations(verifier))).toMatchObject({ ok: true });
    expect(seen).toEqual([
      {
        binaryAuthority: genuine.cpa.binaryAuthority,
        publicKey: bob.publicKey,
        classifier: 'chat',
        certChain,
        nowWallMs: NOW_MS,
      },
    ]);
  });

  it('reports a refused chain as delegation-<reason>', () => {
    const { verifier } = recording({ ok: false, reason: 'wrong-key' });
    expect(verifyCpa(delegated, expectations(verifier))).toMatchObject({
      ok: false,
      reason: 'delegation-wrong-key',
    });
  });

  it('stays authority-mismatch without a chain or as self, and needs a classifier', () => {
    const { seen, verifier } = recording({ ok: true });
    const reasonOf = (e: CpaExpectations) => {
      const v = verifyCpa(delegated, e);
      return v.ok ? 'ok' : v.reason;
    };
    expect(reasonOf(expectations(verifier, { authority: 'self' }))).toBe('authority-mismatch');
    expect(reasonOf(expectations(verifier, { authority: { verifier, classifier: 'chat' } }))).toBe(
      'authority-mismatch',
    );
    // Check 2 comes before the time: a late CPA without a classifier is refused for that.
    const late = { nowWallMs: NOW_MS + 2 * DAY_MS };
    expect(reasonOf(expectations(verifier, { ...late, authority: { verifier, certChain } }))).toBe(
      'delegation-no-classifier',
    );
    expect(seen).toHaveLength(0);
  });

  it('refuses a chain judged for another classifier than the CPA names', () => {
    // bob's chain may cover `admin` only; the CPA is for `chat`: the claim must match the CPA.
    const { seen, verifier } = recording({ ok: true });
    const e = expectations(verifier, { authority: { verifier, certChain, classifier: 'admin' } });
    expect(verifyCpa(delegated, e)).toMatchObject({
      ok: false,
      reason: 'delegation-classifier-mismatch',
    });
    expect(seen).toHaveLength(0);
  });

  it('never asks the verifier about a CPA that fails a cheaper check, the signature included', () => {
    const { seen, verifier } = recording({ ok: true });
    const tampered = delegated.slice();
    tampered[tampered.length - 1]! ^= 1;
    expect(verifyCpa(tampered, expectations(verifier))).toMatchObject({ reason: 'bad-signature' });
    const late = expectations(verifier, { nowWallMs: NOW_MS + 2 * DAY_MS });
    expect(verifyCpa(delegated, late)).toMatchObject({ reason: 'expired' });
    expect(seen).toHaveLength(0);
  });

  it('leaves a CPA signed by its own key to the usual checks, never to the verifier', () => {
    const { seen, verifier } = recording({ ok: false, reason: 'never' });
    expect(verifyCpa(genuine.encoded, expectations(verifier)).ok).toBe(true);
    expect(seen).toHaveLength(0);
  });
});
