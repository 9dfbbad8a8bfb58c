/**
 * Hostile credentials for the gmc hardening tests and bench: long chains under a foreign root,
 * and byte-different PKCS#7 envelopes around the same certificates (the envelope's digest
 * algorithm list is not covered by anything, so an attacker varies it freely).
 */
import { derOid, derTlv } from '../../../src/gmc/der.js';
import { type GmcCredential, issueGmc } from '../../../src/gmc/issue.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { concatBytes } from '../../../src/util/bytes.js';

/** A PKCS#7 SignedData around `certs` whose digest algorithm list encodes `salt`. */
export function envelope(certs: readonly Uint8Array[], salt: number): Uint8Array {
  const digestAlgorithms = derTlv(
    0x31,
    derTlv(0x30, derOid(`2.16.840.1.101.3.4.2.${1 + (salt % 100_000)}`)),
  );
  const signedData = derTlv(
    0x30,
    concatBytes(
      derTlv(0x02, new Uint8Array([1])),
      digestAlgorithms,
      derTlv(0x30, derOid('1.2.840.113549.1.7.1')),
      derTlv(0xa0, concatBytes(...certs)),
      derTlv(0x31, new Uint8Array(0)),
    ),
  );
  return derTlv(0x30, concatBytes(derOid('1.2.840.113549.1.7.2'), derTlv(0xa0, signedData)));
}

/** A chain of `length` certificates under `root`: inviting members down to a member. */
export async function longChain(
  root: GmcCredential,
  length: number,
  nowWallMs: number,
  seedByte = 200,
): Promise<GmcCredential> {
  let credential = root;
  for (let i = 1; i < length; i++) {
    const identity = createIdentity(new Uint8Array(32).fill((seedByte + i) & 0xff));
    const chain = await issueGmc({
      issuer: credential,
      subjectPublicKey: identity.publicKey,
      role: i === length - 1 ? 'member' : 'inviting-member',
      nowWallMs,
    });
    credential = { identity, chain };
  }
  return credential;
}
