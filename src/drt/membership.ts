/**
 * @module drt/membership
 * [MC-DRT] membership security mode (§1.3.2.2) for a `DrtNode` whose security provider has a
 * `membership` hook: every LOOKUP, INQUIRE and REQUEST leaving the node gets CREDENTIAL +
 * SIGNATURE (+ KEY_IDENTIFIER), and one arriving without them, or with a credential or signature
 * the provider refuses, is dropped unanswered and counted (`unauthenticated`, `bad-credential`,
 * `bad-signature`, `membership-throttled`). Other message types pass untouched, as the spec
 * secures only these three. SOLICIT/ADVERTISE/FLOOD stay unauthenticated, so ADVERTISEs still show
 * members' keys.
 *
 * Freshness (issue 10 item 5, issue 11 item 5; a departure from [MC-DRT], which binds nothing to
 * a time or a receiver, so a captured LOOKUP replayed to any member was answered):
 * - The signed bytes are `"MCDRTFS1"` | the receiver's endpoint (address 16, port u16 BE) | the
 *   sender's wall-clock time (ms, u64 BE) | the message as `encodeMessage` writes it without its
 *   security elements.
 * - Time and receiver travel in the SIGNATURE element, which [MC-DRT] leaves opaque to the DRT:
 *   its content is `time (u64 BE) | receiver address (16) | receiver port (u16 BE) | the
 *   provider's signature` (26 bytes more per secured message). The message formats are unchanged; only
 *   a peer that knows this layout verifies (our profile is already not Windows': Ed25519 GMCs).
 * - A receiver refuses a signature made for another endpoint than one of its `localEndpoints`
 *   (`wrong-receiver`; a node behind a NAT must list its public endpoint), a time more than
 *   `MEMBERSHIP_FRESHNESS.windowMs` behind its own wall clock or more than 2 s ahead of it
 *   (`stale-signature`), and a signature it has already accepted (`replayed`). The replay set
 *   holds accepted signatures until they leave the window, bounded: when full the one with the
 *   earliest time leaves and the node stops accepting any time at or before it, so eviction can
 *   tighten the window but never reopen a replay (and, with the 2 s cap, a fast clock cannot
 *   lift that floor above honest members' times).
 * All these checks run before the provider's (costly) ones, and only signatures the provider
 * accepted enter the replay set, so non-members cannot fill it.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { ByteWriter } from '../util/byte-writer.js';
import { toHex } from '../util/bytes.js';
import { encodeMessage } from '../wire/index.js';
import type { InquireMessage, LookupMessage, Message, RequestMessage } from '../wire/types.js';
import type { MembershipSecurity } from './security-provider.js';

/** The messages membership mode secures. */
export type SecuredMessage = LookupMessage | InquireMessage | RequestMessage;

/**
 * Freshness limits of membership signatures.
 * @example Math.abs(now - signedAt) <= MEMBERSHIP_FRESHNESS.windowMs
 */
export const MEMBERSHIP_FRESHNESS = {
  /** How far a signature's time may be from the receiver's wall clock, either way. */
  windowMs: 30_000,
  /** Accepted signatures remembered against replay. */
  replayEntriesMax: 4096,
} as const;

/** How far ahead of the receiver's clock a signature's time may be. */
const FUTURE_SKEW_MS = 2_000;

const TAG = new TextEncoder().encode('MCDRTFS1');
/** Time (8) and receiver endpoint (18) before the provider's signature in the SIGNATURE element. */
const PREFIX_BYTES = 26;

/**
 * True for LOOKUP, INQUIRE and REQUEST.
 * @example if (isSecuredType(message)) message = withMembership(message, membership, to, wallNowMs);
 */
export function isSecuredType(message: Message): message is SecuredMessage {
  return message.type === 'lookup' || message.type === 'inquire' || message.type === 'request';
}

/**
 * The bytes the provider signs for `message` sent to `receiver` at `signedAtMs` (see the header).
 * @example membership.sign(membershipSignedBytes(lookup, to, wallNowMs))
 */
export function membershipSignedBytes(
  message: SecuredMessage,
  receiver: Endpoint,
  signedAtMs: number,
): Uint8Array {
  let bare: SecuredMessage = message;
  if (message.security !== undefined) {
    const { security: _security, ...rest } = message;
    bare = rest as SecuredMessage;
  }
  const body = encodeMessage(bare);
  const w = new ByteWriter(TAG.length + PREFIX_BYTES + body.length);
  w.bytes(TAG).bytes(receiver.address).u16be(receiver.port);
  w.u32be(Math.floor(signedAtMs / 0x100000000)).u32be(signedAtMs % 0x100000000);
  return w.bytes(body).finish();
}

/**
 * `message` with this node's credential and a fresh signature bound to `to` and `nowWallMs`.
 * @example core.send(to, withMembership(lookup, provider.membership, to, wallNowMs))
 */
export function withMembership(
  message: SecuredMessage,
  membership: MembershipSecurity,
  to: Endpoint,
  nowWallMs: number,
): SecuredMessage {
  const signedAtMs = Math.max(0, Math.floor(nowWallMs));
  const signature = membership.sign(membershipSignedBytes(message, to, signedAtMs));
  const element = new ByteWriter(PREFIX_BYTES + signature.length)
    .u32be(Math.floor(signedAtMs / 0x100000000))
    .u32be(signedAtMs % 0x100000000)
    .bytes(to.address)
    .u16be(to.port)
    .bytes(signature)
    .finish();
  const keyIdentifier = membership.keyIdentifier?.();
  const security = {
    credential: membership.credential(),
    signature: element,
    ...(keyIdentifier !== undefined ? { keyIdentifier } : {}),
  };
  return { ...message, security };
}

/**
 * The bounded set of accepted membership signatures a node refuses to see again (see header).
 * @example const guard = new MembershipReplayGuard(); membershipRefusal(msg, m, { ..., guard });
 */
export class MembershipReplayGuard {
  /** Accepted signatures forgotten early because the set was full. */
  evictions = 0;
  private readonly seen = new Map<string, number>();
  private floorMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly windowMs: number = MEMBERSHIP_FRESHNESS.windowMs,
    readonly entriesMax: number = MEMBERSHIP_FRESHNESS.replayEntriesMax,
  ) {
    if (!Number.isFinite(windowMs) || windowMs <= 0)
      throw new RangeError(`windowMs must be a positive number, got ${windowMs}`);
    if (!Number.isSafeInteger(entriesMax) || entriesMax < 1)
      throw new RangeError(`entriesMax must be a positive integer, got ${entriesMax}`);
  }

  /** Signatures held. */
  get size(): number {
    return this.seen.size;
  }

  /**
   * Why a signature made at `signedAtMs` cannot be accepted now, or undefined. A signature may be
   * up to `windowMs` old but at most `FUTURE_SKEW_MS` ahead: the eviction floor is an accepted
   * signature's time, so a sender whose clock ran far ahead must not be able to lift the floor
   * above honest members' times and lock them out.
   */
  refusal(id: string, signedAtMs: number, nowWallMs: number): string | undefined {
    if (!Number.isFinite(nowWallMs)) return 'stale-signature';
    if (
      nowWallMs - signedAtMs > this.windowMs ||
      signedAtMs - nowWallMs > FUTURE_SKEW_MS ||
      signedAtMs <= this.floorMs
    )
      return 'stale-signature';
    if (this.seen.has(id)) return 'replayed';
    return undefined;
  }

  /**
   * Records an accepted signature. When the set is full, signatures past the window leave first,
   * then the one with the earliest time (not the earliest inserted), and no time at or before it
   * is accepted again: the floor rises only as slowly as the oldest accepted time.
   */
  remember(id: string, signedAtMs: number, nowWallMs: number): void {
    if (this.seen.size >= this.entriesMax) {
      for (const [old, at] of this.seen) if (at < nowWallMs - this.windowMs) this.seen.delete(old);
    }
    while (this.seen.size >= this.entriesMax) {
      let oldest: string | undefined;
      let oldestAt = Number.POSITIVE_INFINITY;
      for (const [key, at] of this.seen) {
        if (at < oldestAt) {
          oldest = key;
          oldestAt = at;
        }
      }
      this.seen.delete(oldest!);
      this.floorMs = Math.max(this.floorMs, oldestAt);
      this.evictions++;
    }
    this.seen.set(id, signedAtMs);
  }
}

/** What a receiver knows when it checks a secured message. */
export interface MembershipContext {
  /** Wall-clock ms (freshness, certificate validity). */
  readonly nowWallMs: number;
  /** Monotonic ms (verification budgets). */
  readonly nowMs: number;
  /** Endpoint key of the datagram's source. */
  readonly source: string;
  /** Endpoint keys of this node's local endpoints. */
  readonly local: { has(key: string): boolean };
  readonly guard: MembershipReplayGuard;
}

function readU64(bytes: Uint8Array, at: number): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset + at, 8);
  return v.getUint32(0) * 0x100000000 + v.getUint32(4);
}

/**
 * Why a received LOOKUP, INQUIRE or REQUEST must be dropped, or undefined when its sender proved
 * membership, freshly, to this node. Never throws.
 * @example const drop = membershipRefusal(msg, membership, context);
 */
export function membershipRefusal(
  message: SecuredMessage,
  membership: MembershipSecurity,
  context: MembershipContext,
): string | undefined {
  const security = message.security;
  if (security === undefined) return 'unauthenticated';
  const element = security.signature;
  if (element.length <= PREFIX_BYTES) return 'bad-signature';
  const signedAtMs = readU64(element, 0);
  const receiver = {
    address: element.subarray(8, 24),
    port: (element[24]! << 8) | element[25]!,
  };
  if (!context.local.has(endpointKey(receiver))) return 'wrong-receiver';
  const signature = element.subarray(PREFIX_BYTES);
  const id = toHex(signature);
  const stale = context.guard.refusal(id, signedAtMs, context.nowWallMs);
  if (stale !== undefined) return stale;
  let data: Uint8Array;
  try {
    data = membershipSignedBytes(message, receiver, signedAtMs);
  } catch {
    // A decoded message always re-encodes; this guards the invariant, not remote input.
    return 'unauthenticated';
  }
  const verdict = membership.verify({
    credential: security.credential,
    signature,
    ...(security.keyIdentifier !== undefined ? { keyIdentifier: security.keyIdentifier } : {}),
    data,
    nowWallMs: context.nowWallMs,
    nowMs: context.nowMs,
    source: context.source,
  });
  if (!verdict.ok) return verdict.reason;
  context.guard.remember(id, signedAtMs, context.nowWallMs);
  return undefined;
}
