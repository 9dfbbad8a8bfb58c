/**
 * @module resolve/resolution
 * Iterative resolution as a pure state machine ([MS-PNRP] §3.1.4.4.2 and §3.1.5.6.1; [MC-DRT]
 * §3.1.5). The resolver talks to every hop itself: it pops a route entry off the next-hop stack,
 * asks it with a LOOKUP for something closer to the target, pushes what comes back, and re-pushes
 * the hop so it can be asked again with a longer flagged path (backtracking). A dead end (no entry)
 * sends it back down the stack. Keys found inside the search range are candidates; a candidate is
 * only a result after its owner answered an INQUIRE and the security provider accepted the proof.
 *
 * Theory of operation, in the shape of libp2p's ClosestPeersIter: the owner (a `DrtNode`) calls
 * {@link Resolution.poll} with the current time and does what the returned action says (send a
 * LOOKUP or INQUIRE, report a result, wait), then feeds answers back with
 * {@link Resolution.onLookupReply} / {@link Resolution.onInquireReply}. The machine keeps its own
 * deadlines: a request is retransmitted after `retransmitMs` (1 s) and the hop is unreachable after
 * `hopTimeoutMs` (2 s). Stop rules: more than 22 useful hops, more than 6 suspicious replies, a
 * route entry used at most 3 times, a flagged path of at most 22 endpoints.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { commonPrefixBits, type Key, keyToBigInt, ringDistanceBig } from '../keys/key256.js';
import { toHex } from '../util/bytes.js';
import type { AuthorityFlags, RouteEntry } from '../wire/types.js';
import { ADDRESS_FLAGS, type PathHop } from './path.js';
import { matchesSearch, type SearchSpec } from './search-spec.js';

/** Limits of one resolution; defaults are the [MS-PNRP] values. */
export interface ResolutionLimits {
  /** @default 22 */
  readonly usefulHopsMax: number;
  /** @default 6 */
  readonly suspiciousMax: number;
  /** Times one route entry may be asked. @default 3 */
  readonly useCountMax: number;
  /** @default 22 */
  readonly flaggedPathMax: number;
  /** @default 1000 */
  readonly retransmitMs: number;
  /** @default 2000 */
  readonly hopTimeoutMs: number;
  /** Full INQUIRE attempts (each with one retransmission) before a candidate is given up. @default 2 */
  readonly inquireAttemptsMax: number;
}

/** The [MS-PNRP] limits. */
export const DEFAULT_RESOLUTION_LIMITS: ResolutionLimits = {
  usefulHopsMax: 22,
  suspiciousMax: 6,
  useCountMax: 3,
  flaggedPathMax: 22,
  retransmitMs: 1000,
  hopTimeoutMs: 2000,
  inquireAttemptsMax: 2,
};

/** How a resolution starts. */
export interface ResolutionInit {
  readonly spec: SearchSpec;
  readonly startMs: number;
  /** Cache entries closest to the target, closest first; the first few seed the next-hop stack. */
  readonly initialHops: readonly RouteEntry[];
  /** The resolver's own endpoints: they open the flagged path so nobody refers us to ourselves. */
  readonly selfEndpoints: readonly Endpoint[];
  /** Carried in every LOOKUP as the best match (registration: the new entry itself). */
  readonly initialBestMatch?: RouteEntry;
  /** Set the LOOKUP A flag (the resolver's own cache is small). */
  readonly acceptAny?: boolean;
  /** How many initial hops to push. @default 4 */
  readonly initialHopsMax?: number;
  readonly limits?: Partial<ResolutionLimits>;
}

/** Why a resolution ended without (enough) results. */
export type ResolutionFailure = 'not-found' | 'timeout' | 'cancelled';

/** What the owner of a resolution must do next. */
export type ResolutionAction =
  | {
      readonly type: 'lookup';
      readonly hop: RouteEntry;
      readonly endpoint: Endpoint;
      readonly flaggedPath: readonly Endpoint[];
      readonly bestMatch: RouteEntry | undefined;
      readonly acceptAny: boolean;
      /** True when this repeats the previous request (reuse its message ID). */
      readonly retransmit: boolean;
    }
  | {
      readonly type: 'inquire';
      readonly candidate: RouteEntry;
      readonly endpoint: Endpoint;
      readonly retransmit: boolean;
    }
  /** A hop did not answer in time or denied publishing its key: drop it from the cache. */
  | { readonly type: 'stale'; readonly entry: RouteEntry }
  /** Iterative searches: a hop answered; wait for `continue()` before going on. */
  | { readonly type: 'intermediate'; readonly hop: RouteEntry }
  | { readonly type: 'result'; readonly entry: RouteEntry; readonly proof: unknown }
  | { readonly type: 'wait'; readonly untilMs: number }
  | {
      readonly type: 'done';
      readonly results: number;
      readonly failure: ResolutionFailure | undefined;
    };

/** The answer to an INQUIRE, as judged by the owner's security provider. */
export type InquireVerdict =
  | { readonly ok: true; readonly proof: unknown }
  | { readonly ok: false; readonly reason: string };

type CandidateState = 'seen' | 'inquiring' | 'valid' | 'failed';
interface Candidate {
  readonly entry: RouteEntry;
  readonly distance: bigint;
  state: CandidateState;
  /** INQUIREs to it that went unanswered. */
  timeouts: number;
}
interface Outstanding {
  readonly kind: 'lookup' | 'inquire';
  readonly entry: RouteEntry;
  readonly endpoint: Endpoint;
  readonly firstSentMs: number;
  retransmitted: boolean;
}

/** Counters of one resolution. */
export interface ResolutionStats {
  lookups: number;
  inquires: number;
  retransmits: number;
  usefulHops: number;
  suspicious: number;
  timeouts: number;
}

/**
 * One search in flight. See the module header for the protocol.
 * @example
 * const r = new Resolution({ spec, startMs: now, initialHops: cache.closest(target, 4), selfEndpoints });
 * for (let a = r.poll(now); a.type !== 'wait' && a.type !== 'done'; a = r.poll(now)) send(a);
 */
export class Resolution {
  readonly spec: SearchSpec;
  readonly path: PathHop[] = [];
  readonly stats: ResolutionStats = {
    lookups: 0,
    inquires: 0,
    retransmits: 0,
    usefulHops: 0,
    suspicious: 0,
    timeouts: 0,
  };
  private readonly limits: ResolutionLimits;
  private readonly deadlineMs: number;
  private readonly flaggedPath: Endpoint[] = [];
  private readonly flaggedKeys = new Set<string>();
  private readonly nextHops: RouteEntry[] = [];
  private readonly useCounts = new Map<string, number>();
  private readonly candidates = new Map<string, Candidate>();
  private readonly queue: ResolutionAction[] = [];
  private readonly bestMatch: RouteEntry | undefined;
  private readonly acceptAny: boolean;
  /** The resolver's own cache is small: follow entries even when they are not closer (§3.1.5.6.1). */
  private readonly smallCache: boolean;
  private outstanding: Outstanding | undefined;
  private paused = false;
  private walkOver = false;
  private results = 0;
  private finished: ResolutionAction | undefined;

  constructor(init: ResolutionInit) {
    this.spec = init.spec;
    this.limits = { ...DEFAULT_RESOLUTION_LIMITS, ...init.limits };
    this.deadlineMs = init.startMs + init.spec.timeoutMs;
    this.bestMatch = init.initialBestMatch;
    this.smallCache = init.acceptAny ?? false;
    this.acceptAny = this.smallCache || (!init.spec.firstMatch && init.spec.count > 1);
    for (const ep of init.selfEndpoints) this.flag(ep);
    const initial = init.initialHops.slice(0, init.initialHopsMax ?? 4);
    for (let i = initial.length - 1; i >= 0; i--) this.pushHop(initial[i]!);
    for (const entry of initial) this.see(entry);
  }

  /** True once the resolution has ended. */
  get done(): boolean {
    return this.finished !== undefined;
  }

  /** The endpoint of the request awaiting an answer, if any (to match replies). */
  get awaiting(): { readonly kind: 'lookup' | 'inquire'; readonly entry: RouteEntry } | undefined {
    return this.outstanding;
  }

  /** Next action at `nowMs`. Call repeatedly until it returns `wait` or `done`. */
  poll(nowMs: number): ResolutionAction {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.finished) return this.finished;
    if (nowMs >= this.deadlineMs) return this.finish(this.results > 0 ? undefined : 'timeout');
    const pending = this.outstanding;
    if (pending) return this.pollOutstanding(nowMs, pending);
    if (this.paused) return { type: 'wait', untilMs: this.deadlineMs };
    return this.step(nowMs);
  }

  /** Iterative searches: go on after an `intermediate` action. */
  continue(): void {
    this.paused = false;
  }

  /** Ends the resolution at once. */
  cancel(): void {
    if (!this.finished)
      this.finished = { type: 'done', results: this.results, failure: 'cancelled' };
  }

  /** Feeds the AUTHORITY answering the outstanding LOOKUP. */
  onLookupReply(
    nowMs: number,
    reply: { readonly flags: AuthorityFlags; readonly routeEntry?: RouteEntry | undefined },
  ): void {
    const out = this.outstanding;
    if (out?.kind !== 'lookup' || this.finished) return;
    this.outstanding = undefined;
    const hop = out.entry;
    this.stats.usefulHops++;
    let flags = 0;
    if (reply.flags.suspicious) {
      this.stats.suspicious++;
      flags |= ADDRESS_FLAGS.suspectUnregisteredId;
    }
    if (reply.flags.busy) flags |= ADDRESS_FLAGS.tooBusy;
    if (reply.flags.notRegistered) {
      flags |= ADDRESS_FLAGS.badValidateId;
      this.forget(hop);
      this.queue.push({ type: 'stale', entry: hop });
    }
    const usable = !reply.flags.busy && !reply.flags.notRegistered;
    // A hop that no longer publishes the Validate ID still refers us on (§3.1.5.6.1 steps 4, 7).
    const next = reply.flags.busy ? undefined : reply.routeEntry;
    let progressed = false;
    if (next) {
      if (
        next.addresses.some((a) =>
          this.flaggedKeys.has(endpointKey({ address: a, port: next.port })),
        )
      ) {
        flags |= ADDRESS_FLAGS.loop;
      } else {
        this.see(next);
        const closer = this.distance(next.id) < this.distance(hop.id);
        if (closer || this.smallCache || this.amongNearest(next)) {
          if (this.useOf(hop) < this.limits.useCountMax) this.pushHop(hop);
          this.pushHop(next);
          progressed = true;
        }
      }
    }
    // Flag the hop only now: the loop check above compares against the path as it was sent.
    this.flag(out.endpoint);
    flags |= usable ? ADDRESS_FLAGS.accepted : ADDRESS_FLAGS.rejected;
    this.record(out, nowMs, flags, usable && !progressed);
    if (this.spec.iterative && usable) {
      this.paused = true;
      this.queue.push({ type: 'intermediate', hop });
    }
  }

  /** Feeds the verdict on the AUTHORITY answering the outstanding INQUIRE. */
  onInquireReply(nowMs: number, verdict: InquireVerdict): void {
    const out = this.outstanding;
    if (out?.kind !== 'inquire' || this.finished) return;
    this.outstanding = undefined;
    const candidate = this.candidates.get(toHex(out.entry.id));
    if (verdict.ok) {
      if (candidate) candidate.state = 'valid';
      this.results++;
      this.record(out, nowMs, ADDRESS_FLAGS.inquire | ADDRESS_FLAGS.accepted, false);
      this.queue.push({ type: 'result', entry: out.entry, proof: verdict.proof });
    } else {
      if (candidate) candidate.state = 'failed';
      this.record(out, nowMs, ADDRESS_FLAGS.inquire | ADDRESS_FLAGS.rejected, false);
      if (verdict.reason === 'not-registered') this.queue.push({ type: 'stale', entry: out.entry });
    }
  }

  private pollOutstanding(nowMs: number, out: Outstanding): ResolutionAction {
    if (nowMs >= out.firstSentMs + this.limits.hopTimeoutMs) {
      this.outstanding = undefined;
      this.stats.timeouts++;
      const flags =
        ADDRESS_FLAGS.unreachable | (out.kind === 'inquire' ? ADDRESS_FLAGS.inquire : 0);
      this.record(out, nowMs, flags, false);
      const candidate = this.candidates.get(toHex(out.entry.id));
      if (
        out.kind === 'inquire' &&
        candidate &&
        ++candidate.timeouts < this.limits.inquireAttemptsMax
      ) {
        // The owner was referred to us moments ago: a lost exchange is likelier than a dead
        // owner, so it gets another full attempt before the candidate is given up.
        candidate.state = 'seen';
        return this.poll(nowMs);
      }
      this.forget(out.entry);
      // Flag it so the nodes that referred us there stop offering the dead entry.
      this.flag(out.endpoint);
      if (candidate) candidate.state = 'failed';
      return { type: 'stale', entry: out.entry };
    }
    if (!out.retransmitted && nowMs >= out.firstSentMs + this.limits.retransmitMs) {
      out.retransmitted = true;
      this.stats.retransmits++;
      return this.request(out, true);
    }
    const next = out.retransmitted
      ? out.firstSentMs + this.limits.hopTimeoutMs
      : out.firstSentMs + this.limits.retransmitMs;
    return { type: 'wait', untilMs: Math.min(next, this.deadlineMs) };
  }

  private step(nowMs: number): ResolutionAction {
    if (this.results >= this.spec.count) return this.finish(undefined);
    if (this.spec.firstMatch) {
      const c = this.closestCandidate();
      if (c) return this.send('inquire', c.entry, nowMs);
    }
    if (
      this.stats.usefulHops > this.limits.usefulHopsMax ||
      this.stats.suspicious > this.limits.suspiciousMax ||
      this.flaggedPath.length > this.limits.flaggedPathMax
    ) {
      this.walkOver = true;
    }
    while (!this.walkOver) {
      const hop = this.nextHops.pop();
      if (!hop) {
        this.walkOver = true;
        break;
      }
      const state = this.candidates.get(toHex(hop.id))?.state;
      if (state === 'failed' || this.useOf(hop) >= this.limits.useCountMax) continue;
      this.useCounts.set(toHex(hop.id), this.useOf(hop) + 1);
      return this.send('lookup', hop, nowMs);
    }
    const c = this.closestCandidate();
    if (c) return this.send('inquire', c.entry, nowMs);
    return this.finish(this.results > 0 ? undefined : 'not-found');
  }

  private send(kind: 'lookup' | 'inquire', entry: RouteEntry, nowMs: number): ResolutionAction {
    const endpoint: Endpoint = { address: entry.addresses[0]!, port: entry.port };
    const out: Outstanding = { kind, entry, endpoint, firstSentMs: nowMs, retransmitted: false };
    this.outstanding = out;
    if (kind === 'lookup') this.stats.lookups++;
    else {
      this.stats.inquires++;
      const c = this.candidates.get(toHex(entry.id));
      if (c) c.state = 'inquiring';
    }
    return this.request(out, false);
  }

  private request(out: Outstanding, retransmit: boolean): ResolutionAction {
    if (out.kind === 'inquire') {
      return { type: 'inquire', candidate: out.entry, endpoint: out.endpoint, retransmit };
    }
    return {
      type: 'lookup',
      hop: out.entry,
      endpoint: out.endpoint,
      flaggedPath: this.flaggedPath.slice(0, this.limits.flaggedPathMax),
      bestMatch: this.bestMatch,
      acceptAny: this.acceptAny,
      retransmit,
    };
  }

  private finish(failure: ResolutionFailure | undefined): ResolutionAction {
    this.outstanding = undefined;
    this.finished = { type: 'done', results: this.results, failure };
    return this.finished;
  }

  /** Nearest-N searches also explore an entry that would rank among the N closest seen. */
  private amongNearest(entry: RouteEntry): boolean {
    if (this.spec.firstMatch || this.spec.count === 1 || !matchesSearch(this.spec, entry.id)) {
      return false;
    }
    const d = this.distance(entry.id);
    let closer = 0;
    for (const c of this.candidates.values()) if (c.state !== 'failed' && c.distance < d) closer++;
    return closer < this.spec.count;
  }

  private closestCandidate(): Candidate | undefined {
    let best: Candidate | undefined;
    for (const c of this.candidates.values()) {
      if (c.state !== 'seen') continue;
      if (!best || c.distance < best.distance) best = c;
    }
    return best;
  }

  private see(entry: RouteEntry): void {
    if (!matchesSearch(this.spec, entry.id)) return;
    const id = toHex(entry.id);
    if (!this.candidates.has(id)) {
      this.candidates.set(id, {
        entry,
        distance: this.distance(entry.id),
        state: 'seen',
        timeouts: 0,
      });
    }
  }

  private forget(entry: RouteEntry): void {
    const c = this.candidates.get(toHex(entry.id));
    if (c && c.state === 'seen') c.state = 'failed';
    this.useCounts.set(toHex(entry.id), this.limits.useCountMax);
  }

  private pushHop(entry: RouteEntry): void {
    if (entry.addresses.length > 0) this.nextHops.push(entry);
  }

  private useOf(entry: RouteEntry): number {
    return this.useCounts.get(toHex(entry.id)) ?? 0;
  }

  private flag(ep: Endpoint): void {
    const key = endpointKey(ep);
    if (this.flaggedKeys.has(key)) return;
    this.flaggedKeys.add(key);
    this.flaggedPath.push(ep);
  }

  private distance(key: Key): bigint {
    return ringDistanceBig(keyToBigInt(key), this.spec.targetBig);
  }

  private record(out: Outstanding, nowMs: number, flags: number, deadEnd: boolean): void {
    const answered = (flags & ADDRESS_FLAGS.unreachable) === 0;
    this.path.push({
      endpoint: out.endpoint,
      key: out.entry.id,
      nearness: commonPrefixBits(out.entry.id, this.spec.target),
      rttMs: answered ? nowMs - out.firstSentMs : undefined,
      flags,
      deadEnd,
    });
  }
}
