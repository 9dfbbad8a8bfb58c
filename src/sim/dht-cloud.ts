/**
 * @module sim/dht-cloud
 * A whole DHT cloud in the simulator (issue 15 Build 5): real `DhtNode`s (each owning a real
 * `DrtNode`) on the same `Simulation`, network model and churn shape as `DrtCloud`. The cloud
 * starts warm (every node's DRT cache seeded as `DrtCloud.buildWarm` does: exact leaf sets and
 * idealized cache levels), values are written, then `runScenario` churns the cloud in steps
 * (failures without notice, graceful leaves, real joins), updates mutable values and reads
 * values back, and finally checks every value against the live nodes' stores.
 *
 * Stream labels: keys and values from `forkRng('keys')`, writers, victims and readers from
 * `forkRng('picks')`; node `i` from the simulator's `node:<i>` stream. Same seed, same run.
 */

import { DhtNode } from '../dht/dht-node.js';
import type { DhtNodeOptions } from '../dht/options.js';
import type { DhtRecord } from '../dht/record.js';
import type { DhtEvent } from '../dht/types.js';
import { staticBootstrap } from '../drt/bootstrap-provider.js';
import type { Endpoint } from '../keys/endpoint.js';
import { compareKeys, type Key } from '../keys/key256.js';
import type { Rng } from '../util/rng.js';
import type { RouteEntry } from '../wire/types.js';
import type { DhtReport, DhtScenarioOptions } from './dht-report.js';
import { runDhtScenario } from './dht-scenario.js';
import type { NetworkOptions } from './network.js';
import type { SimNodeHandle } from './node-table.js';
import { Simulation } from './simulation.js';

export type { DhtReport, DhtScenarioOptions, DhtStepProgress } from './dht-report.js';

/** Options of a simulated DHT cloud. */
export interface DhtCloudOptions {
  readonly seed: number | string;
  readonly network?: NetworkOptions;
  /** Extra DhtNode options for every node. */
  readonly node?: Partial<
    Omit<DhtNodeOptions, 'rng' | 'localEndpoints' | 'wallClock' | 'bootstrap' | 'nodeId'>
  >;
  /** Bootstrap endpoints handed to a joining node. @default 3 */
  readonly bootstrapFanout?: number;
  /** Virtual ms to settle after the warm start and after writing. @default 20000 */
  readonly settleMs?: number;
}

/** One node of the cloud. */
export interface DhtMember {
  readonly handle: SimNodeHandle<DhtNode>;
  readonly key: Key;
  /** The instance (kept after it fails, for its counters). */
  readonly node: DhtNode;
  live: boolean;
}

/** How one put or get ended, as {@link DhtCloud.awaitAll} reports it. */
export interface DhtOpOutcome {
  readonly failure: string | undefined;
  readonly record: DhtRecord | undefined;
  readonly messages: number;
}

/**
 * A simulated DHT cloud.
 * @example
 * const cloud = new DhtCloud({ seed: 1 });
 * cloud.buildWarm(300);
 * const report = cloud.runScenario({ values: 1500, gets: 1500, durationMs: 1_800_000 });
 */
export class DhtCloud {
  readonly sim: Simulation<DhtEvent>;
  readonly members: DhtMember[] = [];
  private readonly options: DhtCloudOptions;
  private readonly keyRng: Rng;
  private readonly pickRng: Rng;
  private readonly done = new Map<string, DhtOpOutcome>();

  constructor(options: DhtCloudOptions) {
    this.options = options;
    this.sim = new Simulation<DhtEvent>({
      seed: options.seed,
      ...(options.network ? { network: options.network } : {}),
    });
    this.keyRng = this.sim.forkRng('keys');
    this.pickRng = this.sim.forkRng('picks');
    this.sim.onEvent((handle, event) => this.onEvent(handle.index, event));
  }

  /** Live members, in member order. */
  live(): DhtMember[] {
    return this.members.filter((m) => m.live);
  }

  /** A uniformly chosen live member. */
  pick(): DhtMember {
    const live = this.live();
    if (live.length === 0) throw new RangeError('the cloud has no live member');
    return live[this.pickRng.nextInt(live.length)]!;
  }

  private add(
    start: (node: DhtNode, nowMs: number) => void,
    seeds: Endpoint[],
    nodeId?: Key,
  ): DhtMember {
    const key = nodeId ?? this.keyRng.bytes(32);
    let built: DhtNode | undefined;
    const handle = this.sim.addNode((ctx) => {
      built = new DhtNode({
        ...this.options.node,
        rng: ctx.rng,
        wallClock: ctx.wallClock,
        localEndpoints: [ctx.endpoint],
        nodeId: key,
        bootstrap: staticBootstrap(seeds),
      });
      return built;
    });
    const member: DhtMember = { handle, key, node: built!, live: true };
    this.members.push(member);
    this.sim.call(handle, (node, now) => start(node, now));
    return member;
  }

  /** Adds `count` nodes with warm, idealized DRT caches (exact leaf sets), then settles. */
  buildWarm(count: number, perLevel = 20): void {
    const start = this.members.length;
    const added: DhtMember[] = [];
    const entriesOf = new Map<DhtMember, RouteEntry[]>();
    for (let i = 0; i < count; i++) added.push(this.add(() => {}, []));
    const entries = added.map((m) => ({
      id: m.key,
      port: m.handle.endpoint.port,
      addresses: [m.handle.endpoint.address],
    }));
    const order = entries
      .map((_, i) => i)
      .sort((a, b) => compareKeys(entries[a]!.id, entries[b]!.id));
    const n = order.length;
    const at = (pos: number): RouteEntry => entries[order[((pos % n) + n) % n]!]!;
    order.forEach((index, pos) => {
      const seeds: RouteEntry[] = [];
      for (let d = 1; d <= 5; d++) seeds.push(at(pos + d), at(pos - d));
      for (let span = n; span >= 2; span = Math.floor(span / 10))
        for (let k = 0; k < Math.min(perLevel, span); k++)
          seeds.push(at(pos - Math.floor(span / 2) + this.pickRng.nextInt(span)));
      entriesOf.set(added[index]!, seeds);
    });
    for (const m of this.members.slice(start))
      this.sim.call(m.handle, (node, now) => node.startWarm(now, entriesOf.get(m)!));
    this.sim.runFor(this.options.settleMs ?? 20_000);
  }

  /** Adds one node (with `nodeId`, or a random one) that joins through real DRT joins from random live members. */
  join(nodeId?: Key): DhtMember {
    const live = this.live();
    const seeds: Endpoint[] = [];
    for (let i = 0; i < Math.min(this.options.bootstrapFanout ?? 3, live.length); i++)
      seeds.push(live[this.pickRng.nextInt(live.length)]!.handle.endpoint);
    return this.add((node, now) => node.start(now), seeds, nodeId);
  }

  /** Leaves gracefully (the DRT floods its revoke). */
  leave(member: DhtMember): void {
    this.sim.call(member.handle, (node, now) => node.close(now));
    this.sim.runFor(1);
    this.sim.remove(member.handle);
    member.live = false;
  }

  /** Vanishes without notice. */
  fail(member: DhtMember): void {
    this.sim.crash(member.handle);
    member.live = false;
  }

  private onEvent(index: number, event: DhtEvent): void {
    if (event.type === 'put-done' && !event.republish) {
      const { failure, messages } = event;
      this.done.set(`${index}:${event.opId}`, { failure, record: undefined, messages });
    } else if (event.type === 'get-done') {
      const { failure, record, messages } = event;
      this.done.set(`${index}:${event.opId}`, { failure, record, messages });
    }
  }

  /**
   * Runs a put or get command on a live member; returns a token for {@link awaitAll}.
   * @example const t = cloud.start(m, (node, now) => node.put(now, value).opId);
   */
  start(member: DhtMember, command: (node: DhtNode, nowMs: number) => number): string {
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
  sumStats(read: (node: DhtNode) => number): number {
    let sum = 0;
    for (const m of this.members) sum += read(m.node);
    return sum;
  }

  /** The settle time after building and after writing. */
  get settleMs(): number {
    return this.options.settleMs ?? 20_000;
  }

  /** Writes values, churns, updates and reads; then checks durability. See {@link DhtScenarioOptions}. */
  runScenario(options: DhtScenarioOptions): DhtReport {
    return runDhtScenario(this, options);
  }
}
