/**
 * @module gmc/certificate
 * One DER certificate read into the facts the chain rules need: the signed TBS span and signature
 * (for the `CryptoBackend`), the raw Ed25519 public key and its DER SubjectPublicKeyInfo, subject
 * and issuer names, validity in ms and the PNRP extensions. Parsing goes through @peculiar/x509
 * and never throws: hostile bytes give `{ ok: false }`.
 */

import type { X509Certificate } from '@peculiar/x509';
import { decodeWith, fail } from '../util/byte-reader.js';
import type { Result } from '../util/result.js';
import { GMC_OID } from './constants.js';
import { certificateParts, oidText, readDer, readDerChildren, tbsParts } from './der.js';
import { decodePnrpExtensions, type PnrpExtensions } from './extensions.js';
import { x509 } from './x509.js';

/** What a certificate says, as the chain validator reads it. */
export interface CertificateFacts {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
  /** Raw 32-byte Ed25519 key. */
  readonly publicKey: Uint8Array;
  /** DER SubjectPublicKeyInfo (the DKSP derived key is SHA-256 of this). */
  readonly spki: Uint8Array;
  readonly subject: string;
  readonly issuer: string;
  /** DER Name of the subject and of the issuer, compared byte for byte along a chain. */
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly serialNumber: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly signatureAlgorithm: string;
  readonly extensions: PnrpExtensions;
}

/**
 * Largest certificate accepted, in bytes (ours are about 400).
 * @example if (der.length > CERTIFICATE_BYTES_MAX) return 'too large';
 */
export const CERTIFICATE_BYTES_MAX = 4096;

function ed25519Key(spki: Uint8Array): Uint8Array {
  const outer = readDer(spki);
  const [algorithm, bits] = readDerChildren(outer.content);
  if (outer.tag !== 0x30 || !algorithm || !bits || bits.tag !== 0x03)
    fail('malformed', 'bad SubjectPublicKeyInfo');
  const [oid] = readDerChildren(algorithm.content);
  if (oid?.tag !== 0x06 || oidText(oid.content) !== GMC_OID.ed25519) {
    fail('unsupported-algorithm', 'the public key is not Ed25519');
  }
  if (bits.content.length !== 33 || bits.content[0] !== 0)
    fail('malformed', 'Ed25519 key is not 32 bytes');
  return bits.content.slice(1);
}

/**
 * Reads one DER certificate.
 * @example const facts = describeCertificate(chain[0]!); if (facts.ok) facts.value.facts.extensions.peerName;
 */
export function describeCertificate(der: Uint8Array): Result<{ readonly facts: CertificateFacts }> {
  return decodeWith(() => {
    if (!(der instanceof Uint8Array)) fail('malformed', 'certificate is not bytes');
    if (der.length > CERTIFICATE_BYTES_MAX) fail('malformed', `certificate of ${der.length} bytes`);
    const { tbs, signature } = certificateParts(der);
    let cert: X509Certificate;
    try {
      cert = new x509.X509Certificate(new Uint8Array(der));
    } catch (e) {
      fail('malformed', `not an X.509 certificate: ${e instanceof Error ? e.message : String(e)}`);
    }
    let facts: CertificateFacts | undefined;
    try {
      // Names, key and extensions come from the DER x509 has just accepted: its own getters
      // re-encode them and would double the cost of the hot path.
      const parts = tbsParts(tbs);
      const spki = parts.spki.slice();
      const extensions = decodePnrpExtensions(parts.extensions);
      facts = {
        der,
        tbs,
        signature,
        publicKey: ed25519Key(spki),
        spki,
        subject: cert.subject,
        issuer: cert.issuer,
        subjectDer: parts.subject,
        issuerDer: parts.issuer,
        serialNumber: cert.serialNumber,
        notBeforeMs: cert.notBefore.getTime(),
        notAfterMs: cert.notAfter.getTime(),
        signatureAlgorithm: cert.signatureAlgorithm.name,
        extensions,
      };
    } catch (e) {
      if (e instanceof Error && e.name === 'ReadFailure') throw e;
      fail('malformed', `unreadable certificate: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { facts };
  });
}
