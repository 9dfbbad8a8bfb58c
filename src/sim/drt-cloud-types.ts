/**
 * @module sim/drt-cloud-types
 * The shapes of `DrtCloud` (sim/drt-cloud): its options, what `wrapNode` learns about a member,
 * a member, and the outcome of one search.
 */
import type { SearchResult } from '../drt/events.js';
import type { DrtNode } from '../drt/node.js';
import type { DrtNodeOptions } from '../drt/options.js';
import type { Key } from '../keys/key256.js';
import type { PathHop } from '../resolve/path.js';
import type { ResolutionStats } from '../resolve/resolution.js';
import type { NetworkOptions } from './network.js';
import type { SimNodeHandle } from './node-table.js';
import type { SimNodeContext } from './types.js';

/** Options of a simulated cloud. */
export interface DrtCloudOptions {
  readonly seed: number | string;
  readonly network?: NetworkOptions;
  /** Virtual ms between two joins while building. @default 20 */
  readonly joinIntervalMs?: number;
  /**
   * How `build` grows the cloud (issue 13). `'sequential'`: one join every `joinIntervalMs`, so
   * a build of N nodes lasts N x 20 virtual ms during which every member runs maintenance (the
   * cost grows with N squared). `'waves'`: the way a real cloud grows, many nodes at once: every
   * `waveIntervalMs` a wave of `waveFraction` of the live cloud joins together, each joiner
   * bootstrapping from members that were live before its wave; a build lasts O(log N) waves.
   * @default 'sequential'
   */
  readonly growth?: 'sequential' | 'waves';
  /** Share of the live cloud joining in one wave (at least one node). @default 0.5 */
  readonly waveFraction?: number;
  /** Virtual ms between two waves (the joins of a wave complete in about 3 s). @default 4000 */
  readonly waveIntervalMs?: number;
  /** Virtual ms to let the cloud settle after the last join. @default 30000 */
  readonly settleMs?: number;
  /** Bootstrap endpoints handed to a joining node (random live members). @default 3 */
  readonly bootstrapFanout?: number;
  /** Extra DrtNode options for every node. */
  readonly node?: Partial<
    Omit<DrtNodeOptions, 'rng' | 'localEndpoints' | 'wallClock' | 'bootstrap'>
  >;
  /** Per-node extra options (e.g. a security provider holding that node's credential). */
  readonly nodeOptions?: (
    index: number,
  ) => Partial<Omit<DrtNodeOptions, 'rng' | 'localEndpoints' | 'wallClock' | 'bootstrap'>>;
  /** The key node `index` registers. @default 32 random bytes from the cloud's key stream */
  readonly keyOf?: (index: number) => Key;
  /** Receives every node's trace lines with the node's index (debugging only). */
  readonly trace?: (nodeIndex: number, line: string) => void;
  /**
   * Which members are adversaries (by member index, in join order). Searches of `runSearches`
   * and `runChurn` start only on honest members and target only honest members' keys; with any
   * adversary planted, a search counts as a success only when a result names the owner's own
   * endpoint (a result at another endpoint is counted as failure `'hijacked'`).
   * @default none
   */
  readonly adversaryOf?: (memberIndex: number) => boolean;
  /**
   * Wraps (or replaces) each member's node before the simulator drives it, e.g. with
   * `interceptNode` or an attack of `sim/adversaries`. Return `node` to keep it as it is.
   * @default the node itself
   */
  readonly wrapNode?: (node: DrtNode, info: CloudNodeInfo) => DrtNode;
  /**
   * Told how the run advances: after each join, each second of virtual settling time and each
   * batch of searches. A sans-I/O hook: the caller (the CLI) decides whether and how often to
   * show it; it must not touch the cloud.
   * @default undefined
   */
  readonly progress?: (progress: CloudProgress) => void;
}

/** Where a cloud's run stands, for {@link DrtCloudOptions.progress}. */
export interface CloudProgress {
  /** `build`: joining; `settle`: letting the built cloud settle; `search`: resolving. */
  readonly phase: 'build' | 'settle' | 'search';
  /** Nodes joined so far (members ever added). */
  readonly joined: number;
  /** Searches ended so far, over the cloud's life. */
  readonly resolved: number;
  /** Virtual time now. */
  readonly virtualMs: number;
}

/**
 * The caches of a built cloud (`DrtCloud.snapshot`), to start another cloud of the same seed warm
 * (`DrtCloud.restore`) instead of joining every node again: each live member's key and the
 * members its cache held, by position in `nodes`.
 */
export interface CloudSnapshot {
  readonly nodes: readonly { readonly key: Key; readonly entries: readonly number[] }[];
}

/** What `wrapNode` learns about the member whose node it wraps. */
export interface CloudNodeInfo {
  readonly memberIndex: number;
  readonly key: Key;
  readonly adversary: boolean;
  /** The simulator's context of the node (endpoint, its rng, wall clock). */
  readonly ctx: SimNodeContext;
  /** The DrtNode options the node was built with (its security provider among them). */
  readonly options: Partial<DrtNodeOptions>;
}

/** One node of the cloud and the key it publishes. */
export interface CloudMember {
  readonly handle: SimNodeHandle<DrtNode>;
  readonly key: Key;
  /** True for a member planted by `adversaryOf`. */
  readonly adversary: boolean;
  /** False once it left or failed. */
  live: boolean;
}

/** What one search produced. */
export interface SearchOutcome {
  readonly results: readonly SearchResult[];
  readonly failure: string | undefined;
  readonly path: readonly PathHop[];
  readonly stats: ResolutionStats;
  /** Distinct nodes asked to route (LOOKUP), answered or not: the resolve's hops. */
  readonly hops: number;
  /** Distinct nodes contacted, including the owner's INQUIRE (the extra traceroute hop). */
  readonly contacts: number;
  readonly messages: number;
}
