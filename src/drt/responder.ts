/**
 * @module drt/responder
 * How a node answers LOOKUP and INQUIRE ([MS-PNRP] §3.2.5.2, §3.2.5.6; [MC-DRT] §3.1.5):
 * - LOOKUP: N flag when the Validate ID is not ours; reply with the closer of (a) our own key
 *   closest to the target, if our endpoint is not in the flagged path and that key is closer than
 *   the Validate ID (or the Validate ID is not ours), and (b) the cached entry closest to the
 *   target whose addresses are not in the flagged path and that is closer than the Validate ID
 *   (any entry with the A flag). No entry is a dead end; with no remote match and the target
 *   inside one of our leaf sets we also set L (suspicious). The best match a LOOKUP carries is
 *   offered to the return-routability check, which is how registrations spread.
 *   Deviation: we return the closest match, not a random one weighted toward it, so resolution
 *   takes the fewest hops and tests stay exact.
 * - INQUIRE: N flag when the Validate ID is not ours; otherwise the proof (A flag, bound to the
 *   INQUIRE nonce), the credential (C flag) and the provider's extras (classifier, extended payload).
 *
 * No amplification (issue 10 item 3; the decision in full: address-proof.ts). To a source that has
 * not proven its address, an answer goes out only if it fits the bytes that source sent us:
 * - INQUIRE with the A, C or X flag for a key we publish gets AUTHORITY with only the B flag and
 *   our cookie as message ID (36 bytes; an INQUIRE is at least 56), before anything is signed;
 *   the requester repeats the INQUIRE with the cookie as its message ID and gets the full answer;
 * - a LOOKUP answer whose route entry would not fit loses addresses after the first until it
 *   does (a 1- or 2-address entry always fits the smallest LOOKUP, 126 bytes); the best match of
 *   an unproven LOOKUP is still offered, its INQUIRE paying from the same credit;
 * - N-flag answers are 36 bytes and always fit.
 * A proven source asking for a proof spends one token of the signing budget (budget.ts); with
 * none left it gets the same B-flag AUTHORITY, which its resolver takes as a refusal.
 */

import { compareKeyAt, ringDistanceInto } from '../cache/ring-bytes.js';
import type { Endpoint } from '../keys/endpoint.js';
import { endpointKey } from '../keys/endpoint.js';
import { encodeDatagrams } from '../wire/index.js';
import type {
  AuthorityBuffer,
  AuthorityMessage,
  InquireMessage,
  LookupMessage,
  RouteEntry,
} from '../wire/types.js';
import { localOf, type NodeCore } from './core.js';

const ZERO_NONCE = new Uint8Array(16);

/** Scratch for {@link answerLookup}'s distances (it never runs inside itself). */
const DISTANCES = new Uint8Array(96);
const VALIDATE = 0;
const LOCAL = 32;
const OTHER = 64;

/** Answers a LOOKUP with an AUTHORITY. */
export function answerLookup(core: NodeCore, from: Endpoint, msg: LookupMessage): void {
  core.stats.lookupsAnswered++;
  if (msg.bestMatch && !core.isSelf(msg.bestMatch)) core.offer(msg.bestMatch, { via: 'announce' });
  // Ring distances as 32-byte values in scratch (cache/ring-bytes.ts), not bigints: bytes 0-31
  // the Validate ID's distance, 32-63 the best local key's, 64-95 the one being compared.
  const target = msg.target;
  const d = DISTANCES;
  ringDistanceInto(msg.validateId, target, d, VALIDATE);
  const validateLocal = localOf(core.locals, msg.validateId) !== undefined;
  const flagged = new Set(msg.flaggedPath.map(endpointKey));
  const selfFlagged = core.selfEndpoints.some((ep) => flagged.has(endpointKey(ep)));

  let local: RouteEntry | undefined;
  if (!selfFlagged) {
    for (const reg of core.locals.values()) {
      ringDistanceInto(reg.key, target, d, OTHER);
      if (validateLocal && compareKeyAt(d, OTHER, d, VALIDATE) >= 0) continue;
      if (!local || compareKeyAt(d, OTHER, d, LOCAL) < 0) {
        local = reg.entry;
        d.copyWithin(LOCAL, OTHER, OTHER + 32);
      }
    }
  }
  // closest() walks in distance order, so only its first unflagged entry can be closer than
  // the Validate ID: one distance check instead of one per visited entry.
  let remote: RouteEntry | undefined = core.cache.closest(target, 1, (e: RouteEntry) => {
    for (const address of e.addresses)
      if (flagged.has(endpointKey({ address, port: e.port }))) return false;
    return true;
  })[0];
  if (remote) ringDistanceInto(remote.id, target, d, OTHER);
  if (remote && !msg.controls.acceptAny && compareKeyAt(d, OTHER, d, VALIDATE) >= 0)
    remote = undefined;
  let reply = remote;
  if (local && (!remote || compareKeyAt(d, LOCAL, d, OTHER) < 0)) reply = local;
  // L only once our leaf sets can be full: with few entries every target looks "inside" them.
  const suspicious =
    !reply &&
    core.cache.size >= 2 * core.options.leafSetSide &&
    core.cache.isWithinLeafSetSpan(msg.target);
  const flags = { suspicious, busy: false, notRegistered: !validateLocal };
  let answer = authority(core, from, msg.messageId, {
    flags,
    ...(reply ? { routeEntry: reply } : {}),
  });
  // Unproven source: shorten the route entry's address list until the answer fits its credit.
  const credit = core.proofs.credit(core.nowMs(), from);
  while (
    credit !== Number.POSITIVE_INFINITY &&
    reply &&
    reply.addresses.length > 1 &&
    answerBytes(answer) > credit
  ) {
    reply = { ...reply, addresses: reply.addresses.slice(0, reply.addresses.length - 1) };
    answer = { ...answer, buffer: { flags, routeEntry: reply } };
  }
  core.send(from, answer);
}

/** An AUTHORITY to `to`; an unproven destination gets our cookie as message ID. */
function authority(
  core: NodeCore,
  to: Endpoint,
  ackedMessageId: number,
  buffer: AuthorityBuffer,
): AuthorityMessage {
  const now = core.nowMs();
  const messageId = core.proofs.isProven(now, to)
    ? core.newMessageId()
    : core.proofs.cookie(now, to);
  return { type: 'authority', messageId, version: core.version, ackedMessageId, buffer };
}

function answerBytes(message: AuthorityMessage): number {
  let bytes = 0;
  for (const d of encodeDatagrams(message)) bytes += d.length;
  return bytes;
}

const BUSY: AuthorityBuffer = { flags: { suspicious: false, busy: true, notRegistered: false } };

/** Answers an INQUIRE with an AUTHORITY carrying the requested proof. */
export function answerInquire(core: NodeCore, from: Endpoint, msg: InquireMessage): void {
  core.stats.inquiresAnswered++;
  const reg = localOf(core.locals, msg.validateId);
  let buffer: AuthorityBuffer;
  let throttled = false;
  const now = core.nowMs();
  const asksMuch = msg.flags.wantCpa || msg.flags.wantCertChain || msg.flags.wantExtendedPayload;
  if (!reg) {
    buffer = { flags: { suspicious: false, busy: false, notRegistered: true } };
  } else if (asksMuch && !core.proofs.isProven(now, from)) {
    core.stats.addressChallenges++;
    buffer = BUSY; // prove your address: repeat with our cookie (the message ID) as yours
  } else if (
    (msg.flags.wantCpa || msg.flags.wantExtendedPayload) &&
    !core.signing.take(now, from)
  ) {
    // A (a fresh CPA) and X (an extended payload signed for the nonce) both cost a signature:
    // either one spends a token, so asking for X alone does not get around the budget.
    buffer = BUSY; // throttled: counted in boundHits signing-source / signing-node
    throttled = true;
  } else {
    const security = core.options.security;
    const nonce = msg.nonce ?? ZERO_NONCE;
    const wallNow = core.wallNowMs();
    const proof = msg.flags.wantCpa
      ? security.secureRecord(
          {
            key: reg.key,
            appData: reg.appData,
            endpoints: core.selfEndpoints,
            nonce,
            revoke: false,
          },
          wallNow,
        )
      : undefined;
    const chain = msg.flags.wantCertChain ? security.certChain?.(reg.key) : undefined;
    const extras =
      security.authorityExtras?.(reg.key, msg.flags.wantExtendedPayload, nonce, wallNow) ?? {};
    buffer = {
      flags: { suspicious: false, busy: false, notRegistered: false },
      ...(chain ? { certChain: chain } : {}),
      ...(extras.classifier !== undefined ? { classifier: extras.classifier } : {}),
      ...(extras.extendedPayload ? { extendedPayload: extras.extendedPayload } : {}),
      ...(proof ? { validateCpa: proof } : {}),
    };
  }
  let answer = authority(core, from, msg.messageId, buffer);
  // Throttled: the B flag under the request's own message ID, which tells the requester there is
  // no cookie to echo (a challenge carries the cookie), so it gives up at once.
  if (throttled) answer = { ...answer, messageId: msg.messageId };
  // Extras asked without A, C or X (a classifier) that would not fit: the same challenge.
  const credit = core.proofs.credit(now, from);
  if (credit !== Number.POSITIVE_INFINITY && answerBytes(answer) > credit) {
    core.stats.addressChallenges++;
    answer = authority(core, from, msg.messageId, BUSY);
  }
  core.send(from, answer);
}
