/**
 * @module drt/core
 * The internal surface a `DrtNode` gives its parts (searches, pending adds, floods, sync,
 * maintenance, responder). Each part lives in its own file and talks to the others only through
 * this interface, so the node stays a dispatcher and every part can be read alone.
 */
import type { RouteCache } from '../cache/index.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import { equalBytes, toHex } from '../util/bytes.js';
import type { Message, ProtocolVersion, RouteEntry } from '../wire/types.js';
import type { AddressProofs } from './address-proof.js';
import type { SigningBudget } from './budget.js';
import type { NodeEvent } from './events.js';
import type { ResolvedDrtOptions } from './options.js';
import type { ValidatedRecord } from './security-provider.js';
import type { SendCause } from './send-cause.js';
import type { DrtStats } from './stats.js';

/** A key this node publishes. */
export interface LocalRegistration {
  readonly key: Key;
  readonly keyHex: string;
  readonly appData: Uint8Array;
  /** Our route entry for this key. */
  readonly entry: RouteEntry;
  /** True once a registration walk reached other nodes. */
  resolvable: boolean;
  /** True while a registration walk runs. */
  walking: boolean;
}

/** Up to this many local keys, {@link localOf} compares bytes instead of building hex. */
const LOCALS_SCANNED_MAX = 8;

/**
 * The local registration of `id`, if this node publishes it: `locals.get(toHex(id))` without
 * building a 64-character string per datagram for the one or few keys a node has (issue 13).
 * @example if (localOf(core.locals, msg.validateId)) answerForOwnKey();
 */
export function localOf(
  locals: ReadonlyMap<string, LocalRegistration>,
  id: Key,
): LocalRegistration | undefined {
  if (locals.size > LOCALS_SCANNED_MAX) return locals.get(toHex(id));
  for (const reg of locals.values()) if (equalBytes(reg.key, id)) return reg;
  return undefined;
}

/**
 * How an entry reached us, which decides where it is flooded next ([MS-PNRP] §3.2.5.11):
 * - `flood`: a FLOOD without the D flag (a newcomer's entry spreading through leaf sets);
 * - `other`: anything else the spec floods on admission (a split-detection walk's results, which
 *   merge the two sides of a split);
 * - `owner` (the eclipse defence after issue 13): the owner handed us its entry itself, outside
 *   its own leaf set's view: the entry of a SOLICIT it sent us, or its own entry FLOODed back
 *   (D flag) after we flooded it a third party's entry. Flooded onward as the spec does: the
 *   owner's own announce goes to its leaf set, which is what an eclipse attacker fills with
 *   colluders, and our flood is a second path to its neighbours through a view of our own;
 * - `announce` (issue 13, a deviation): the owner announced it in a registration walk (the best
 *   match of a LOOKUP). The owner FLOODs its entry to its whole leaf set when its walk ends,
 *   and that FLOOD is what spreads, so admitting this floods nothing onward;
 * - `referral` (issue 13, a deviation): another node already held it (a sync FLOOD with D, a
 *   search's hop, referral or result). Such an entry is an established member whose leaf-set
 *   neighbours already know it, so admitting it floods nothing onward.
 */
export type AdmitOrigin =
  | { readonly via: 'flood'; readonly from: Endpoint; readonly alreadyFlooded: readonly Endpoint[] }
  | { readonly via: 'other' }
  | { readonly via: 'owner' }
  | { readonly via: 'announce' }
  | { readonly via: 'referral' };

/**
 * What the proof that admitted a cached entry said about its owner, kept to judge revokes of it
 * (flooding.ts): a revoke must be signed by `ownerKey` (when the name binds one) and must not
 * be older than the registration (`validUntilWallMs`).
 */
export interface EntryCredential {
  readonly ownerKey: Uint8Array | undefined;
  readonly validUntilWallMs: number | undefined;
}

/** The endpoint a route entry is contacted at (defined once, beside the resolver's walks). */
export { entryEndpoint } from '../resolve/walk.js';

/** What the parts of a node may use; `P` is the security provider's evidence type. */
export interface NodeCore<P = unknown> {
  readonly options: ResolvedDrtOptions<P>;
  readonly cache: RouteCache;
  readonly stats: DrtStats;
  readonly locals: ReadonlyMap<string, LocalRegistration>;
  readonly selfEndpoints: readonly Endpoint[];
  /** endpointKey() of each own endpoint. */
  readonly selfEndpointKeys: KeySet;
  readonly version: ProtocolVersion;
  /** Current virtual time of the call being handled. */
  nowMs(): number;
  /** Wall-clock ms for record validity. */
  wallNowMs(): number;
  /** A fresh random message ID. */
  newMessageId(): number;
  /**
   * The message ID of a new LOOKUP or acknowledged FLOOD to `to`: our cookie for `to` while `to`
   * is unproven and no request of ours in its answer window uses it, else a fresh random one. The
   * check `to` makes of the entry we offered it (our best match, the flooded entry) echoes it,
   * which proves its address to us at once instead of costing a challenge round trip
   * (address-proof.ts). Only for requests whose late answer, matched to a later request with the
   * same ID, would be harmless (a referral, an ACK); INQUIREs keep random IDs.
   */
  requestId(to: Endpoint): number;
  /** Message ID of the datagram being handled (with {@link currentSource}). */
  currentMessageId(): number | undefined;
  /** Proven endpoints, unproven credits and cookies (address-proof.ts). */
  readonly proofs: AddressProofs;
  /** Token buckets for fresh signed proofs (budget.ts). */
  readonly signing: SigningBudget;
  /**
   * Encodes (fragmenting AUTHORITY as needed) and queues the datagrams. Answers (AUTHORITY,
   * ADVERTISE, ACK, FLOOD with D) and sends marked `charged` pay from the anti-amplification
   * credit of an unproven destination; one the credit cannot cover is not sent (counted in
   * `boundHits.amplification`, false returned). Our own requests are never charged. `cause` is
   * only told to `options.sendObserver` (default: `answer`).
   */
  send(
    to: Endpoint,
    message: Message,
    options?: { readonly charged?: boolean; readonly cause?: SendCause },
  ): boolean;
  /** Source of the datagram being handled, or undefined in a timer or command. */
  currentSource(): Endpoint | undefined;
  emit(event: NodeEvent<P>): void;
  /**
   * Puts a checked entry in the cache, emits leaf-set events and floods as the spec says.
   * `proof` is the verified record that admitted it, if any: the owner key and validity it names
   * judge later revokes (see {@link EntryCredential}). An entry whose ID is cached at another
   * endpoint does not replace it at once: the cached entry is probed first (node.ts `admit`).
   */
  admit(entry: RouteEntry, origin: AdmitOrigin, proof?: ValidatedRecord): void;
  /**
   * Removes an entry found dead or revoked. With `endpoint` (the endpoint that failed to answer or
   * denied), nothing happens unless the cached entry with this ID is at that endpoint: a failure
   * at some other address is no evidence against the cached entry.
   */
  evict(id: Key, reason: 'stale' | 'revoked' | 'denied', endpoint?: Endpoint): void;
  /** What the proof that admitted the cached entry `entry` said about its owner, if any. */
  credentialOf(entry: RouteEntry): EntryCredential | undefined;
  /**
   * The proof that admitted the entry cached with `entry`'s ID at `entry`'s endpoint, if that
   * happened since this node started joining and its first registration walk has not ended (the
   * walk then need not INQUIRE it again: issue 13, node.ts `joinProofs`).
   */
  joinProof(entry: RouteEntry): ValidatedRecord<P> | undefined;
  /**
   * Offers an entry learned from the network to the return-routability check. Offered while
   * handling a datagram from the entry's own endpoint, the check echoes that datagram's message ID
   * (pending-adds.ts), which is that endpoint's cookie for us when it holds us unproven.
   */
  offer(entry: RouteEntry, origin: AdmitOrigin): void;
  /** True when any address of `entry` is one of ours. */
  isSelf(entry: RouteEntry): boolean;
  /**
   * Whether an admission check may start (issue 10 per-source share and probe rate, see
   * probe-gate.ts); `held(sourceKey)` counts the checks that source has in flight. Returns the
   * source key to tag the check with, undefined outside datagram handling, false when refused.
   */
  admitCheck(held: (sourceKey: string) => number): string | undefined | false;
}

/** Membership test over endpoint keys (a `Set`, or a cheaper one-key form). */
export interface KeySet {
  has(key: string): boolean;
}
