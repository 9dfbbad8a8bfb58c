/**
 * @module sim/drt-cloud
 * A whole DRT cloud in the simulator: real `DrtNode`s joined one by one through real
 * SOLICIT/REGISTER walks over the simulated network, then searched. Used by `pnrp sim`, the
 * scenario tests and the benchmarks, so all three measure the same thing.
 *
 * Hops of a search = distinct nodes the resolver asked to route it (LOOKUP, answered or not), the
 * count the idealized cache model of docs/design.md §7 uses; the INQUIRE that makes the owner prove its
 * key is the extra traceroute hop, reported separately as contacts (hops + the owner).
 * Messages of a search = requests sent (retransmissions included) plus answers received.
 */

import { staticBootstrap } from '../drt/bootstrap-provider.js';
import type { NodeEvent, SearchResult } from '../drt/events.js';
import { DrtNode } from '../drt/node.js';
import type { DrtNodeOptions } from '../drt/options.js';
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { compareKeys, type Key } from '../keys/key256.js';
import { ADDRESS_FLAGS, type PathHop } from '../resolve/path.js';
import type { ResolutionStats } from '../resolve/resolution.js';
import type { SearchOptions } from '../resolve/search-spec.js';
import { entryEndpoint } from '../resolve/walk.js';
import { equalBytes } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import type { RouteEntry } from '../wire/types.js';

export type {
  CloudMember,
  CloudNodeInfo,
  CloudProgress,
  CloudSnapshot,
  DrtCloudOptions,
  SearchOutcome,
} from './drt-cloud-types.js';
export type { ChurnScenarioOptions, ChurnTally, SearchReport } from './search-report.js';

import type {
  CloudMember,
  CloudNodeInfo,
  CloudSnapshot,
  DrtCloudOptions,
  SearchOutcome,
} from './drt-cloud-types.js';
import { datagramsSentByRole, LiveMembers } from './member-roles.js';
import {
  type ChurnScenarioOptions,
  type ChurnTally,
  mergeReports,
  type SearchReport,
  summarize,
} from './search-report.js';
import { type BatchSample, batchSample } from './search-series.js';
import { Simulation } from './simulation.js';

interface PendingSearch {
  readonly results: SearchResult[];
  done?: { failure: string | undefined; path: readonly PathHop[]; stats: ResolutionStats };
}

/** Member keys per slab (`DrtCloud.newKey`). */
const KEY_SLAB_KEYS = 1024;

/**
 * A simulated cloud of DrtNodes.
 * @example
 * const cloud = new DrtCloud({ seed: 1 });
 * cloud.build(500);
 * const report = cloud.runSearches(1000);
 */
export class DrtCloud {
  readonly sim: Simulation<NodeEvent>;
  readonly members: CloudMember[] = [];
  private readonly options: DrtCloudOptions;
  private readonly keyRng: Rng;
  private keySlab = new Uint8Array(0);
  private keySlabUsed = KEY_SLAB_KEYS;
  private readonly pickRng: Rng;
  private readonly pending = new Map<string, PendingSearch>();
  private readonly liveSet: LiveMembers<CloudMember>;
  private warm = false;
  private resolved = 0;

  constructor(options: DrtCloudOptions) {
    this.options = options;
    this.sim = new Simulation<NodeEvent>({
      seed: options.seed,
      ...(options.network ? { network: options.network } : {}),
    });
    this.keyRng = this.sim.forkRng('keys');
    this.pickRng = this.sim.forkRng('picks');
    this.sim.onEvent((handle, event) => this.onEvent(handle.index, event));
    this.liveSet = new LiveMembers(this.members, this.sim);
  }

  /** Live members (a copy, in member order). */
  live(): CloudMember[] {
    return [...this.liveSet.all()];
  }

  /** A uniformly chosen live member. */
  pick(): CloudMember {
    const live = this.liveSet.all();
    if (live.length === 0) throw new RangeError('the cloud has no live member');
    return live[this.pickRng.nextInt(live.length)]!;
  }

  /**
   * Adds one node that registers a random key and bootstraps from random live members (from the
   * first `seedPool` live members when given: a wave's joiners bootstrap from the cloud as it
   * was before the wave, not from each other).
   */
  join(seedPool?: number): CloudMember {
    const fanout = this.options.bootstrapFanout ?? 3;
    const all = this.liveSet.all();
    const pool = Math.min(seedPool ?? all.length, all.length);
    const seeds: Endpoint[] = [];
    for (let i = 0; i < Math.min(fanout, pool); i++) {
      seeds.push(all[this.pickRng.nextInt(pool)]!.handle.endpoint);
    }
    const memberIndex = this.members.length;
    const key = this.options.keyOf?.(memberIndex) ?? this.newKey();
    const adversary = this.options.adversaryOf?.(memberIndex) ?? false;
    const handle = this.sim.addNode((ctx) => {
      const options: Partial<DrtNodeOptions> = {
        ...this.options.node,
        ...this.options.nodeOptions?.(ctx.index),
      };
      const node = new DrtNode({
        ...options,
        rng: ctx.rng,
        wallClock: ctx.wallClock,
        localEndpoints: [ctx.endpoint],
        bootstrap: staticBootstrap(seeds),
        ...(this.options.trace
          ? { trace: (line: string) => this.options.trace?.(ctx.index, line) }
          : {}),
      });
      return this.wrap(node, { memberIndex, key, adversary, ctx, options });
    });
    this.sim.call(handle, (node, now) => {
      node.registerKey(now, key);
      node.start(now);
    });
    return this.liveSet.add({ handle, key, adversary });
  }

  private wrap(node: DrtNode, info: CloudNodeInfo): DrtNode {
    const wrapNode = this.options.wrapNode;
    if (wrapNode === undefined) return node;
    const wrapped = wrapNode(node, info);
    if (typeof wrapped !== 'object' || wrapped === null) {
      throw new TypeError('wrapNode must return a node');
    }
    return wrapped;
  }

  /** Live members planted as adversaries. */
  adversaries(): CloudMember[] {
    return this.liveSet.all().filter((m) => m.adversary);
  }

  /** Live honest members (a copy, in member order). */
  honest(): CloudMember[] {
    return [...this.liveSet.honest()];
  }

  /** A uniformly chosen live honest member (the same draws as `pick` when none is an adversary). */
  pickHonest(): CloudMember {
    const honest = this.liveSet.honest();
    if (honest.length === 0) throw new RangeError('the cloud has no live honest member');
    return honest[this.pickRng.nextInt(honest.length)]!;
  }

  /** Datagrams sent so far by honest members and by adversaries (all incarnations). */
  datagramsSentByRole(): { honest: number; adversary: number } {
    return datagramsSentByRole(this.members);
  }

  /**
   * Joins `count` nodes through real joins, one after another or in waves (option `growth`),
   * then lets the cloud settle.
   */
  build(count: number): void {
    if (this.options.growth === 'waves') {
      const fraction = this.options.waveFraction ?? 0.5;
      const interval = this.options.waveIntervalMs ?? 4_000;
      for (let joined = 0; joined < count; ) {
        const pool = this.liveSet.all().length;
        const wave = Math.min(count - joined, Math.max(1, Math.floor(pool * fraction)));
        for (let i = 0; i < wave; i++) this.join(pool);
        joined += wave;
        this.sim.runFor(interval);
        this.report('build');
      }
    } else {
      const interval = this.options.joinIntervalMs ?? 20;
      for (let i = 0; i < count; i++) {
        this.join();
        this.sim.runFor(interval);
        this.report('build');
      }
    }
    this.settle(this.options.settleMs ?? 30_000);
  }

  /** Runs `ms` of virtual time, telling `progress` each virtual second (same events as one run). */
  private settle(ms: number): void {
    if (this.options.progress === undefined) {
      this.sim.runFor(ms);
      return;
    }
    const startMs = this.sim.nowMs;
    const endMs = startMs + ms;
    for (let t = 1_000; ; t += 1_000) {
      this.report('settle');
      const stop = this.sim.runUntil(() => false, { untilMs: t < ms ? startMs + t : endMs });
      if (stop.reason === 'idle') this.sim.runFor(endMs - this.sim.nowMs);
      if (t >= ms || stop.reason === 'idle') break;
    }
  }

  private report(phase: 'build' | 'settle' | 'search'): void {
    this.options.progress?.({
      phase,
      joined: this.members.length,
      resolved: this.resolved,
      virtualMs: this.sim.nowMs,
    });
  }

  /** True once members were added warm (`buildWarm`, `restore`): reports must say so. */
  get warmStart(): boolean {
    return this.warm;
  }

  /**
   * The caches of the live members, to start another cloud warm with {@link restore}.
   * @example const snap = built.snapshot(); new DrtCloud({ seed: 1 }).restore(snap);
   */
  snapshot(): CloudSnapshot {
    const live = this.liveSet.all();
    const position = new Map<string, number>();
    for (const [i, m] of live.entries()) position.set(endpointKey(m.handle.endpoint), i);
    return {
      nodes: live.map((m) => {
        const entries: number[] = [];
        for (const e of m.handle.node.cache.entries()) {
          if (e.addresses.length === 0) continue;
          const at = position.get(endpointKey(entryEndpoint(e)));
          if (at !== undefined) entries.push(at);
        }
        return { key: m.key, entries };
      }),
    };
  }

  /**
   * Starts warm from a snapshot: one member per snapshot node, with the snapshot's key, and its
   * cache loaded from the snapshot's entries (no join traffic). The cloud counts as warm.
   */
  restore(snapshot: CloudSnapshot): void {
    const start = this.members.length;
    const added = snapshot.nodes.map((n) => this.addWarm(n.key));
    const entries: RouteEntry[] = added.map((m) => ({
      id: m.key,
      port: m.handle.endpoint.port,
      addresses: [m.handle.endpoint.address],
    }));
    snapshot.nodes.forEach((n, i) => {
      const seeds = n.entries.filter((j) => j >= 0 && j < entries.length).map((j) => entries[j]!);
      this.sim.call(this.members[start + i]!.handle, (node, now) => node.seedCache(now, seeds));
    });
  }

  /**
   * The next random member key (the same `keyRng` draws as before), kept as a view into a shared
   * 32 KB slab: a 32-byte Uint8Array of its own costs ~230 heap bytes per member, a view ~100.
   */
  private newKey(): Key {
    if (this.keySlabUsed === KEY_SLAB_KEYS) {
      this.keySlab = new Uint8Array(32 * KEY_SLAB_KEYS);
      this.keySlabUsed = 0;
    }
    const key = this.keySlab.subarray(32 * this.keySlabUsed, 32 * ++this.keySlabUsed);
    key.set(this.keyRng.bytes(32));
    return key;
  }

  private addWarm(key?: Key): CloudMember {
    this.warm = true;
    const memberIndex = this.members.length;
    const k = key ?? this.options.keyOf?.(memberIndex) ?? this.newKey();
    const adversary = this.options.adversaryOf?.(memberIndex) ?? false;
    const handle = this.sim.addNode((ctx) => {
      const options = this.nodeOptionsFor(ctx.index);
      const node = new DrtNode({
        ...options,
        rng: ctx.rng,
        wallClock: ctx.wallClock,
        localEndpoints: [ctx.endpoint],
      });
      return this.wrap(node, { memberIndex, key: k, adversary, ctx, options });
    });
    this.sim.call(handle, (node, now) => node.registerKey(now, k));
    return this.liveSet.add({ handle, key: k, adversary });
  }

  /**
   * Builds a warm cloud of `count` nodes without join traffic: every node gets its exact leaf
   * set and, for each cache level i (a span of 1/10^i of the ring around its key), up to
   * `perLevel` random members of that span, all as shared RouteEntry objects: the idealized
   * cache of docs/design.md §7. For clouds too large to build through joins in a benchmark's time.
   */
  buildWarm(count: number, perLevel = 20): void {
    const start = this.members.length;
    for (let i = 0; i < count; i++) this.addWarm();
    const all = this.members.slice(start);
    const entries: RouteEntry[] = all.map((m) => ({
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
      for (let span = n; span >= 2; span = Math.floor(span / 10)) {
        for (let k = 0; k < Math.min(perLevel, span); k++) {
          seeds.push(at(pos - Math.floor(span / 2) + this.pickRng.nextInt(span)));
        }
      }
      this.sim.call(all[index]!.handle, (node, now) => node.seedCache(now, seeds));
    });
  }

  private nodeOptionsFor(index: number): Partial<DrtNodeOptions> {
    return { ...this.options.node, ...this.options.nodeOptions?.(index) };
  }

  /** Leaves gracefully: the node unregisters (flooding revokes) and goes away. */
  leave(member: CloudMember): void {
    this.sim.call(member.handle, (node, now) => node.close(now));
    this.sim.runFor(1);
    this.sim.remove(member.handle);
    member.live = false;
  }

  /** Vanishes without notice. */
  fail(member: CloudMember): void {
    this.sim.crash(member.handle);
    member.live = false;
  }

  /** Starts a search on `from`; returns a token for {@link outcome}. */
  startSearch(from: CloudMember, target: Key, options: SearchOptions = {}): string {
    const id = this.sim.call(from.handle, (node, now) => node.search(now, target, options));
    const token = `${from.handle.index}:${id}`;
    // The search may already have ended inside call() (events are delivered during the drain).
    if (!this.pending.has(token)) this.pending.set(token, { results: [] });
    return token;
  }

  /** The outcome of a finished search, or undefined while it runs. */
  outcome(token: string): SearchOutcome | undefined {
    const p = this.pending.get(token);
    if (!p?.done) return undefined;
    this.pending.delete(token);
    const { path, stats, failure } = p.done;
    const hops = new Set(
      path
        .filter((h) => (h.flags & ADDRESS_FLAGS.inquire) === 0)
        .map((h) => endpointKey(h.endpoint)),
    ).size;
    const contacts = new Set(path.map((h) => endpointKey(h.endpoint))).size;
    const requests = stats.lookups + stats.inquires + stats.retransmits;
    const answers = path.filter((h) => h.rttMs !== undefined).length;
    return {
      results: p.results,
      failure,
      path,
      stats,
      hops,
      contacts,
      messages: requests + answers,
    };
  }

  /** Runs one search to its end (bounded by its own timeout). */
  searchOnce(from: CloudMember, target: Key, options: SearchOptions = {}): SearchOutcome {
    const token = this.startSearch(from, target, options);
    const timeout = (options.timeoutMs ?? 30_000) + 5_000;
    this.sim.runUntil(() => this.pending.get(token)?.done !== undefined, { maxTimeMs: timeout });
    const out = this.outcome(token);
    if (!out) throw new Error(`search ${token} did not end within ${timeout} virtual ms`);
    return out;
  }

  /**
   * Exact searches for the keys of random live members, from random live members, `batch` at a
   * time. A search succeeds when it returns the exact key.
   */
  runSearches(count: number, batch = 50): SearchReport {
    const hops: number[] = [];
    let contacts = 0;
    let successes = 0;
    let messages = 0;
    const failures: Record<string, number> = {};
    const planted = this.members.some((m) => m.adversary);
    const batches: BatchSample[] = [];
    for (let done = 0; done < count; ) {
      const n = Math.min(batch, count - done);
      const atMs = this.sim.nowMs;
      const live = this.sim.liveCount;
      const before = { successes, hops: hops.length };
      const started: { token: string; target: Key; owner: Endpoint }[] = [];
      for (let i = 0; i < n; i++) {
        const from = this.pickHonest();
        let to = this.pickHonest();
        while (to === from && this.members.length > 1) to = this.pickHonest();
        started.push({
          token: this.startSearch(from, to.key),
          target: to.key,
          owner: to.handle.endpoint,
        });
      }
      this.sim.runUntil(() => started.every((s) => this.pending.get(s.token)?.done), {
        maxTimeMs: 40_000,
      });
      for (const s of started) {
        const out = this.outcome(s.token);
        const exact = out?.results.filter((r) => equalBytes(r.key, s.target)) ?? [];
        const found = planted
          ? exact.some((r) => endpointKey(r.endpoint) === endpointKey(s.owner))
          : exact.length > 0;
        if (found && out) {
          successes++;
          hops.push(out.hops);
          contacts += out.contacts;
        } else {
          const why = exact.length > 0 ? 'hijacked' : (out?.failure ?? 'unfinished');
          failures[why] = (failures[why] ?? 0) + 1;
        }
        messages += out?.messages ?? 0;
      }
      done += n;
      this.resolved += n;
      batches.push(batchSample(atMs, n, successes - before.successes, hops, before.hops, live));
      this.report('search');
    }
    return {
      ...summarize(count, successes, hops, messages, failures),
      avgContacts: successes ? contacts / successes : 0,
      batches,
    };
  }

  /**
   * Churn while searching: before each batch of searches, `failFraction` of the starting
   * population (spread over all batches) vanishes without notice, `leaveFraction` leaves
   * gracefully and `joinFraction` joins; then `pauseMs` of virtual time passes so maintenance
   * runs between batches. Targets are keys of members live when the search starts.
   */
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

  private onEvent(index: number, event: NodeEvent): void {
    if (event.type === 'search-result') {
      const token = `${index}:${event.result.searchId}`;
      let p = this.pending.get(token);
      if (!p) {
        p = { results: [] };
        this.pending.set(token, p);
      }
      p.results.push(event.result);
    } else if (event.type === 'search-done') {
      const token = `${index}:${event.searchId}`;
      let p = this.pending.get(token);
      if (!p) {
        p = { results: [] };
        this.pending.set(token, p);
      }
      p.done = { failure: event.failure, path: event.path, stats: event.stats };
    }
  }
}
