/**
 * @module drt/pending-adds
 * The Pending Route Entry Add List ([MS-PNRP] §3.1.5.11, §3.2.5.1): no route entry enters the
 * cache until its owner answered an INQUIRE at the entry's address (return routability). When
 * the entry would land in one of our leaf sets, the INQUIRE also demands the proof (A flag plus a
 * fresh nonce) and the security provider must accept it. The same machinery probes existing
 * entries during maintenance ([MC-DRT] §3.1.6.1): a probe that goes unanswered evicts the entry.
 * Bounded by `pendingAddsMax`; retransmit after 1 s, give up after 2 s.
 *
 * Eviction only on the entry's own evidence (issue 10). A route entry anyone can put in a SOLICIT,
 * LOOKUP or FLOOD may reuse the ID of a cached entry and name a dead address; its check fails,
 * and that failure says nothing about the cached entry. So:
 * - checks are keyed by (ID, endpoint): a check of X at a forged address neither blocks nor
 *   shadows a check of X at its genuine address. No per-ID limit (a handful of spoofed entries
 *   could then block one genuine ID); the table as a whole is bounded by `pendingAddsMax`.
 * - a failed check (timeout, N flag) evicts only through `core.evict(id, reason, endpoint)`,
 *   which does nothing unless the cached entry with that ID sits at the endpoint that failed;
 *   a failed new entry is dropped alone. A refused proof evicts nothing.
 * - a new entry whose ID is cached at another endpoint and which passed its own check does not
 *   replace the cached one (node.ts `admit`): it waits as the `successor` of a probe of the
 *   cached entry's endpoint, and is admitted only if that probe fails. A live owner keeps its
 *   entry; one that moved (old address dead) is replaced after one probe.
 */

import { type Endpoint, endpointKey, endpointsEqual } from '../keys/endpoint.js';
import { DEFAULT_RESOLUTION_LIMITS } from '../resolve/resolution.js';
import { bytesKey, equalBytes } from '../util/bytes.js';
import type { AuthorityMessage, RouteEntry } from '../wire/types.js';
import { type AdmitOrigin, entryEndpoint, localOf, type NodeCore } from './core.js';
import { ECHOES_MAX } from './searches.js';
import type { ValidatedRecord } from './security-provider.js';
import { bump } from './stats.js';

/** A verified entry waiting for the cached entry with its ID to fail a probe. */
interface Successor {
  readonly entry: RouteEntry;
  readonly origin: AdmitOrigin;
  readonly proof: ValidatedRecord | undefined;
}

interface Check {
  readonly entry: RouteEntry;
  /** ID hex and endpoint key of `to`: the table key. */
  readonly slot: string;
  readonly origin: AdmitOrigin;
  /** `admit`: a candidate for the cache; `probe`: a cached entry being checked for liveness. */
  readonly purpose: 'admit' | 'probe';
  readonly nonce: Uint8Array | undefined;
  readonly to: Endpoint;
  messageId: number;
  readonly firstSentMs: number;
  retransmitted: boolean;
  /** Source endpoint whose datagram started this admission check (probe-gate.ts). */
  readonly sourceKey?: string | undefined;
  /** Set on a check of a cached entry that a verified newcomer with its ID would replace. */
  successor: Successor | undefined;
  /** Repeats after a B-flag answer (address-proof.ts; at most ECHOES_MAX). */
  echoes: number;
  /** Offered by a datagram from `to` itself: its INQUIREs pay from that source's credit. */
  readonly charged: boolean;
  /** A send of this check was refused (no credit): its silence is no evidence against anyone. */
  sendRefused: boolean;
}

// The [MS-PNRP] message timers every exchange shares: retransmit after 1 s, give up at 2 s.
const { retransmitMs: RETRANSMIT_MS, hopTimeoutMs: TIMEOUT_MS } = DEFAULT_RESOLUTION_LIMITS;

/** INQUIRE checks in flight, keyed by message ID and by (ID, endpoint). */
export class PendingAdds {
  private readonly core: NodeCore;
  /**
   * Checks by message ID. Both maps exist only while a check is in flight (issue 13: an idle
   * node held two empty Maps, ~370 bytes per simulated node).
   */
  private byMessage: Map<number, Check> | undefined;
  /** The same checks by {@link slotOf}; one per (ID, endpoint), so both maps have the same size. */
  private bySlot: Map<string, Check> | undefined;

  constructor(core: NodeCore) {
    this.core = core;
  }

  /** Checks in flight. */
  get size(): number {
    return this.byMessage?.size ?? 0;
  }

  /** Starts the return-routability check of an entry learned from the network. */
  offer(entry: RouteEntry, origin: AdmitOrigin): void {
    const core = this.core;
    if (entry.addresses.length === 0 || core.isSelf(entry)) return;
    if (localOf(core.locals, entry.id) !== undefined) return;
    const slot = slotOf(entry);
    if (this.bySlot?.has(slot)) return;
    const cached = core.cache.get(entry.id);
    if (cached && sameAddresses(cached, entry)) return;
    this.start(entry, slot, origin, 'admit');
  }

  /** Probes a cached entry at its own endpoint; no answer (or a denial) evicts it. */
  probe(entry: RouteEntry): Check | undefined {
    if (entry.addresses.length === 0) return undefined;
    const slot = slotOf(entry);
    if (this.bySlot?.has(slot)) return undefined;
    return this.start(entry, slot, { via: 'other' }, 'probe');
  }

  /**
   * A verified `successor` would take the ID of the cached entry `cached`, which sits at another
   * endpoint: probe `cached` and admit `successor` only if that probe fails (see the header). A
   * check of `cached` already in flight takes the successor (the first one waits; later ones are
   * dropped and may come again).
   */
  contest(
    cached: RouteEntry,
    successor: RouteEntry,
    origin: AdmitOrigin,
    proof: ValidatedRecord | undefined,
  ): void {
    const check =
      cached.addresses.length === 0
        ? undefined
        : (this.bySlot?.get(slotOf(cached)) ?? this.probe(cached));
    if (check === undefined || check.successor !== undefined) {
      this.core.stats.cacheAdmissionsRefused++;
      bump(this.core.stats.dropped, 'entry-id-contested');
      return;
    }
    check.successor = { entry: successor, origin, proof };
  }

  private start(
    entry: RouteEntry,
    slot: string,
    origin: AdmitOrigin,
    purpose: Check['purpose'],
  ): Check | undefined {
    const core = this.core;
    if (this.size >= core.options.pendingAddsMax) {
      bump(core.stats.boundHits, 'pending-adds');
      return undefined;
    }
    // Issue 10: per-source share of this table and a rate for unproven sources (probe-gate.ts).
    const sourceKey = purpose === 'admit' ? core.admitCheck((k) => this.heldBy(k)) : undefined;
    if (sourceKey === false) return undefined;
    const needProof = purpose === 'admit' && core.cache.wouldBeInLeafSet(entry.id);
    const to: Endpoint = { address: entry.addresses[0]!, port: entry.port };
    const source = core.currentSource();
    const charged = source !== undefined && endpointsEqual(source, to);
    const check: Check = {
      entry,
      slot,
      origin,
      purpose,
      nonce: needProof ? core.options.rng.bytes(16) : undefined,
      to,
      // Toward the source of the datagram being handled, echo its message ID: its cookie for our
      // address when it holds us unproven (core.ts `requestId`), so a check asking for a proof is
      // answered at once.
      messageId: charged ? this.echoOrNewId(core.currentMessageId()) : core.newMessageId(),
      firstSentMs: core.nowMs(),
      retransmitted: false,
      sourceKey,
      successor: undefined,
      echoes: 0,
      charged,
      sendRefused: false,
    };
    this.byMessage ??= new Map();
    this.bySlot ??= new Map();
    this.byMessage.set(check.messageId, check);
    this.bySlot.set(slot, check);
    this.transmit(check);
    return check;
  }

  /**
   * `cookie` as the message ID of a request we are about to send, unless another request of ours
   * already uses it (then, or without a cookie, a fresh one).
   */
  private echoOrNewId(cookie: number | undefined): number {
    const core = this.core;
    const now = core.nowMs();
    return cookie !== undefined &&
      !this.byMessage?.has(cookie) &&
      core.proofs.claimEcho(now, cookie, now + TIMEOUT_MS)
      ? cookie
      : core.newMessageId();
  }

  private heldBy(sourceKey: string): number {
    let held = 0;
    if (this.byMessage === undefined) return held;
    for (const c of this.byMessage.values()) if (c.sourceKey === sourceKey) held++;
    return held;
  }

  private transmit(check: Check): void {
    const wantCpa = check.nonce !== undefined;
    const sent = this.core.send(
      check.to,
      {
        type: 'inquire',
        messageId: check.messageId,
        version: this.core.version,
        flags: { wantCpa, wantCertChain: wantCpa, wantExtendedPayload: false },
        validateId: check.entry.id,
        ...(check.nonce ? { nonce: check.nonce } : {}),
      },
      {
        charged: check.charged,
        cause: check.purpose === 'probe' ? 'probe' : `admit-${check.origin.via}`,
      },
    );
    if (!sent) check.sendRefused = true;
  }

  /** Handles an AUTHORITY if it answers one of our checks; returns false otherwise. */
  onAuthority(from: Endpoint, msg: AuthorityMessage): boolean {
    const byMessage = this.byMessage;
    const check = byMessage?.get(msg.ackedMessageId);
    if (byMessage === undefined || !check) return false;
    const core = this.core;
    if (!endpointsEqual(from, check.to)) {
      bump(core.stats.dropped, 'unexpected-source');
      return true;
    }
    core.proofs.prove(core.nowMs(), from); // it answered what we sent to that endpoint
    const { buffer } = msg;
    // A B flag under a new message ID is a challenge carrying the cookie; under ours, a refusal.
    if (buffer.flags.busy && msg.messageId !== check.messageId && check.echoes < ECHOES_MAX) {
      // Prove our address: the same INQUIRE again with the answerer's cookie as message ID (a
      // fresh one if another request of ours already echoes that cookie).
      check.echoes++;
      byMessage.delete(check.messageId);
      check.messageId = this.echoOrNewId(msg.messageId);
      byMessage.set(check.messageId, check);
      this.transmit(check);
      return true;
    }
    this.end(check);
    if (buffer.flags.busy) {
      bump(core.stats.dropped, 'proof-busy'); // throttled: give the entry up, evict nothing
      if (check.purpose === 'admit') core.stats.cacheAdmissionsRefused++;
      return true;
    }
    if (buffer.flags.notRegistered) {
      this.refuse(check, 'denied');
      return true;
    }
    if (check.successor !== undefined) {
      // The cached owner answered at its own endpoint: it keeps its ID.
      check.successor = undefined;
      core.stats.cacheAdmissionsRefused++;
      bump(core.stats.dropped, 'entry-id-owner-alive');
    }
    if (check.purpose === 'probe') return true;
    let record: ValidatedRecord | undefined;
    if (check.nonce !== undefined) {
      const proof = buffer.validateCpa;
      const verdict = proof
        ? core.options.security.validateRecord(proof, {
            key: check.entry.id,
            nonce: check.nonce,
            revoke: false,
            nowWallMs: core.wallNowMs(),
            // A chain (C flag) comes with the classifier it was delegated for; providers that
            // need neither ignore them.
            ...(buffer.certChain
              ? {
                  authority: {
                    certChain: buffer.certChain,
                    ...(buffer.classifier !== undefined ? { classifier: buffer.classifier } : {}),
                  },
                }
              : {}),
          })
        : ({ ok: false, reason: 'missing-proof' } as const);
      if (!verdict.ok) {
        bump(core.stats.dropped, `proof-${verdict.reason}`);
        this.refuse(check, undefined);
        return true;
      }
      const eps = verdict.record.endpoints;
      if (eps.length > 0 && !eps.some((ep) => endpointsEqual(ep, check.to))) {
        bump(core.stats.dropped, 'proof-endpoint-mismatch');
        this.refuse(check, undefined);
        return true;
      }
      record = verdict.record;
    }
    core.admit(check.entry, check.origin, record);
    return true;
  }

  /** Retransmits and expires checks. */
  onTimer(nowMs: number): void {
    if (this.byMessage === undefined) return;
    for (const check of [...this.byMessage.values()]) {
      if (nowMs >= check.firstSentMs + TIMEOUT_MS) {
        this.end(check);
        // An INQUIRE (or its retransmit) that the anti-amplification credit held back proves
        // nothing by going unanswered: drop the check, evict nobody.
        this.refuse(check, check.sendRefused ? undefined : 'stale');
      } else if (!check.retransmitted && nowMs >= check.firstSentMs + RETRANSMIT_MS) {
        check.retransmitted = true;
        this.core.stats.retransmits++;
        this.transmit(check);
      }
    }
  }

  /** Earliest time `onTimer` has work. */
  nextDeadline(): number {
    let at = Number.POSITIVE_INFINITY;
    if (this.byMessage === undefined) return at;
    for (const c of this.byMessage.values()) {
      at = Math.min(at, c.firstSentMs + (c.retransmitted ? TIMEOUT_MS : RETRANSMIT_MS));
    }
    return at;
  }

  private end(check: Check): void {
    this.byMessage?.delete(check.messageId);
    this.bySlot?.delete(check.slot);
    if (this.byMessage?.size === 0 && this.bySlot?.size === 0) {
      this.byMessage = undefined;
      this.bySlot = undefined;
    }
  }

  /**
   * A check failed. The entry it checked is dropped; a cached entry goes only if it sits at the
   * endpoint that failed (core.evict checks), and then a waiting successor takes its place.
   */
  private refuse(check: Check, evictAs: 'stale' | 'denied' | undefined): void {
    const core = this.core;
    if (check.purpose === 'admit') core.stats.cacheAdmissionsRefused++;
    const { entry, successor } = check;
    if (evictAs !== undefined && core.cache.has(entry.id)) core.evict(entry.id, evictAs, check.to);
    if (successor === undefined) return;
    if (core.cache.has(entry.id)) {
      core.stats.cacheAdmissionsRefused++;
      bump(core.stats.dropped, 'entry-id-owner-alive');
    } else core.admit(successor.entry, successor.origin, successor.proof);
  }
}

/** The table key of a check: the ID and the endpoint the INQUIRE goes to. */
function slotOf(entry: RouteEntry): string {
  return bytesKey(entry.id) + endpointKey(entryEndpoint(entry));
}

function sameAddresses(a: RouteEntry, b: RouteEntry): boolean {
  if (a.port !== b.port || a.addresses.length !== b.addresses.length) return false;
  return a.addresses.every((addr, i) => equalBytes(addr, b.addresses[i]!));
}

/** endpointKey of an entry's first address. */
export function entryEndpointKey(entry: RouteEntry): string {
  return endpointKey({ address: entry.addresses[0]!, port: entry.port });
}
