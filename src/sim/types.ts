/**
 * @module sim/types
 * Shapes shared by the simulator's files: options, the context handed to a node factory, stop
 * conditions and results of a run, statistics and trace records. No code lives here.
 */

import type { Endpoint } from '../keys/endpoint.js';
import type { Logger } from '../log.js';
import type { WallClock } from '../sans-io.js';
import type { Rng } from '../util/rng.js';
import type { NetworkOptions } from './network.js';

/**
 * Why a datagram did not reach a node.
 * @example const lost = sim.stats.datagramsDropped['loss' satisfies DropReason];
 */
export type DropReason =
  /** Lost by the network model (`lossProbability`). */
  | 'loss'
  /** Sender and receiver were in different partition groups at send or at delivery time. */
  | 'partition'
  /** No node was ever added at the destination endpoint. */
  | 'unknown-endpoint'
  /** The destination node was crashed or removed when the datagram arrived. */
  | 'node-down'
  /** Too many datagrams in flight (`inFlightMax`). */
  | 'in-flight-max';

/**
 * One delivered or dropped datagram, for the optional `trace` hook.
 * @example new Simulation({ seed: 1, trace: (r: SimTraceRecord) => records.push(r) })
 */
export type SimTraceRecord =
  | {
      readonly type: 'deliver';
      readonly nowMs: number;
      readonly fromIndex: number;
      readonly toIndex: number;
      readonly from: Endpoint;
      readonly to: Endpoint;
      readonly payload: Uint8Array;
    }
  | {
      readonly type: 'drop';
      readonly reason: DropReason;
      readonly nowMs: number;
      readonly fromIndex: number;
      /** -1 when no node has the destination endpoint. */
      readonly toIndex: number;
      readonly from: Endpoint;
      readonly to: Endpoint;
      readonly payload: Uint8Array;
    };

/**
 * Construction options of a `Simulation`. Only `seed` is required.
 * @example const options: SimulationOptions = { seed: 7, network: { lossProbability: 0.05 } };
 */
export interface SimulationOptions {
  /** Seed of every random stream of the run (network, nodes, churn). Print it in tests. */
  readonly seed: number | bigint | string;
  /** The network model's knobs, see `NetworkOptions`. @default {} (all defaults) */
  readonly network?: NetworkOptions;
  /**
   * Wall-clock time (ms since the epoch) at virtual time 0.
   * @default 1767225600000 (2026-01-01T00:00:00Z)
   */
  readonly wallClockStartMs?: number;
  /** Events processed over the simulation's life; runs stop with `'events'` beyond. @default 1e9 */
  readonly eventsMax?: number;
  /** Datagrams in flight at once; more are dropped as `'in-flight-max'`. @default 1_000_000 */
  readonly inFlightMax?: number;
  /** Nodes that may ever be added. @default 1_000_000 */
  readonly nodesMax?: number;
  /** Outputs one drain may yield before the node is declared stuck (throws). @default 1_000_000 */
  readonly drainOutputsMax?: number;
  /** Copy each payload at send, so a node may reuse its send buffer. @default false */
  readonly copyPayloads?: boolean;
  /**
   * Called for every delivered or dropped datagram; must not touch the simulation.
   * @default undefined
   */
  readonly trace?: (record: SimTraceRecord) => void;
  /**
   * Structured log: nodes added, crashed and removed (`sim-node`); also handed to each node
   * factory as `ctx.logger`, so `new DrtNode({ ...ctx })` logs its drops. @default none
   */
  readonly logger?: Logger | undefined;
}

/**
 * What a node factory receives: everything a node needs that the simulator owns.
 * @example sim.addNode((ctx: SimNodeContext) => new EchoNode(ctx.endpoint, ctx.rng, ctx.wallClock))
 */
export interface SimNodeContext {
  /** The node's endpoint (synthetic unless given to `addNode`). Do not mutate. */
  readonly endpoint: Endpoint;
  /**
   * All the node's endpoints, `endpoint` first: several when `addNode` got `endpoints` (a node in
   * several clouds). Datagrams to any of them reach the node with that one as `localEndpoint`;
   * a transmit's `from` picks the one it leaves from. Do not mutate.
   */
  readonly endpoints: readonly Endpoint[];
  /** The node's own stream: `fork('node:<index>')`; `'node:<index>:restart:<n>'` after restarts. */
  readonly rng: Rng;
  /** Wall clock: start + virtual time + this node's skew. */
  readonly wallClock: WallClock;
  /** Virtual time of creation. */
  readonly nowMs: number;
  /** Index of the node in the simulation (stable across restarts). */
  readonly index: number;
  /** 0 for the first instance, then 1, 2, ... per restart. */
  readonly incarnation: number;
  /** The simulation's logger, if it has one (pass it on to the node). */
  readonly logger?: Logger | undefined;
}

/**
 * Builds a node instance for the simulator to drive.
 * @example const factory: NodeFactory<EchoNode> = (ctx) => new EchoNode(ctx);
 */
export type NodeFactory<N> = (ctx: SimNodeContext) => N;

/**
 * Options of `Simulation.addNode`.
 * @example sim.addNode(factory, { endpoint: parseEndpoint('192.0.2.1:3540'), wallClockSkewMs: 9 })
 */
export interface AddNodeOptions {
  /**
   * A caller-chosen endpoint; must be unique and outside `2001:db8::/96` port 3540.
   * @default the synthetic endpoint `[2001:db8::<index + 1>]:3540`
   */
  readonly endpoint?: Endpoint;
  /**
   * Several caller-chosen endpoints for one node (e.g. a `PnrpNode` in several clouds), each
   * unique and outside `2001:db8::/96` port 3540; the first is the handle's `endpoint`. Not
   * together with `endpoint`.
   * @default one endpoint (`endpoint`)
   */
  readonly endpoints?: readonly Endpoint[];
  /** Offset added to this node's wall clock. @default 0 */
  readonly wallClockSkewMs?: number;
}

/**
 * Stop conditions of `Simulation.runUntil`; at least one is required.
 * @example sim.runUntil(() => done, { maxTimeMs: 60_000, maxEvents: 10_000_000 })
 */
export interface RunBounds {
  /** Stop once virtual time would pass `nowMs + maxTimeMs` (inclusive). */
  readonly maxTimeMs?: number;
  /** Stop once virtual time would pass this absolute time (inclusive). */
  readonly untilMs?: number;
  /** Stop after processing this many events in this call. */
  readonly maxEvents?: number;
}

/**
 * Why and where a run stopped.
 * @example const { reason, nowMs, events }: RunResult = sim.runFor(1_000);
 */
export interface RunResult {
  /**
   * `'predicate'`: it returned true; `'time'`: the time bound was reached (now = the bound);
   * `'events'`: this call's `maxEvents` or the simulation's `eventsMax` was used up;
   * `'idle'`: nothing is left to happen.
   */
  readonly reason: 'predicate' | 'time' | 'events' | 'idle';
  /** Virtual time at the stop. */
  readonly nowMs: number;
  /** Events processed by this call. */
  readonly events: number;
}

/**
 * Counters of a simulation; `sim.stats` returns a fresh snapshot.
 * @example const { datagramsDelivered, datagramsDropped }: SimStats = sim.stats;
 */
export interface SimStats {
  /** Events taken off the queue (deliveries, timers including stale ones, scheduled calls). */
  readonly eventsProcessed: number;
  /** Timer events that reached a node. */
  readonly timersFired: number;
  /** Timer events ignored because the timer was re-armed, cancelled or the node went down. */
  readonly timersStale: number;
  /** Functions run by `schedule`. */
  readonly scheduledCalls: number;
  /** Events emitted by nodes (handed to `onEvent` listeners). */
  readonly nodeEvents: number;
  /** Transmits produced by nodes. */
  readonly datagramsSent: number;
  /** Datagrams handed to a node (duplicates included). */
  readonly datagramsDelivered: number;
  /** Extra copies made by the network. */
  readonly datagramsDuplicated: number;
  /** Datagrams dropped, by reason. */
  readonly datagramsDropped: Readonly<Record<DropReason, number>>;
  /** Payload bytes of `datagramsSent`. */
  readonly bytesSent: number;
  /** Payload bytes of `datagramsDelivered`. */
  readonly bytesDelivered: number;
  /** Datagrams in flight now. */
  readonly inFlight: number;
  /** Most datagrams ever in flight at once. */
  readonly inFlightPeak: number;
}
