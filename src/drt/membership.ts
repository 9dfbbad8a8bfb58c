/**
 * @module drt/membership
 * [MC-DRT] membership security mode (§1.3.2.2) for a `DrtNode` whose security provider has a
 * `membership` hook: every LOOKUP, INQUIRE and REQUEST leaving the node gets CREDENTIAL +
 * SIGNATURE (+ KEY_IDENTIFIER), and one arriving without them, or with a credential or signature
 * the provider refuses, is dropped unanswered and counted (`unauthenticated`, `bad-credential`,
 * `bad-signature`). The signed bytes are the message as `encodeMessage` writes it without its
 * security elements (the decision and its reasons: `MembershipSecurity` in security-provider.ts).
 * Other message types pass untouched, as the spec secures only these three.
 *
 * Limits (the spec gives no more): nothing binds a signature to a time or a receiver, so a
 * non-member who captures a member's signed LOOKUP can replay that same question, unchanged, to
 * other nodes and read their answers; and SOLICIT/ADVERTISE/FLOOD stay unauthenticated, so
 * ADVERTISEs still show members' keys. A timestamp and the destination inside the signed bytes,
 * with a bounded replay set, would close the first; it would also break interoperability.
 */
import { encodeMessage } from '../wire/index.js';
import type { InquireMessage, LookupMessage, Message, RequestMessage } from '../wire/types.js';
import type { MembershipSecurity } from './security-provider.js';

/** The messages membership mode secures. */
export type SecuredMessage = LookupMessage | InquireMessage | RequestMessage;

/**
 * True for LOOKUP, INQUIRE and REQUEST.
 * @example if (isSecuredType(message)) message = withMembership(message, membership);
 */
export function isSecuredType(message: Message): message is SecuredMessage {
  return message.type === 'lookup' || message.type === 'inquire' || message.type === 'request';
}

/**
 * The bytes the SIGNATURE of `message` covers: the message encoded without security elements.
 * @example membership.sign(membershipSignedBytes(lookup))
 */
export function membershipSignedBytes(message: SecuredMessage): Uint8Array {
  if (message.security === undefined) return encodeMessage(message);
  const { security: _security, ...bare } = message;
  return encodeMessage(bare as SecuredMessage);
}

/**
 * `message` with this node's credential and a fresh signature.
 * @example core.send(to, withMembership(lookup, provider.membership))
 */
export function withMembership(
  message: SecuredMessage,
  membership: MembershipSecurity,
): SecuredMessage {
  const signature = membership.sign(membershipSignedBytes(message));
  const keyIdentifier = membership.keyIdentifier?.();
  const security = {
    credential: membership.credential(),
    signature,
    ...(keyIdentifier !== undefined ? { keyIdentifier } : {}),
  };
  return { ...message, security };
}

/**
 * Why a received LOOKUP, INQUIRE or REQUEST must be dropped, or undefined when its sender proved
 * membership. Never throws.
 * @example const drop = membershipRefusal(msg, membership, wallNowMs);
 */
export function membershipRefusal(
  message: SecuredMessage,
  membership: MembershipSecurity,
  nowWallMs: number,
): string | undefined {
  const security = message.security;
  if (security === undefined) return 'unauthenticated';
  let data: Uint8Array;
  try {
    data = membershipSignedBytes(message);
  } catch {
    // A decoded message always re-encodes; this guards the invariant rather than remote input.
    return 'unauthenticated';
  }
  const verdict = membership.verify({
    credential: security.credential,
    signature: security.signature,
    ...(security.keyIdentifier !== undefined ? { keyIdentifier: security.keyIdentifier } : {}),
    data,
    nowWallMs,
  });
  return verdict.ok ? undefined : verdict.reason;
}
