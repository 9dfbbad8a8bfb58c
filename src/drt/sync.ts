/**
 * @module drt/sync
 * Cache synchronisation when joining ([MS-PNRP] §3.1.4.3, §3.2.5.3-§3.2.5.5): the joiner sends a
 * SOLICIT carrying SHA-1 of a fresh nonce (and its own route entry once it has one); the
 * publisher answers ADVERTISE with up to five IDs and remembers the conversation for 15 s; the
 * joiner REQUESTs the IDs it lacks, proving with the nonce that it solicited; the publisher ACKs
 * and sends one FLOOD (D flag set) per ID. The flooded entries still pass the return-routability
 * check before they enter the cache. Deviation: the publisher advertises its own keys first, then
 * the cached IDs closest to the solicitor's key (random ones when it has none), which gives a
 * joiner its neighbourhood at once. The conversations live in a `ConversationTable`: a new
 * SOLICIT is never answered "busy" because spoofers filled it (conversation-table.ts).
 *
 * No amplification (issue 10 item 3, address-proof.ts): an ADVERTISE (56-216 bytes) is bigger
 * than a bare SOLICIT (36), and the REQUEST's nonce is the solicitor's own, so it proves nothing.
 * A SOLICIT from a source that has not proven its address gets a 20-byte ACK acking the SOLICIT,
 * with our cookie as message ID, and opens no conversation (nor is its route entry offered); the
 * joiner sends the same SOLICIT again with the cookie as message ID, which proves it. Conversations
 * are thus only held for proven solicitors, so the FLOODs answering a REQUEST go only to them.
 * The ADVERTISE carries the cookie as message ID too, and the joiner's REQUEST echoes it.
 *
 * Join attempts (issue 12): one `solicit` call is one attempt. It ends early when every SOLICIT
 * expired unanswered, else `JOIN_ATTEMPT_MS` after it began; the node then reports
 * `join-failed` (naming the endpoints tried and those that answered) unless it has joined.
 */
import { type Endpoint, endpointKey, endpointsEqual } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import { equalBytes, toHex } from '../util/bytes.js';
import type {
  AckMessage,
  AdvertiseMessage,
  RequestMessage,
  RouteEntry,
  SolicitMessage,
} from '../wire/types.js';
import { ConversationTable } from './conversation-table.js';
import type { NodeCore } from './core.js';
import { bump } from './stats.js';

/** IDs a publisher advertises ([MS-PNRP] §3.2.5.3). */
export const ADVERTISE_IDS = 5;
/** Bootstrap endpoints solicited per attempt (fewer than five SSDP responders, §3.1.5.1). */
export const SOLICIT_FANOUT = 5;
const SOLICIT_TIMEOUT_MS = 2000;
/**
 * How long a join attempt may take once a bootstrap node answered: the cookie round trip,
 * ADVERTISE, REQUEST, the FLOODs and their INQUIRE checks (one retransmit each) fit in it.
 */
export const JOIN_ATTEMPT_MS = 6000;

/** One round of SOLICITs to the bootstrap endpoints. */
export interface JoinAttempt {
  readonly tried: readonly Endpoint[];
  /** Endpoints that answered (an ACK with a cookie or an ADVERTISE). */
  readonly answered: Endpoint[];
  readonly endsMs: number;
}
/** Send options of the joiner's SOLICIT and REQUEST and the FLOODs answering it (send-cause.ts). */
const JOIN = { cause: 'join' } as const;
/** IDs remembered as REQUESTed (a bound; past it, IDs may be REQUESTed twice). */
const REQUESTED_MAX = 256;

interface Solicitation {
  readonly to: Endpoint;
  readonly nonce: Uint8Array;
  readonly hashedNonce: Uint8Array;
  sentMs: number;
  messageId: number;
  /** The SOLICIT was repeated with the publisher's cookie. */
  echoed: boolean;
}

interface Conversation {
  readonly from: Endpoint;
  readonly hashedNonce: Uint8Array;
  readonly advertised: readonly RouteEntry[];
  readonly expiresMs: number;
}

/** Both sides of the SOLICIT / ADVERTISE / REQUEST / FLOOD conversation. */
export class Sync {
  private readonly core: NodeCore;
  /**
   * Our SOLICITs waiting for an ADVERTISE, by hashed nonce (hex). This map and `requested` exist
   * only while they hold something (issue 13: a joined node kept two empty Maps, ~370 bytes).
   */
  private solicitations: Map<string, Solicitation> | undefined;
  /**
   * IDs (hex) REQUESTed from some publisher, and when: a joiner soliciting several bootstrap
   * nodes at once does not REQUEST the same ID from each of them (issue 13; their FLOODs would
   * carry the same entry). Forgotten after SOLICIT_TIMEOUT_MS; at most REQUESTED_MAX.
   */
  private requested: Map<string, number> | undefined;
  private readonly conversations: ConversationTable<Conversation>;
  /** Told when a join attempt ends (a method of one per-node object, not a closure). */
  private readonly listener: { attemptEnded(attempt: JoinAttempt): void } | undefined;
  private attempt: JoinAttempt | undefined;

  constructor(core: NodeCore, listener?: { attemptEnded(attempt: JoinAttempt): void }) {
    this.core = core;
    this.conversations = new ConversationTable(core.options.conversationsMax);
    this.listener = listener;
  }

  /** True while a join attempt is under way (SOLICITs out, or their answers being checked). */
  get joining(): boolean {
    return this.attempt !== undefined;
  }

  /** The node joined: the attempt under way succeeded. */
  joined(): void {
    this.attempt = undefined;
  }

  /** Open conversations (publisher side). */
  get conversing(): number {
    return this.conversations.size;
  }

  /** Open solicitations (joiner side). */
  get soliciting(): number {
    return this.solicitations?.size ?? 0;
  }

  /** Solicits up to five endpoints; returns the endpoints tried. */
  solicit(endpoints: readonly Endpoint[]): Endpoint[] {
    const core = this.core;
    const tried: Endpoint[] = [];
    for (const to of endpoints) {
      if (tried.length >= SOLICIT_FANOUT) break;
      if (core.selfEndpointKeys.has(endpointKey(to))) continue;
      const nonce = core.options.rng.bytes(16);
      const hashedNonce = core.options.crypto.sha1(nonce);
      const s: Solicitation = {
        to,
        nonce,
        hashedNonce,
        sentMs: core.nowMs(),
        messageId: core.newMessageId(),
        echoed: false,
      };
      this.solicitations ??= new Map();
      this.solicitations.set(toHex(hashedNonce), s);
      this.sendSolicit(s);
      tried.push(to);
    }
    if (tried.length > 0)
      this.attempt = { tried, answered: [], endsMs: core.nowMs() + JOIN_ATTEMPT_MS };
    return tried;
  }

  private sendSolicit(s: Solicitation): void {
    const core = this.core;
    const own = core.locals.values().next().value;
    core.send(
      s.to,
      {
        type: 'solicit',
        messageId: s.messageId,
        version: core.version,
        ...(own ? { routeEntry: own.entry } : {}),
        hashedNonce: s.hashedNonce,
      },
      JOIN,
    );
  }

  /**
   * Joiner side: an ACK of our SOLICIT is the publisher asking us to prove our address; repeat the
   * SOLICIT once with its message ID (the cookie). Returns false if the ACK is not for a SOLICIT.
   */
  onAck(from: Endpoint, msg: AckMessage): boolean {
    const core = this.core;
    if (this.solicitations === undefined) return false;
    for (const s of this.solicitations.values()) {
      if (s.messageId !== msg.ackedMessageId || !endpointsEqual(s.to, from)) continue;
      core.proofs.prove(core.nowMs(), from); // it answered what we sent to that endpoint
      this.noteAnswer(from);
      if (s.echoed) return true;
      s.echoed = true;
      s.messageId = msg.messageId;
      s.sentMs = core.nowMs();
      this.sendSolicit(s);
      return true;
    }
    return false;
  }

  /** Publisher side: answers a SOLICIT with an ADVERTISE. */
  onSolicit(from: Endpoint, msg: SolicitMessage): void {
    const core = this.core;
    if (!core.proofs.isProven(core.nowMs(), from)) {
      core.stats.addressChallenges++;
      core.send(from, {
        type: 'ack',
        messageId: core.proofs.cookie(core.nowMs(), from),
        version: core.version,
        ackedMessageId: msg.messageId,
        notRegistered: false,
      });
      return;
    }
    if (msg.routeEntry && !core.isSelf(msg.routeEntry))
      core.offer(msg.routeEntry, { via: 'owner' });
    this.expire(core.nowMs());
    const advertised = this.pick(msg.routeEntry);
    const ids: Key[] = advertised.map((e) => e.id);
    const conversation: Conversation = {
      from,
      hashedNonce: msg.hashedNonce.slice(),
      advertised,
      expiresMs: core.nowMs() + core.options.conversationMs,
    };
    // Full: the oldest conversation of the busiest prefix made room (counted), never "busy".
    if (this.conversations.set(endpointKey(from), from, conversation))
      bump(core.stats.boundHits, 'conversations');
    core.send(from, {
      type: 'advertise',
      messageId: core.proofs.cookie(core.nowMs(), from),
      version: core.version,
      ackedMessageId: msg.messageId,
      ids,
      hashedNonce: msg.hashedNonce,
    });
  }

  private pick(solicitor: RouteEntry | undefined): RouteEntry[] {
    const core = this.core;
    const own = [...core.locals.values()].map((r) => r.entry);
    const room = Math.max(0, ADVERTISE_IDS - own.length);
    const notSolicitor = (e: RouteEntry): boolean => !solicitor || !equalBytes(e.id, solicitor.id);
    const others = solicitor
      ? core.cache.closest(solicitor.id, room, notSolicitor)
      : core.cache.randomEntries(room);
    return [...own, ...others].slice(0, ADVERTISE_IDS);
  }

  /** Joiner side: REQUESTs the advertised IDs we do not hold. */
  onAdvertise(from: Endpoint, msg: AdvertiseMessage): void {
    const core = this.core;
    const s = this.solicitations?.get(toHex(msg.hashedNonce));
    if (!s || !endpointsEqual(s.to, from)) {
      bump(core.stats.dropped, 'unsolicited-advertise');
      return;
    }
    this.solicitations!.delete(toHex(msg.hashedNonce));
    core.proofs.prove(core.nowMs(), from);
    this.noteAnswer(from);
    const now = core.nowMs();
    const wanted = msg.ids.filter((id) => {
      const hex = toHex(id);
      if (core.cache.has(id) || core.locals.has(hex)) return false;
      const at = this.requested?.get(hex);
      return at === undefined || now >= at + SOLICIT_TIMEOUT_MS;
    });
    if (wanted.length === 0) return;
    this.requested ??= new Map();
    const requested = this.requested;
    for (const id of wanted) {
      if (requested.size >= REQUESTED_MAX) break;
      requested.set(toHex(id), now);
    }
    core.send(
      from,
      {
        type: 'request',
        messageId: msg.messageId, // echoes the publisher's cookie
        version: core.version,
        nonce: s.nonce,
        ids: wanted,
      },
      JOIN,
    );
  }

  /** Publisher side: checks the nonce, ACKs, and floods each requested entry (D set). */
  onRequest(from: Endpoint, msg: RequestMessage): void {
    const core = this.core;
    const key = endpointKey(from);
    const conv = this.conversations.get(key);
    if (
      !conv ||
      conv.expiresMs <= core.nowMs() ||
      !equalBytes(core.options.crypto.sha1(msg.nonce), conv.hashedNonce)
    ) {
      bump(core.stats.dropped, 'bad-request-nonce');
      return;
    }
    this.conversations.delete(key);
    core.send(from, {
      type: 'ack',
      messageId: core.newMessageId(),
      version: core.version,
      ackedMessageId: msg.messageId,
      notRegistered: false,
    });
    for (const id of msg.ids) {
      const entry = conv.advertised.find((e) => equalBytes(e.id, id));
      if (!entry) continue;
      core.stats.floodsSent++;
      core.send(
        from,
        {
          type: 'flood',
          messageId: core.newMessageId(),
          version: core.version,
          dontAck: true,
          validateId: new Uint8Array(32),
          routeEntry: entry,
          alreadyFlooded: [],
        },
        JOIN,
      );
    }
  }

  private noteAnswer(from: Endpoint): void {
    const a = this.attempt;
    if (a && !a.answered.some((e) => endpointsEqual(e, from))) a.answered.push(from);
  }

  /** Forgets solicitations and conversations past their time; ends a join attempt that is over. */
  expire(nowMs: number): void {
    const solicitations = this.solicitations;
    if (solicitations !== undefined) {
      for (const [k, s] of solicitations)
        if (nowMs >= s.sentMs + SOLICIT_TIMEOUT_MS) solicitations.delete(k);
      if (solicitations.size === 0) this.solicitations = undefined;
    }
    this.conversations.expire(nowMs);
    const a = this.attempt;
    if (a && ((a.answered.length === 0 && this.soliciting === 0) || nowMs >= a.endsMs)) {
      this.attempt = undefined;
      this.listener?.attemptEnded(a);
    }
    // Also outside a join attempt: an expired ID reads as absent either way, and a joined node
    // otherwise kept its last join's IDs (64-char hex keys, ~1.7 KB per node) for good.
    const requested = this.requested;
    if (requested === undefined) return;
    for (const [hex, at] of requested) if (nowMs >= at + SOLICIT_TIMEOUT_MS) requested.delete(hex);
    if (requested.size === 0) this.requested = undefined;
  }

  /** Earliest time `expire` has work. */
  nextDeadline(): number {
    let at = this.attempt?.endsMs ?? Number.POSITIVE_INFINITY;
    if (this.solicitations === undefined) return at;
    for (const s of this.solicitations.values()) at = Math.min(at, s.sentMs + SOLICIT_TIMEOUT_MS);
    return at;
  }
}
