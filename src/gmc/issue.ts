/**
 * @module gmc/issue
 * Creating a group and issuing membership certificates ([MS-PPSEC] §1.3.2, §3.1.7.5; [MS-PNRP]
 * §2.2.3.5). A group is a fresh Ed25519 key pair and its self-signed Group Root Certificate (GRC,
 * type Root); its peer name is `<authority of the group key>.<classifier>`. A Group Membership
 * Certificate (GMC, type Member) binds a member's public key, passed out of band, to a role and a
 * classifier list, signed by the GRC key or by an inviting member's GMC key. Signing goes through
 * WebCrypto (`crypto.subtle`, Ed25519), so issuance is async; the wall clock is a parameter.
 * Local misuse (a role or classifier the issuer may not delegate) throws `RangeError`.
 */

import type { Extension } from '@peculiar/x509';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import { nobleCrypto } from '../keys/crypto-backend.js';
import { authorityOf, createIdentity, type Identity } from '../keys/identity.js';
import { concatBytes, toHex } from '../util/bytes.js';
import { describeCertificate } from './certificate.js';
import { CERT_TYPE, GMC_LIMITS, type GmcRole, ISSUABLE_ROLES } from './constants.js';
import { classifiersDelegated } from './delegation.js';
import { encodePnrpExtensions, type RawExtension } from './extensions.js';
import { x509 } from './x509.js';

/** Group security properties ([MS-PPSEC] §2.2.5.2.3), the parts this package uses. */
export interface GroupProperties {
  readonly friendlyName: string;
  readonly classifier: string;
  readonly peerName: string;
  /** Seconds a GMC lives, 2280..31536000. @default 2419200 (28 days) */
  readonly membershipLifetimeS: number;
  /** Seconds a member's presence record lives, at least 300. @default 300 */
  readonly presenceLifetimeS: number;
}

/** A key pair and the certificate chain (DER, root first) that vouches for it. */
export interface GmcCredential {
  readonly identity: Identity;
  readonly chain: readonly Uint8Array[];
}

/** A created group: its properties and the creator's root credential (chain = [GRC]). */
export interface Group {
  readonly properties: GroupProperties;
  readonly root: GmcCredential;
}

/** Options of {@link createGroup}. */
export interface CreateGroupOptions {
  /** Application classifier, e.g. `'chat'`. */
  readonly classifier: string;
  readonly friendlyName?: string;
  /** Wall-clock ms the GRC starts being valid. */
  readonly nowWallMs: number;
  /** 32-byte seed of the group key (deterministic tests); random when absent. */
  readonly seed?: Uint8Array;
  /** @default 2419200 */
  readonly membershipLifetimeS?: number;
  /** @default 300 */
  readonly presenceLifetimeS?: number;
  /** How long the GRC is valid. @default 365 days */
  readonly rootValidityMs?: number;
  readonly crypto?: CryptoBackend;
}

const DAY_MS = 86_400_000;
const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function webCrypto(): Crypto {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (!c?.subtle) throw new TypeError('gmc issuance needs WebCrypto (globalThis.crypto.subtle)');
  return c;
}

async function signingKeys(identity: Identity): Promise<{ priv: CryptoKey; pub: CryptoKey }> {
  const c = webCrypto();
  const pkcs8 = concatBytes(PKCS8_ED25519_PREFIX, identity.secretKey);
  const priv = await c.subtle.importKey(
    'pkcs8',
    new Uint8Array(pkcs8),
    { name: 'Ed25519' },
    false,
    ['sign'],
  );
  const pub = await c.subtle.importKey(
    'raw',
    new Uint8Array(identity.publicKey),
    { name: 'Ed25519' },
    true,
    ['verify'],
  );
  return { priv, pub };
}

async function publicCryptoKey(publicKey: Uint8Array): Promise<CryptoKey> {
  return webCrypto().subtle.importKey('raw', new Uint8Array(publicKey), { name: 'Ed25519' }, true, [
    'verify',
  ]);
}

/** A positive 16-byte serial derived from the certificate's inputs (deterministic). */
function serialOf(crypto: CryptoBackend, ...parts: Uint8Array[]): string {
  const h = crypto.sha256(concatBytes(...parts)).slice(0, GMC_LIMITS.serialNumberBytes);
  h[0] = (h[0]! & 0x3f) | 0x40;
  return toHex(h);
}

function msBytes(ms: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, ms);
  return out;
}

function toExtensions(raw: readonly RawExtension[]): Extension[] {
  return raw.map((e) => new x509.Extension(e.oid, e.critical, new Uint8Array(e.value)));
}

function checkTime(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number of ms`);
}

/** Inputs of {@link signCertificate}: everything a certificate says, unchecked. */
export interface CertificateTemplate {
  /** The key pair that signs (the issuer's). */
  readonly signer: Identity;
  readonly issuerName: string;
  readonly subjectName: string;
  readonly subjectPublicKey: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly extensions: readonly RawExtension[];
  /** 32 hex digits; derived from the inputs when absent. */
  readonly serialNumber?: string;
  readonly crypto?: CryptoBackend;
}

/**
 * Signs a certificate exactly as described, with no rule checked: the building block of
 * {@link createGroup} and {@link issueGmc}, and of tests that need rule-breaking certificates.
 * @example const der = await signCertificate({ signer, issuerName: 'CN=a', subjectName: 'CN=b', ... });
 */
export async function signCertificate(template: CertificateTemplate): Promise<Uint8Array> {
  const crypto = template.crypto ?? nobleCrypto;
  checkTime('notBeforeMs', template.notBeforeMs);
  checkTime('notAfterMs', template.notAfterMs);
  if (template.subjectPublicKey.length !== 32)
    throw new RangeError('subjectPublicKey must be 32 bytes');
  const keys = await signingKeys(template.signer);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber:
        template.serialNumber ??
        serialOf(
          crypto,
          template.subjectPublicKey,
          template.signer.publicKey,
          msBytes(template.notBeforeMs),
        ),
      subject: template.subjectName,
      issuer: template.issuerName,
      notBefore: new Date(template.notBeforeMs),
      notAfter: new Date(template.notAfterMs),
      publicKey: await publicCryptoKey(template.subjectPublicKey),
      signingKey: keys.priv,
      signingAlgorithm: { name: 'Ed25519' },
      extensions: toExtensions(template.extensions),
    },
    webCrypto(),
  );
  return new Uint8Array(cert.rawData);
}

/**
 * Creates a group: a new key pair, its self-signed GRC and the group's security properties.
 * @example const group = await createGroup({ classifier: 'chat', nowWallMs: Date.now() });
 */
export async function createGroup(options: CreateGroupOptions): Promise<Group> {
  const crypto = options.crypto ?? nobleCrypto;
  checkTime('nowWallMs', options.nowWallMs);
  const membershipLifetimeS = options.membershipLifetimeS ?? 2_419_200;
  const presenceLifetimeS = options.presenceLifetimeS ?? 300;
  if (
    !Number.isInteger(membershipLifetimeS) ||
    membershipLifetimeS < 2280 ||
    membershipLifetimeS > 31_536_000
  ) {
    throw new RangeError(`membershipLifetimeS must be 2280..31536000, got ${membershipLifetimeS}`);
  }
  if (!Number.isInteger(presenceLifetimeS) || presenceLifetimeS < 300) {
    throw new RangeError(
      `presenceLifetimeS must be an integer of at least 300, got ${presenceLifetimeS}`,
    );
  }
  const identity = createIdentity(options.seed, crypto);
  const peerName = `${identity.authority}.${options.classifier}`;
  const validityMs = options.rootValidityMs ?? 365 * DAY_MS;
  checkTime('rootValidityMs', validityMs);
  const name = `CN=${identity.authority}`;
  const grc = await signCertificate({
    signer: identity,
    issuerName: name,
    subjectName: name,
    subjectPublicKey: identity.publicKey,
    notBeforeMs: options.nowWallMs,
    notAfterMs: options.nowWallMs + validityMs,
    extensions: encodePnrpExtensions({ certificateType: CERT_TYPE.root, peerName }),
    crypto,
  });
  return {
    properties: {
      friendlyName: options.friendlyName ?? options.classifier,
      classifier: options.classifier,
      peerName,
      membershipLifetimeS,
      presenceLifetimeS,
    },
    root: { identity, chain: [grc] },
  };
}

/** Options of {@link issueGmc}. */
export interface IssueGmcOptions {
  /** The issuer's credential: the group root or a member allowed to invite. */
  readonly issuer: GmcCredential;
  /** The new member's 32-byte Ed25519 public key (passed out of band). */
  readonly subjectPublicKey: Uint8Array;
  readonly role: GmcRole;
  /** Classifiers delegated; empty = every classifier (only if the issuer may grant that). @default ['participant'] for members, [] for admins */
  readonly classifiers?: readonly string[];
  readonly nowWallMs: number;
  /** @default 2419200 s (the default membership lifetime) */
  readonly validityMs?: number;
  readonly crypto?: CryptoBackend;
}

/**
 * Issues a GMC for `subjectPublicKey` and returns the member's chain (issuer's chain + the GMC).
 * @example
 * const chain = await issueGmc({ issuer: group.root, subjectPublicKey: bob.publicKey, role: 'member', nowWallMs });
 * const bobCredential = { identity: bob, chain };
 */
export async function issueGmc(options: IssueGmcOptions): Promise<readonly Uint8Array[]> {
  const crypto = options.crypto ?? nobleCrypto;
  checkTime('nowWallMs', options.nowWallMs);
  const { issuer, role } = options;
  if (!(options.subjectPublicKey instanceof Uint8Array))
    throw new TypeError('subjectPublicKey must be a Uint8Array');
  if (options.subjectPublicKey.length !== 32)
    throw new RangeError('subjectPublicKey must be 32 bytes');
  if (issuer.chain.length >= GMC_LIMITS.chainCertificatesMax) {
    throw new RangeError(`the chain would exceed ${GMC_LIMITS.chainCertificatesMax} certificates`);
  }
  const parent = describeCertificate(issuer.chain[issuer.chain.length - 1]!);
  if (!parent.ok) throw new RangeError(`issuer certificate is invalid: ${parent.error.detail}`);
  const { facts } = parent.value;
  if (toHex(facts.publicKey) !== toHex(issuer.identity.publicKey)) {
    throw new RangeError("the issuer's identity does not own the last certificate of its chain");
  }
  const parentRoles = facts.extensions.roles;
  if (parentRoles !== undefined && !parentRoles.some((r) => ISSUABLE_ROLES[r].includes(role))) {
    throw new RangeError(`an issuer with roles ${parentRoles.join(',')} may not issue ${role}`);
  }
  const classifiers = options.classifiers ?? (role === 'member' ? ['participant'] : []);
  if (!classifiersDelegated(facts.extensions.classifiers, role, classifiers)) {
    throw new RangeError(`classifiers [${classifiers.join(', ')}] are not delegable as ${role}`);
  }
  const peerName = facts.extensions.peerName;
  if (peerName === undefined) throw new RangeError('issuer certificate has no peer name');
  const validityMs = options.validityMs ?? 2_419_200_000;
  checkTime('validityMs', validityMs);
  const cert = await signCertificate({
    signer: issuer.identity,
    issuerName: facts.subject,
    subjectName: `CN=${authorityOf(options.subjectPublicKey, crypto)}`,
    subjectPublicKey: options.subjectPublicKey,
    notBeforeMs: options.nowWallMs,
    notAfterMs: options.nowWallMs + validityMs,
    extensions: encodePnrpExtensions({
      certificateType: CERT_TYPE.member,
      peerName,
      roles: [role],
      classifiers,
    }),
    crypto,
  });
  return [...issuer.chain, cert];
}
