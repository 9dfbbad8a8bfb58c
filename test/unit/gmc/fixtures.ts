/**
 * Shared fixtures of the gmc tests: a deterministic group (fixed seeds and time) with an admin,
 * an inviting member and a member, and a forge for certificates that break one rule.
 */
import { CERT_TYPE, type GmcRole } from '../../../src/gmc/constants.js';
import { encodePnrpExtensions, type RawExtension } from '../../../src/gmc/extensions.js';
import {
  createGroup,
  type GmcCredential,
  type Group,
  issueGmc,
  signCertificate,
} from '../../../src/gmc/issue.js';
import { createIdentity, type Identity } from '../../../src/keys/identity.js';

/** Wall-clock ms every fixture certificate starts at (2027-01-15T08:00:00Z). */
export const T0: number = 1_800_000_000_000;
/** A moment inside every fixture certificate's validity. */
export const NOW: number = T0 + 3_600_000;

/** A deterministic identity from a one-byte label. */
export function identityOf(label: number): Identity {
  return createIdentity(new Uint8Array(32).fill(label));
}

/** The fixture group and its members. */
export interface Fixture {
  readonly group: Group;
  readonly admin: GmcCredential;
  readonly inviter: GmcCredential;
  readonly member: GmcCredential;
}

/** Builds the fixture: root -> admin -> inviting member -> member. */
export async function makeFixture(classifier = 'chat'): Promise<Fixture> {
  const group = await createGroup({ classifier, nowWallMs: T0, seed: new Uint8Array(32).fill(1) });
  const admin = await credentialOf(group.root, 2, 'admin');
  const inviter = await credentialOf(admin, 3, 'inviting-member');
  const member = await credentialOf(inviter, 4, 'member');
  return { group, admin, inviter, member };
}

/** A GMC for `identityOf(label)` in `role`, issued by `issuer` at T0. */
export async function credentialOf(
  issuer: GmcCredential,
  label: number,
  role: GmcRole = 'member',
): Promise<GmcCredential> {
  const identity = identityOf(label);
  const chain = await issueGmc({
    issuer,
    subjectPublicKey: identity.publicKey,
    role,
    nowWallMs: T0,
  });
  return { identity, chain };
}

/** Another group than the fixture's, its root seeded with the byte `seedByte`, and a member of it. */
export interface Outsider {
  readonly group: Group;
  /** `identityOf(label)`, a member of `group`. */
  readonly credential: GmcCredential;
}

/**
 * Builds an {@link Outsider}: a group (classifier 'chat', root seed filled with `seedByte`) and a
 * member GMC for `identityOf(label)` under it.
 */
export async function makeOutsider(seedByte: number, label: number): Promise<Outsider> {
  const group = await createGroup({
    classifier: 'chat',
    nowWallMs: T0,
    seed: new Uint8Array(32).fill(seedByte),
  });
  return { group, credential: await credentialOf(group.root, label) };
}

/** What a forged certificate may change from a well-formed member certificate. */
export interface ForgeOptions {
  readonly roles?: readonly GmcRole[];
  readonly classifiers?: readonly string[];
  readonly peerName?: string;
  readonly issuerName?: string;
  readonly notBeforeMs?: number;
  readonly notAfterMs?: number;
  /** Replaces the extension list after encoding. */
  readonly editExtensions?: (extensions: RawExtension[]) => RawExtension[];
  readonly subject?: Identity;
}

/** The subject name of a credential's last certificate, as issuance writes it. */
export function subjectNameOf(identity: Identity): string {
  return `CN=${identity.authority}`;
}

/** A member certificate signed by `issuer` that breaks whatever the options say; returns the chain. */
export async function forge(
  issuer: GmcCredential,
  peerName: string,
  options: ForgeOptions = {},
): Promise<Uint8Array[]> {
  const subject = options.subject ?? identityOf(99);
  const extensions = encodePnrpExtensions({
    certificateType: CERT_TYPE.member,
    peerName: options.peerName ?? peerName,
    roles: options.roles ?? ['member'],
    classifiers: options.classifiers ?? ['participant'],
  });
  const cert = await signCertificate({
    signer: issuer.identity,
    issuerName: options.issuerName ?? subjectNameOf(issuer.identity),
    subjectName: subjectNameOf(subject),
    subjectPublicKey: subject.publicKey,
    notBeforeMs: options.notBeforeMs ?? T0,
    notAfterMs: options.notAfterMs ?? T0 + 86_400_000,
    extensions: options.editExtensions ? options.editExtensions(extensions) : extensions,
  });
  return [...issuer.chain, cert];
}
