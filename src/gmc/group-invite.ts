/**
 * @module gmc/group-invite
 * Inviting a member: issue a GMC for the invitee's public key from the inviter's credential
 * (`issueGmc`) and wrap it in a `PEERINVITATION` whose cloud fields the inviter signs
 * (`createInvitation`). Used by `GroupSession.invite` and by `pnrp group invite`, which needs no
 * running session.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { abortError, PnrpError } from '../peer/error.js';
import type { GroupInviteOptions } from './group-types.js';
import { createInvitation } from './invitation.js';
import { type GmcCredential, issueGmc } from './issue.js';

/**
 * Issues a certificate for `options.publicKey` from `credential` and returns the invitation XML.
 * Rejects `ACCESS_DENIED` when the credential's role may not issue that role, `INVALID_ARGUMENT`
 * for a bad key or lifetime, `CANCELLED` when aborted.
 * @example const xml = await inviteMember(group.root, { publicKey: bob.publicKey, nowWallMs: Date.now() });
 */
export async function inviteMember(
  credential: GmcCredential,
  options: GroupInviteOptions & { readonly nowWallMs: number; readonly crypto?: CryptoBackend },
): Promise<string> {
  if (options.signal?.aborted) throw abortError(options.signal);
  const crypto = options.crypto ?? nobleCrypto;
  if (!(options.publicKey instanceof Uint8Array) || options.publicKey.length !== 32)
    throw new PnrpError('INVALID_ARGUMENT', 'publicKey must be a 32-byte Ed25519 public key');
  let chain: readonly Uint8Array[];
  try {
    chain = await issueGmc({
      issuer: credential,
      subjectPublicKey: options.publicKey,
      role: options.role ?? 'member',
      nowWallMs: options.nowWallMs,
      crypto,
      ...(options.validityMs !== undefined ? { validityMs: options.validityMs } : {}),
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const denied = /may not issue|not delegable/.test(message);
    throw new PnrpError(denied ? 'ACCESS_DENIED' : 'INVALID_ARGUMENT', message, {
      cause: e,
      reason: denied ? 'role' : 'argument',
    });
  }
  if (options.signal?.aborted) throw abortError(options.signal);
  return createInvitation({
    chain,
    inviter: credential.identity,
    crypto,
    ...(options.cloudName !== undefined ? { cloudName: options.cloudName } : {}),
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ...(options.cloudFlags !== undefined ? { cloudFlags: options.cloudFlags } : {}),
  });
}
