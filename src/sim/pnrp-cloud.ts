/**
 * @module sim/pnrp-cloud
 * A whole PNRP cloud in the simulator, like `DrtCloud` but with `PnrpNode`s: each member joins
 * one cloud (default `Global_`) and registers one peer name, secured (its own identity) or
 * unsecured (`0.`); resolves go by name and are measured: success, hops (distinct nodes asked to
 * route, the owner's INQUIRE apart), messages (requests incl. retransmissions + answers), and the
 * signing and Ed25519 verification work of the whole cloud per resolve (memo misses: real work).
 * Members here are in a single cloud; the simulator also runs a `PnrpNode` in several clouds
 * (`addNode({ endpoints })`, one endpoint per cloud).
 */
import { staticBootstrap } from '../drt/bootstrap-provider.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { createIdentity, type Identity } from '../keys/identity.js';
import type { AuthorityVerifier } from '../pnrp/cpa-security-provider.js';
import { PnrpNode } from '../pnrp/pnrp-node.js';
import type {
  CloudDrtOptions,
  PnrpEvent,
  PnrpResolveResult,
  Registration,
  ResolveOptions,
} from '../pnrp/types.js';
import { ADDRESS_FLAGS, type PathHop } from '../resolve/path.js';
import type { ResolutionStats } from '../resolve/resolution.js';
import type { Rng } from '../util/rng.js';
import { datagramsSentByRole, LiveMembers } from './member-roles.js';
import type { NetworkOptions } from './network.js';
import type { SimNodeHandle } from './node-table.js';
import { Simulation } from './simulation.js';
import type { SimNodeContext } from './types.js';

/**
 * Options of a simulated PNRP cloud.
 * @example new PnrpCloud({ seed: 1, securedFraction: 0.5, crypto: nodeCrypto })
 */
export interface PnrpCloudOptions {
  readonly seed: number | string;
  readonly network?: NetworkOptions;
  /** @default 'Global_' */
  readonly cloudName?: string;
  /** Share of members registering a secured name. @default 1 */
  readonly securedFraction?: number;
  /** Virtual ms between joins. @default 20 */
  readonly joinIntervalMs?: number;
  /**
   * How `build` grows the cloud: one join every `joinIntervalMs`, or waves of `waveFraction` of
   * the live cloud every `waveIntervalMs` (as `DrtCloudOptions.growth`). @default 'sequential'
   */
  readonly growth?: 'sequential' | 'waves';
  /** Share of the live cloud joining in one wave (at least one). @default 0.5 */
  readonly waveFraction?: number;
  /** Virtual ms between two waves. @default 4000 */
  readonly waveIntervalMs?: number;
  /** Virtual ms of settling after the last join. @default 30000 */
  readonly settleMs?: number;
  /** Bootstrap endpoints per joiner. @default 3 */
  readonly bootstrapFanout?: number;
  /** @default nobleCrypto */
  readonly crypto?: CryptoBackend;
  /** DRT options of every node's cloud. */
  readonly drt?: CloudDrtOptions;
  /** Every node accepts CPAs whose authority this verifier's chains delegate. */
  readonly authorityVerifier?: AuthorityVerifier;
  /**
   * Which members are adversaries (by member index, in join order). `runResolves` starts only
   * on honest members and resolves only honest members' names; with any adversary planted, a
   * resolve counts as a success only when a result names the owner's PNRP endpoint (one naming
   * another endpoint is counted as failure `'hijacked'`).
   * @default none
   */
  readonly adversaryOf?: (memberIndex: number) => boolean;
  /**
   * Wraps (or replaces) each member's node before the simulator drives it, e.g. with
   * `interceptNode` or an attack of `sim/adversaries`. Return `node` to keep it as it is.
   * @default the node itself
   */
  readonly wrapNode?: (node: PnrpNode, info: PnrpNodeInfo) => PnrpNode;
}

/** What `wrapNode` learns about the member whose node it wraps. */
export interface PnrpNodeInfo {
  readonly memberIndex: number;
  readonly adversary: boolean;
  readonly identity: Identity;
  readonly peerName: string;
  /** The simulator's context of the node (endpoint, its rng, wall clock). */
  readonly ctx: SimNodeContext;
}

/**
 * How one member joins.
 * @example cloud.join({ peerName: '0.shared', extendedPayload: bytes })
 */
export interface PnrpJoinOptions {
  /** @default `<authority>.member-<i>` or `0.member-<i>` */
  readonly classifier?: string;
  /** @default by `securedFraction` */
  readonly secured?: boolean;
  /** Register this name instead (e.g. one more instance of a shared `0.` name). */
  readonly peerName?: string;
  /** Use this identity (the owner of a secured `peerName`). */
  readonly identity?: Identity;
  readonly extendedPayload?: Uint8Array | string;
  readonly friendlyName?: string;
  /** A chain delegating `peerName`'s authority to `identity` (see `RegisterOptions.certChain`). */
  readonly certChain?: Uint8Array;
  /** Offset of the member's wall clock. @default 0 */
  readonly wallClockSkewMs?: number;
}

/**
 * One member and its registration.
 * @example cloud.resolveOnce(cloud.pick(), member.registration.peerName)
 */
export interface PnrpMember {
  readonly handle: SimNodeHandle<PnrpNode>;
  readonly identity: Identity;
  readonly registration: Registration;
  /** True for a member planted by `adversaryOf`. */
  readonly adversary: boolean;
  live: boolean;
}

/**
 * What one resolve produced.
 * @example const { results, hops, path } = cloud.resolveOnce(from, name);
 */
export interface PnrpResolveOutcome {
  readonly results: readonly PnrpResolveResult[];
  readonly failure: string | undefined;
  readonly path: readonly PathHop[];
  readonly stats: ResolutionStats;
  readonly hops: number;
  readonly messages: number;
}

/**
 * Statistics of many resolves.
 * @example cloud.runResolves(1000).verificationsPerResolve
 */
export interface PnrpResolveReport {
  readonly resolves: number;
  readonly successes: number;
  readonly successRate: number;
  readonly avgHops: number;
  readonly p95Hops: number;
  readonly messagesPerResolve: number;
  /** Ed25519 verifications computed cloud-wide during the resolves, per resolve. */
  readonly verificationsPerResolve: number;
  /** CPAs and extended payloads signed cloud-wide during the resolves, per resolve. */
  readonly signaturesPerResolve: number;
  readonly failures: Readonly<Record<string, number>>;
}

interface Pending {
  readonly results: PnrpResolveResult[];
  done?: Omit<PnrpResolveOutcome, 'results' | 'hops' | 'messages'>;
}

/**
 * A simulated cloud of PnrpNodes.
 * @example
 * const cloud = new PnrpCloud({ seed: 1 });
 * cloud.build(200);
 * const report = cloud.runResolves(500);
 */
export class PnrpCloud {
  readonly sim: Simulation<PnrpEvent>;
  readonly members: PnrpMember[] = [];
  readonly cloudName: string;
  private readonly options: PnrpCloudOptions;
  private readonly keyRng: Rng;
  private readonly pickRng: Rng;
  private readonly pending = new Map<string, Pending>();
  private readonly liveSet: LiveMembers<PnrpMember>;

  constructor(options: PnrpCloudOptions) {
    this.options = options;
    this.cloudName = options.cloudName ?? 'Global_';
    this.sim = new Simulation<PnrpEvent>({
      seed: options.seed,
      ...(options.network ? { network: options.network } : {}),
    });
    this.keyRng = this.sim.forkRng('identities');
    this.pickRng = this.sim.forkRng('picks');
    this.sim.onEvent((handle, event) => this.onEvent(handle.index, event));
    this.liveSet = new LiveMembers(this.members, this.sim);
  }

  /** Live members (a copy, in member order). */
  live(): PnrpMember[] {
    return [...this.liveSet.all()];
  }

  /** A uniformly chosen live member. */
  pick(): PnrpMember {
    const live = this.liveSet.all();
    if (live.length === 0) throw new RangeError('the cloud has no live member');
    return live[this.pickRng.nextInt(live.length)]!;
  }

  /** Live members planted as adversaries. */
  adversaries(): PnrpMember[] {
    return this.liveSet.all().filter((m) => m.adversary);
  }

  /** Live honest members (a copy, in member order). */
  honest(): PnrpMember[] {
    return [...this.liveSet.honest()];
  }

  /** A uniformly chosen live honest member (the same draws as `pick` when none is an adversary). */
  pickHonest(): PnrpMember {
    const honest = this.liveSet.honest();
    if (honest.length === 0) throw new RangeError('the cloud has no live honest member');
    return honest[this.pickRng.nextInt(honest.length)]!;
  }

  /** Datagrams sent so far by honest members and by adversaries (all incarnations). */
  datagramsSentByRole(): { honest: number; adversary: number } {
    return datagramsSentByRole(this.members);
  }

  /**
   * Bootstrap endpoints from random live members (from the first `seedPool` live members when
   * given: a wave's joiners bootstrap from the cloud as it was before the wave).
   */
  seeds(seedPool?: number): Endpoint[] {
    const live = this.liveSet.all();
    const pool = Math.min(seedPool ?? live.length, live.length);
    const seeds: Endpoint[] = [];
    const fanout = Math.min(this.options.bootstrapFanout ?? 3, pool);
    for (let i = 0; i < fanout; i++) seeds.push(live[this.pickRng.nextInt(pool)]!.handle.endpoint);
    return seeds;
  }

  /** Adds a member that joins and registers one name. */
  join(options: PnrpJoinOptions = {}, seedPool?: number): PnrpMember {
    const index = this.members.length;
    const seeds = this.seeds(seedPool);
    const identity = options.identity ?? createIdentity(this.keyRng.bytes(32), this.options.crypto);
    const secured =
      options.secured ?? this.pickRng.nextFloat() < (this.options.securedFraction ?? 1);
    const peerName =
      options.peerName ??
      `${secured ? identity.authority : '0'}.${options.classifier ?? `member-${index}`}`;
    const adversary = this.options.adversaryOf?.(index) ?? false;
    const handle = this.sim.addNode(
      (ctx) => {
        const node = new PnrpNode({
          rng: ctx.rng,
          wallClock: ctx.wallClock,
          ...(this.options.crypto ? { crypto: this.options.crypto } : {}),
          ...(this.options.authorityVerifier
            ? { authorityVerifier: this.options.authorityVerifier }
            : {}),
          clouds: [
            {
              name: this.cloudName,
              localEndpoints: [ctx.endpoint],
              bootstrap: staticBootstrap(seeds),
              ...(this.options.drt ? { drt: this.options.drt } : {}),
            },
          ],
        });
        const wrapNode = this.options.wrapNode;
        if (wrapNode === undefined) return node;
        const wrapped = wrapNode(node, { memberIndex: index, adversary, identity, peerName, ctx });
        if (typeof wrapped !== 'object' || wrapped === null) {
          throw new TypeError('wrapNode must return a node');
        }
        return wrapped;
      },
      options.wallClockSkewMs !== undefined ? { wallClockSkewMs: options.wallClockSkewMs } : {},
    );
    const registration = this.sim.call(handle, (node, now) => {
      const reg = node.register(now, {
        peerName,
        identity,
        ...(options.extendedPayload !== undefined
          ? { extendedPayload: options.extendedPayload }
          : {}),
        ...(options.friendlyName !== undefined ? { friendlyName: options.friendlyName } : {}),
        ...(options.certChain ? { certChain: options.certChain } : {}),
      });
      node.start(now);
      return reg;
    });
    return this.liveSet.add({ handle, identity, registration, adversary });
  }

  /** Joins `count` members one after another or in waves (option `growth`), then settles. */
  build(count: number): void {
    if (this.options.growth === 'waves') {
      const fraction = this.options.waveFraction ?? 0.5;
      const interval = this.options.waveIntervalMs ?? 4_000;
      for (let joined = 0; joined < count; ) {
        const pool = this.liveSet.all().length;
        const wave = Math.min(count - joined, Math.max(1, Math.floor(pool * fraction)));
        for (let i = 0; i < wave; i++) this.join({}, pool);
        joined += wave;
        this.sim.runFor(interval);
      }
    } else {
      for (let i = 0; i < count; i++) {
        this.join();
        this.sim.runFor(this.options.joinIntervalMs ?? 20);
      }
    }
    this.sim.runFor(this.options.settleMs ?? 30_000);
  }

  /** Leaves gracefully: the member unregisters (flooding revokes) and goes away. */
  leave(member: PnrpMember): void {
    this.sim.call(member.handle, (node, now) => node.close(now));
    this.sim.runFor(1);
    this.sim.remove(member.handle);
    member.live = false;
  }

  /** Vanishes without notice. */
  fail(member: PnrpMember): void {
    this.sim.crash(member.handle);
    member.live = false;
  }

  /** Starts a resolve on `from`; returns a token for {@link outcome}. */
  startResolve(from: PnrpMember, peerName: string, options: ResolveOptions = {}): string {
    const id = this.sim.call(from.handle, (node, now) => node.resolve(now, peerName, options));
    const token = `${from.handle.index}:${id}`;
    if (!this.pending.has(token)) this.pending.set(token, { results: [] });
    return token;
  }

  /** The outcome of a finished resolve, or undefined while it runs. */
  outcome(token: string): PnrpResolveOutcome | undefined {
    const p = this.pending.get(token);
    if (!p?.done) return undefined;
    this.pending.delete(token);
    const { path, stats } = p.done;
    const hops = new Set(
      path
        .filter((h) => (h.flags & ADDRESS_FLAGS.inquire) === 0)
        .map((h) => endpointKey(h.endpoint)),
    ).size;
    const answers = path.filter((h) => h.rttMs !== undefined).length;
    const messages = stats.lookups + stats.inquires + stats.retransmits + answers;
    return { ...p.done, results: p.results, hops, messages };
  }

  /** Runs one resolve to its end. */
  resolveOnce(
    from: PnrpMember,
    peerName: string,
    options: ResolveOptions = {},
  ): PnrpResolveOutcome {
    const token = this.startResolve(from, peerName, options);
    const timeout = (options.timeoutMs ?? 30_000) + 5_000;
    this.sim.runUntil(() => this.pending.get(token)?.done !== undefined, { maxTimeMs: timeout });
    const out = this.outcome(token);
    if (!out) throw new Error(`resolve ${token} did not end within ${timeout} virtual ms`);
    return out;
  }

  /** Cloud-wide signing and verification work so far. */
  work(): { verifications: number; signatures: number } {
    let verifications = 0;
    let signatures = 0;
    for (const m of this.members) {
      const security = m.handle.node.securityOf(this.cloudName);
      verifications += security.crypto.verifyMisses;
      signatures += security.counters.cpasSigned + security.counters.extendedPayloadsSigned;
    }
    return { verifications, signatures };
  }

  /** Resolves the names of random live members from random live members, `batch` at a time. */
  runResolves(count: number, batch = 50, options: ResolveOptions = {}): PnrpResolveReport {
    const hops: number[] = [];
    let successes = 0;
    let messages = 0;
    const failures: Record<string, number> = {};
    const before = this.work();
    const planted = this.members.some((m) => m.adversary);
    for (let done = 0; done < count; ) {
      const n = Math.min(batch, count - done);
      const started: { token: string; owner: string }[] = [];
      for (let i = 0; i < n; i++) {
        const from = this.pickHonest();
        let to = this.pickHonest();
        while (to === from && this.members.length > 1) to = this.pickHonest();
        const token = this.startResolve(from, to.registration.peerName, options);
        started.push({ token, owner: endpointKey(to.handle.endpoint) });
      }
      this.sim.runUntil(() => started.every((s) => this.pending.get(s.token)?.done), {
        maxTimeMs: 40_000,
      });
      for (const s of started) {
        const out = this.outcome(s.token);
        const genuine =
          !planted ||
          (out?.results.some((r) => r.pnrpEndpoints.some((ep) => endpointKey(ep) === s.owner)) ??
            false);
        if (out && out.failure === undefined && out.results.length > 0 && genuine) {
          successes++;
          hops.push(out.hops);
        } else {
          const hijacked = out !== undefined && out.results.length > 0 && !genuine;
          const why = hijacked ? 'hijacked' : (out?.failure ?? 'unfinished');
          failures[why] = (failures[why] ?? 0) + 1;
        }
        messages += out?.messages ?? 0;
      }
      done += n;
    }
    const after = this.work();
    const sorted = [...hops].sort((a, b) => a - b);
    return {
      resolves: count,
      successes,
      successRate: count ? successes / count : 0,
      avgHops: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0,
      p95Hops: sorted.length
        ? sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!
        : 0,
      messagesPerResolve: count ? messages / count : 0,
      verificationsPerResolve: count ? (after.verifications - before.verifications) / count : 0,
      signaturesPerResolve: count ? (after.signatures - before.signatures) / count : 0,
      failures,
    };
  }

  private onEvent(index: number, event: PnrpEvent): void {
    // Only PnrpNode resolve events (tests may add other kinds of node to the simulation).
    if (event.type !== 'resolve-result' && event.type !== 'resolve-done') return;
    const id = event.type === 'resolve-result' ? event.result.resolveId : event.resolveId;
    const token = `${index}:${id}`;
    let p = this.pending.get(token);
    if (!p) {
      p = { results: [] };
      this.pending.set(token, p);
    }
    if (event.type === 'resolve-result') p.results.push(event.result);
    else p.done = { failure: event.failure, path: event.path, stats: event.stats };
  }
}
