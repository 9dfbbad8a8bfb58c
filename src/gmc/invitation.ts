/**
 * @module gmc/invitation
 * Invitations and identity exports as [MS-PPSEC] and the Peer Grouping API write them: the XML
 * `PEERINVITATION` (version 1.0: CLOUDNAME, SCOPE, CLOUDFLAGS and the invitee's GMC chain as
 * base64 PKCS#7; version 1.1 password invitations: GROUPPEERNAME and GROUPFRIENDLYNAME instead of
 * a chain) and `PEERIDENTITYINFO` (version 1.0, the identity's self-signed IDC as base64).
 * Parsing is strict and returns a result: anything but these shapes is refused with a code.
 *
 * Authenticity. [MS-PPSEC] signs none of CLOUDNAME, SCOPE, CLOUDFLAGS, GROUPPEERNAME or
 * GROUPFRIENDLYNAME, so a tampered invitation could steer a joiner to another cloud or, for a
 * password invitation, to a fake group that collects the proof. Departures, each an optional
 * element a Windows peer would not write: a GMC invitation may carry CLOUDSIGNATURE, an Ed25519
 * signature by the inviter (the key that issued the invitee's GMC) over the cloud fields and the
 * invitee's certificate, and {@link acceptInvitation} reports (or with `requireAuthenticatedCloud`
 * demands) it; strong password invitations carry PASSWORDKDF, PASSWORDSALT and INVITATIONMAC
 * (gmc/invitation-password.ts), and an interoperable one is acted on only when the caller opts in.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { authorityOf, type Identity } from '../keys/identity.js';
import { decodeWith, fail } from '../util/byte-reader.js';
import { concatBytes, equalBytes, utf8Encode } from '../util/bytes.js';
import type { Result } from '../util/result.js';
import { describeCertificate } from './certificate.js';
import { type ChainFailure, type ChainVerdict, validateChain } from './chain.js';
import { decodeBase64, decodeChainPkcs7, encodeBase64, encodeChainPkcs7 } from './chain-codec.js';
import { CERT_TYPE } from './constants.js';
import { encodePnrpExtensions } from './extensions.js';
import { signCertificate } from './issue.js';
import { lengthPrefixed, type PasswordKdfParams, parseKdfParams } from './password-strong.js';
import { escapeXml, type FlatXml, parseFlatXml } from './xml.js';

/** PNRP scopes an invitation may name. */
export type InvitationScope = 'global' | 'site-local' | 'link-local';

const SCOPES: readonly InvitationScope[] = ['global', 'site-local', 'link-local'];
/** The attributes of a base64 element in peer grouping XML. */
export const BASE64_ATTRS = 'xmlns:dt="urn:schemas-microsoft-com:datatypes" dt:dt="bin.base64"';

/** Where the group lives, common to both invitation kinds. */
export interface InvitationCloud {
  /** @default 'global_' */
  readonly cloudName?: string;
  /** @default 'global' */
  readonly scope?: InvitationScope;
  /** @default 0 */
  readonly cloudFlags?: number;
}

/** A parsed invitation. */
export type Invitation =
  | {
      readonly type: 'gmc';
      readonly version: '1.0';
      readonly cloudName: string;
      readonly scope: InvitationScope;
      readonly cloudFlags: number;
      /** The invitee's chain, root first. */
      readonly chain: readonly Uint8Array[];
      /** CLOUDSIGNATURE, when the inviter signed the cloud fields (not yet verified). */
      readonly cloudSignature?: Uint8Array;
    }
  | {
      readonly type: 'password';
      readonly version: '1.1';
      readonly cloudName: string;
      readonly scope: InvitationScope;
      readonly cloudFlags: number;
      readonly groupPeerName: string;
      readonly groupFriendlyName: string;
      /** Strong mode: the group's KDF parameters and salt (bounds-checked, not yet verified). */
      readonly kdf?: PasswordKdfParams;
      /** Strong mode: INVITATIONMAC over every field (check with `openPasswordInvitation`). */
      readonly mac?: Uint8Array;
    };

/**
 * The CLOUDNAME, SCOPE and CLOUDFLAGS elements of an invitation, defaults applied.
 * @example cloudXml({ scope: 'link-local' })
 */
export function cloudXml(cloud: InvitationCloud): string {
  const flags = cloud.cloudFlags ?? 0;
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffffffff)
    throw new RangeError('cloudFlags must be a DWORD');
  const scope = cloud.scope ?? 'global';
  if (!SCOPES.includes(scope)) throw new RangeError(`unknown scope ${String(scope)}`);
  return (
    `<CLOUDNAME>${escapeXml(cloud.cloudName ?? 'global_')}</CLOUDNAME>` +
    `<SCOPE>${scope}</SCOPE><CLOUDFLAGS>${flags}</CLOUDFLAGS>`
  );
}

/**
 * What CLOUDSIGNATURE signs: a label, the cloud fields as a joiner reads them and a hash of the
 * invitee's certificate (so a signature cannot be moved onto another invitation).
 * @example cloudSignedBytes('Global_', 'global', 0, leafDer, crypto)
 */
export function cloudSignedBytes(
  cloudName: string,
  scope: InvitationScope,
  cloudFlags: number,
  leaf: Uint8Array,
  crypto: CryptoBackend = nobleCrypto,
): Uint8Array {
  return concatBytes(
    utf8Encode('pnrp-gmc-invitation/v1 cloud'),
    lengthPrefixed(utf8Encode(cloudName.trim())),
    lengthPrefixed(utf8Encode(scope)),
    lengthPrefixed(utf8Encode(String(cloudFlags))),
    crypto.sha256(leaf),
  );
}

/**
 * An invitation carrying the invitee's GMC chain (issue it first with `issueGmc`). With
 * `inviter` (the identity that issued the last certificate) it also signs the cloud fields,
 * which {@link acceptInvitation} then reports as authenticated.
 * @example const xml = createInvitation({ chain: await issueGmc({ ... }), inviter: me.identity });
 */
export function createInvitation(
  options: InvitationCloud & {
    readonly chain: readonly Uint8Array[];
    /** The issuer of the chain's last certificate. @default none: cloud fields unsigned */
    readonly inviter?: Identity;
    readonly crypto?: CryptoBackend;
  },
): string {
  const gmc = encodeBase64(encodeChainPkcs7(options.chain));
  let signature = '';
  if (options.inviter !== undefined) {
    const crypto = options.crypto ?? nobleCrypto;
    const { chain } = options;
    const issuer = chain.length >= 2 ? describeCertificate(chain[chain.length - 2]!) : undefined;
    if (!issuer?.ok || !equalBytes(issuer.value.facts.publicKey, options.inviter.publicKey))
      throw new RangeError('inviter must hold the key that issued the last certificate');
    const signed = cloudSignedBytes(
      options.cloudName ?? 'global_',
      options.scope ?? 'global',
      options.cloudFlags ?? 0,
      chain[chain.length - 1]!,
      crypto,
    );
    const sig = crypto.ed25519Sign(signed, options.inviter.secretKey);
    signature = `<CLOUDSIGNATURE ${BASE64_ATTRS}>${encodeBase64(sig)}</CLOUDSIGNATURE>`;
  }
  return `<PEERINVITATION VERSION="1.0">${cloudXml(options)}<GMC ${BASE64_ATTRS}>${gmc}</GMC>${signature}</PEERINVITATION>`;
}

const PASSWORD_ELEMENTS = [
  'CLOUDNAME',
  'SCOPE',
  'CLOUDFLAGS',
  'GROUPPEERNAME',
  'GROUPFRIENDLYNAME',
] as const;
const STRONG_ELEMENTS = ['PASSWORDKDF', 'PASSWORDSALT', 'INVITATIONMAC'] as const;

function only(doc: FlatXml, allowed: readonly string[]): void {
  for (const child of doc.children.keys()) {
    if (!allowed.includes(child)) fail('unexpected-element', `unexpected element ${child}`);
  }
}

function text(doc: FlatXml, name: string): string {
  const child = doc.children.get(name);
  if (child === undefined) fail('missing-element', `no ${name} element`);
  return child.text;
}

function base64Child(doc: FlatXml, name: string): Uint8Array {
  const child = doc.children.get(name);
  if (child === undefined) fail('missing-element', `no ${name} element`);
  if (child.attributes.get('dt:dt') !== 'bin.base64')
    fail('bad-base64', `${name} is not marked bin.base64`);
  const bytes = decodeBase64(child.text);
  if (bytes === undefined || bytes.length === 0) fail('bad-base64', `${name} is not base64`);
  return bytes;
}

function parseCloud(doc: FlatXml) {
  const scope = text(doc, 'SCOPE') as InvitationScope;
  if (!SCOPES.includes(scope)) fail('bad-scope', `unknown scope ${scope}`);
  const flagsText = text(doc, 'CLOUDFLAGS');
  const cloudFlags = Number(flagsText);
  if (!/^\d{1,10}$/.test(flagsText) || cloudFlags > 0xffffffff)
    fail('bad-flags', `CLOUDFLAGS ${flagsText}`);
  const cloudName = text(doc, 'CLOUDNAME');
  if (cloudName.length === 0 || cloudName.length > 256)
    fail('bad-cloud', 'CLOUDNAME must be 1..256 characters');
  return { cloudName, scope, cloudFlags };
}

/**
 * Parses an invitation. Never throws; codes: xml, limit, not-invitation, unsupported-version,
 * missing-element, unexpected-element, bad-base64, bad-chain, bad-scope, bad-flags, bad-cloud,
 * bad-peer-name, bad-signature (CLOUDSIGNATURE not 64 bytes), bad-kdf (strong-mode elements
 * incomplete or out of bounds). Nothing is verified here: see acceptInvitation and
 * openPasswordInvitation.
 * @example const r = parseInvitation(xml); if (r.ok && r.value.type === 'gmc') acceptInvitation(r.value, ...);
 */
export function parseInvitation(xml: string): Result<Invitation> {
  return decodeWith((): Invitation => {
    const doc = parseFlatXml(xml);
    if (doc.name !== 'PEERINVITATION') fail('not-invitation', `root element is ${doc.name}`);
    const version = doc.attributes.get('VERSION');
    if (version === '1.0') {
      only(doc, ['CLOUDNAME', 'SCOPE', 'CLOUDFLAGS', 'GMC', 'CLOUDSIGNATURE']);
      const chain = decodeChainPkcs7(base64Child(doc, 'GMC'));
      if (!chain.ok) fail('bad-chain', chain.error.detail);
      const base = { type: 'gmc', version, ...parseCloud(doc), chain: chain.value } as const;
      if (!doc.children.has('CLOUDSIGNATURE')) return base;
      const cloudSignature = base64Child(doc, 'CLOUDSIGNATURE');
      if (cloudSignature.length !== 64) fail('bad-signature', 'CLOUDSIGNATURE is not 64 bytes');
      return { ...base, cloudSignature };
    }
    if (version === '1.1') {
      only(doc, [...PASSWORD_ELEMENTS, ...STRONG_ELEMENTS]);
      const groupPeerName = text(doc, 'GROUPPEERNAME');
      if (!/^[0-9a-f]{40}\.[^\0]{0,149}$/u.test(groupPeerName))
        fail('bad-peer-name', 'GROUPPEERNAME is not a secured peer name');
      const base = {
        type: 'password',
        version,
        ...parseCloud(doc),
        groupPeerName,
        groupFriendlyName: text(doc, 'GROUPFRIENDLYNAME'),
      } as const;
      const strong = STRONG_ELEMENTS.filter((e) => doc.children.has(e)).length;
      if (strong === 0) return base;
      if (strong !== STRONG_ELEMENTS.length)
        fail('bad-kdf', `a strong invitation needs all of ${STRONG_ELEMENTS.join(', ')}`);
      const kdf = parseKdfParams(text(doc, 'PASSWORDKDF'), base64Child(doc, 'PASSWORDSALT'));
      if (!kdf) fail('bad-kdf', 'PASSWORDKDF or PASSWORDSALT out of bounds');
      const mac = base64Child(doc, 'INVITATIONMAC');
      if (mac.length !== 32) fail('bad-kdf', 'INVITATIONMAC is not 32 bytes');
      return { ...base, kdf, mac };
    }
    return fail('unsupported-version', `PEERINVITATION VERSION ${String(version)}`);
  });
}

/** {@link acceptInvitation}'s verdict: the chain's, and whether the cloud fields are signed. */
export type InvitationVerdict =
  | (Extract<ChainVerdict, { ok: true }> & {
      /** True when CLOUDSIGNATURE verified: CLOUDNAME, SCOPE and CLOUDFLAGS are the inviter's. */
      readonly cloudAuthenticated: boolean;
    })
  | {
      readonly ok: false;
      readonly reason: ChainFailure | 'cloud-unauthenticated' | 'bad-cloud-signature';
      readonly detail: string;
    };

/**
 * Checks that a GMC invitation is for `identity` and chains to the expected group (when given):
 * the chain validation verdict, with `wrong-key` when the invitation is for someone else. A
 * CLOUDSIGNATURE that does not verify refuses the invitation (`bad-cloud-signature`); a missing
 * one leaves `cloudAuthenticated` false, or refuses (`cloud-unauthenticated`) when
 * `requireAuthenticatedCloud` is set. Act on the cloud fields only when they are authenticated.
 * @example const verdict = acceptInvitation(invitation, { publicKey: me.publicKey, nowWallMs, root });
 */
export function acceptInvitation(
  invitation: Invitation,
  expect: {
    readonly publicKey: Uint8Array;
    readonly nowWallMs: number;
    readonly root?: Uint8Array;
    readonly peerName?: string;
    readonly crypto?: CryptoBackend;
    /** Refuse an invitation whose cloud fields are not signed by the inviter. @default false */
    readonly requireAuthenticatedCloud?: boolean;
  },
): InvitationVerdict {
  if (invitation.type !== 'gmc') {
    return { ok: false, reason: 'malformed', detail: 'a password invitation carries no chain' };
  }
  const verdict = validateChain(invitation.chain, expect);
  if (!verdict.ok) return verdict;
  const { chain, cloudSignature } = invitation;
  if (cloudSignature === undefined || chain.length < 2) {
    if (expect.requireAuthenticatedCloud) {
      return {
        ok: false,
        reason: 'cloud-unauthenticated',
        detail: 'CLOUDNAME, SCOPE and CLOUDFLAGS are not signed by the inviter',
      };
    }
    return { ...verdict, cloudAuthenticated: false };
  }
  const crypto = expect.crypto ?? nobleCrypto;
  const issuer = describeCertificate(chain[chain.length - 2]!);
  const signed = cloudSignedBytes(
    invitation.cloudName,
    invitation.scope,
    invitation.cloudFlags,
    chain[chain.length - 1]!,
    crypto,
  );
  if (!issuer.ok || !crypto.ed25519Verify(cloudSignature, signed, issuer.value.facts.publicKey)) {
    return {
      ok: false,
      reason: 'bad-cloud-signature',
      detail: 'CLOUDSIGNATURE is not the inviter signature of these cloud fields',
    };
  }
  return { ...verdict, cloudAuthenticated: true };
}

/**
 * A self-signed identity certificate (IDC, type Identity) for `identity` and its
 * `PEERIDENTITYINFO` export, what an invitee hands the inviter out of band.
 * @example const xml = await exportIdentity({ identity: me, classifier: 'me', nowWallMs: Date.now() });
 */
export async function exportIdentity(options: {
  readonly identity: Identity;
  readonly classifier: string;
  readonly nowWallMs: number;
  /** @default 365 days */
  readonly validityMs?: number;
}): Promise<string> {
  const name = `CN=${options.identity.authority}`;
  const idc = await signCertificate({
    signer: options.identity,
    issuerName: name,
    subjectName: name,
    subjectPublicKey: options.identity.publicKey,
    notBeforeMs: options.nowWallMs,
    notAfterMs: options.nowWallMs + (options.validityMs ?? 365 * 86_400_000),
    extensions: encodePnrpExtensions({
      certificateType: CERT_TYPE.identity,
      peerName: `${options.identity.authority}.${options.classifier}`,
    }),
  });
  return `<PEERIDENTITYINFO VERSION="1.0"><IDC ${BASE64_ATTRS}>${encodeBase64(idc)}</IDC></PEERIDENTITYINFO>`;
}

/** What an identity export proves. */
export interface IdentityInfo {
  readonly publicKey: Uint8Array;
  readonly peerName: string;
  readonly idc: Uint8Array;
}

/**
 * Parses a `PEERIDENTITYINFO` export and checks its IDC: type Identity, self-signed, and a peer
 * name whose authority is the key's. Never throws; codes as {@link parseInvitation}, plus
 * not-identity, bad-certificate, bad-signature, authority-mismatch.
 * @example const r = parseIdentityInfo(xml); if (r.ok) issueGmc({ subjectPublicKey: r.value.publicKey, ... });
 */
export function parseIdentityInfo(
  xml: string,
  crypto: CryptoBackend = nobleCrypto,
): Result<IdentityInfo> {
  return decodeWith((): IdentityInfo => {
    const doc = parseFlatXml(xml);
    if (doc.name !== 'PEERIDENTITYINFO') fail('not-identity', `root element is ${doc.name}`);
    if (doc.attributes.get('VERSION') !== '1.0')
      fail('unsupported-version', 'PEERIDENTITYINFO must be version 1.0');
    only(doc, ['IDC']);
    const idc = base64Child(doc, 'IDC');
    const described = describeCertificate(idc);
    if (!described.ok) fail('bad-certificate', described.error.detail);
    const { facts } = described.value;
    if (facts.extensions.certificateType !== CERT_TYPE.identity)
      fail('bad-certificate', 'not an identity certificate');
    if (
      facts.signatureAlgorithm !== 'Ed25519' ||
      !crypto.ed25519Verify(facts.signature, facts.tbs, facts.publicKey)
    ) {
      fail('bad-signature', 'the IDC is not self-signed by its key');
    }
    const peerName = facts.extensions.peerName ?? '';
    const authority = authorityOf(facts.publicKey, crypto);
    if (!peerName.startsWith(`${authority}.`))
      fail('authority-mismatch', `peer name ${peerName} is not under ${authority}`);
    return { publicKey: facts.publicKey, peerName, idc };
  });
}

/**
 * Whether an invitation's chain ends in `publicKey` (a quick check before full validation).
 * @example invitationIsFor(invitation, me.publicKey)
 */
export function invitationIsFor(invitation: Invitation, publicKey: Uint8Array): boolean {
  if (invitation.type !== 'gmc') return false;
  const leaf = describeCertificate(invitation.chain[invitation.chain.length - 1]!);
  return leaf.ok && equalBytes(leaf.value.facts.publicKey, publicKey);
}
