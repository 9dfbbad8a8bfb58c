/**
 * @module gmc/chain-codec
 * GMC chains on the wire as [MS-PNRP] §2.2.3.5 and [MS-PPSEC] carry them: a PKCS#7 v1.5
 * SignedData (certificates only) holding the certificates root first, and base64 for XML. Decoding
 * is remote input and returns a result; order is preserved.
 *
 * Decoding walks the envelope's DER by hand (ContentInfo → [0] SignedData → [0] certificates) and
 * returns each certificate's bytes without parsing any of them (issue 11: refuse before parsing):
 * the chain validator then compares certificate 0 with the pinned root and parses the rest one at
 * a time. Only DER is accepted (definite, minimal lengths); the envelope's other fields (version,
 * digest algorithms, signer infos) are skipped, so nothing may key a memo on the envelope bytes,
 * which are malleable: key on the certificates instead ({@link chainDigest}).
 */
import type { CryptoBackend } from '../keys/crypto-backend.js';
import { decodeWith, fail } from '../util/byte-reader.js';
import { err, type Result } from '../util/result.js';
import { GMC_LIMITS } from './constants.js';
import { isMinimalDer, oidText, readDer, readDerChildren } from './der.js';
import { x509 } from './x509.js';

/**
 * Largest PKCS#7 chain accepted, in bytes.
 * @example if (bytes.length > CHAIN_BYTES_MAX) return 'too large';
 */
export const CHAIN_BYTES_MAX: number = 64 * 1024;

/**
 * A chain (DER certificates, root first) as a PKCS#7 certificates-only SignedData. Throws
 * `RangeError` for local bytes that are not certificates.
 * @example const pkcs7 = encodeChainPkcs7(credential.chain);
 */
export function encodeChainPkcs7(chain: readonly Uint8Array[]): Uint8Array {
  if (chain.length === 0 || chain.length > GMC_LIMITS.chainCertificatesMax) {
    throw new RangeError(`a chain holds 1..${GMC_LIMITS.chainCertificatesMax} certificates`);
  }
  try {
    const certs = new x509.X509Certificates(
      chain.map((der) => new x509.X509Certificate(new Uint8Array(der))),
    );
    return new Uint8Array(certs.export('raw'));
  } catch (e) {
    throw new RangeError(`not a certificate chain: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';

/**
 * The DER certificates of a PKCS#7 chain, in order, unparsed (copies). Never throws.
 * @example const r = decodeChainPkcs7(bytes); if (r.ok) validateChain(r.value, { nowWallMs });
 */
export function decodeChainPkcs7(bytes: Uint8Array): Result<Uint8Array[]> {
  return walkChainPkcs7(bytes, GMC_LIMITS.chainCertificatesMax);
}

/**
 * The first certificate of a PKCS#7 chain (a view, not a copy), read without walking the others:
 * what a receiver compares with its pinned root before anything else. Never throws.
 * @example const first = firstCertificatePkcs7(bytes); if (first.ok && !equalBytes(first.value[0]!, root)) refuse();
 */
export function firstCertificatePkcs7(bytes: Uint8Array): Result<Uint8Array[]> {
  return walkChainPkcs7(bytes, 1);
}

function walkChainPkcs7(bytes: Uint8Array, wanted: number): Result<Uint8Array[]> {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return err('malformed', 'no bytes');
  if (bytes.length > CHAIN_BYTES_MAX)
    return err('limit', `${bytes.length} bytes, at most ${CHAIN_BYTES_MAX}`);
  const r = decodeWith(() => {
    const info = readDer(bytes);
    if (info.tag !== 0x30 || info.end !== bytes.length || !isMinimalDer(info))
      fail('malformed', 'not one DER ContentInfo');
    const [type, explicit, ...extra] = readDerChildren(info.content);
    if (type?.tag !== 0x06 || oidText(type.content) !== SIGNED_DATA_OID || extra.length > 0)
      fail('malformed', 'not a SignedData ContentInfo');
    if (explicit?.tag !== 0xa0) fail('malformed', 'no [0] content');
    const [signedData, ...more] = readDerChildren(explicit.content);
    if (signedData?.tag !== 0x30 || more.length > 0) fail('malformed', 'bad SignedData');
    const fields = readDerChildren(signedData.content);
    const certificates = fields.find((f) => f.tag === 0xa0);
    if (fields[0]?.tag !== 0x02 || certificates === undefined)
      fail('malformed', 'the SignedData holds no certificates');
    const out: Uint8Array[] = [];
    for (let offset = 0; offset < certificates.content.length; ) {
      if (out.length === wanted) {
        if (wanted < GMC_LIMITS.chainCertificatesMax) break;
        fail('limit', `more than ${GMC_LIMITS.chainCertificatesMax} certificates`);
      }
      const cert = readDer(certificates.content, offset);
      if (cert.tag !== 0x30 || !isMinimalDer(cert)) fail('malformed', 'a certificate is not DER');
      out.push(wanted === 1 ? cert.encoded : cert.encoded.slice());
      offset = cert.end;
    }
    if (out.length === 0) fail('malformed', 'the SignedData holds no certificate');
    return out;
  });
  if (r.ok) return r;
  return err(r.error.code === 'limit' ? 'limit' : 'malformed', r.error.detail);
}

/**
 * A digest of a chain's certificates (not of any envelope): SHA-256 over each certificate's
 * length (u32 BE) and bytes. Two encodings of one chain have one digest.
 * @example memo.get(chainDigest(certs, crypto))
 */
export function chainDigest(chain: readonly Uint8Array[], crypto: CryptoBackend): Uint8Array {
  let total = 0;
  for (const c of chain) total += 4 + c.length;
  const buf = new Uint8Array(total);
  const view = new DataView(buf.buffer);
  let at = 0;
  for (const c of chain) {
    view.setUint32(at, c.length);
    buf.set(c, at + 4);
    at += 4 + c.length;
  }
  return crypto.sha256(buf);
}

/**
 * Standard base64 of some bytes.
 * @example encodeBase64(new Uint8Array([1, 2, 3])) // 'AQID'
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Bytes of standard base64 (whitespace ignored, padding required); undefined when not base64.
 * @example decodeBase64('AQID') // Uint8Array [1, 2, 3]
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\t\n\r ]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  try {
    const binary = atob(compact);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}
