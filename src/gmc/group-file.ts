/**
 * @module gmc/group-file
 * Text forms of a group's credentials, for applications and `pnrp group` to keep on disk (the
 * caller writes them with mode 0600: they hold secret keys). Reading treats the text as hostile
 * and returns a result, never throws.
 *
 * - Group file (`pnrp group create`): the creator's root key pair, its root certificate and the
 *   group's properties. `{ type: "pnrp-group", version: 1, peerName, classifier, friendlyName,
 *   membershipLifetimeS, presenceLifetimeS, authority, publicKey, secretKey, chain: [base64 DER] }`
 * - Invitation file (`pnrp group invite`): the `PEERINVITATION` XML and, when the inviter made
 *   the invitee's key pair too (a bearer invitation: whoever holds the file may join),
 *   that key pair. `{ type: "pnrp-group-invitation", version: 1, group, invitation,
 *   identity?: { authority, publicKey, secretKey } }`. Bare invitation XML is read as well.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { createIdentity, type Identity } from '../keys/identity.js';
import { decodeWith, fail } from '../util/byte-reader.js';
import { equalBytes, fromHex, toHex } from '../util/bytes.js';
import type { Result } from '../util/result.js';
import { decodeBase64, encodeBase64 } from './chain-codec.js';
import type { Group } from './issue.js';

/** The `type` of a group file. */
export const GROUP_FILE_TYPE = 'pnrp-group';
/** The `type` of an invitation file. */
export const INVITATION_FILE_TYPE = 'pnrp-group-invitation';
/** Largest group or invitation file read. */
export const GROUP_FILE_MAX_BYTES: number = 64 * 1024;

/** What an invitation file holds. */
export interface InvitationFile {
  /** The `PEERINVITATION` XML. */
  readonly invitation: string;
  /** The invitee's key pair, in a bearer invitation. */
  readonly identity?: Identity;
  /** The group's peer name, as the inviter wrote it (informative). */
  readonly group?: string;
}

function identityFields(identity: Identity) {
  return {
    authority: identity.authority,
    publicKey: toHex(identity.publicKey),
    secretKey: toHex(identity.secretKey),
  };
}

/**
 * The JSON text of a group file.
 * @example writeFileSync('team.group.json', encodeGroupFile(group), { mode: 0o600 })
 */
export function encodeGroupFile(group: Group): string {
  const { properties: p, root } = group;
  const doc = {
    type: GROUP_FILE_TYPE,
    version: 1,
    peerName: p.peerName,
    classifier: p.classifier,
    friendlyName: p.friendlyName,
    membershipLifetimeS: p.membershipLifetimeS,
    presenceLifetimeS: p.presenceLifetimeS,
    ...identityFields(root.identity),
    chain: root.chain.map(encodeBase64),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * The JSON text of an invitation file.
 * @example encodeInvitationFile({ invitation: xml, identity: bob, group: session.graphId })
 */
export function encodeInvitationFile(file: InvitationFile): string {
  const doc = {
    type: INVITATION_FILE_TYPE,
    version: 1,
    ...(file.group !== undefined ? { group: file.group } : {}),
    invitation: file.invitation,
    ...(file.identity ? { identity: identityFields(file.identity) } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function objectOf(text: string, type: string): Record<string, unknown> {
  if (typeof text !== 'string' || text.length > GROUP_FILE_MAX_BYTES)
    fail('limit', 'not text, or too large');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail('not-json', 'not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    fail('not-object', 'expected a JSON object');
  const o = doc as Record<string, unknown>;
  if (o.type !== type) fail('wrong-type', `type must be "${type}"`);
  if (o.version !== 1) fail('unsupported-version', 'version must be 1');
  return o;
}

function stringField(o: Record<string, unknown>, name: string, max = 1024): string {
  const v = o[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    fail('bad-field', `${name} must be a non-empty string`);
  return v;
}

function identityOf(o: Record<string, unknown>, crypto: CryptoBackend): Identity {
  const hex = (name: string, digits: number): Uint8Array => {
    const v = o[name];
    if (typeof v !== 'string' || v.length !== digits || !/^[0-9a-fA-F]+$/.test(v))
      fail('bad-key', `${name} must be ${digits} hex digits`);
    return fromHex(v.toLowerCase());
  };
  const secretKey = hex('secretKey', 64);
  const publicKey = hex('publicKey', 64);
  hex('authority', 40);
  const identity = createIdentity(secretKey, crypto);
  if (!equalBytes(identity.publicKey, publicKey) || identity.authority !== o.authority)
    fail('bad-key', 'publicKey or authority does not belong to secretKey');
  return identity;
}

/**
 * Reads a group file; codes: limit, not-json, not-object, wrong-type, unsupported-version,
 * bad-field, bad-key, bad-chain. The certificates are checked when the group is used.
 * @example const r = decodeGroupFile(text); if (r.ok) await startGroup({ group: r.value, connections });
 */
export function decodeGroupFile(text: string, crypto: CryptoBackend = nobleCrypto): Result<Group> {
  return decodeWith((): Group => {
    const o = objectOf(text, GROUP_FILE_TYPE);
    const identity = identityOf(o, crypto);
    const chainText = o.chain;
    if (!Array.isArray(chainText) || chainText.length !== 1)
      fail('bad-chain', 'chain must hold the one root certificate');
    const chain = chainText.map((c) => {
      const der = typeof c === 'string' ? decodeBase64(c) : undefined;
      if (!der || der.length === 0) fail('bad-chain', 'chain entries must be base64 DER');
      return der;
    });
    const lifetime = (name: string): number => {
      const v = o[name];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0)
        fail('bad-field', `${name} must be a positive integer`);
      return v;
    };
    const peerName = stringField(o, 'peerName', 256);
    if (!peerName.startsWith(`${identity.authority}.`))
      fail('bad-field', "peerName is not under the root key's authority");
    return {
      properties: {
        peerName,
        classifier: stringField(o, 'classifier', 256),
        friendlyName: stringField(o, 'friendlyName', 256),
        membershipLifetimeS: lifetime('membershipLifetimeS'),
        presenceLifetimeS: lifetime('presenceLifetimeS'),
      },
      root: { identity, chain },
    };
  });
}

/**
 * Reads an invitation file, or bare `PEERINVITATION` XML; codes as {@link decodeGroupFile}. The
 * invitation itself is checked by `joinGroup`.
 * @example const r = decodeInvitationFile(text); if (r.ok) await joinGroup(r.value.invitation, { identity: r.value.identity ?? me, ... });
 */
export function decodeInvitationFile(
  text: string,
  crypto: CryptoBackend = nobleCrypto,
): Result<InvitationFile> {
  return decodeWith((): InvitationFile => {
    if (typeof text === 'string' && text.trimStart().startsWith('<')) {
      if (text.length > GROUP_FILE_MAX_BYTES) fail('limit', 'too large');
      return { invitation: text.trim() };
    }
    const o = objectOf(text, INVITATION_FILE_TYPE);
    const invitation = stringField(o, 'invitation', GROUP_FILE_MAX_BYTES);
    const group = o.group === undefined ? undefined : stringField(o, 'group', 256);
    const id = o.identity;
    if (id !== undefined && (typeof id !== 'object' || id === null || Array.isArray(id)))
      fail('bad-key', 'identity must be an object');
    return {
      invitation,
      ...(group !== undefined ? { group } : {}),
      ...(id !== undefined ? { identity: identityOf(id as Record<string, unknown>, crypto) } : {}),
    };
  });
}
