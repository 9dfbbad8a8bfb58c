/**
 * Known answers from test/vectors/make-cpa-vectors.py, which builds the bytes from the spec's
 * field tables and signs with its own RFC 8032 Ed25519, independently of src/.
 */
import { describe, expect, it } from 'vitest';
import {
  type AppEndpoint,
  createCpa,
  createExtendedPayload,
  decodeCpa,
  decodeExtendedPayload,
  type ExtendedPayloadData,
  encodeCpa,
  encodeExtendedPayload,
  pnrpIdOfCpa,
  type TextEncoding,
  verifyCpa,
  verifyExtendedPayload,
} from '../../../src/cpa/index.js';
import { createIdentity, type Endpoint } from '../../../src/keys/index.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';
import vectors from '../../vectors/cpa.json' with { type: 'json' };

interface EndpointHex {
  address: string;
  port: number;
}

const endpoints = (list: EndpointHex[] | undefined): Endpoint[] =>
  (list ?? []).map((e) => ({ address: fromHex(e.address), port: e.port }));
const apps = (list: (EndpointHex & { protocol: number })[] | undefined): AppEndpoint[] =>
  (list ?? []).map((e) => ({ address: fromHex(e.address), port: e.port, protocol: e.protocol }));

describe('CPA known answers (test/vectors/make-cpa-vectors.py)', () => {
  for (const v of vectors.cpas) {
    const p = v.params as (typeof vectors.cpas)[number]['params'] & {
      nonce?: string;
      appEndpoints?: (EndpointHex & { protocol: number })[];
      friendlyName?: string;
      friendlyNameEncoding?: TextEncoding;
      hasExtendedPayload?: boolean;
      revoke?: boolean;
    };
    const identity = createIdentity(fromHex(v.seed));

    it(`createCpa() reproduces the ${v.name} vector byte for byte`, () => {
      const { cpa, encoded } = createCpa(
        {
          peerName: p.peerName,
          serviceLocation: fromHex(p.serviceLocation),
          notAfterMs: p.notAfterMs,
          ...(p.nonce === undefined ? {} : { nonce: fromHex(p.nonce) }),
          serviceEndpoints: endpoints(p.serviceEndpoints),
          appEndpoints: apps(p.appEndpoints),
          ...(p.friendlyName === undefined ? {} : { friendlyName: p.friendlyName }),
          ...(p.friendlyNameEncoding === undefined
            ? {}
            : { friendlyNameEncoding: p.friendlyNameEncoding }),
          hasExtendedPayload: p.hasExtendedPayload ?? false,
          revoke: p.revoke ?? false,
        },
        identity,
      );
      expect(toHex(identity.publicKey)).toBe(v.publicKey);
      expect(toHex(encoded)).toBe(v.encoded);
      expect(toHex(encodeCpa(cpa))).toBe(v.encoded);
      expect(encoded[6]).toBe(v.flags);
      expect(toHex(pnrpIdOfCpa(cpa))).toBe(v.pnrpId);
    });

    it(`decodeCpa() reads the ${v.name} vector back into its parameters`, () => {
      const result = decodeCpa(fromHex(v.encoded));
      if (!result.ok) throw new Error(result.error.detail);
      const cpa = result.value;
      expect(cpa.notAfterFiletime.toString()).toBe(v.notAfterFiletime);
      expect(toHex(cpa.serviceLocation)).toBe(p.serviceLocation);
      expect(toHex(cpa.nonce)).toBe(p.nonce ?? '00'.repeat(16));
      expect(cpa.secured).toBe(!p.peerName.startsWith('0.'));
      expect(cpa.revoke).toBe(p.revoke ?? false);
      expect(cpa.hasExtendedPayload).toBe(p.hasExtendedPayload ?? false);
      expect(cpa.friendlyName?.text).toBe(p.friendlyName);
      expect(cpa.serviceEndpoints).toEqual(endpoints(p.serviceEndpoints));
      expect(cpa.appEndpoints).toEqual(apps(p.appEndpoints));
      expect(toHex(cpa.publicKey)).toBe(v.publicKey);
      expect(toHex(encodeCpa(cpa))).toBe(v.encoded);
    });

    it(`verifyCpa() accepts the ${v.name} vector for its name, ID and nonce`, () => {
      const verdict = verifyCpa(fromHex(v.encoded), {
        nowWallMs: p.notAfterMs,
        ...(p.nonce === undefined ? {} : { nonce: fromHex(p.nonce) }),
        pnrpId: fromHex(v.pnrpId),
        peerName: p.peerName,
        allowRevoke: true,
      });
      expect(verdict).toMatchObject({ ok: true });
      if (verdict.ok) expect(verdict.cpa.classifier).toBe(p.peerName.split('.')[1]);
    });
  }

  for (const v of vectors.extendedPayloads) {
    const p = v.params as { pnrpId: string; notAfterMs: number; nonce?: string };
    const raw = v.params.payload as
      | { type: 'binary'; bytes: string }
      | { type: 'string'; text: string; encoding: TextEncoding };
    const payload: ExtendedPayloadData =
      raw.type === 'binary' ? { type: 'binary', bytes: fromHex(raw.bytes) } : raw;
    const identity = createIdentity(fromHex(v.seed));
    const nonce = fromHex(p.nonce ?? '00'.repeat(16));

    it(`createExtendedPayload() reproduces the ${v.name} vector and verifies it`, () => {
      const { extendedPayload, encoded } = createExtendedPayload(
        { pnrpId: fromHex(p.pnrpId), notAfterMs: p.notAfterMs, nonce, payload },
        identity,
      );
      expect(toHex(encoded)).toBe(v.encoded);
      expect(toHex(encodeExtendedPayload(extendedPayload))).toBe(v.encoded);
      const decoded = decodeExtendedPayload(fromHex(v.encoded));
      expect(decoded.ok && decoded.value.payload).toEqual(payload);
      const verdict = verifyExtendedPayload(fromHex(v.encoded), {
        publicKey: fromHex(v.publicKey),
        pnrpId: fromHex(p.pnrpId),
        nonce,
        nowWallMs: p.notAfterMs,
      });
      expect(verdict.ok).toBe(true);
    });
  }
});
