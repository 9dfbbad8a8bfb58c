/**
 * @module drt/registrations
 * Keeping local keys known to the cloud ([MS-PNRP] §3.2.4.1, §3.2.6.2.1): the registration walk
 * resolves key + 1 with the key's own route entry as best match, so every node on the way learns
 * it and the walk's nearest results fill our leaf set; afterwards the key is announced to its
 * leaf set. Split detection runs the same walk entered through a bootstrap node, which merges
 * the two sides of a split cloud.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { addToKey, type Key } from '../keys/key256.js';
import { normalizeSearch, type SearchSpec } from '../resolve/search-spec.js';
import type { RouteEntry } from '../wire/types.js';
import { type LocalRegistration, localOf, type NodeCore } from './core.js';
import type { Floods } from './flooding.js';
import type { Searches, SearchPurpose } from './searches.js';

/** Endpoints remembered per local key as having INQUIREd it (a bound; more are announced to). */
const INQUIRED_MAX = 64;

/** Registration and split-detection walks of a node's local keys. */
export class Registrations {
  private readonly core: NodeCore;
  private readonly searches: Searches;
  private readonly floods: Floods;
  /** Whether the node has joined (asked as a method of one per-node object, not a closure). */
  private readonly gate: { joined(): boolean };
  /**
   * Per local key (hex; the first in these two fields, others in `inquiredMore`), endpoints that
   * INQUIREd it since its last announce: they hold our entry or are checking it, so the announce
   * skips them (issue 13). At most INQUIRED_MAX per key, kept
   * as a plain array of the (interned) endpoint keys, in first-INQUIRE order: a Set per key cost
   * ~0.7 KB per simulated node in hash table, and the announce needs a lookup set only once.
   */
  private inquiredHex: string | undefined;
  private inquiredList: string[] | undefined;
  /** Lists of further keys: a node nearly always has one local key, and a Map costs ~150 bytes. */
  private inquiredMore: Map<string, string[]> | undefined;

  constructor(core: NodeCore, searches: Searches, floods: Floods, gate: { joined(): boolean }) {
    this.core = core;
    this.searches = searches;
    this.floods = floods;
    this.gate = gate;
  }

  /** Starts the registration walk of `reg`, unless the node has not joined or one runs. */
  start(reg: LocalRegistration): void {
    if (this.core.cache.size === 0 || !this.gate.joined() || reg.walking) return;
    // Set before starting: a walk that ends at once clears it again from onWalkDone.
    reg.walking = true;
    const id = this.searches.start(
      this.spec(reg),
      { kind: 'registration', keyHex: reg.keyHex },
      reg.entry,
    );
    // When the search bound is hit nothing started: leave the key for the next retry.
    if (id === undefined) reg.walking = false;
  }

  /** Notes an INQUIRE for `validateId` from `from` (see `inquiredHex`). */
  noteInquiry(from: Endpoint, validateId: Key): void {
    const reg = localOf(this.core.locals, validateId);
    if (reg === undefined) return;
    const hex = reg.keyHex;
    let list = this.inquiredOf(hex);
    if (list === undefined) {
      list = [];
      if (this.inquiredHex === undefined) {
        this.inquiredHex = hex;
        this.inquiredList = list;
      } else {
        this.inquiredMore ??= new Map();
        this.inquiredMore.set(hex, list);
      }
    }
    if (list.length >= INQUIRED_MAX) return;
    const key = endpointKey(from);
    if (!list.includes(key)) list.push(key);
  }

  /** Restarts the walk of every key that no walk has made resolvable yet. */
  retry(): void {
    for (const reg of this.core.locals.values()) if (!reg.resolvable) this.start(reg);
  }

  /**
   * Split detection: walk toward one of our keys + 1 entering the cloud through a bootstrap node
   * instead of our own cache (the spec's InitialNextHop = {ID 0, seed server}). If the cloud was
   * split, that node's side learns us from the walk's best match and we learn its side's nearest
   * keys, whose floods then merge both sides' leaf sets.
   */
  detectSplit(): void {
    const core = this.core;
    const regs = [...core.locals.values()];
    const endpoints = core.options.bootstrap
      .endpoints(core.nowMs())
      .filter((ep) => !core.selfEndpointKeys.has(endpointKey(ep)));
    if (regs.length === 0 || endpoints.length === 0) return;
    const rng = core.options.rng;
    const reg = regs[rng.nextInt(regs.length)]!;
    const entry = endpoints[rng.nextInt(endpoints.length)]!;
    const door: RouteEntry = {
      id: new Uint8Array(32),
      port: entry.port,
      addresses: [entry.address],
    };
    this.searches.start(
      this.spec(reg),
      { kind: 'split-detection', keyHex: reg.keyHex },
      reg.entry,
      [door],
    );
  }

  /** Called when any search ends; acts on registration and split-detection walks. */
  onWalkDone(purpose: SearchPurpose, results: number): void {
    if (purpose.kind !== 'registration' && purpose.kind !== 'split-detection') return;
    const reg = this.core.locals.get(purpose.keyHex);
    if (!reg) return;
    if (results > 0) {
      const inquired = this.inquiredOf(reg.keyHex);
      this.forgetInquired(reg.keyHex);
      this.floods.announce(reg, inquired && new Set(inquired));
    }
    if (purpose.kind === 'split-detection') return;
    reg.walking = false;
    const resolvable = results > 0;
    if (resolvable !== reg.resolvable || !resolvable) {
      reg.resolvable = resolvable;
      this.core.emit({
        type: 'registration-state-changed',
        key: reg.key,
        state: resolvable ? 'resolvable' : 'unresolvable',
      });
    }
  }

  /** The endpoints that INQUIREd local key `hex` since its last announce (see `inquiredHex`). */
  private inquiredOf(hex: string): string[] | undefined {
    return hex === this.inquiredHex ? this.inquiredList : this.inquiredMore?.get(hex);
  }

  private forgetInquired(hex: string): void {
    if (hex === this.inquiredHex) {
      this.inquiredHex = undefined;
      this.inquiredList = undefined;
    } else if (this.inquiredMore?.delete(hex) && this.inquiredMore.size === 0) {
      this.inquiredMore = undefined;
    }
  }

  /** Resolve key + 1, accepting any key, nearest 2 x leafSetSide first ([MS-PNRP] §3.2.4.1). */
  private spec(reg: LocalRegistration): SearchSpec {
    const target = addToKey(reg.key, 1);
    return normalizeSearch(target, {
      minKey: addToKey(reg.key, 2),
      maxKey: target,
      maxEndpoints: Math.min(2 * this.core.options.leafSetSide, 20),
    });
  }
}
