/**
 * @module sim/node-table
 * Per-node bookkeeping of the simulator, kept small enough for 100,000 nodes: one typed array
 * per field, indexed by node index (status, timer generation and deadline, partition group,
 * counters, wall-clock skew, incarnation), plus a dense list of live nodes with swap-removal so
 * churn can pick a random live node in O(1). {@link SimNodeHandle} is the caller's view of one
 * row; it holds no state of its own beyond its index and endpoint.
 */

import type { Endpoint } from '../keys/endpoint.js';
import type { WallClock } from '../sans-io.js';

/**
 * Status codes stored in {@link NodeTable.status}.
 * @example table.status[i] === NODE_STATUS.up
 */
export const NODE_STATUS: { readonly up: 0; readonly crashed: 1; readonly removed: 2 } =
  Object.freeze({
    up: 0,
    crashed: 1,
    removed: 2,
  });

/**
 * Text form of a node's status.
 * @example const s: NodeStatus = handle.status; // 'up' | 'crashed' | 'removed'
 */
export type NodeStatus = keyof typeof NODE_STATUS;

const STATUS_NAMES: readonly NodeStatus[] = ['up', 'crashed', 'removed'];

/**
 * Growable struct-of-arrays table of nodes. Internal to the simulator.
 * @example const t = new NodeTable(); const i = t.add(node, false); t.status[i] // 0 (up)
 */
export class NodeTable {
  /** Rows in use. */
  count = 0;
  /** Current instance of each node (the last one, even when down). */
  readonly nodes: unknown[] = [];
  status: Uint8Array = new Uint8Array(0);
  /** 1 when the node has a caller-chosen endpoint. */
  custom: Uint8Array = new Uint8Array(0);
  /** Bumped whenever the node's timer is re-armed or dropped; stale timer events mismatch. */
  timerGeneration: Float64Array = new Float64Array(0);
  /** Deadline of the armed timer, `Infinity` when none. */
  timerAtMs: Float64Array = new Float64Array(0);
  /** Partition group (0 unless listed by `partition`). */
  group: Int32Array = new Int32Array(0);
  sent: Float64Array = new Float64Array(0);
  received: Float64Array = new Float64Array(0);
  skewMs: Float64Array = new Float64Array(0);
  incarnation: Uint32Array = new Uint32Array(0);
  /** Position in `liveList`, or -1. */
  livePosition: Int32Array = new Int32Array(0);
  /** Indices of up nodes, dense, in no meaningful order. */
  liveList: Int32Array = new Int32Array(0);
  liveCount = 0;
  /**
   * Every endpoint of the nodes that have several (`addNode({ endpoints })`), primary first;
   * others are absent and have only their handle's `endpoint`.
   */
  readonly endpoints: Map<number, readonly Endpoint[]> = new Map();

  /**
   * Appends an up node and returns its index.
   * @example t.add(node, false)
   */
  add(node: unknown, custom: boolean): number {
    if (this.count === this.status.length) this.grow(Math.max(64, this.count * 2));
    const i = this.count++;
    this.nodes.push(node);
    this.custom[i] = custom ? 1 : 0;
    this.timerAtMs[i] = Number.POSITIVE_INFINITY;
    this.livePosition[i] = -1;
    this.markUp(i);
    return i;
  }

  /**
   * Puts node `i` in the live list (idempotent) and sets it up.
   * @example t.markUp(3)
   */
  markUp(i: number): void {
    this.status[i] = NODE_STATUS.up;
    if (this.livePosition[i]! >= 0) return;
    this.livePosition[i] = this.liveCount;
    this.liveList[this.liveCount++] = i;
  }

  /**
   * Takes node `i` out of the live list, drops its timer and sets `status`.
   * @example t.markDown(3, NODE_STATUS.crashed)
   */
  markDown(i: number, status: number): void {
    this.status[i] = status;
    this.timerGeneration[i]!++;
    this.timerAtMs[i] = Number.POSITIVE_INFINITY;
    const position = this.livePosition[i]!;
    if (position < 0) return;
    const last = this.liveList[--this.liveCount]!;
    this.liveList[position] = last;
    this.livePosition[last] = position;
    this.livePosition[i] = -1;
  }

  private grow(capacity: number): void {
    this.status = grow(this.status, new Uint8Array(capacity));
    this.custom = grow(this.custom, new Uint8Array(capacity));
    this.timerGeneration = grow(this.timerGeneration, new Float64Array(capacity));
    this.timerAtMs = grow(this.timerAtMs, new Float64Array(capacity));
    this.group = grow(this.group, new Int32Array(capacity));
    this.sent = grow(this.sent, new Float64Array(capacity));
    this.received = grow(this.received, new Float64Array(capacity));
    this.skewMs = grow(this.skewMs, new Float64Array(capacity));
    this.incarnation = grow(this.incarnation, new Uint32Array(capacity));
    this.livePosition = grow(this.livePosition, new Int32Array(capacity));
    this.liveList = grow(this.liveList, new Int32Array(capacity));
  }
}

function grow<T extends { set(from: T): void }>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * The caller's handle on one simulated node: its index, endpoint, current instance, status and
 * counters. Handles are created by `Simulation.addNode` and stay valid across crash and
 * restart (the endpoint and index never change; `node` is the newest instance).
 * @example
 * const h = sim.addNode((ctx) => new EchoNode(ctx));
 * h.alive; h.datagramsReceived; formatEndpoint(h.endpoint);
 */
export class SimNodeHandle<N> {
  /** Position of the node in the simulation, from 0 in order of `addNode`. */
  readonly index: number;
  /** The node's endpoint (shared with the node and with receivers; do not mutate). */
  readonly endpoint: Endpoint;
  private readonly table: NodeTable;

  /**
   * Made by the simulation; not for callers.
   * @example new SimNodeHandle(table, 0, simEndpoint(0))
   */
  constructor(table: NodeTable, index: number, endpoint: Endpoint) {
    this.table = table;
    this.index = index;
    this.endpoint = endpoint;
  }

  /**
   * All the node's endpoints, `endpoint` first (several only when `addNode` got `endpoints`).
   * @example sim.handle(0).endpoints.map(formatEndpoint)
   */
  get endpoints(): readonly Endpoint[] {
    return this.table.endpoints.get(this.index) ?? [this.endpoint];
  }

  /**
   * The current node instance (after a crash, the dead one, kept for inspection).
   * @example sim.call(h, (node, nowMs) => node.search(nowMs, target)); h.node.stats
   */
  get node(): N {
    return this.table.nodes[this.index] as N;
  }

  /**
   * `'up'`, `'crashed'` or `'removed'`.
   * @example h.status // 'up'
   */
  get status(): NodeStatus {
    return STATUS_NAMES[this.table.status[this.index]!]!;
  }

  /**
   * True while the node runs (receives datagrams and timers).
   * @example if (h.alive) sim.call(h, (n, now) => n.leave(now));
   */
  get alive(): boolean {
    return this.table.status[this.index] === NODE_STATUS.up;
  }

  /**
   * Transmits produced by this node over all its incarnations.
   * @example h.datagramsSent
   */
  get datagramsSent(): number {
    return this.table.sent[this.index]!;
  }

  /**
   * Datagrams delivered to this node over all its incarnations.
   * @example h.datagramsReceived
   */
  get datagramsReceived(): number {
    return this.table.received[this.index]!;
  }

  /**
   * 0 for the first instance, +1 per restart.
   * @example h.incarnation
   */
  get incarnation(): number {
    return this.table.incarnation[this.index]!;
  }

  /**
   * Offset of this node's wall clock from the simulation's.
   * @example sim.setWallClockSkew(h, 5_000); h.wallClockSkewMs // 5000
   */
  get wallClockSkewMs(): number {
    return this.table.skewMs[this.index]!;
  }
}

/**
 * Time source shared by a simulation's wall clocks (a `Simulation` is one).
 * @example new NodeWallClock(sim as VirtualTimeSource, table, 0)
 */
export interface VirtualTimeSource {
  readonly nowMs: number;
  readonly wallClockStartMs: number;
}

/**
 * A node's wall clock: start + virtual now + the node's current skew.
 * @example new NodeWallClock(sim, table, 3).nowMs()
 */
export class NodeWallClock implements WallClock {
  private readonly time: VirtualTimeSource;
  private readonly table: NodeTable;
  private readonly index: number;

  /**
   * Made by the simulation.
   * @example new NodeWallClock(sim, table, 0)
   */
  constructor(time: VirtualTimeSource, table: NodeTable, index: number) {
    this.time = time;
    this.table = table;
    this.index = index;
  }

  /**
   * Milliseconds since the Unix epoch as this node sees them.
   * @example ctx.wallClock.nowMs() // 1767225600000 at virtual time 0, no skew
   */
  nowMs(): number {
    return this.time.wallClockStartMs + this.time.nowMs + this.table.skewMs[this.index]!;
  }
}
