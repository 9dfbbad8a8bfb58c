/**
 * @module drt/address-proof
 * No amplification toward unproven sources (issue 10, item 3). MS-PNRP and MC-DRT answer every
 * datagram at once, so a spoofed INQUIRE, LOOKUP, SOLICIT or REQUEST makes a node reflect a
 * larger answer (a fragmented AUTHORITY with certificate chain and extended payload, an
 * ADVERTISE, FLOODs) at the forged address. The decision, where the specifications leave a
 * choice:
 *
 * - A source endpoint is **proven** when (a) it answered a message this node sent to that exact
 *   endpoint (return routability: a matched AUTHORITY, ADVERTISE or ACK, whose message ID the
 *   spoofer would have to guess), or (b) a request from it carries, as its own message ID, the
 *   cookie this node put in the message ID of an earlier small answer to it. The cookie is the
 *   first 4 bytes of SHA-256(secret ‖ epoch ‖ endpoint), the secret drawn once from the injected
 *   Rng, the epoch `cookieEpochMs` long; the current and the previous epoch are accepted. The
 *   proven set is an LRU of `provenSourcesMax` endpoints, each for `provenTtlMs` after its last
 *   proof.
 * - Every answer the node sends to an unproven endpoint it has heard from is charged against an
 *   **anti-amplification credit** (QUIC's rule, RFC 9000 §8.1, with factor 1): the bytes received
 *   from that endpoint minus the bytes already sent to it, kept 10 s after its last datagram in an
 *   LRU of `unprovenSourcesMax`. Charged: AUTHORITY (all fragments), ADVERTISE, ACK, FLOOD with
 *   the D flag (the FLOODs answering a REQUEST, our entry flooded back to a FLOOD's sender), and the
 *   INQUIRE checks (with their retransmits) of a route entry that names the very endpoint whose
 *   datagram offered it. A send the credit cannot cover is not sent (`boundHits.amplification`).
 *   Our own requests (the resolver's LOOKUP and INQUIRE, SOLICIT, REQUEST, acknowledged FLOODs,
 *   checks of entries learned from third parties, maintenance probes) are not answers and are not
 *   charged; the rate of probes toward third parties is issue 10 item 4's bound, not this one.
 * - Answers are shaped to fit before that safety net drops them: an INQUIRE asking for a proof,
 *   chain or extended payload from an unproven source gets AUTHORITY with only the B (busy) flag,
 *   36 bytes against the INQUIRE's 56 or more, with the cookie as its message ID; no signature is
 *   made for it. A SOLICIT from an unproven source gets a 20-byte ACK (acking the SOLICIT) with the
 *   cookie, and opens no conversation. A requester that sees such a B-flag AUTHORITY or SOLICIT ACK
 *   sends the same request again with the cookie as message ID (at most twice: if another request
 *   of ours already echoes that cookie, the repeat takes a fresh ID and may be challenged once
 *   more). A B flag under the request's own message ID is no challenge but a refusal (budget.ts).
 *   A LOOKUP answer whose route entry would not fit drops addresses after the first until it
 *   does. AUTHORITY answers to unproven sources and every ADVERTISE carry the cookie as message
 *   ID, and the joiner's REQUEST echoes the ADVERTISE's.
 * - Cookies travel ahead of the need (issue 13: a challenge costs two datagrams, about 45 per
 *   join): a LOOKUP or acknowledged FLOOD to an unproven endpoint carries our cookie for it as
 *   message ID (`NodeCore.requestId`), and a check started while handling a datagram, of an entry
 *   at that datagram's source, echoes the datagram's message ID (pending-adds.ts), so the check
 *   of a walker's best match or of a flooder's own entry proves the checker at once. A search's
 *   next request to the endpoint that just answered it echoes that answer's ID, and a referral
 *   the search asks next is checked after that answer (searches.ts `deferred`). Echoing an ID
 *   that was no cookie costs nothing: the receiver finds no match and answers as before.
 *
 * Limits: under more than `unprovenSourcesMax` spoofed sources at once, the oldest credit record
 * is forgotten, and a retransmitted check toward that source then goes out uncharged (at most two
 * INQUIREs per route entry the pending-add table accepts). A spoofer who forges the address of an
 * endpoint this node has proven (it talked with us in the last `provenTtlMs`) gets full answers
 * sent there: the signing budget bounds the large ones (proofs), LOOKUP answers stay under about
 * 3x. Binding answers to a per-exchange secret would need a field MS-PNRP does not have.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { ExpiryLru } from './expiry-lru.js';
import { bump } from './stats.js';

/** How long an unproven endpoint's credit lives after its last datagram (covers the 2 s timers). */
export const CREDIT_TTL_MS = 10_000;

/** Sizes of the proof-exchange options (validated by `resolveDrtOptions`). */
export interface AddressProofLimits {
  readonly provenSourcesMax: number;
  readonly provenTtlMs: number;
  readonly unprovenSourcesMax: number;
  readonly cookieEpochMs: number;
}

/** Scratch input of `cookieAt` (secret ‖ epoch ‖ address ‖ port), resized for the secret. */
let cookieInput = new Uint8Array(54);

interface Credit {
  bytes: number;
  expiresMs: number;
  /**
   * The source's cookies of the last two epochs asked for, so its requests and our answers to it
   * cost one SHA-256 per epoch instead of one or two each (issue 13). NaN: none yet (not -1: that
   * is the epoch before the first, checked in epoch 0, and an empty slot would match cookie 0).
   */
  epochA: number;
  /** Kept as int32 (`| 0`) so V8 stores it unboxed, as a small integer; read back with `>>> 0`. */
  cookieA: number;
  epochB: number;
  cookieB: number;
}

/** The proven set, the unproven credits and the cookies of one node. */
export class AddressProofs {
  private readonly secret: Uint8Array;
  private readonly sha256: (data: Uint8Array) => Uint8Array;
  private readonly limits: AddressProofLimits;
  private readonly boundHits: Record<string, number>;
  /** endpointKey -> expiry, in LRU order (oldest first); packed, see expiry-lru.ts. */
  private readonly proven = new ExpiryLru();
  /**
   * Credits of unproven sources, in expiry order. This map and `echoes` exist only while they
   * hold something (issue 13: most of the time they are empty, and an emptied Map keeps a table).
   */
  private credits: Map<string, Credit> | undefined;
  /** Cookies we echo as message IDs, until when: one request per cookie, so answers match. */
  private echoes: Map<number, number> | undefined;
  /**
   * When the head of `credits` / `echoes` (the first to expire) runs out: `prune` drops expired
   * records once a datagram arrives after that, so a quiet node does not keep the dead records
   * of its last exchanges (issue 13: ~2.5 KB per simulated node). A dropped record read the same
   * as an absent one everywhere; only the cookie cache in a credit goes, and is rebuilt.
   */
  private creditsPruneAtMs = Number.POSITIVE_INFINITY;
  private echoesPruneAtMs = Number.POSITIVE_INFINITY;

  constructor(
    secret: Uint8Array,
    sha256: (data: Uint8Array) => Uint8Array,
    limits: AddressProofLimits,
    boundHits: Record<string, number>,
  ) {
    this.secret = secret;
    this.sha256 = sha256;
    this.limits = limits;
    this.boundHits = boundHits;
  }

  /** Endpoints currently proven (for tests and stats). */
  get provenCount(): number {
    return this.proven.size;
  }

  /** Unproven endpoints with a credit record, expired ones not yet dropped included (tests). */
  get creditCount(): number {
    return this.credits?.size ?? 0;
  }

  /** Echo reservations held, expired ones not yet dropped included (tests). */
  get echoCount(): number {
    return this.echoes?.size ?? 0;
  }

  /** True while `ep` is proven. */
  isProven(nowMs: number, ep: Endpoint): boolean {
    return this.isProvenKey(nowMs, endpointKey(ep));
  }

  /** {@link isProven} by endpoint key (callers that need the key again compute it once). */
  private isProvenKey(nowMs: number, key: string): boolean {
    const until = this.proven.expiry(key);
    if (until === undefined) return false;
    if (nowMs >= until) {
      this.proven.delete(key);
      return false;
    }
    return true;
  }

  /**
   * When `ep` last proved its address (it answered us or echoed our cookie), if it is still in the
   * proven set: evidence that it was alive then (maintenance skips probing it, maintenance.ts).
   */
  lastProvenMs(ep: Endpoint): number | undefined {
    const until = this.proven.expiry(endpointKey(ep));
    return until === undefined ? undefined : until - this.limits.provenTtlMs;
  }

  /** Records that `ep` proved its address (return routability or an echoed cookie). */
  prove(nowMs: number, ep: Endpoint): void {
    const key = endpointKey(ep);
    this.credits?.delete(key);
    // A proven key is refreshed in place (same as delete + set: it was not counted against the
    // bound); a new one may first evict the least recently proven.
    if (!this.proven.has(key) && this.proven.size >= this.limits.provenSourcesMax) {
      this.proven.delete(this.proven.oldest() as string);
      bump(this.boundHits, 'proven-sources');
    }
    this.proven.touch(key, nowMs + this.limits.provenTtlMs);
  }

  /** Credits the bytes of a datagram from `from` (when unproven). */
  received(nowMs: number, from: Endpoint, bytes: number): void {
    this.prune(nowMs);
    const key = endpointKey(from);
    if (this.isProvenKey(nowMs, key)) return;
    const c = this.liveCredit(nowMs, key);
    this.credits ??= new Map();
    const credits = this.credits;
    if (c) {
      credits.delete(key); // re-insert: most recent last
      c.bytes += bytes;
      c.expiresMs = nowMs + CREDIT_TTL_MS;
      credits.set(key, c);
      return;
    }
    if (credits.size >= this.limits.unprovenSourcesMax) {
      const oldest = credits.keys().next().value as string;
      credits.delete(oldest);
      bump(this.boundHits, 'unproven-sources');
    }
    if (credits.size === 0) this.creditsPruneAtMs = nowMs + CREDIT_TTL_MS;
    credits.set(key, {
      bytes,
      expiresMs: nowMs + CREDIT_TTL_MS,
      epochA: Number.NaN,
      cookieA: 0,
      epochB: Number.NaN,
      cookieB: 0,
    });
  }

  /**
   * Checks a request's message ID against the cookie of `from`; a match proves the address.
   * Returns true when it matched.
   */
  echoed(nowMs: number, from: Endpoint, messageId: number): boolean {
    const key = endpointKey(from);
    if (this.isProvenKey(nowMs, key)) return false;
    const epoch = Math.floor(nowMs / this.limits.cookieEpochMs);
    if (
      messageId !== this.cookieOf(epoch, from, key) &&
      messageId !== this.cookieOf(epoch - 1, from, key)
    )
      return false;
    this.prove(nowMs, from);
    return true;
  }

  /**
   * Reserves `cookie` as the message ID of one repeated request of ours until `untilMs`. False when
   * another request of ours (a search, a pending-add check) already echoes it: two requests to one
   * endpoint must not share a message ID, or one would take the other's answer. That one then
   * repeats with a fresh ID instead, and is answered in full once the first echo proved us.
   */
  claimEcho(nowMs: number, cookie: number, untilMs: number): boolean {
    this.echoes ??= new Map();
    const echoes = this.echoes;
    const until = echoes.get(cookie);
    if (until !== undefined && nowMs < until) return false;
    echoes.delete(cookie);
    if (echoes.size >= this.limits.unprovenSourcesMax) {
      for (const [c, t] of echoes) if (nowMs >= t) echoes.delete(c);
      if (echoes.size >= this.limits.unprovenSourcesMax) {
        bump(this.boundHits, 'echoes');
        return false;
      }
    }
    echoes.set(cookie, untilMs);
    if (untilMs < this.echoesPruneAtMs) this.echoesPruneAtMs = untilMs;
    return true;
  }

  /**
   * Drops expired credits and echo reservations from the head of their tables (both are kept in
   * expiry order: every (re)insert is now + a fixed time). Expired records count as absent
   * everywhere (`liveCredit`, `claimEcho`), so this changes no answer. Bounds: a full `credits`
   * evicts its head, which is expired whenever any record is, so the live records are the same
   * either way; only `boundHits['unproven-sources']` no longer counts evicting a dead record.
   */
  private prune(nowMs: number): void {
    const credits = this.credits;
    if (credits !== undefined && nowMs >= this.creditsPruneAtMs) {
      this.creditsPruneAtMs = Number.POSITIVE_INFINITY;
      for (const [key, c] of credits) {
        if (nowMs < c.expiresMs) {
          this.creditsPruneAtMs = c.expiresMs;
          break;
        }
        credits.delete(key);
      }
      if (credits.size === 0) this.credits = undefined;
    }
    const echoes = this.echoes;
    if (echoes !== undefined && nowMs >= this.echoesPruneAtMs) {
      this.echoesPruneAtMs = Number.POSITIVE_INFINITY;
      for (const [cookie, until] of echoes) {
        if (nowMs < until) {
          this.echoesPruneAtMs = until;
          break;
        }
        echoes.delete(cookie);
      }
      if (echoes.size === 0) this.echoes = undefined;
    }
  }

  /** The cookie to put in the message ID of an answer to `to`. */
  cookie(nowMs: number, to: Endpoint): number {
    return this.cookieOf(Math.floor(nowMs / this.limits.cookieEpochMs), to, endpointKey(to));
  }

  /** Bytes that may still go to `to`: Infinity when proven or never heard from. */
  credit(nowMs: number, to: Endpoint): number {
    const key = endpointKey(to);
    if (this.isProvenKey(nowMs, key)) return Number.POSITIVE_INFINITY;
    const c = this.liveCredit(nowMs, key);
    return c ? c.bytes : Number.POSITIVE_INFINITY;
  }

  /**
   * Charges `bytes` about to go to `to`; false (and nothing charged) when the credit of an
   * unproven endpoint cannot cover them. `initiated` sends (our own requests) are never refused.
   */
  charge(nowMs: number, to: Endpoint, bytes: number, initiated: boolean): boolean {
    if (initiated) return true;
    const key = endpointKey(to);
    if (this.isProvenKey(nowMs, key)) return true;
    const c = this.liveCredit(nowMs, key);
    if (!c) return true;
    if (bytes > c.bytes) return false;
    c.bytes -= bytes;
    return true;
  }

  private liveCredit(nowMs: number, key: string): Credit | undefined {
    const c = this.credits?.get(key);
    if (c && nowMs >= c.expiresMs) {
      this.credits!.delete(key);
      return undefined;
    }
    return c;
  }

  /** `cookieAt`, remembered in the source's credit record when it has one. */
  private cookieOf(epoch: number, ep: Endpoint, key: string): number {
    const c = this.credits?.get(key);
    if (c === undefined) return this.cookieAt(epoch, ep);
    if (c.epochA === epoch) return c.cookieA >>> 0;
    if (c.epochB === epoch) return c.cookieB >>> 0;
    const cookie = this.cookieAt(epoch, ep);
    c.epochB = c.epochA;
    c.cookieB = c.cookieA;
    c.epochA = epoch;
    c.cookieA = cookie | 0;
    return cookie;
  }

  private cookieAt(epoch: number, ep: Endpoint): number {
    // secret ‖ epoch (u32 BE) ‖ address (16) ‖ port (u16 BE)
    // Written into a shared scratch (hashing never calls back in here): no allocation per cookie.
    const n = this.secret.length;
    if (cookieInput.length !== n + 22) cookieInput = new Uint8Array(n + 22);
    const input = cookieInput;
    input.set(this.secret);
    const e = epoch >>> 0;
    input[n] = e >>> 24;
    input[n + 1] = (e >>> 16) & 0xff;
    input[n + 2] = (e >>> 8) & 0xff;
    input[n + 3] = e & 0xff;
    input.set(ep.address, n + 4);
    input[n + 20] = ep.port >> 8;
    input[n + 21] = ep.port & 0xff;
    const h = this.sha256(input);
    return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
  }
}
