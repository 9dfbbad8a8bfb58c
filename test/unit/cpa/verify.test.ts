import { describe, expect, it } from 'vitest';
import { SIGNATURE_FIELD_BYTES } from '../../../src/cpa/constants.js';
import { encodeCpaSignedSpan } from '../../../src/cpa/encode.js';
import {
  CPA_REJECT_REASONS,
  type CpaExpectations,
  type CpaRejectReason,
  createCpa,
  encodeCpa,
  filetimeFromUnixMs,
  pnrpIdOfCpa,
  verifyCpa,
} from '../../../src/cpa/index.js';
import { memoizeVerify, nobleCrypto, pnrpIdOf } from '../../../src/keys/index.js';
import { concatBytes, toHex } from '../../../src/util/bytes.js';
import {
  alice,
  bob,
  DAY_MS,
  NONCE,
  NOW_MS,
  params,
  SERVICE_LOCATION,
  serviceEndpoint,
  serviceListOffset,
} from './fixtures.js';

const securedName = `${alice.authority}.chat`;
const secured = createCpa(params(), alice);
const unsecured = createCpa(params({ peerName: '0.chat' }), bob);
const expectations: CpaExpectations = {
  nowWallMs: NOW_MS,
  nonce: NONCE,
  pnrpId: pnrpIdOf(securedName, SERVICE_LOCATION),
  peerName: securedName,
};

function reasonOf(bytes: Uint8Array, e: CpaExpectations = expectations): CpaRejectReason | 'ok' {
  const verdict = verifyCpa(bytes, e);
  return verdict.ok ? 'ok' : verdict.reason;
}

/** Re-signs a tampered span with `signer`, so only the intended check can fail. */
function resign(span: Uint8Array, signer = alice): Uint8Array {
  const sig = nobleCrypto.ed25519Sign(span, signer.secretKey);
  const field = new Uint8Array([72, 0, 64, 0, 0xed, 0x20, 0, 0]);
  return concatBytes(span, field, sig);
}

describe('verifyCpa() accepts genuine CPAs', () => {
  it('accepts a secured CPA for its name, ID, nonce and time, and marks it secured', () => {
    const verdict = verifyCpa(secured.encoded, expectations);
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.cpa.secured).toBe(true);
    expect(verdict.cpa.peerName).toBe(securedName);
    expect(verdict.cpa.classifier).toBe('chat');
  });

  it('accepts an unsecured CPA signed by any key but reports it unprotected', () => {
    const verdict = verifyCpa(unsecured.encoded, {
      nowWallMs: NOW_MS,
      pnrpId: pnrpIdOf('0.chat', SERVICE_LOCATION),
      peerName: '0.chat',
    });
    expect(verdict).toMatchObject({ ok: true, cpa: { secured: false } });
    expect(unsecured.cpa.binaryAuthority).toBeUndefined();
  });

  it('accepts a CPA model as well as bytes, checking its re-encoding', () => {
    expect(verifyCpa(secured.cpa, expectations).ok).toBe(true);
    const moved = { ...secured.cpa, serviceEndpoints: [serviceEndpoint(3)] };
    expect(verifyCpa(moved, expectations)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('checks only what the caller expects: no nonce, ID or name means no such check', () => {
    expect(reasonOf(secured.encoded, { nowWallMs: NOW_MS })).toBe('ok');
  });

  it('accepts a CPA at exactly its Not After and refuses it one millisecond later', () => {
    const atExpiry = { ...expectations, nowWallMs: NOW_MS + DAY_MS };
    expect(reasonOf(secured.encoded, atExpiry)).toBe('ok');
    expect(reasonOf(secured.encoded, { ...atExpiry, nowWallMs: NOW_MS + DAY_MS + 1 })).toBe(
      'expired',
    );
  });

  it('pnrpIdOfCpa() equals the PNRP ID of the peer name and service location', () => {
    expect(toHex(pnrpIdOfCpa(secured.cpa))).toBe(toHex(pnrpIdOf(securedName, SERVICE_LOCATION)));
  });
});

describe('verifyCpa() reasons, each from one targeted tamper', () => {
  it("'malformed' for bytes that do not decode", () => {
    expect(reasonOf(secured.encoded.subarray(0, 100))).toBe('malformed');
    const verdict = verifyCpa(new Uint8Array(3), expectations);
    expect(verdict).toMatchObject({ ok: false, reason: 'malformed' });
    if (!verdict.ok) expect(verdict.detail).toMatch(/^length-mismatch/);
  });

  it("'bad-signature' for one flipped bit in the signature", () => {
    const bytes = secured.encoded.slice();
    bytes[bytes.length - 1]! ^= 1;
    expect(reasonOf(bytes)).toBe('bad-signature');
  });

  it("'bad-signature' for one flipped bit in the signed span (a service endpoint address)", () => {
    const bytes = secured.encoded.slice();
    bytes[serviceListOffset(secured.cpa, 5) + 4 + 17]! ^= 1;
    expect(reasonOf(bytes)).toBe('bad-signature');
  });

  it("'bad-signature' for reserved bits set after signing (they are signed bytes)", () => {
    const bytes = secured.encoded.slice();
    bytes[7] = 1;
    expect(reasonOf(bytes)).toBe('bad-signature');
  });

  it("'authority-mismatch' for a secured authority that is not SHA-1 of the signing key", () => {
    const span = encodeCpaSignedSpan({ ...secured.cpa, publicKey: bob.publicKey });
    expect(reasonOf(resign(span, bob))).toBe('authority-mismatch');
  });

  it("'expired' for a CPA past its Not After", () => {
    expect(reasonOf(secured.encoded, { ...expectations, nowWallMs: NOW_MS + 2 * DAY_MS })).toBe(
      'expired',
    );
  });

  it("'nonce-mismatch' for a nonce other than the INQUIRE's", () => {
    expect(reasonOf(secured.encoded, { ...expectations, nonce: new Uint8Array(16) })).toBe(
      'nonce-mismatch',
    );
  });

  it("'id-mismatch' for a route entry ID other than the CPA's", () => {
    const pnrpId = expectations.pnrpId!.slice();
    pnrpId[31]! ^= 1;
    expect(reasonOf(secured.encoded, { ...expectations, pnrpId })).toBe('id-mismatch');
  });

  it("'id-mismatch' for another classifier or another authority in the expected peer name", () => {
    const { pnrpId: _, ...noId } = expectations;
    expect(reasonOf(secured.encoded, { ...noId, peerName: `${alice.authority}.other` })).toBe(
      'id-mismatch',
    );
    expect(reasonOf(secured.encoded, { ...noId, peerName: `${bob.authority}.chat` })).toBe(
      'id-mismatch',
    );
    expect(reasonOf(secured.encoded, { ...noId, peerName: '0.chat' })).toBe('id-mismatch');
  });

  it("'revoked' for a valid revoke CPA unless allowRevoke is set", () => {
    const revoke = createCpa(
      params({ revoke: true, nonce: new Uint8Array(16), appEndpoints: [] }),
      alice,
    ).encoded;
    const { nonce: _, ...noNonce } = expectations;
    expect(reasonOf(revoke, noNonce)).toBe('revoked');
    const accepted = verifyCpa(revoke, { ...noNonce, allowRevoke: true });
    expect(accepted).toMatchObject({ ok: true, cpa: { revoke: true } });
    const forged = revoke.slice();
    forged[forged.length - 5]! ^= 0x40;
    expect(reasonOf(forged, noNonce)).toBe('bad-signature');
  });

  it('covers every reason in CPA_REJECT_REASONS', () => {
    expect([...CPA_REJECT_REASONS]).toEqual([
      'malformed',
      'authority-mismatch',
      'expired',
      'nonce-mismatch',
      'id-mismatch',
      'bad-signature',
      'revoked',
    ]);
  });
});

describe('verifyCpa() check order follows [MS-PNRP] §3.1.5.7', () => {
  const badSignature = secured.encoded.slice();
  badSignature[badSignature.length - 1]! ^= 1;

  it('reports authority before time, time before nonce, nonce before ID, ID before signature', () => {
    const forged = resign(encodeCpaSignedSpan({ ...secured.cpa, publicKey: bob.publicKey }), bob);
    const late = { ...expectations, nowWallMs: NOW_MS + 2 * DAY_MS };
    const wrongNonce = { ...expectations, nonce: new Uint8Array(16) };
    const wrongId = { ...expectations, pnrpId: new Uint8Array(32) };
    expect(reasonOf(forged, late)).toBe('authority-mismatch');
    expect(reasonOf(badSignature, { ...late, nonce: new Uint8Array(16) })).toBe('expired');
    expect(reasonOf(badSignature, { ...wrongNonce, pnrpId: new Uint8Array(32) })).toBe(
      'nonce-mismatch',
    );
    expect(reasonOf(badSignature, wrongId)).toBe('id-mismatch');
  });

  it('never spends a signature check on a CPA that fails a cheaper check', () => {
    let verifies = 0;
    const counting = {
      ...nobleCrypto,
      ed25519Verify: (s: Uint8Array, m: Uint8Array, k: Uint8Array) => {
        verifies++;
        return nobleCrypto.ed25519Verify(s, m, k);
      },
    };
    verifyCpa(secured.encoded, { ...expectations, nonce: new Uint8Array(16) }, counting);
    expect(verifies).toBe(0);
    verifyCpa(secured.encoded, expectations, counting);
    expect(verifies).toBe(1);
  });
});

describe('verifyCpa() with a memoized backend', () => {
  it('answers the second verification of the same bytes from memory', () => {
    const crypto = memoizeVerify(nobleCrypto);
    expect(verifyCpa(secured.encoded, expectations, crypto).ok).toBe(true);
    expect(verifyCpa(secured.encoded, expectations, crypto).ok).toBe(true);
    expect(crypto.verifyHits).toBe(1);
    expect(crypto.verifyMisses).toBe(1);
  });
});

describe('verifyCpa() refuses bad expectations as local errors', () => {
  it('throws for a bad time, nonce or ID, or a malformed expected peer name', () => {
    expect(() => verifyCpa(secured.encoded, { nowWallMs: Number.NaN })).toThrow(RangeError);
    expect(() => verifyCpa(secured.encoded, { ...expectations, nonce: new Uint8Array(1) })).toThrow(
      RangeError,
    );
    expect(() =>
      verifyCpa(secured.encoded, { ...expectations, pnrpId: new Uint8Array(31) }),
    ).toThrow(RangeError);
    expect(() => verifyCpa(secured.encoded, { ...expectations, peerName: 'bad' })).toThrow(
      RangeError,
    );
    expect(() => verifyCpa(secured.encoded, null as never)).toThrow(TypeError);
  });

  it('keeps its decisions in FILETIME, exact to the 100 ns tick', () => {
    const cpa = { ...secured.cpa, notAfterFiletime: filetimeFromUnixMs(NOW_MS) - 1n };
    const signed = resign(encodeCpa(cpa).subarray(0, -SIGNATURE_FIELD_BYTES));
    expect(reasonOf(signed)).toBe('expired');
  });
});
