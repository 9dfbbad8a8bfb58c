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
 * `hopTimeoutMs` (2 s). Stop rules, per walk: more than 22 useful hops, more than 6 suspicious
 * replies, a route entry used at most 3 times, a flagged path of at most 22 endpoints.
 *
 * Forged referrals (issue 10; beyond MS-PNRP). A colluding hop may answer a LOOKUP with the
 * target's exact ID at its own or another colluder's address. Three rules keep such a forgery
 * from costing more than a few messages (measured with 20% colluders among 2,000 signed-key DRT
 * nodes: 100% of searches succeed, 8.4 messages per search against 5.8 without attackers):
 * 1. Candidates, use counts, failures and the next-hop stack key on (ID, endpoint)
 *    (`walk.ts`), so a refused forgery fails only itself and never shadows the genuine owner.
 * 2. Liars are never asked again, and every walk flags them so honest hops route around them. A
 *    liar is an endpoint that answered an INQUIRE for an ID without an N flag but without a valid
 *    proof (an honest node sets N for an ID it does not publish), or that named itself as the
 *    owner and then denied it; and the hop that named a liar as the owner, since it vouched for
 *    the lie (honest caches hold an (ID, endpoint) only after that endpoint proved the ID). A
 *    plain N refusal of an endpoint another hop named blames nobody (a stale entry): the endpoint
 *    is only flagged on the walk, as every refused endpoint is.
 * 3. Alternative walks, S/Kademlia-style but lazy and sequential. Once the resolution saw a
 *    *suspicion* (a refused proof, or one ID referred at two different endpoints), a walk that ends
 *    without enough results is followed by another walk, up to `alternatePathsMax`, each starting
 *    from the closest entries of our own cache (the reserve: `initialHops` past the first
 *    `initialHopsMax`) that no earlier walk asked, with a fresh flagged path (our endpoints and
 *    the known liars) and fresh stop-rule counters. Walks are disjoint: no endpoint is asked a
 *    LOOKUP on two walks. Without a suspicion nothing changes: a resolve in a friendly cloud sends
 *    exactly the messages of the MS-PNRP resolver. Under attack an alternative walk costs what a
 *    fresh resolve costs (about 2 messages per hop plus 2 per INQUIRE), paid only by resolves the
 *    first walk could not finish. Walks run one after the other, never in parallel: the first
 *    walk usually finishes (rules 1-2), so running others beside it would be paid by every
 *    attacked resolve; all walks share the search's deadline.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { commonPrefixBits } from '../keys/key256.js';
import type { AuthorityFlags, RouteEntry } from '../wire/types.js';
import { Candidates } from './candidates.js';
import { ADDRESS_FLAGS, type PathHop } from './path.js';
import {
  ALTERNATE_PATHS_LIMIT,
  DEFAULT_RESOLUTION_LIMITS,
  emptyResolutionStats,
  INITIAL_HOPS_DEFAULT,
  type InquireVerdict,
  type ResolutionAction,
  type ResolutionFailure,
  type ResolutionInit,
  type ResolutionLimits,
  type ResolutionStats,
} from './resolution-types.js';
import type { SearchSpec } from './search-spec.js';
import { entryEndpoint, Walk } from './walk.js';

export * from './resolution-types.js';

interface Outstanding {
  readonly kind: 'lookup' | 'inquire';
  readonly entry: RouteEntry;
  readonly endpoint: Endpoint;
  readonly walk: Walk;
  readonly firstSentMs: number;
  retransmitted: boolean;
}

/**
 * One search in flight. See the module header for the protocol.
 * @example
 * const r = new Resolution({ spec, startMs: now, initialHops: cache.closest(target, 16), selfEndpoints });
 * for (let a = r.poll(now); a.type !== 'wait' && a.type !== 'done'; a = r.poll(now)) send(a);
 */
export class Resolution<P = unknown> {
  readonly spec: SearchSpec;
  readonly path: PathHop[] = [];
  readonly stats: ResolutionStats = emptyResolutionStats();
  private readonly limits: ResolutionLimits;
  private readonly deadlineMs: number;
  private readonly selfEndpoints: readonly Endpoint[];
  private readonly seeds: readonly RouteEntry[];
  private readonly seedsPerWalk: number;
  private readonly walks: Walk[] = [];
  /** endpointKey() of every endpoint asked a LOOKUP → the walk that asked it. */
  private readonly asked = new Map<string, number>();
  /** Hops that referred us to themselves under an ID they then refused to prove. */
  private readonly liars = new Map<string, Endpoint>();
  private readonly candidates: Candidates;
  private readonly queue: ResolutionAction<P>[] = [];
  private readonly bestMatch: RouteEntry | undefined;
  private readonly acceptAny: boolean;
  /** The resolver's own cache is small: follow entries even when they are not closer (§3.1.5.6.1). */
  private readonly smallCache: boolean;
  private outstanding: Outstanding | undefined;
  private paused = false;
  private results = 0;
  private finished: ResolutionAction<P> | undefined;

  constructor(init: ResolutionInit) {
    this.spec = init.spec;
    this.candidates = new Candidates(init.spec);
    this.limits = { ...DEFAULT_RESOLUTION_LIMITS, ...init.limits };
    const alternates = this.limits.alternatePathsMax;
    if (!Number.isInteger(alternates) || alternates < 0 || alternates > ALTERNATE_PATHS_LIMIT) {
      throw new RangeError(
        `alternatePathsMax must be an integer in 0..${ALTERNATE_PATHS_LIMIT}, got ${alternates}`,
      );
    }
    this.deadlineMs = init.startMs + init.spec.timeoutMs;
    this.bestMatch = init.initialBestMatch;
    this.smallCache = init.acceptAny ?? false;
    this.acceptAny = this.smallCache || (!init.spec.firstMatch && init.spec.count > 1);
    this.selfEndpoints = init.selfEndpoints;
    this.seeds = init.initialHops;
    this.seedsPerWalk = init.initialHopsMax ?? INITIAL_HOPS_DEFAULT;
    this.startWalk(this.seeds.slice(0, this.seedsPerWalk));
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
  poll(nowMs: number): ResolutionAction<P> {
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
    const { entry: hop, walk } = out;
    walk.usefulHops++;
    this.stats.usefulHops++;
    let flags = 0;
    if (reply.flags.suspicious) {
      walk.suspicious++;
      this.stats.suspicious++;
      flags |= ADDRESS_FLAGS.suspectUnregisteredId;
    }
    if (reply.flags.busy) flags |= ADDRESS_FLAGS.tooBusy;
    if (reply.flags.notRegistered) {
      flags |= ADDRESS_FLAGS.badValidateId;
      this.forget(hop, walk);
      this.queue.push({ type: 'stale', entry: hop });
    }
    const usable = !reply.flags.busy && !reply.flags.notRegistered;
    // A hop that no longer publishes the Validate ID still refers us on (§3.1.5.6.1 steps 4, 7).
    const next = reply.flags.busy ? undefined : reply.routeEntry;
    let progressed = false;
    if (next) {
      if (walk.loopsBack(next)) {
        flags |= ADDRESS_FLAGS.loop;
      } else {
        if (this.candidates.see(next, out.endpoint)) this.stats.contradictions++;
        const closer = this.candidates.closer(next.id, hop.id);
        const askedBy = this.asked.get(endpointKey(entryEndpoint(next)));
        if (askedBy !== undefined && askedBy !== walk.index) {
          // Walks stay disjoint: a referral into another walk counts as a loop. It joins this
          // walk's flagged path and the hop is asked again, so an honest hop names another node.
          flags |= ADDRESS_FLAGS.loop;
          walk.flag(entryEndpoint(next));
          if (walk.useOf(hop) < this.limits.useCountMax) {
            walk.push(hop);
            progressed = true;
          }
        } else if (closer || this.smallCache || this.candidates.amongNearest(next)) {
          if (walk.useOf(hop) < this.limits.useCountMax) walk.push(hop);
          walk.push(next);
          progressed = true;
        }
      }
    }
    // Flag the hop only now: the loop check above compares against the path as it was sent.
    walk.flag(out.endpoint);
    flags |= usable ? ADDRESS_FLAGS.accepted : ADDRESS_FLAGS.rejected;
    this.record(out, nowMs, flags, usable && !progressed);
    if (this.spec.iterative && usable) {
      this.paused = true;
      this.queue.push({ type: 'intermediate', hop });
    }
  }

  /** Feeds the verdict on the AUTHORITY answering the outstanding INQUIRE. */
  onInquireReply(nowMs: number, verdict: InquireVerdict<P>): void {
    const out = this.outstanding;
    if (out?.kind !== 'inquire' || this.finished) return;
    this.outstanding = undefined;
    const candidate = this.candidates.get(out.entry);
    if (verdict.ok) {
      if (candidate) candidate.state = 'valid';
      this.results++;
      this.record(out, nowMs, ADDRESS_FLAGS.inquire | ADDRESS_FLAGS.accepted, false);
      this.queue.push({ type: 'result', entry: out.entry, proof: verdict.proof });
      return;
    }
    if (candidate) candidate.state = 'failed';
    this.stats.refusedProofs++;
    // Whoever it is, it is not the owner: flagged, so honest hops stop naming it on this walk.
    out.walk.flag(out.endpoint);
    const referrer = candidate?.referrer;
    const namedItself =
      referrer !== undefined && endpointKey(referrer) === endpointKey(out.endpoint);
    // A throttled owner (B flag under our own ID, drt/budget.ts) is busy, not lying: nobody is
    // branded, so draining an owner's signing budget cannot get honest hops excluded.
    if (verdict.reason !== 'busy' && (verdict.reason !== 'not-registered' || namedItself)) {
      // It claimed the ID (no N flag) without a valid proof, or named itself as the owner and
      // then denied it: a liar. Whoever named a liar as the owner vouched for the lie.
      this.brand(out.endpoint, out.walk);
      if (referrer !== undefined) this.brand(referrer, out.walk);
    }
    this.record(out, nowMs, ADDRESS_FLAGS.inquire | ADDRESS_FLAGS.rejected, false);
    if (verdict.reason === 'not-registered') {
      this.queue.push({ type: 'stale', entry: out.entry });
    }
  }

  private pollOutstanding(nowMs: number, out: Outstanding): ResolutionAction<P> {
    if (nowMs >= out.firstSentMs + this.limits.hopTimeoutMs) {
      this.outstanding = undefined;
      this.stats.timeouts++;
      const flags =
        ADDRESS_FLAGS.unreachable | (out.kind === 'inquire' ? ADDRESS_FLAGS.inquire : 0);
      this.record(out, nowMs, flags, false);
      const candidate = this.candidates.get(out.entry);
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
      this.forget(out.entry, out.walk);
      // Flag it so the nodes that referred us there stop offering the dead entry.
      out.walk.flag(out.endpoint);
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

  private step(nowMs: number): ResolutionAction<P> {
    for (;;) {
      if (this.results >= this.spec.count) return this.finish(undefined);
      if (this.spec.firstMatch) {
        const c = this.candidates.closest();
        if (c) return this.send('inquire', c.entry, nowMs);
      }
      const walk = this.walks[this.walks.length - 1]!;
      if (walk.limitHit(this.limits)) walk.over = true;
      while (!walk.over) {
        const hop = walk.nextHops.pop();
        if (!hop) {
          walk.over = true;
          break;
        }
        if (!this.mayAsk(walk, hop)) continue;
        walk.use(hop);
        this.asked.set(endpointKey(entryEndpoint(hop)), walk.index);
        return this.send('lookup', hop, nowMs);
      }
      const c = this.candidates.closest();
      if (c) return this.send('inquire', c.entry, nowMs);
      if (!this.startAlternateWalk())
        return this.finish(this.results > 0 ? undefined : 'not-found');
    }
  }

  /** Marks a liar: no walk asks it again, and `walk` and every later walk flag it. */
  private brand(ep: Endpoint, walk: Walk): void {
    const at = endpointKey(ep);
    if (!this.liars.has(at)) {
      this.liars.set(at, ep);
      this.stats.liars++;
    }
    walk.flag(ep);
  }

  /** Whether `walk` may send `hop` a LOOKUP now (use count, failures, liars, disjointness). */
  private mayAsk(walk: Walk, hop: RouteEntry): boolean {
    if (this.candidates.get(hop)?.state === 'failed') return false;
    if (walk.useOf(hop) >= this.limits.useCountMax) return false;
    const at = endpointKey(entryEndpoint(hop));
    if (this.liars.has(at)) return false;
    const askedBy = this.asked.get(at);
    return askedBy === undefined || askedBy === walk.index;
  }

  /**
   * After a suspicion, starts the next alternative walk from the closest reserve entries no walk
   * asked and no liar holds. False when there is no suspicion, no walk left or no seed.
   */
  private startAlternateWalk(): boolean {
    if (this.stats.refusedProofs + this.stats.contradictions === 0) return false;
    if (this.walks.length > this.limits.alternatePathsMax) return false;
    const seeds: RouteEntry[] = [];
    for (const entry of this.seeds) {
      if (seeds.length >= this.seedsPerWalk) break;
      if (entry.addresses.length === 0) continue;
      const at = endpointKey(entryEndpoint(entry));
      if (this.asked.has(at) || this.liars.has(at)) continue;
      if (this.candidates.get(entry)?.state === 'failed') continue;
      seeds.push(entry);
    }
    if (seeds.length === 0) return false;
    this.stats.paths++;
    this.startWalk(seeds);
    return true;
  }

  private startWalk(seeds: readonly RouteEntry[]): void {
    const walk = new Walk(this.walks.length, this.selfEndpoints);
    for (const ep of this.liars.values()) walk.flag(ep);
    this.walks.push(walk);
    for (let i = seeds.length - 1; i >= 0; i--) walk.push(seeds[i]!);
    for (const entry of seeds) {
      if (this.candidates.see(entry, undefined)) this.stats.contradictions++;
    }
  }

  private send(kind: 'lookup' | 'inquire', entry: RouteEntry, nowMs: number): ResolutionAction<P> {
    const walk = this.walks[this.walks.length - 1]!;
    const endpoint = entryEndpoint(entry);
    const out: Outstanding = {
      kind,
      entry,
      endpoint,
      walk,
      firstSentMs: nowMs,
      retransmitted: false,
    };
    this.outstanding = out;
    if (kind === 'lookup') this.stats.lookups++;
    else {
      this.stats.inquires++;
      const c = this.candidates.get(entry);
      if (c) c.state = 'inquiring';
    }
    return this.request(out, false);
  }

  private request(out: Outstanding, retransmit: boolean): ResolutionAction<P> {
    if (out.kind === 'inquire') {
      return { type: 'inquire', candidate: out.entry, endpoint: out.endpoint, retransmit };
    }
    return {
      type: 'lookup',
      hop: out.entry,
      endpoint: out.endpoint,
      flaggedPath: out.walk.flaggedPath.slice(0, this.limits.flaggedPathMax),
      bestMatch: this.bestMatch,
      acceptAny: this.acceptAny,
      retransmit,
    };
  }

  private finish(failure: ResolutionFailure | undefined): ResolutionAction<P> {
    this.outstanding = undefined;
    this.finished = { type: 'done', results: this.results, failure };
    return this.finished;
  }

  private forget(entry: RouteEntry, walk: Walk): void {
    const c = this.candidates.get(entry);
    if (c && c.state === 'seen') c.state = 'failed';
    walk.exhaust(entry, this.limits.useCountMax);
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
