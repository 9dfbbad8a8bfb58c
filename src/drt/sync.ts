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
 */
import { type Endpoint, endpointKey, endpointsEqual } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import { equalBytes, toHex } from '../util/bytes.js';
import type {
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

interface Solicitation {
  readonly to: Endpoint;
  readonly nonce: Uint8Array;
  readonly hashedNonce: Uint8Array;
  readonly sentMs: number;
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
  private readonly solicitations = new Map<string, Solicitation>();
  private readonly conversations: ConversationTable<Conversation>;

  constructor(core: NodeCore) {
    this.core = core;
    this.conversations = new ConversationTable(core.options.conversationsMax);
  }

  /** Open conversations (publisher side). */
  get conversing(): number {
    return this.conversations.size;
  }

  /** Open solicitations (joiner side). */
  get soliciting(): number {
    return this.solicitations.size;
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
      this.solicitations.set(toHex(hashedNonce), { to, nonce, hashedNonce, sentMs: core.nowMs() });
      const own = core.locals.values().next().value;
      core.send(to, {
        type: 'solicit',
        messageId: core.newMessageId(),
        version: core.version,
        ...(own ? { routeEntry: own.entry } : {}),
        hashedNonce,
      });
      tried.push(to);
    }
    return tried;
  }

  /** Publisher side: answers a SOLICIT with an ADVERTISE. */
  onSolicit(from: Endpoint, msg: SolicitMessage): void {
    const core = this.core;
    if (msg.routeEntry && !core.isSelf(msg.routeEntry))
      core.offer(msg.routeEntry, { via: 'other' });
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
      messageId: core.newMessageId(),
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
    const s = this.solicitations.get(toHex(msg.hashedNonce));
    if (!s || !endpointsEqual(s.to, from)) {
      bump(core.stats.dropped, 'unsolicited-advertise');
      return;
    }
    this.solicitations.delete(toHex(msg.hashedNonce));
    const wanted = msg.ids.filter((id) => !core.cache.has(id) && !core.locals.has(toHex(id)));
    if (wanted.length === 0) return;
    core.send(from, {
      type: 'request',
      messageId: core.newMessageId(),
      version: core.version,
      nonce: s.nonce,
      ids: wanted,
    });
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
      core.send(from, {
        type: 'flood',
        messageId: core.newMessageId(),
        version: core.version,
        dontAck: true,
        validateId: new Uint8Array(32),
        routeEntry: entry,
        alreadyFlooded: [],
      });
    }
  }

  /** Forgets solicitations and conversations past their time. */
  expire(nowMs: number): void {
    for (const [k, s] of this.solicitations)
      if (nowMs >= s.sentMs + SOLICIT_TIMEOUT_MS) this.solicitations.delete(k);
    this.conversations.expire(nowMs);
  }

  /** Earliest time `expire` has work. */
  nextDeadline(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const s of this.solicitations.values()) at = Math.min(at, s.sentMs + SOLICIT_TIMEOUT_MS);
    return at;
  }
}
