/**
 * @module drt/searches
 * Drives the node's resolutions ([MS-PNRP] §3.1.4.4.2): turns each `Resolution` action into a
 * LOOKUP or INQUIRE, matches AUTHORITY replies to the search that asked (by message ID and the
 * hop's endpoint), hands INQUIRE proofs to the security provider, and reports results. Searches
 * are application searches, registration walks ([MS-PNRP] §3.2.4.1: resolve own key + 1 with the
 * new entry as best match) or maintenance gap fills; `searchesMax` bounds them all.
 */
import { type Endpoint, endpointsEqual } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import { Resolution, type ResolutionAction, resolutionSeedsWanted } from '../resolve/resolution.js';
import type { SearchSpec } from '../resolve/search-spec.js';
import { equalBytes, toHex } from '../util/bytes.js';
import type {
  AuthorityMessage,
  Message,
  ReasonCode,
  ResolveCriteria,
  RouteEntry,
} from '../wire/types.js';
import { entryEndpoint, type NodeCore } from './core.js';
import type { SearchFailure } from './events.js';
import type { ValidatedRecord } from './security-provider.js';
import type { SendCause } from './send-cause.js';
import { bump } from './stats.js';

/** Why a search runs: it decides what is reported and to whom. */
export type SearchPurpose =
  | { readonly kind: 'app' }
  | { readonly kind: 'registration'; readonly keyHex: string }
  /** Split detection ([MS-PNRP] §3.2.6.2.1): a registration walk entered through a bootstrap node. */
  | { readonly kind: 'split-detection'; readonly keyHex: string }
  | { readonly kind: 'fill'; readonly precisionBits: number };

interface Search<P> {
  readonly id: number;
  readonly purpose: SearchPurpose;
  /** A valid INQUIRE answer carries the provider's validated record. */
  readonly resolution: Resolution<ValidatedRecord<P | undefined>>;
  messageId: number;
  nonce: Uint8Array | undefined;
  /** The last INQUIRE set the X flag. */
  wantedExtendedPayload: boolean;
  expectFrom: Endpoint | undefined;
  waitUntilMs: number;
  /** The request in flight, kept to repeat it with the answerer's cookie (address-proof.ts). */
  lastRequest: Message | undefined;
  /** Times the request in flight was repeated after a B flag (at most ECHOES_MAX). */
  echoes: number;
  /** When to send the echo once more if its answer has not come (it costs a round trip). */
  echoRetryAtMs: number;
  /**
   * The endpoint of the last answer this search got and that answer's message ID: the cookie of
   * that endpoint for our address when it holds us unproven (address-proof.ts). A next request
   * of this search to the same endpoint echoes it, so an INQUIRE asking for a proof is answered
   * at once instead of challenged (issue 13: a challenge costs two datagrams).
   */
  answeredFrom: Endpoint | undefined;
  answerId: number;
  /**
   * A referral this search asks next (its LOOKUP is in flight) whose admission check waits for
   * that answer, to echo its cookie: the check's INQUIRE would otherwise go out beside the LOOKUP
   * and be challenged. Offered when that LOOKUP is answered; dropped when it goes unanswered (the
   * check would have failed too) or the search moves on. When the search INQUIREs the referral
   * next, that INQUIRE is the check: a valid proof admits the entry as a search result.
   */
  deferred: RouteEntry | undefined;
}

/** How long a repeated request holds the cookie it echoes (the MS-PNRP hop timeout). */
const ECHO_HOLD_MS = 2000;
/**
 * Repeats of one request after a B flag: the cookie echo, and one more in case the first repeat
 * had to use a fresh ID (its cookie was taken). A B flag after that is a refusal.
 */
export const ECHOES_MAX = 2;
/** An echo unanswered this long is sent once more (the hop's own retransmit comes at 1 s). */
const ECHO_RETRY_MS = 400;

/** Told when a search ends, as a method: one object per node rather than a closure. */
export interface SearchDoneListener {
  searchDone(purpose: SearchPurpose, results: number): void;
}

/** All resolutions in flight; `P` is the security provider's evidence type. */
export class Searches<P = unknown> {
  private readonly core: NodeCore<P>;
  private readonly listener: SearchDoneListener;
  /** Searches by ID and by the message ID awaiting an answer; Maps only while non-empty. */
  private byId: Map<number, Search<P>> | undefined;
  private byMessage: Map<number, Search<P>> | undefined;
  private nextId = 1;

  constructor(core: NodeCore<P>, listener: SearchDoneListener) {
    this.core = core;
    this.listener = listener;
  }

  /** Searches in flight. */
  get size(): number {
    return this.byId?.size ?? 0;
  }

  /** True when no more searches may start. */
  get full(): boolean {
    return this.size >= this.core.options.searchesMax;
  }

  /** Allocates a search ID without starting anything (for searches that end at once). */
  reserveId(): number {
    return this.nextId++;
  }

  /**
   * Starts a resolution toward `spec.target` from the cache entries closest to it.
   * Returns the search ID, or undefined if the bound is hit (counted).
   */
  start(
    spec: SearchSpec,
    purpose: SearchPurpose,
    initialBestMatch?: RouteEntry,
    entryHops?: readonly RouteEntry[],
  ): number | undefined {
    const core = this.core;
    if (this.full) {
      bump(core.stats.boundHits, 'searches');
      return undefined;
    }
    // The 4 closest seed the first walk; the rest are the reserve of the alternative walks.
    const initialHops =
      entryHops ??
      core.cache.closest(spec.target, resolutionSeedsWanted(core.options.resolution), (e) => {
        return !core.isSelf(e);
      });
    const resolution = new Resolution<ValidatedRecord<P | undefined>>({
      spec,
      startMs: core.nowMs(),
      initialHops,
      selfEndpoints: core.selfEndpoints,
      acceptAny: core.cache.size < 8,
      limits: core.options.resolution,
      ...(initialBestMatch ? { initialBestMatch } : {}),
    });
    const search: Search<P> = {
      id: this.nextId++,
      purpose,
      resolution,
      messageId: 0,
      nonce: undefined,
      wantedExtendedPayload: false,
      expectFrom: undefined,
      waitUntilMs: Number.POSITIVE_INFINITY,
      lastRequest: undefined,
      echoes: 0,
      echoRetryAtMs: Number.POSITIVE_INFINITY,
      answeredFrom: undefined,
      answerId: 0,
      deferred: undefined,
    };
    this.byId ??= new Map();
    this.byId.set(search.id, search);
    core.stats.searchesStarted++;
    this.pump(search);
    return search.id;
  }

  /** Iterative searches: go on to the next hop. */
  continue(id: number): boolean {
    const search = this.byId?.get(id);
    if (!search) return false;
    search.resolution.continue();
    this.pump(search);
    return true;
  }

  /** Cancels a search; it ends with a `search-done` whose failure is `cancelled`. */
  cancel(id: number): boolean {
    const search = this.byId?.get(id);
    if (!search) return false;
    search.resolution.cancel();
    this.pump(search);
    return true;
  }

  /** Handles an AUTHORITY answering one of our LOOKUPs or INQUIREs; false if not ours. */
  onAuthority(from: Endpoint, msg: AuthorityMessage): boolean {
    const search = this.byMessage?.get(msg.ackedMessageId);
    if (!search) return false;
    const core = this.core;
    if (!search.expectFrom || !endpointsEqual(from, search.expectFrom)) {
      bump(core.stats.dropped, 'unexpected-source');
      return true;
    }
    core.proofs.prove(core.nowMs(), from); // it answered what we sent to that endpoint
    // A B flag under a new message ID is a challenge carrying the cookie; under ours, a refusal.
    if (
      msg.buffer.flags.busy &&
      msg.messageId !== search.messageId &&
      this.echo(search, msg.messageId)
    )
      return true;
    this.unmapMessage(search.messageId);
    search.expectFrom = undefined;
    search.echoRetryAtMs = Number.POSITIVE_INFINITY;
    search.answeredFrom = from;
    search.answerId = msg.messageId;
    const deferred = search.deferred;
    search.deferred = undefined;
    const awaiting = search.resolution.awaiting;
    const now = core.nowMs();
    if (awaiting?.kind === 'lookup') {
      const { flags, routeEntry } = msg.buffer;
      search.resolution.onLookupReply(now, { flags, routeEntry });
      if (!flags.notRegistered && !cachedElsewhere(core, awaiting.entry.id, from)) {
        if (!core.cache.wouldBeInLeafSet(awaiting.entry.id)) {
          // The hop just confirmed it publishes its key at this address (no N flag). A LOOKUP
          // answer is no proof, so it never moves a cached ID to another endpoint: a forger asked
          // under someone else's ID would otherwise replace the genuine entry.
          core.admit(awaiting.entry, { via: 'referral' });
        } else if (deferred !== undefined && sameSlot(deferred, awaiting.entry)) {
          // A leaf-set candidate needs its proof: offered while handling its own answer, its check
          // echoes the cookie just received (pending-adds.ts).
          core.offer(deferred, { via: 'referral' });
        }
      }
      // Nor does a referral: an entry naming a cached ID at another endpoint is not offered.
      const referral =
        routeEntry &&
        routeEntry.addresses.length > 0 &&
        !core.isSelf(routeEntry) &&
        !cachedElsewhere(core, routeEntry.id, entryEndpoint(routeEntry))
          ? routeEntry
          : undefined;
      this.pump(search);
      if (referral === undefined) return true;
      // The search asks the referral next: its check waits for that answer (see `deferred`). An
      // INQUIRE of the search is that check already: a valid proof admits the entry as a result.
      const next = search.resolution.awaiting;
      if (
        next !== undefined &&
        search.expectFrom !== undefined &&
        sameSlot(next.entry, referral) &&
        endpointsEqual(search.expectFrom, entryEndpoint(referral))
      )
        search.deferred = referral;
      else core.offer(referral, { via: 'referral' });
      return true;
    } else if (awaiting?.kind === 'inquire') {
      search.resolution.onInquireReply(now, this.judge(search, awaiting.entry, msg));
    }
    this.pump(search);
    return true;
  }

  /**
   * A B-flag AUTHORITY: the answerer wants our address proven, so the same request goes again
   * with its message ID (the cookie) as ours. At most ECHOES_MAX times per request; a B after
   * that is a refusal (the answerer's signing budget is spent). Returns true when repeated.
   */
  private echo(search: Search<P>, cookie: number): boolean {
    const last = search.lastRequest;
    if (search.echoes >= ECHOES_MAX || !last || !search.expectFrom) return false;
    const core = this.core;
    const now = core.nowMs();
    search.echoes++;
    this.unmapMessage(search.messageId);
    search.messageId = this.echoOrNewId(cookie);
    this.byMessage ??= new Map();
    this.byMessage.set(search.messageId, search);
    search.lastRequest = { ...last, messageId: search.messageId } as Message;
    core.send(search.expectFrom, search.lastRequest, causeOf(search.purpose));
    search.echoRetryAtMs = now + ECHO_RETRY_MS;
    return true;
  }

  /**
   * `cookie` as the message ID of a request about to go, unless another request of ours already
   * uses it (then a fresh one).
   */
  private echoOrNewId(cookie: number): number {
    const core = this.core;
    const now = core.nowMs();
    return !this.byMessage?.has(cookie) && core.proofs.claimEcho(now, cookie, now + ECHO_HOLD_MS)
      ? cookie
      : core.newMessageId();
  }

  private judge(search: Search<P>, entry: RouteEntry, msg: AuthorityMessage) {
    const core = this.core;
    const { buffer } = msg;
    if (buffer.flags.notRegistered) return { ok: false, reason: 'not-registered' } as const;
    if (buffer.flags.busy) {
      bump(core.stats.dropped, 'proof-busy');
      return { ok: false, reason: 'busy' } as const;
    }
    if (!buffer.validateCpa) return { ok: false, reason: 'missing-proof' } as const;
    const verdict = core.options.security.validateRecord(buffer.validateCpa, {
      key: entry.id,
      nonce: search.nonce,
      revoke: false,
      nowWallMs: core.wallNowMs(),
      wantedExtendedPayload: search.wantedExtendedPayload,
      authority: {
        ...(buffer.classifier !== undefined ? { classifier: buffer.classifier } : {}),
        ...(buffer.extendedPayload ? { extendedPayload: buffer.extendedPayload } : {}),
        ...(buffer.certChain ? { certChain: buffer.certChain } : {}),
      },
    });
    if (!verdict.ok) {
      bump(core.stats.dropped, `proof-${verdict.reason}`);
      return { ok: false, reason: verdict.reason } as const;
    }
    return { ok: true, proof: verdict.record } as const;
  }

  /** Retransmits, times out and resumes searches whose wait ended. */
  onTimer(nowMs: number): void {
    if (!this.byId) return;
    for (const search of [...this.byId.values()]) {
      if (nowMs >= search.echoRetryAtMs) {
        // The echo or its answer was lost: repeat it now rather than at the hop's own retransmit.
        search.echoRetryAtMs = Number.POSITIVE_INFINITY;
        if (search.expectFrom && search.lastRequest) {
          this.core.stats.retransmits++;
          this.core.send(search.expectFrom, search.lastRequest, causeOf(search.purpose));
        }
      }
      if (nowMs >= search.waitUntilMs) this.pump(search);
    }
  }

  /** Earliest time `onTimer` has work. */
  nextDeadline(): number {
    let at = Number.POSITIVE_INFINITY;
    if (!this.byId) return at;
    for (const s of this.byId.values()) at = Math.min(at, s.waitUntilMs, s.echoRetryAtMs);
    return at;
  }

  private pump(search: Search<P>): void {
    const core = this.core;
    for (;;) {
      const action = search.resolution.poll(core.nowMs());
      if (action.type === 'wait') {
        search.waitUntilMs = action.untilMs;
        return;
      }
      search.waitUntilMs = Number.POSITIVE_INFINITY;
      if (action.type === 'done') {
        this.finish(search, action);
        return;
      }
      this.act(search, action);
    }
  }

  private act(
    search: Search<P>,
    action: Exclude<ResolutionAction<ValidatedRecord<P | undefined>>, { type: 'wait' | 'done' }>,
  ): void {
    const core = this.core;
    switch (action.type) {
      case 'lookup':
      case 'inquire':
        this.request(search, action);
        return;
      case 'stale':
        // Only the entry's own endpoint failing is evidence against it: a forged (ID, endpoint)
        // that failed leaves the genuine entry with that ID in place (evict() checks the endpoint).
        if (core.cache.has(action.entry.id))
          core.evict(action.entry.id, 'stale', entryEndpoint(action.entry));
        return;
      case 'intermediate':
        if (search.purpose.kind === 'app') {
          core.emit({
            type: 'search-result',
            result: {
              searchId: search.id,
              type: 'intermediate',
              key: action.hop.id,
              appData: new Uint8Array(0),
              endpoint: { address: action.hop.addresses[0]!, port: action.hop.port },
              proof: undefined,
            },
          });
        }
        return;
      case 'result': {
        const record = action.proof;
        // A split-detection walk's results may come from the other side of a split: flood them
        // (they merge the two sides); other walks' results are established members.
        const via = search.purpose.kind === 'split-detection' ? 'other' : 'referral';
        core.admit(action.entry, { via }, record);
        if (search.purpose.kind !== 'app') return;
        const spec = search.resolution.spec;
        core.emit({
          type: 'search-result',
          result: {
            searchId: search.id,
            type: equalBytes(action.entry.id, spec.target) ? 'exact' : 'near',
            key: action.entry.id,
            appData: record.appData,
            endpoint: { address: action.entry.addresses[0]!, port: action.entry.port },
            proof: record.proof,
          },
        });
        return;
      }
    }
  }

  private request(
    search: Search<P>,
    action: Extract<
      ResolutionAction<ValidatedRecord<P | undefined>>,
      { type: 'lookup' | 'inquire' }
    >,
  ): void {
    const core = this.core;
    if (action.type === 'inquire' && !action.retransmit && search.purpose.kind === 'registration') {
      // Issue 13: a joiner's walk takes the proof that admitted the candidate moments ago.
      const proof = core.joinProof(action.candidate);
      if (proof !== undefined) {
        core.stats.joinProofsReused++;
        search.resolution.onInquireReply(core.nowMs(), { ok: true, proof });
        return;
      }
    }
    if (action.retransmit) core.stats.retransmits++;
    else {
      this.unmapMessage(search.messageId);
      // Asking the endpoint that just answered: echo its cookie (see `answeredFrom`). A LOOKUP
      // elsewhere carries our cookie, which the hop's check of our best match echoes.
      search.messageId =
        search.answeredFrom !== undefined && endpointsEqual(search.answeredFrom, action.endpoint)
          ? this.echoOrNewId(search.answerId)
          : action.type === 'lookup'
            ? core.requestId(action.endpoint)
            : core.newMessageId();
      search.echoes = 0;
      search.echoRetryAtMs = Number.POSITIVE_INFINITY;
      search.deferred = undefined;
    }
    this.byMessage ??= new Map();
    this.byMessage.set(search.messageId, search);
    search.expectFrom = action.endpoint;
    const header = { messageId: search.messageId, version: core.version };
    if (action.type === 'inquire') {
      if (!action.retransmit) search.nonce = core.options.rng.bytes(16);
      search.wantedExtendedPayload =
        search.purpose.kind === 'app' &&
        (core.options.security.wantExtendedPayload?.(action.candidate.id) ?? false);
      this.sendRequest(search, action.endpoint, {
        type: 'inquire',
        ...header,
        flags: {
          wantCpa: true,
          wantCertChain: core.options.security.wantCertChain?.(action.candidate.id) ?? false,
          wantExtendedPayload: search.wantedExtendedPayload,
        },
        validateId: action.candidate.id,
        nonce: search.nonce!,
      });
      return;
    }
    const { criteria, precision, reason } = this.controlsFor(search);
    this.sendRequest(search, action.endpoint, {
      type: 'lookup',
      ...header,
      controls: {
        acceptAny: action.acceptAny,
        precision,
        resolveCriteria: criteria,
        reasonCode: reason,
      },
      target: search.resolution.spec.target,
      validateId: action.hop.id,
      ...(action.bestMatch ? { bestMatch: action.bestMatch } : {}),
      flaggedPath: action.flaggedPath,
    });
  }

  /** Forgets a message ID's search, dropping the Map once empty (an emptied Map keeps a table). */
  private unmapMessage(messageId: number): void {
    const map = this.byMessage;
    if (!map) return;
    map.delete(messageId);
    if (map.size === 0) this.byMessage = undefined;
  }

  private sendRequest(search: Search<P>, to: Endpoint, message: Message): void {
    search.lastRequest = message;
    this.core.send(to, message, causeOf(search.purpose));
  }

  private controlsFor(search: Search<P>): {
    criteria: ResolveCriteria;
    precision: number;
    reason: ReasonCode;
  } {
    const p = search.purpose;
    if (p.kind === 'fill') {
      return { criteria: 'upper-bits', precision: p.precisionBits, reason: 'cache-maintenance' };
    }
    const reason: ReasonCode =
      p.kind === 'registration'
        ? 'registration'
        : p.kind === 'split-detection'
          ? 'split-detection'
          : 'app-request';
    return {
      criteria: search.resolution.spec.exact ? 'none' : 'nearest-peer-name',
      precision: 0,
      reason,
    };
  }

  private finish(
    search: Search<P>,
    action: Extract<ResolutionAction<ValidatedRecord<P | undefined>>, { type: 'done' }>,
  ): void {
    const core = this.core;
    core.options.trace?.(
      `search ${search.purpose.kind} ${toHex(search.resolution.spec.target).slice(0, 8)} done results=${action.results} failure=${action.failure} path=${search.resolution.path.map((h) => `${toHex(h.key).slice(0, 8)}/${h.flags.toString(16)}${h.deadEnd ? 'D' : ''}`).join(' ')}`,
    );
    this.byId?.delete(search.id);
    if (this.byId?.size === 0) this.byId = undefined;
    this.unmapMessage(search.messageId);
    const failure: SearchFailure | undefined = action.failure;
    if (failure === undefined) core.stats.searchesSucceeded++;
    else core.stats.searchesFailed++;
    if (search.purpose.kind === 'app') {
      core.emit({
        type: 'search-done',
        searchId: search.id,
        results: action.results,
        failure,
        path: search.resolution.path,
        stats: search.resolution.stats,
      });
    }
    this.listener.searchDone(search.purpose, action.results);
  }
}

/** The send options naming each purpose's cause (send-cause.ts), shared. */
const CAUSES: Readonly<Record<SearchPurpose['kind'], { readonly cause: SendCause }>> = {
  app: { cause: 'app-search' },
  registration: { cause: 'walk' },
  'split-detection': { cause: 'split-detection' },
  fill: { cause: 'gap-fill' },
};

function causeOf(purpose: SearchPurpose): { readonly cause: SendCause } {
  return CAUSES[purpose.kind];
}

/** True when the cache holds `id` and its entry is reached at `endpoint` (its first address). */
function cachedAt(core: NodeCore, id: Key, endpoint: Endpoint): boolean {
  const cached = core.cache.get(id);
  return (
    cached !== undefined &&
    cached.port === endpoint.port &&
    cached.addresses.length > 0 &&
    equalBytes(cached.addresses[0]!, endpoint.address)
  );
}

/** True when two route entries have the same ID and first endpoint. */
function sameSlot(a: RouteEntry, b: RouteEntry): boolean {
  return (
    equalBytes(a.id, b.id) &&
    a.port === b.port &&
    a.addresses.length > 0 &&
    b.addresses.length > 0 &&
    equalBytes(a.addresses[0]!, b.addresses[0]!)
  );
}

/** True when the cache holds `id` at an endpoint other than `endpoint`. */
function cachedElsewhere(core: NodeCore, id: Key, endpoint: Endpoint): boolean {
  return core.cache.has(id) && !cachedAt(core, id, endpoint);
}
