/**
 * @module gmc/chain-codec
 * GMC chains on the wire as [MS-PNRP] §2.2.3.5 and [MS-PPSEC] carry them: a PKCS#7 v1.5
 * SignedData (certificates only) holding the certificates root first, and base64 for XML. Decoding
 * is remote input and returns a result; order is preserved.
 */
import { err, ok, type Result } from '../util/result.js';
import { GMC_LIMITS } from './constants.js';
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

/**
 * The DER certificates of a PKCS#7 chain, in order. Never throws.
 * @example const r = decodeChainPkcs7(bytes); if (r.ok) validateChain(r.value, { nowWallMs });
 */
export function decodeChainPkcs7(bytes: Uint8Array): Result<Uint8Array[]> {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return err('malformed', 'no bytes');
  if (bytes.length > CHAIN_BYTES_MAX)
    return err('limit', `${bytes.length} bytes, at most ${CHAIN_BYTES_MAX}`);
  try {
    const certs = new x509.X509Certificates(new Uint8Array(bytes));
    if (certs.length === 0) return err('malformed', 'the SignedData holds no certificate');
    if (certs.length > GMC_LIMITS.chainCertificatesMax) {
      return err(
        'limit',
        `${certs.length} certificates, at most ${GMC_LIMITS.chainCertificatesMax}`,
      );
    }
    return ok(certs.map((c) => new Uint8Array(c.rawData)));
  } catch (e) {
    return err('malformed', `not a PKCS#7 chain: ${e instanceof Error ? e.message : String(e)}`);
  }
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
