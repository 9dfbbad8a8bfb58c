/**
 * @module resolve/candidates
 * The route entries a resolution has seen ([MS-PNRP] §3.1.4.4.2), keyed on (ID, endpoint)
 * (issue 10): keys inside the search range are candidates, each with its state (seen, being
 * inquired, valid, failed), its distance to the target and the hop that first named it. It also
 * notices contradicting referrals: one ID named at two different endpoints. Bounded by what the
 * walks saw: at most one entry per answered LOOKUP plus the seeds.
 */

import { compareKeyAt, compareKeyBytes, ringDistanceInto } from '../cache/ring-bytes.js';
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import { bytesKey } from '../util/bytes.js';
import type { RouteEntry } from '../wire/types.js';
import { matchesSearch, type SearchSpec } from './search-spec.js';
import { entryEndpoint, entryKey } from './walk.js';

/** Scratch for {@link Candidates.closer} and `amongNearest` (neither runs inside the other). */
const SCRATCH = new Uint8Array(96);

export type CandidateState = 'seen' | 'inquiring' | 'valid' | 'failed';

/** A key inside the search range at one endpoint. */
export interface Candidate {
  readonly entry: RouteEntry;
  /** The ID's `bytesKey`. */
  readonly idKey: string;
  /** Ring distance to the target, 32 bytes big-endian (compared with `compareKeyBytes`). */
  readonly distance: Uint8Array;
  /** The hop whose answer first named this (ID, endpoint); none for seeds. */
  readonly referrer: Endpoint | undefined;
  state: CandidateState;
  /** INQUIREs to it that went unanswered. */
  timeouts: number;
}

/** The candidates of one resolution, and the contradictions among what it saw. */
export class Candidates {
  /** Referrals that named an ID already seen at another endpoint. */
  contradictions = 0;
  private readonly spec: SearchSpec;
  private readonly byKey = new Map<string, Candidate>();
  /** The first endpoint each ID was seen at. */
  private readonly firstEndpointOf = new Map<string, string>();

  constructor(spec: SearchSpec) {
    this.spec = spec;
  }

  /** The candidate for exactly this (ID, endpoint), if any. */
  get(entry: RouteEntry): Candidate | undefined {
    return this.byKey.get(entryKey(entry));
  }

  /**
   * Ring distance from `key` to the target as 32 bytes: byte arithmetic instead of bigints, which
   * allocated several per referral (issue 13 Build 3 "byte-wise distance comparisons").
   */
  distance(key: Key): Uint8Array {
    const out = new Uint8Array(32);
    ringDistanceInto(key, this.spec.target, out, 0);
    return out;
  }

  /** True when `a` is strictly closer to the target than `b`. */
  closer(a: Key, b: Key): boolean {
    ringDistanceInto(a, this.spec.target, SCRATCH, 0);
    ringDistanceInto(b, this.spec.target, SCRATCH, 32);
    return compareKeyAt(SCRATCH, 0, SCRATCH, 32) < 0;
  }

  /**
   * Notes an entry a hop named (`referrer`) or a walk starts from. Returns true
   * when it contradicts an earlier entry (same ID, other endpoint).
   */
  see(entry: RouteEntry, referrer: Endpoint | undefined): boolean {
    if (entry.addresses.length === 0) return false;
    const idKey = bytesKey(entry.id);
    const at = endpointKey(entryEndpoint(entry));
    const first = this.firstEndpointOf.get(idKey);
    let contradicts = false;
    if (first === undefined) this.firstEndpointOf.set(idKey, at);
    else if (first !== at) {
      contradicts = true;
      this.contradictions++;
    }
    if (!matchesSearch(this.spec, entry.id)) return contradicts;
    const key = idKey + at;
    if (!this.byKey.has(key)) {
      this.byKey.set(key, {
        entry,
        idKey,
        distance: this.distance(entry.id),
        referrer,
        state: 'seen',
        timeouts: 0,
      });
    }
    return contradicts;
  }

  /** The closest candidate not inquired yet (the first seen among equals). */
  closest(): Candidate | undefined {
    let best: Candidate | undefined;
    for (const c of this.byKey.values()) {
      if (c.state !== 'seen') continue;
      if (!best || compareKeyBytes(c.distance, best.distance) < 0) best = c;
    }
    return best;
  }

  /**
   * Nearest-N searches also explore an entry that would rank among the N closest seen. IDs are
   * counted once however many endpoints claim them, so forged copies of one ID cannot crowd the
   * genuine entries out.
   */
  amongNearest(entry: RouteEntry): boolean {
    const spec = this.spec;
    if (spec.firstMatch || spec.count === 1 || !matchesSearch(spec, entry.id)) return false;
    ringDistanceInto(entry.id, spec.target, SCRATCH, 64);
    const closer = new Set<string>();
    for (const c of this.byKey.values()) {
      if (c.state !== 'failed' && compareKeyAt(c.distance, 0, SCRATCH, 64) < 0) {
        closer.add(c.idKey);
        if (closer.size >= spec.count) return false;
      }
    }
    return true;
  }
}
