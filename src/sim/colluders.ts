/**
 * @module sim/colluders
 * The shared knowledge of a set of colluding attackers in a simulation (issue 10, Build 6): which
 * endpoints are attackers, the IDs they really own (so an eclipse attacker can refer victims to
 * its accomplices, each of which proves its own ID), whether the attack is armed, and counters of
 * what the attackers did. Attackers are omniscient among themselves (one object, no messages),
 * the strongest collusion a simulation can model.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { compareKeys, type Key, keyToBigInt, ringDistanceBig } from '../keys/key256.js';
import type { RouteEntry } from '../wire/types.js';

/**
 * What the attackers did, summed over all of them.
 * @example colluders.counters.lookupsForged
 */
export interface AdversaryCounters {
  /** LOOKUPs answered with a referral to the target's own ID at an attacker's address. */
  lookupsForged: number;
  /** LOOKUPs answered with a referral to another attacker (eclipse). */
  lookupsReferred: number;
  /** INQUIREs about an ID the attacker does not own answered without a proof. */
  inquiresRefused: number;
  /** INQUIREs about an ID the attacker does not own answered with a forged proof. */
  proofsForged: number;
  /** LOOKUPs and INQUIREs swallowed by black holes. */
  dropped: number;
  /** SOLICITs answered with an ADVERTISE of attackers only. */
  advertises: number;
  /** FLOODs sent carrying an attacker's route entry (answers to REQUESTs and rewritten floods). */
  floodsPoisoned: number;
}

interface Colluder {
  readonly endpoint: Endpoint;
  readonly keys: () => readonly Key[];
}

/**
 * A set of colluding attackers.
 * @example const c = new Colluders(); c.enroll(ep, () => node.localKeys()); c.armed = true;
 */
export class Colluders {
  /** Attackers behave honestly until armed (so they join and get cached like anyone). */
  armed = false;
  /** Tells whether an attacker still runs; dead ones are not referred to. @default all alive */
  isAlive: (endpoint: Endpoint) => boolean = () => true;
  readonly counters: AdversaryCounters = {
    lookupsForged: 0,
    lookupsReferred: 0,
    inquiresRefused: 0,
    proofsForged: 0,
    dropped: 0,
    advertises: 0,
    floodsPoisoned: 0,
  };
  private readonly members: Colluder[] = [];
  private readonly endpointKeys = new Set<string>();
  /** Route entries of every known attacker ID, sorted by ID; rebuilt when keys change. */
  private sorted: RouteEntry[] = [];
  private sortedKeyCount = -1;
  private readonly known: (readonly Key[] | undefined)[] = [];

  /** Attackers enrolled. */
  get size(): number {
    return this.members.length;
  }

  /** Adds an attacker; `keys` reports the IDs it owns (read lazily, they appear on registering). */
  enroll(endpoint: Endpoint, keys: () => readonly Key[]): void {
    const k = endpointKey(endpoint);
    if (this.endpointKeys.has(k)) throw new RangeError('this endpoint is enrolled already');
    this.endpointKeys.add(k);
    this.members.push({ endpoint, keys });
    this.sortedKeyCount = -1;
  }

  /** True when `endpoint` belongs to an attacker. */
  has(endpoint: Endpoint): boolean {
    return this.endpointKeys.has(endpointKey(endpoint));
  }

  /** Endpoints of live attackers. */
  liveEndpoints(): Endpoint[] {
    return this.members.map((m) => m.endpoint).filter((ep) => this.isAlive(ep));
  }

  /**
   * Up to `count` route entries of live attackers' IDs, nearest to `target` on the ring first,
   * skipping those `skip` refuses.
   */
  nearest(target: Key, count: number, skip: (entry: RouteEntry) => boolean): RouteEntry[] {
    const all = this.entries();
    const n = all.length;
    if (n === 0 || count <= 0) return [];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(all[mid]!.id, target) < 0) lo = mid + 1;
      else hi = mid;
    }
    const t = keyToBigInt(target);
    const out: RouteEntry[] = [];
    let up = lo % n;
    let down = (lo - 1 + n) % n;
    for (let seen = 0; seen < n && out.length < count; seen++) {
      const a = all[up]!;
      const b = all[down]!;
      const takeUp = ringDistanceBig(keyToBigInt(a.id), t) <= ringDistanceBig(keyToBigInt(b.id), t);
      const e = takeUp ? a : b;
      if (takeUp) up = (up + 1) % n;
      else down = (down - 1 + n) % n;
      const ep = { address: e.addresses[0]!, port: e.port };
      if (this.isAlive(ep) && !skip(e) && !out.includes(e)) out.push(e);
    }
    return out;
  }

  /** Attackers' IDs are read until an attacker reports some, then kept (they do not change). */
  private entries(): RouteEntry[] {
    let changed = this.sortedKeyCount < 0;
    this.members.forEach((m, i) => {
      if (this.known[i] !== undefined) return;
      const keys = m.keys();
      if (keys.length === 0) return;
      this.known[i] = keys.map((k) => k.slice());
      changed = true;
    });
    if (!changed) return this.sorted;
    const entries: RouteEntry[] = [];
    this.members.forEach((m, i) => {
      for (const id of this.known[i] ?? []) {
        entries.push({ id, port: m.endpoint.port, addresses: [m.endpoint.address] });
      }
    });
    entries.sort((a, b) => compareKeys(a.id, b.id));
    this.sorted = entries;
    this.sortedKeyCount = entries.length;
    return entries;
  }
}
