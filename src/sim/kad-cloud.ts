/**
 * @module sim/kad-cloud
 * A whole Kademlia cloud of `KadNode`s (src/kad) in the simulator, built and searched exactly as
 * `DrtCloud` builds and searches a DRT cloud (issue 13, Build 4), so that one seed gives both
 * protocols the same run: the same `Simulation` seed and so the same endpoints and network model
 * (latency, loss, pair delays), the node IDs drawn from the same `forkRng('keys')` stream, the
 * bootstrap seeds, search pairs and churn victims from the same `forkRng('picks')` stream, drawn
 * in the same order, the same join interval, settle time and churn schedule. Only what the
 * protocols do differs.
 *
 * Per lookup: success = the node holding the target ID answered during the lookup; hops = the
 * referral depth of the target (nodes asked one after another before the target was known, the
 * count DrtCloud's hops approximate for PNRP's one-at-a-time resolver); contacts = distinct nodes
 * asked; messages = requests sent (retransmissions included) plus answers received, as DrtCloud
 * counts them.
 */

import type { KadContact } from '../kad/codec.js';
import { KAD_K_DEFAULT } from '../kad/constants.js';
import { KadNode } from '../kad/node.js';
import type { KadEvent, KadLookupDone, KadNodeOptions } from '../kad/types.js';
import type { Endpoint } from '../keys/endpoint.js';
import { compareKeys, type Key } from '../keys/key256.js';
import type { Rng } from '../util/rng.js';
import type { NetworkOptions } from './network.js';
import type { SimNodeHandle } from './node-table.js';
import {
  type ChurnScenarioOptions,
  type ChurnTally,
  mergeReports,
  type SearchReport,
  summarize,
} from './search-report.js';
import { Simulation } from './simulation.js';

/** Options of a simulated Kademlia cloud; the shared ones mean what they mean in `DrtCloud`. */
export interface KadCloudOptions {
  readonly seed: number | string;
  readonly network?: NetworkOptions;
  /** Virtual ms between two joins while building. @default 20 */
  readonly joinIntervalMs?: number;
  /** Virtual ms to let the cloud settle after the last join. @default 30000 */
  readonly settleMs?: number;
  /** Bootstrap endpoints handed to a joining node (random live members). @default 3 */
  readonly bootstrapFanout?: number;
  /** The ID of member `index`. @default 32 random bytes from the cloud's key stream */
  readonly keyOf?: (index: number) => Key;
  /** Extra KadNode options for every node (k, alpha, timeouts, refresh interval). */
  readonly node?: Partial<Omit<KadNodeOptions, 'id' | 'rng' | 'bootstrap'>>;
}

/** One node of a Kademlia cloud. */
export interface KadMember {
  readonly handle: SimNodeHandle<KadNode>;
  readonly key: Key;
  /** False once it left or failed. */
  live: boolean;
}

/**
 * A simulated Kademlia cloud.
 * @example
 * const cloud = new KadCloud({ seed: 1 });
 * cloud.build(500);
 * const report = cloud.runSearches(1000);
 */
export class KadCloud {
  readonly sim: Simulation<KadEvent>;
  readonly members: KadMember[] = [];
  private readonly options: KadCloudOptions;
  private readonly keyRng: Rng;
  private readonly pickRng: Rng;
  private readonly done = new Map<string, KadLookupDone>();

  constructor(options: KadCloudOptions) {
    this.options = options;
    this.sim = new Simulation<KadEvent>({
      seed: options.seed,
      ...(options.network ? { network: options.network } : {}),
    });
    // The same stream labels as DrtCloud: same seed, same IDs, seeds, pairs and victims.
    this.keyRng = this.sim.forkRng('keys');
    this.pickRng = this.sim.forkRng('picks');
    this.sim.onEvent((handle, event) => {
      if (event.type === 'lookup-done') this.done.set(`${handle.index}:${event.lookupId}`, event);
    });
  }

  /** Live members. */
  live(): KadMember[] {
    return this.members.filter((m) => m.live && m.handle.alive);
  }

  /** A uniformly chosen live member. */
  pick(): KadMember {
    const live = this.live();
    if (live.length === 0) throw new RangeError('the cloud has no live member');
    return live[this.pickRng.nextInt(live.length)]!;
  }

  /** Adds one node that joins through random live members (looking up its own ID). */
  join(): KadMember {
    const fanout = this.options.bootstrapFanout ?? 3;
    const live = this.live();
    const seeds: Endpoint[] = [];
    for (let i = 0; i < Math.min(fanout, live.length); i++) {
      seeds.push(live[this.pickRng.nextInt(live.length)]!.handle.endpoint);
    }
    const memberIndex = this.members.length;
    const key = this.options.keyOf?.(memberIndex) ?? this.keyRng.bytes(32);
    const handle = this.sim.addNode(
      (ctx) => new KadNode({ ...this.options.node, id: key, rng: ctx.rng, bootstrap: seeds }),
    );
    this.sim.call(handle, (node, now) => node.start(now));
    const member: KadMember = { handle, key, live: true };
    this.members.push(member);
    return member;
  }

  /** Joins `count` nodes one after another, then lets the cloud settle (as `DrtCloud.build`). */
  build(count: number): void {
    const interval = this.options.joinIntervalMs ?? 20;
    for (let i = 0; i < count; i++) {
      this.join();
      this.sim.runFor(interval);
    }
    this.sim.runFor(this.options.settleMs ?? 30_000);
  }

  /**
   * Builds a warm cloud of `count` nodes without join traffic (label it so in reports): every
   * node gets, for each of its buckets, up to k random members of that bucket's range (the IDs
   * sharing exactly i leading bits with its own form one run of the sorted IDs), the table a
   * long-lived Kademlia node converges to. Draws its samples from `forkRng('kad-warm')`, then
   * consumes the pick stream exactly as `DrtCloud.buildWarm(count, perLevel)` does, so the
   * searches that follow pick the same pairs as the DRT's warm cloud.
   */
  buildWarm(count: number, perLevel = 20): void {
    const start = this.members.length;
    for (let i = 0; i < count; i++) {
      const memberIndex = this.members.length;
      const key = this.options.keyOf?.(memberIndex) ?? this.keyRng.bytes(32);
      const handle = this.sim.addNode(
        (ctx) => new KadNode({ ...this.options.node, id: key, rng: ctx.rng, bootstrap: [] }),
      );
      this.members.push({ handle, key, live: true });
    }
    const all = this.members.slice(start);
    const k = this.options.node?.k ?? KAD_K_DEFAULT;
    const { order, tables } = warmTables(all, k, this.sim.forkRng('kad-warm'));
    for (const i of order) {
      const contacts = tables[i]!;
      this.sim.call(all[i]!.handle, (node, now) => node.seedTable(now, contacts));
    }
    const n = all.length;
    // The same pick draws as DrtCloud.buildWarm, so the same search pairs follow.
    for (let i = 0; i < n; i++) {
      for (let span = n; span >= 2; span = Math.floor(span / 10)) {
        for (let j = 0; j < Math.min(perLevel, span); j++) this.pickRng.nextInt(span);
      }
    }
  }

  /** Leaves: Kademlia has no leave message, so the node just goes away. */
  leave(member: KadMember): void {
    this.sim.runFor(1); // the DRT's leave spends 1 ms flooding its revocation
    this.sim.remove(member.handle);
    member.live = false;
  }

  /** Vanishes without notice. */
  fail(member: KadMember): void {
    this.sim.crash(member.handle);
    member.live = false;
  }

  /** Starts a lookup on `from`; returns a token for {@link outcome}. */
  startLookup(from: KadMember, target: Key): string {
    const id = this.sim.call(from.handle, (node, now) => node.lookup(now, target));
    return `${from.handle.index}:${id}`;
  }

  /** The end of a lookup, or undefined while it runs. */
  outcome(token: string): KadLookupDone | undefined {
    const d = this.done.get(token);
    if (d !== undefined) this.done.delete(token);
    return d;
  }

  /** Lookups of random live members' IDs from random live members, `batch` at a time. */
  runSearches(count: number, batch = 50): SearchReport {
    const hops: number[] = [];
    let contacts = 0;
    let successes = 0;
    let messages = 0;
    const failures: Record<string, number> = {};
    for (let done = 0; done < count; ) {
      const n = Math.min(batch, count - done);
      const started: string[] = [];
      for (let i = 0; i < n; i++) {
        const from = this.pick();
        let to = this.pick();
        while (to === from && this.members.length > 1) to = this.pick();
        started.push(this.startLookup(from, to.key));
      }
      this.sim.runUntil(() => started.every((t) => this.done.has(t)), { maxTimeMs: 40_000 });
      for (const token of started) {
        const out = this.outcome(token);
        if (out?.found) {
          successes++;
          hops.push(out.hops ?? 0);
          contacts += out.contacted;
        } else {
          const why = out === undefined ? 'unfinished' : (out.failure ?? 'not-found');
          failures[why] = (failures[why] ?? 0) + 1;
        }
        if (out) messages += out.stats.requests + out.stats.retransmits + out.stats.answers;
      }
      done += n;
    }
    return {
      ...summarize(count, successes, hops, messages, failures),
      avgContacts: successes ? contacts / successes : 0,
    };
  }

  /** Churn while searching, exactly as `DrtCloud.runChurn` schedules it. */
  runChurn(options: ChurnScenarioOptions): SearchReport & { readonly churn: ChurnTally } {
    const batch = options.batch ?? 50;
    const batches = Math.max(1, Math.ceil(options.searches / batch));
    const population = this.live().length;
    const tally = { failed: 0, left: 0, joined: 0 };
    const quota = (fraction: number | undefined, done: number, i: number): number =>
      Math.round(((fraction ?? 0) * population * (i + 1)) / batches) - done;
    const reports: SearchReport[] = [];
    for (let i = 0; i < batches; i++) {
      for (let k = quota(options.failFraction, tally.failed, i); k > 0; k--, tally.failed++)
        this.fail(this.pick());
      for (let k = quota(options.leaveFraction, tally.left, i); k > 0; k--, tally.left++)
        this.leave(this.pick());
      for (let k = quota(options.joinFraction, tally.joined, i); k > 0; k--, tally.joined++)
        this.join();
      this.sim.runFor(options.pauseMs ?? 2_000);
      reports.push(this.runSearches(Math.min(batch, options.searches - i * batch), batch));
    }
    return { ...mergeReports(reports), churn: tally };
  }
}

/**
 * Warm Kademlia routing tables for `members` (see `KadCloud.buildWarm`): for each member, in
 * member order, up to k random members of each of its buckets, drawn from `warm` in sorted-ID
 * order. `tables[i]` is member i's; `order` lists member indexes by ID. Shared by the Kademlia
 * DHT cloud (sim/kad-dht-cloud.ts).
 * @example const tables = warmTables(members, 20, sim.forkRng('kad-warm'));
 */
export function warmTables(
  members: readonly { readonly key: Key; readonly handle: { readonly endpoint: Endpoint } }[],
  k: number,
  warm: Rng,
): { order: number[]; tables: KadContact[][] } {
  const order = members
    .map((_, i) => i)
    .sort((a, b) => compareKeys(members[a]!.key, members[b]!.key));
  const sorted = order.map((i) => members[i]!);
  const n = sorted.length;
  /** First index in `sorted` whose key is >= `bound` (a 32-byte prefix bound). */
  const lowerBound = (bound: Uint8Array): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(sorted[mid]!.key, bound) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const tables: KadContact[][] = new Array(n);
  order.forEach((memberIndex, pos) => {
    const m = sorted[pos]!;
    const contacts: KadContact[] = [];
    for (let bucket = 0; bucket < 256; bucket++) {
      const [from, to] = bucketRange(m.key, bucket);
      const lo = lowerBound(from);
      const hi = to === undefined ? n : lowerBound(to);
      const size = hi - lo;
      if (size === 0) continue;
      const picked = new Set<number>();
      while (picked.size < Math.min(k, size)) picked.add(lo + warm.nextInt(size));
      for (const j of picked)
        contacts.push({ id: sorted[j]!.key, endpoint: sorted[j]!.handle.endpoint });
    }
    tables[memberIndex] = contacts;
  });
  return { order, tables };
}

/**
 * The IDs of bucket `bucket` around `own` as a half-open range [from, to) of keys: own's first
 * `bucket` bits, the next bit flipped, anything after. `to` is undefined at the top of the space.
 */
function bucketRange(own: Key, bucket: number): [Uint8Array, Uint8Array | undefined] {
  const from = new Uint8Array(32);
  const byte = bucket >> 3;
  const bit = 0x80 >> (bucket & 7);
  for (let i = 0; i < byte; i++) from[i] = own[i]!;
  const keep = (0xff00 >> (bucket & 7)) & 0xff;
  from[byte] = (own[byte]! & keep) | (~own[byte]! & bit);
  // to = from + 2^(255 - bucket), carrying.
  const to = from.slice();
  let i = byte;
  let add = bit;
  while (i >= 0) {
    const v = to[i]! + add;
    to[i] = v & 0xff;
    if (v <= 0xff) return [from, to];
    add = 1;
    i--;
  }
  return [from, undefined];
}
