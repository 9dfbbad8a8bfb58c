/**
 * @module drt/flooding
 * Leaf-set upkeep by FLOOD ([MS-PNRP] §3.2.5.11, §3.2.4.2, §4.2-§4.4):
 * - an entry newly admitted to one of our leaf sets is flooded to the cached IDs nearest to it
 *   above and below, skipping nodes on its already-flooded list, which grows by one endpoint per
 *   target (at most 22); if it came by FLOOD from a third node we flood our own entry back (D);
 * - an unregistering node floods a revoke record to its immediate neighbours, which remove the key
 *   and pass the revoke on in the same direction while the key was in their leaf set; it also
 *   floods each immediate neighbour's entry to the farthest leaf member on the other side, so the
 *   edge leaf sets heal;
 * - every FLOOD without the D flag waits for an ACK (retransmit after 1 s); a target that never
 *   answers, or answers N, is evicted (only if it is still cached at the endpoint flooded).
 *
 * Design decision (issue 13, deviations from [MS-PNRP] §3.2.5.11 counts; message formats
 * unchanged). The spec floods every entry newly admitted to a leaf set, which made FLOOD + ACK
 * half of the 300-400 datagrams a join cost. Here only an entry that arrived by FLOOD without D
 * (a newcomer's announce spreading), from a split-detection walk, or from its owner directly
 * (below) is flooded onward: one learned from another node's cache (AdmitOrigin `referral`: a
 * sync FLOOD with D answering a REQUEST, a search's referral or result) is an established member
 * its neighbours know, and one its owner announced in a registration walk (`announce`: a
 * LOOKUP's best match) is FLOODed by the owner to its whole leaf set when its walk ends. Our own
 * entry goes back to a third-party flooder only when the flooder is not already one of our
 * leaf-set neighbours. The announce after a walk skips neighbours that INQUIREd the key
 * meanwhile (they hold it or are checking it).
 *
 * The eclipse defence (after issue 13). Relying on the owner's announce alone fails where an
 * eclipse attacker filled the owner's leaf set: it answered the owner's SOLICIT with colluders,
 * so the announce reaches colluders, which do not pass it on, and the owner's honest neighbours
 * never learn it (in the 150-node eclipse scenario the 43 targets of failed searches were held
 * by 3.8 of their 10 nearest honest nodes, the others by 6.7; 5.4 of their 10 leaf entries were
 * colluders, the others' 2.6). So an entry its owner handed us itself, outside its own leaf
 * set's view, is flooded as the spec says (AdmitOrigin `owner`): the route entry of a SOLICIT
 * (the joiner), and a FLOOD with D whose entry is the sender's own (a node answering our FLOOD
 * with its entry: it did not have us in its leaf set, so the two views disagree). Our flood is a
 * second path to the owner's neighbours through a view the attacker did not pick. Both happen
 * about once per joiner and publisher or neighbour, and only when the entry enters our leaf set:
 * eclipse successes 236 -> 265 of 300 (seed 7; 983 -> 1071 over seeds 7, 1, 2, 3; re-flooding
 * every learned entry as the spec does gave 1074), at 303 -> 322 datagrams per join (200 nodes,
 * waves, seed 1; the spec's flooding cost 381). The owner's walk (`announce`) stays unflooded:
 * flooding it too gave 264 at 350 datagrams per join.
 *
 * Revokes (issue 10). A revoke is looked at cheaply first (`peekRevoke`: syntax and hashes, no
 * signature) and dropped unverified unless it names an entry we hold; then, when the proof that
 * admitted that entry named an owner key, the revoke must carry the same key, and when it named
 * a validity, the revoke's must not end before it (`revoke-stale`: signed before the
 * registration, a replay). Only a revoke that passes all that costs a signature check, against
 * the held entry's ID. An entry admitted without a proof (outside the leaf set, or a provider
 * with no owner: the null provider, unsecured `0.` PNRP names) has no credential: its revoke is
 * verified only while it is one of our leaf-set members (the only nodes a genuine revoke is sent
 * to) and then accepted on its signature alone, as the spec does. That keeps forged revokes of
 * unsecured names possible, by design (anyone may claim such a name); elsewhere a revoke is
 * ignored and the entry goes when its own endpoint stops answering (maintenance probes).
 */

import { type Endpoint, endpointKey, endpointsEqual } from '../keys/endpoint.js';
import { clockwiseDistance, type Key, RING_SIZE } from '../keys/key256.js';
import { DEFAULT_RESOLUTION_LIMITS } from '../resolve/resolution.js';
import { equalBytes, toHex } from '../util/bytes.js';
import type { AckMessage, FloodMessage, RouteEntry } from '../wire/types.js';
import { WIRE_LIMITS } from '../wire/types.js';
import { type AdmitOrigin, type LocalRegistration, localOf, type NodeCore } from './core.js';
import type { RevokeSummary } from './security-provider.js';
import type { SendCause } from './send-cause.js';
import { bump } from './stats.js';

interface PendingFlood {
  readonly message: FloodMessage;
  readonly to: Endpoint;
  readonly targetId: Key;
  /** Told to the send observer with the retransmit too (send-cause.ts). */
  readonly cause: SendCause;
  readonly firstSentMs: number;
  retransmitted: boolean;
}

// The [MS-PNRP] message timers every exchange shares: retransmit after 1 s, give up at 2 s.
const { retransmitMs: RETRANSMIT_MS, hopTimeoutMs: TIMEOUT_MS } = DEFAULT_RESOLUTION_LIMITS;
const ZERO_ID = new Uint8Array(32);
const ZERO_NONCE = new Uint8Array(16);

function endpointOf(entry: RouteEntry): Endpoint {
  return { address: entry.addresses[0]!, port: entry.port };
}

/** FLOODs in flight and the rules that start them. */
export class Floods {
  private readonly core: NodeCore;
  /** FLOODs awaiting an ACK, by message ID; a Map only while non-empty (an emptied Map keeps a table). */
  private pending: Map<number, PendingFlood> | undefined;

  constructor(core: NodeCore) {
    this.core = core;
  }

  private forget(messageId: number): void {
    const map = this.pending;
    if (!map) return;
    map.delete(messageId);
    if (map.size === 0) this.pending = undefined;
  }

  /** Floods an entry that just joined the leaf set of `localKey`. */
  floodNewLeafEntry(entry: RouteEntry, localKey: Key, origin: AdmitOrigin): void {
    const core = this.core;
    // Issue 13: an established member (referral) is known to its neighbours; an owner announcing
    // itself in its walk FLOODs its own entry to its whole leaf set once the walk ends, and that
    // FLOOD is what its neighbours spread. An entry from its owner directly (`owner`: a SOLICIT,
    // a FLOOD of its own entry back to us) is flooded: the eclipse defence (see the header).
    if (origin.via === 'referral' || origin.via === 'announce') return;
    const incoming = origin.via === 'flood' ? origin.alreadyFlooded : [];
    const skip = new Set(incoming.map(endpointKey));
    if (origin.via === 'flood') skip.add(endpointKey(origin.from));
    skip.add(endpointKey(endpointOf(entry)));
    const accept = (e: RouteEntry): boolean =>
      !skip.has(endpointKey(endpointOf(e))) && !core.isSelf(e);
    const targets = [
      ...core.cache.nearestAbove(entry.id, 1, accept),
      ...core.cache.nearestBelow(entry.id, 1, accept),
    ];
    const list = [...incoming, ...targets.map(endpointOf)].slice(-WIRE_LIMITS.alreadyFloodedMax);
    const cause: SendCause = `flood-${origin.via}`;
    for (const target of targets) this.send(target, { routeEntry: entry }, list, false, cause);
    // Our own entry back to a third-party flooder, unless it is one of our leaf-set neighbours
    // already (issue 13: it learned us when it became one; the spec sends it regardless).
    if (
      origin.via === 'flood' &&
      !endpointsEqual(origin.from, endpointOf(entry)) &&
      !this.isLeafMember(localKey, origin.from)
    ) {
      const own = localOf(core.locals, localKey);
      if (own) this.sendTo(origin.from, ZERO_ID, { routeEntry: own.entry }, [], true, 'flood-back');
    }
  }

  /** How the entry of a received FLOOD reached us (see AdmitOrigin). */
  private originOf(from: Endpoint, msg: FloodMessage, entry: RouteEntry): AdmitOrigin {
    if (!msg.dontAck) return { via: 'flood', from, alreadyFlooded: msg.alreadyFlooded };
    const own = entry.addresses.some((address) =>
      endpointsEqual(from, { address, port: entry.port }),
    );
    return own ? { via: 'owner' } : { via: 'referral' };
  }

  private isLeafMember(localKey: Key, ep: Endpoint): boolean {
    const { below, above } = this.core.cache.leafSet(localKey);
    for (const e of below)
      if (e.addresses.length > 0 && endpointsEqual(endpointOf(e), ep)) return true;
    for (const e of above)
      if (e.addresses.length > 0 && endpointsEqual(endpointOf(e), ep)) return true;
    return false;
  }

  /** Handles a received FLOOD. */
  onFlood(from: Endpoint, msg: FloodMessage): void {
    const core = this.core;
    core.stats.floodsReceived++;
    if (!msg.dontAck) {
      const validateIsZero = msg.validateId.every((b) => b === 0);
      core.send(from, {
        type: 'ack',
        messageId: core.newMessageId(),
        version: core.version,
        ackedMessageId: msg.messageId,
        notRegistered: !validateIsZero && localOf(core.locals, msg.validateId) === undefined,
      });
    }
    if (msg.routeEntry && !core.isSelf(msg.routeEntry)) {
      // A FLOOD with D answers a REQUEST (an entry from the sender's cache: an established
      // member, not spread, issue 13) or returns the sender's own entry to our FLOOD (its owner
      // introducing itself: spread, the eclipse defence; see AdmitOrigin).
      core.offer(msg.routeEntry, this.originOf(from, msg, msg.routeEntry));
    }
    if (msg.revokeCpa) this.onRevoke(from, msg.revokeCpa, msg.alreadyFlooded);
  }

  private onRevoke(from: Endpoint, bytes: Uint8Array, alreadyFlooded: readonly Endpoint[]): void {
    const core = this.core;
    const security = core.options.security;
    let held: Key | undefined;
    if (security.peekRevoke !== undefined) {
      const peek = security.peekRevoke(bytes);
      if (peek === undefined) {
        bump(core.stats.dropped, 'revoke-malformed');
        return;
      }
      const refusal = this.revokeRefusal(peek);
      if (refusal !== undefined) {
        bump(core.stats.dropped, `revoke-${refusal}`);
        return;
      }
      held = peek.key;
    }
    const verdict = security.validateRecord(bytes, {
      key: held,
      nonce: undefined,
      revoke: true,
      nowWallMs: core.wallNowMs(),
    });
    if (!verdict.ok) {
      bump(core.stats.dropped, `revoke-${verdict.reason}`);
      return;
    }
    // Again on the verified record: the peek may be absent, and it is not trusted.
    const refusal = this.revokeRefusal(verdict.record);
    if (refusal !== undefined) {
      bump(core.stats.dropped, `revoke-${refusal}`);
      return;
    }
    core.stats.revokesReceived++;
    const key = verdict.record.key;
    const sides = this.leafSides(key);
    if (core.cache.has(key)) core.evict(key, 'revoked');
    const skip = new Set([...alreadyFlooded, from].map(endpointKey));
    const accept = (e: RouteEntry): boolean =>
      !skip.has(endpointKey(endpointOf(e))) && !core.isSelf(e);
    for (const { side, localKey } of sides) {
      // Onward in the same direction: away from the revoked key, past our own position.
      const next =
        side === 'above'
          ? core.cache.nearestAbove(localKey, 1, accept)[0]
          : core.cache.nearestBelow(localKey, 1, accept)[0];
      if (!next) continue;
      const list = [...alreadyFlooded, endpointOf(next)].slice(-WIRE_LIMITS.alreadyFloodedMax);
      this.send(next, { revokeCpa: bytes }, list, false, 'revoke');
    }
  }

  /** Why a revoke (peeked or verified) does not apply to what we hold; undefined if it does. */
  private revokeRefusal(revoke: RevokeSummary): string | undefined {
    const core = this.core;
    if (localOf(core.locals, revoke.key) !== undefined) return 'own-key';
    const cached = core.cache.get(revoke.key);
    if (cached === undefined) return 'not-held';
    const credential = core.credentialOf(cached);
    if (credential === undefined)
      return core.cache.wouldBeInLeafSet(revoke.key) ? undefined : 'unproven-entry';
    const { ownerKey, validUntilWallMs } = credential;
    if (
      ownerKey !== undefined &&
      (revoke.ownerKey === undefined || !equalBytes(ownerKey, revoke.ownerKey))
    )
      return 'wrong-key';
    if (
      validUntilWallMs !== undefined &&
      (revoke.validUntilWallMs === undefined || revoke.validUntilWallMs < validUntilWallMs)
    )
      return 'stale';
    return undefined;
  }

  /** The local keys that hold `key` in their leaf set, with the side of `key` they are on. */
  private leafSides(key: Key): { side: 'above' | 'below'; localKey: Key }[] {
    const out: { side: 'above' | 'below'; localKey: Key }[] = [];
    const hex = toHex(key);
    for (const reg of this.core.locals.values()) {
      const leaf = this.core.cache.leafSet(reg.key);
      if ([...leaf.below, ...leaf.above].some((e) => toHex(e.id) === hex)) {
        const side = clockwiseDistance(key, reg.key) < RING_SIZE / 2n ? 'above' : 'below';
        out.push({ side, localKey: reg.key });
      }
    }
    return out;
  }

  /**
   * Announces a local key to every member of its leaf set after a registration walk, so a
   * neighbour the walk only INQUIREd (which carries no route entry) learns us too. A neighbour
   * that already holds our entry only ACKs. Issue 13: neighbours in `skip` (endpoint keys of
   * nodes that INQUIREd this key since the last announce: they hold or are checking our entry)
   * are not sent it again.
   */
  announce(reg: LocalRegistration, skip?: ReadonlySet<string>): void {
    const { below, above } = this.core.cache.leafSet(reg.key);
    for (const n of [...below, ...above]) {
      if (skip?.has(endpointKey(endpointOf(n)))) continue;
      this.send(n, { routeEntry: reg.entry }, [], false, 'announce');
    }
  }

  /** Floods the revoke of a local key and heals the edge leaf sets. Call before dropping the key. */
  unregister(reg: LocalRegistration): void {
    const core = this.core;
    const revoke = core.options.security.secureRecord(
      {
        key: reg.key,
        appData: new Uint8Array(0),
        endpoints: core.selfEndpoints,
        nonce: ZERO_NONCE,
        revoke: true,
      },
      core.wallNowMs(),
    );
    const { below, above } = core.cache.leafSet(reg.key);
    const lower = below[0];
    const upper = above[0];
    for (const n of [lower, upper])
      if (n) this.send(n, { revokeCpa: revoke }, [endpointOf(n)], false, 'revoke');
    const farLower = below[below.length - 1];
    const farUpper = above[above.length - 1];
    if (upper && farLower && farLower !== lower)
      this.send(farLower, { routeEntry: upper }, [], false, 'heal');
    if (lower && farUpper && farUpper !== upper)
      this.send(farUpper, { routeEntry: lower }, [], false, 'heal');
  }

  private send(
    target: RouteEntry,
    content: { routeEntry?: RouteEntry; revokeCpa?: Uint8Array },
    alreadyFlooded: readonly Endpoint[],
    dontAck: boolean,
    cause: SendCause,
  ): void {
    this.sendTo(endpointOf(target), target.id, content, alreadyFlooded, dontAck, cause);
  }

  private sendTo(
    to: Endpoint,
    validateId: Key,
    content: { routeEntry?: RouteEntry; revokeCpa?: Uint8Array },
    alreadyFlooded: readonly Endpoint[],
    dontAck: boolean,
    cause: SendCause,
  ): void {
    const core = this.core;
    if (!dontAck && (this.pending?.size ?? 0) >= core.options.floodsInFlightMax) {
      bump(core.stats.boundHits, 'floods');
      return;
    }
    const message: FloodMessage = {
      type: 'flood',
      // Acknowledged: our cookie, which the receiver's check of the flooded entry may echo.
      messageId: dontAck ? core.newMessageId() : core.requestId(to),
      version: core.version,
      dontAck,
      validateId,
      ...(content.revokeCpa ? { revokeCpa: content.revokeCpa } : {}),
      ...(content.routeEntry ? { routeEntry: content.routeEntry } : {}),
      alreadyFlooded,
    };
    core.stats.floodsSent++;
    core.send(to, message, { cause });
    if (!dontAck) {
      this.pending ??= new Map();
      this.pending.set(message.messageId, {
        message,
        to,
        targetId: validateId,
        cause,
        firstSentMs: core.nowMs(),
        retransmitted: false,
      });
    }
  }

  /** Handles an ACK of one of our FLOODs; false if it is not ours. */
  onAck(from: Endpoint, msg: AckMessage): boolean {
    const flood = this.pending?.get(msg.ackedMessageId);
    if (!flood) return false;
    if (!endpointsEqual(from, flood.to)) {
      bump(this.core.stats.dropped, 'unexpected-source');
      return true;
    }
    this.forget(msg.ackedMessageId);
    this.core.proofs.prove(this.core.nowMs(), from); // return routability (address-proof.ts)
    if (msg.notRegistered && this.core.cache.has(flood.targetId))
      this.core.evict(flood.targetId, 'denied', flood.to);
    return true;
  }

  /** Retransmits unacknowledged FLOODs and evicts targets that never answer. */
  onTimer(nowMs: number): void {
    if (!this.pending) return;
    for (const [id, flood] of [...this.pending]) {
      if (nowMs >= flood.firstSentMs + TIMEOUT_MS) {
        this.forget(id);
        if (this.core.cache.has(flood.targetId)) this.core.evict(flood.targetId, 'stale', flood.to);
      } else if (!flood.retransmitted && nowMs >= flood.firstSentMs + RETRANSMIT_MS) {
        flood.retransmitted = true;
        this.core.stats.retransmits++;
        this.core.send(flood.to, flood.message, { cause: flood.cause });
      }
    }
  }

  /** Earliest time `onTimer` has work. */
  nextDeadline(): number {
    let at = Number.POSITIVE_INFINITY;
    if (!this.pending) return at;
    for (const f of this.pending.values()) {
      at = Math.min(at, f.firstSentMs + (f.retransmitted ? TIMEOUT_MS : RETRANSMIT_MS));
    }
    return at;
  }
}
