/**
 * @module sim/kad-dht-cloud
 * The Kademlia DHT baseline as a whole cloud (issue 15, Targets): `KadDhtNode`s (kad/dht-node.ts,
 * k = 20, alpha = 3) run through the same scenario as `DhtCloud` (sim/dht-scenario.ts), so one
 * seed gives both DHTs the same run: the same `Simulation` seed and so the same endpoints and
 * network model, node IDs from the same `forkRng('keys')` stream, writers, churn victims,
 * bootstrap seeds and readers from the same `forkRng('picks')` stream drawn in the same order
 * (the warm start consumes the pick stream exactly as `DhtCloud.buildWarm` does), values from
 * the scenario's own stream. The cloud starts warm: every node's k-buckets filled as
 * `KadCloud.buildWarm` fills them (`warmTables`), the table a long-lived node converges to, as
 * the PNRP side starts from idealized caches. Joins during the churn are real Kademlia joins.
 */

import { KAD_K_DEFAULT } from '../kad/constants.js';
import type { KadDhtNode as KadDhtNodeType } from '../kad/dht-node.js';
import { KadDhtNode } from '../kad/dht-node.js';
import type { KadDhtEvent, KadDhtNodeOptions } from '../kad/dht-types.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import type { Rng } from '../util/rng.js';
import type { DhtOpOutcome } from './dht-cloud.js';
import type { DhtReport, DhtScenarioOptions } from './dht-report.js';
import { runDhtScenarioOn } from './dht-scenario.js';
import { warmTables } from './kad-cloud.js';
import type { NetworkOptions } from './network.js';
import type { SimNodeHandle } from './node-table.js';
import { Simulation } from './simulation.js';

/** Options of a simulated Kademlia DHT cloud; the shared ones mean what they mean in `DhtCloud`. */
export interface KadDhtCloudOptions {
  readonly seed: number | string;
  readonly network?: NetworkOptions;
  /** Extra KadDhtNode options for every node (k, alpha, ttlMs, bounds). */
  readonly node?: Partial<Omit<KadDhtNodeOptions, 'id' | 'rng' | 'bootstrap'>>;
  /** Bootstrap endpoints handed to a joining node. @default 3 */
  readonly bootstrapFanout?: number;
  /** Virtual ms to settle after the warm start and after writing. @default 20000 */
  readonly settleMs?: number;
}

/** One node of the cloud. */
export interface KadDhtMember {
  readonly handle: SimNodeHandle<KadDhtNodeType>;
  readonly key: Key;
  /** The instance (kept after it fails, for its counters). */
  readonly node: KadDhtNodeType;
  live: boolean;
}

/**
 * A simulated Kademlia DHT cloud.
 * @example
 * const cloud = new KadDhtCloud({ seed: 1 });
 * cloud.buildWarm(300);
 * const report = cloud.runScenario({ values: 1500, gets: 1500, durationMs: 1_800_000 });
 */
export class KadDhtCloud {
  readonly sim: Simulation<KadDhtEvent>;
  readonly members: KadDhtMember[] = [];
  private readonly options: KadDhtCloudOptions;
  private readonly keyRng: Rng;
  private readonly pickRng: Rng;
  private readonly done = new Map<string, DhtOpOutcome>();

  constructor(options: KadDhtCloudOptions) {
    this.options = options;
    this.sim = new Simulation<KadDhtEvent>({
      seed: options.seed,
      ...(options.network ? { network: options.network } : {}),
    });
    this.keyRng = this.sim.forkRng('keys');
    this.pickRng = this.sim.forkRng('picks');
    this.sim.onEvent((handle, event) => {
      if (event.type === 'put-done' && !event.republish) {
        const { failure, messages } = event;
        this.done.set(`${handle.index}:${event.opId}`, { failure, record: undefined, messages });
      } else if (event.type === 'get-done') {
        const { failure, record, messages } = event;
        this.done.set(`${handle.index}:${event.opId}`, { failure, record, messages });
      }
    });
  }

  /** Live members, in member order. */
  live(): KadDhtMember[] {
    return this.members.filter((m) => m.live);
  }

  /** A uniformly chosen live member. */
  pick(): KadDhtMember {
    const live = this.live();
    if (live.length === 0) throw new RangeError('the cloud has no live member');
    return live[this.pickRng.nextInt(live.length)]!;
  }

  private add(seeds: Endpoint[]): KadDhtMember {
    const key = this.keyRng.bytes(32);
    let built: KadDhtNode | undefined;
    const handle = this.sim.addNode((ctx) => {
      built = new KadDhtNode({ ...this.options.node, id: key, rng: ctx.rng, bootstrap: seeds });
      return built;
    });
    const member: KadDhtMember = { handle, key, node: built!, live: true };
    this.members.push(member);
    return member;
  }

  /** Adds `count` nodes with warm k-buckets (no join traffic), then settles. */
  buildWarm(count: number, perLevel = 20): void {
    const added: KadDhtMember[] = [];
    for (let i = 0; i < count; i++) added.push(this.add([]));
    const k = this.options.node?.k ?? KAD_K_DEFAULT;
    const { tables } = warmTables(added, k, this.sim.forkRng('kad-warm'));
    // The same pick draws as DhtCloud.buildWarm, so the same writers, victims and readers follow.
    const n = added.length;
    for (let i = 0; i < n; i++)
      for (let span = n; span >= 2; span = Math.floor(span / 10))
        for (let j = 0; j < Math.min(perLevel, span); j++) this.pickRng.nextInt(span);
    added.forEach((m, i) => {
      const contacts = tables[i]!;
      this.sim.call(m.handle, (node, now) => node.startWarm(now, contacts));
    });
    this.sim.runFor(this.settleMs);
  }

  /** Adds one node that joins through random live members (a lookup of its own ID). */
  join(): KadDhtMember {
    const live = this.live();
    const seeds: Endpoint[] = [];
    for (let i = 0; i < Math.min(this.options.bootstrapFanout ?? 3, live.length); i++)
      seeds.push(live[this.pickRng.nextInt(live.length)]!.handle.endpoint);
    const member = this.add(seeds);
    this.sim.call(member.handle, (node, now) => node.start(now));
    return member;
  }

  /** Leaves: Kademlia has no leave message, so the node just goes away (after 1 ms, as DhtCloud). */
  leave(member: KadDhtMember): void {
    this.sim.runFor(1);
    this.sim.remove(member.handle);
    member.live = false;
  }

  /** Vanishes without notice. */
  fail(member: KadDhtMember): void {
    this.sim.crash(member.handle);
    member.live = false;
  }

  /** Runs a put or get command on a live member; returns a token for {@link awaitAll}. */
  start(member: KadDhtMember, command: (node: KadDhtNode, nowMs: number) => number): string {
    const opId = this.sim.call(member.handle, command);
    return `${member.handle.index}:${opId}`;
  }

  /** Runs until every token's operation ended (at most `maxMs`); their outcomes in order. */
  awaitAll(tokens: readonly string[], maxMs = 60_000): (DhtOpOutcome | undefined)[] {
    this.sim.runUntil(() => tokens.every((t) => this.done.has(t)), { maxTimeMs: maxMs });
    return tokens.map((t) => {
      const d = this.done.get(t);
      this.done.delete(t);
      return d;
    });
  }

  /** Sum of a counter over every node that ever ran. */
  sumStats(read: (node: KadDhtNode) => number): number {
    let sum = 0;
    for (const m of this.members) sum += read(m.node);
    return sum;
  }

  /** The settle time after building and after writing. */
  get settleMs(): number {
    return this.options.settleMs ?? 20_000;
  }

  /** The scenario of `DhtCloud.runScenario`, on this cloud. */
  runScenario(options: DhtScenarioOptions): DhtReport {
    return runDhtScenarioOn(this, options);
  }
}
