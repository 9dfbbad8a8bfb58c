/**
 * @module gmc/invitation-password
 * Password invitations ([MS-PPSEC] group security 1.1: `PEERINVITATION VERSION="1.1"` naming the
 * group by GROUPPEERNAME and GROUPFRIENDLYNAME, with CLOUDNAME, SCOPE and CLOUDFLAGS) in two modes:
 * - strong (the default): three more elements, PASSWORDKDF (`scrypt;ln=16;r=8;p=1`),
 *   PASSWORDSALT (the group's salt, base64) and INVITATIONMAC (base64 HMAC-SHA-256 over every
 *   field under a key derived from the group secret, gmc/password-strong.ts). A joiner that knows
 *   the password derives the secret and checks the MAC before it sends anything, so a tampered
 *   invitation (another group peer name, cloud, scope or flags) is refused, and the secret it
 *   derived is the one its proof will use. A departure from [MS-PPSEC]: Windows peers neither
 *   write nor read these elements.
 * - interoperable: exactly the [MS-PPSEC] elements, none authenticated; opening one needs the
 *   caller's explicit `interoperable: true` and returns `authenticated: false`.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8Encode } from '../util/bytes.js';
import { err, ok, type Result } from '../util/result.js';
import { macEqual } from './auth-keys.js';
import { encodeBase64 } from './chain-codec.js';
import {
  BASE64_ATTRS,
  cloudXml,
  type Invitation,
  type InvitationCloud,
  type InvitationScope,
} from './invitation.js';
import { passwordHashString } from './password.js';
import {
  derivePasswordSecret,
  derivePasswordSecretAsync,
  formatKdfParams,
  lengthPrefixed,
  type PasswordKdfParams,
  type PasswordSecret,
  passwordSubkey,
} from './password-strong.js';
import { escapeXml } from './xml.js';

type PasswordInvitation = Extract<Invitation, { type: 'password' }>;

/** The fields a password invitation names, as a joiner reads them. */
export interface PasswordInvitationFields {
  readonly cloudName: string;
  readonly scope: InvitationScope;
  readonly cloudFlags: number;
  readonly groupPeerName: string;
  readonly groupFriendlyName: string;
}

function macInput(fields: PasswordInvitationFields, kdf: PasswordKdfParams): Uint8Array {
  const text = (s: string) => lengthPrefixed(utf8Encode(s.trim()));
  return concatBytes(
    utf8Encode('pnrp-gmc-invitation/v1 password 1.1'),
    text(fields.cloudName),
    text(fields.scope),
    text(String(fields.cloudFlags)),
    text(fields.groupPeerName),
    text(fields.groupFriendlyName),
    text(formatKdfParams(kdf)),
    lengthPrefixed(kdf.salt),
  );
}

function invitationMac(secret: PasswordSecret, fields: PasswordInvitationFields): Uint8Array {
  return hmac(sha256, passwordSubkey(secret, 'invitation'), macInput(fields, secret.params));
}

/**
 * A password invitation. Strong (the default) with the group's `secret`; the interoperable
 * [MS-PPSEC] form only with `interoperable: true` and no secret.
 * @example createPasswordInvitation({ groupPeerName, groupFriendlyName: 'Chat', secret })
 */
export function createPasswordInvitation(
  options: InvitationCloud & {
    readonly groupPeerName: string;
    readonly groupFriendlyName: string;
  } & (
      | { readonly secret: PasswordSecret; readonly interoperable?: false }
      | { readonly secret?: undefined; readonly interoperable: true }
    ),
): string {
  const head =
    `<PEERINVITATION VERSION="1.1">${cloudXml(options)}` +
    `<GROUPPEERNAME>${escapeXml(options.groupPeerName)}</GROUPPEERNAME>` +
    `<GROUPFRIENDLYNAME>${escapeXml(options.groupFriendlyName)}</GROUPFRIENDLYNAME>`;
  if (options.interoperable === true && options.secret === undefined)
    return `${head}</PEERINVITATION>`;
  const { secret } = options;
  if (secret === undefined)
    throw new TypeError('a password invitation needs the group secret, or interoperable: true');
  if (secret.groupPeerName !== options.groupPeerName)
    throw new RangeError('the secret belongs to another group peer name');
  const mac = invitationMac(secret, {
    cloudName: options.cloudName ?? 'global_',
    scope: options.scope ?? 'global',
    cloudFlags: options.cloudFlags ?? 0,
    groupPeerName: options.groupPeerName,
    groupFriendlyName: options.groupFriendlyName,
  });
  return (
    `${head}<PASSWORDKDF>${formatKdfParams(secret.params)}</PASSWORDKDF>` +
    `<PASSWORDSALT ${BASE64_ATTRS}>${encodeBase64(secret.params.salt)}</PASSWORDSALT>` +
    `<INVITATIONMAC ${BASE64_ATTRS}>${encodeBase64(mac)}</INVITATIONMAC></PEERINVITATION>`
  );
}

/** An opened password invitation: what the joiner may act on. */
export type OpenedPasswordInvitation = PasswordInvitationFields &
  (
    | {
        readonly mode: 'strong';
        /** Every field above was MACed by someone holding the group secret. */
        readonly authenticated: true;
        /** For `strongPasswordProof`. */
        readonly secret: PasswordSecret;
      }
    | {
        readonly mode: 'interoperable';
        /** Nothing above is authenticated: a tampered invitation looks the same. */
        readonly authenticated: false;
        /** For the [MS-PPSEC] `passwordProof`. */
        readonly hashString: string;
      }
  );

function fieldsOf(inv: PasswordInvitation): PasswordInvitationFields {
  const { cloudName, scope, cloudFlags, groupPeerName, groupFriendlyName } = inv;
  return { cloudName, scope, cloudFlags, groupPeerName, groupFriendlyName };
}

function check(
  inv: Invitation,
  options: { readonly interoperable?: boolean },
  password: string,
): Result<OpenedPasswordInvitation> | PasswordInvitation {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  if (inv.type !== 'password') return err('not-password', 'a GMC invitation needs no password');
  if (inv.kdf !== undefined && inv.mac !== undefined) return inv;
  if (options.interoperable !== true) {
    return err(
      'unauthenticated',
      'an interoperable password invitation authenticates none of its fields; pass interoperable: true to act on it anyway',
    );
  }
  return ok({
    ...fieldsOf(inv),
    mode: 'interoperable',
    authenticated: false,
    hashString: passwordHashString(password),
  });
}

function finish(inv: PasswordInvitation, secret: PasswordSecret): Result<OpenedPasswordInvitation> {
  if (!macEqual(inv.mac!, invitationMac(secret, fieldsOf(inv))))
    return err(
      'bad-mac',
      'INVITATIONMAC does not verify: a wrong password or a tampered invitation',
    );
  return ok({ ...fieldsOf(inv), mode: 'strong', authenticated: true, secret });
}

/**
 * Opens a parsed password invitation with the password: for a strong one, derives the group
 * secret (one scrypt run, about 0.4 s at the default cost) and checks INVITATIONMAC. Never throws
 * on remote input; codes: not-password, unauthenticated (interoperable invitation without
 * `interoperable: true`), bad-mac.
 * @example const r = openPasswordInvitation(parsed, password); if (r.ok) join(r.value.groupPeerName, r.value.secret);
 */
export function openPasswordInvitation(
  invitation: Invitation,
  password: string,
  options: {
    /** Accept an [MS-PPSEC] invitation whose fields nothing authenticates. @default false */
    readonly interoperable?: boolean;
  } = {},
): Result<OpenedPasswordInvitation> {
  const inv = check(invitation, options, password);
  if ('ok' in inv) return inv;
  return finish(inv, derivePasswordSecret(password, inv.groupPeerName, inv.kdf!));
}

/**
 * {@link openPasswordInvitation} without blocking the event loop during scrypt.
 * @example const r = await openPasswordInvitationAsync(parsed, password);
 */
export async function openPasswordInvitationAsync(
  invitation: Invitation,
  password: string,
  options: { readonly interoperable?: boolean } = {},
): Promise<Result<OpenedPasswordInvitation>> {
  const inv = check(invitation, options, password);
  if ('ok' in inv) return inv;
  return finish(inv, await derivePasswordSecretAsync(password, inv.groupPeerName, inv.kdf!));
}
