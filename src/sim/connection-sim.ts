/**
 * @module sim/connection-sim
 * A minimal simulator of `ConnectionNode`s in virtual time (docs/design.md §3, §8): the driver
 * loop of `SimEngine` (event queue, per-node timer with generations, `drainNode` with a `live`
 * check) wired to {@link SimConnections} instead of the datagram path. Nodes sit at the
 * simulator's synthetic endpoints (`2001:db8::<i + 1>`, port 3540), get a random stream forked
 * as `node:<i>` (`node:<i>:restart:<n>` after a restart), and can be crashed, restarted and
 * partitioned. Every report to a node is folded into a trace hash, so one seed gives one trace.
 *
 * How to plug connection nodes into a larger cloud (a graph cloud on `SimEngine`): build one
 * `SimConnections` with a host whose `schedule` pushes calls on the engine's queue, whose
 * `isUp`/`reachable` read the engine's node table and partition groups, and whose
 * `connected`/`accepted`/`received`/`closed` call the node's `handle*` then the engine's drain;
 * give the drain sink `connection: (out) => conns.output(i, out)`; call `conns.nodeDown(i)` on
 * crash, removal and restart, and `conns.partitionChanged()` after `partition`/`heal`. This file
 * is exactly that wiring, without datagrams.
 */
import type { Endpoint } from '../keys/endpoint.js';
import {
  type ConnectionEnd,
  type ConnectionId,
  type ConnectionNode,
  type ConnectionOutput,
  type DrainSink,
  drainNode,
} from '../sans-io.js';
import { type Rng, seededRng } from '../util/rng.js';
import {
  type SimConnectionOptions,
  type SimConnectionStats,
  SimConnections,
} from './connections.js';
import { EventQueue } from './event-queue.js';
import { NetworkModel, type NetworkOptions } from './network.js';
import { simEndpoint, simEndpointIndex } from './sim-endpoints.js';
import { TraceHash } from './trace-hash.js';

/** What a factory of connection nodes gets. */
export interface ConnectionNodeContext {
  readonly index: number;
  readonly endpoint: Endpoint;
  /** The node's own stream (`node:<i>`, or `node:<i>:restart:<n>`). */
  readonly rng: Rng;
  readonly nowMs: number;
  /** 0 for the first instance, then 1, 2, ... per restart. */
  readonly incarnation: number;
}

/** Options of {@link ConnectionSimulation}. Only `seed` is required. */
export interface ConnectionSimulationOptions {
  /** Seed of every stream of the run. */
  readonly seed: number | string;
  /** Delay and loss model of the connections' segments. @default NETWORK_DEFAULTS */
  readonly network?: NetworkOptions;
  /** Knobs of the connection model. */
  readonly connections?: SimConnectionOptions;
  /** Outputs one drain may yield before the node is declared stuck. @default 1000000 */
  readonly drainOutputsMax?: number;
  /** Sees every report to a node, in order (after it is folded into the trace hash). */
  readonly trace?: (record: ConnectionTraceRecord) => void;
}

/** One report to a node, for the `trace` hook. */
export type ConnectionTraceRecord =
  | {
      readonly type: 'connected';
      readonly nowMs: number;
      readonly index: number;
      readonly conn: ConnectionId;
    }
  | {
      readonly type: 'accepted';
      readonly nowMs: number;
      readonly index: number;
      readonly conn: ConnectionId;
      readonly fromIndex: number;
    }
  | {
      readonly type: 'received';
      readonly nowMs: number;
      readonly index: number;
      readonly conn: ConnectionId;
      readonly bytes: Uint8Array;
    }
  | {
      readonly type: 'closed';
      readonly nowMs: number;
      readonly index: number;
      readonly conn: ConnectionId;
      readonly end: ConnectionEnd;
    };

/** Counters of a {@link ConnectionSimulation}. */
export interface ConnectionSimulationStats {
  eventsProcessed: number;
  timersFired: number;
  /** Events nodes emitted. */
  nodeEvents: number;
  /** `transmit` outputs: this simulator carries no datagrams, so they are dropped. */
  transmitsDropped: number;
  readonly connections: SimConnectionStats;
}

const KIND_TIMER = 1;
const KIND_CALL = 2;
const ENDS: readonly ConnectionEnd[] = ['closed', 'reset', 'refused', 'unreachable', 'error'];

/**
 * Runs `ConnectionNode`s over simulated connections in virtual time.
 * @example
 * const sim = new ConnectionSimulation<EchoNode>({ seed: 1 });
 * const a = sim.addNode(() => new EchoNode()), b = sim.addNode(() => new EchoNode());
 * sim.command(a, (n, now) => n.dial(now, sim.endpoint(b)));
 * sim.runFor(1_000);
 */
export class ConnectionSimulation<N extends ConnectionNode<unknown>> {
  private readonly queue = new EventQueue();
  private readonly root: Rng;
  private readonly hash = new TraceHash();
  private readonly conns: SimConnections;
  private readonly nodes: (N | undefined)[] = [];
  private readonly factories: ((ctx: ConnectionNodeContext) => N)[] = [];
  private readonly incarnations: number[] = [];
  private readonly timerAtMs: number[] = [];
  private readonly timerGeneration: number[] = [];
  private groups: number[] | undefined;
  private listeners: ((index: number, event: unknown, nowMs: number) => void)[] = [];
  private now = 0;
  private readonly counters = {
    eventsProcessed: 0,
    timersFired: 0,
    nodeEvents: 0,
    transmitsDropped: 0,
  };
  private drainingIndex = -1;
  private drainingNode: N | undefined;

  constructor(private readonly options: ConnectionSimulationOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('ConnectionSimulation: options must be an object');
    this.root = seededRng(options.seed);
    const net = new NetworkModel(this.root.fork('connections'), options.network ?? {});
    this.conns = new SimConnections(
      {
        nowMs: () => this.now,
        indexOf: (endpoint) => {
          const i = simEndpointIndex(endpoint);
          return i >= 0 && i < this.nodes.length ? i : -1;
        },
        endpointOf: (index) => simEndpoint(index),
        isUp: (index) => this.nodes[index] !== undefined,
        reachable: (a, b) => this.groups === undefined || this.groups[a] === this.groups[b],
        schedule: (atMs, fn) => this.queue.push(Math.max(atMs, this.now), KIND_CALL, 0, 0, fn),
        connected: (i, conn) =>
          this.report(i, { type: 'connected', nowMs: this.now, index: i, conn }),
        accepted: (i, conn, from) =>
          this.report(i, {
            type: 'accepted',
            nowMs: this.now,
            index: i,
            conn,
            fromIndex: simEndpointIndex(from),
          }),
        received: (i, conn, bytes) =>
          this.report(i, { type: 'received', nowMs: this.now, index: i, conn, bytes }),
        closed: (i, conn, end) =>
          this.report(i, { type: 'closed', nowMs: this.now, index: i, conn, end }),
      },
      net,
      options.connections ?? {},
    );
  }

  /** Virtual time in ms. */
  get nowMs(): number {
    return this.now;
  }

  /** A snapshot of the counters. */
  get stats(): ConnectionSimulationStats {
    return { ...this.counters, connections: this.conns.stats };
  }

  /** The determinism fingerprint: every report to every node so far. */
  traceHex(): string {
    return this.hash.hex();
  }

  /** Adds a node built by `factory` at the next synthetic endpoint; returns its index. */
  addNode(factory: (ctx: ConnectionNodeContext) => N): number {
    const index = this.nodes.length;
    this.factories.push(factory);
    this.incarnations.push(0);
    this.timerAtMs.push(Number.POSITIVE_INFINITY);
    this.timerGeneration.push(0);
    this.nodes.push(undefined);
    this.groups?.push(0);
    this.start(index);
    return index;
  }

  /** The running node at `index` (throws when it is down). */
  node(index: number): N {
    const node = this.nodes[index];
    if (node === undefined) throw new RangeError(`node ${index} is not running`);
    return node;
  }

  /** The endpoint of node `index`. */
  endpoint(index: number): Endpoint {
    return simEndpoint(index);
  }

  /** Receives every event any node emits. */
  onEvent(listener: (index: number, event: unknown, nowMs: number) => void): void {
    this.listeners = [...this.listeners, listener];
  }

  /** Runs `fn(node, nowMs)` on node `index`, then drains it. */
  command<T>(index: number, fn: (node: N, nowMs: number) => T): T {
    const node = this.node(index);
    try {
      return fn(node, this.now);
    } finally {
      this.drain(index, node);
    }
  }

  /** Runs `fn` at virtual time `atMs` (not before now). */
  schedule(atMs: number, fn: (sim: this) => void): void {
    if (!(atMs >= this.now) || !Number.isFinite(atMs))
      throw new RangeError(`schedule: atMs must be finite and >= now, got ${atMs}`);
    this.queue.push(atMs, KIND_CALL, 0, 0, () => fn(this));
  }

  /** Processes every event due up to `this.nowMs + ms`, then sets the time there. */
  runFor(ms: number): void {
    const until = this.now + ms;
    while (this.queue.peekTime() <= until) this.processNext();
    this.now = until;
  }

  /** Crashes node `index`: it stops at once; its connections vanish (see SimConnections). */
  crash(index: number): void {
    if (this.nodes[index] === undefined) return;
    this.nodes[index] = undefined;
    this.timerGeneration[index]!++;
    this.timerAtMs[index] = Number.POSITIVE_INFINITY;
    this.conns.nodeDown(index);
  }

  /** Starts a fresh instance of node `index` (crashing the old one if it runs). */
  restart(index: number): void {
    this.crash(index);
    this.incarnations[index]!++;
    this.start(index);
  }

  /** Splits the nodes into groups that cannot reach each other; unlisted nodes form group 0. */
  partition(groups: readonly (readonly number[])[]): void {
    const g = new Array<number>(this.nodes.length).fill(0);
    groups.forEach((members, k) => {
      for (const i of members) g[i] = k + 1;
    });
    this.groups = g;
    this.conns.partitionChanged();
  }

  /** Ends any partition. */
  heal(): void {
    this.groups = undefined;
  }

  private start(index: number): void {
    const incarnation = this.incarnations[index]!;
    const label = incarnation === 0 ? `node:${index}` : `node:${index}:restart:${incarnation}`;
    const node = this.factories[index]!({
      index,
      endpoint: simEndpoint(index),
      rng: this.root.fork(label),
      nowMs: this.now,
      incarnation,
    });
    if (typeof node?.poll !== 'function' || typeof node.handleReceived !== 'function')
      throw new TypeError('node factory must return a ConnectionNode');
    this.nodes[index] = node;
    this.drain(index, node);
  }

  private processNext(): void {
    const q = this.queue;
    q.pop();
    this.now = q.time;
    this.counters.eventsProcessed++;
    if (q.kind === KIND_TIMER) return this.fireTimer(q.a, q.b);
    (q.ref as () => void)();
  }

  private fireTimer(index: number, generation: number): void {
    const node = this.nodes[index];
    if (node === undefined || this.timerGeneration[index] !== generation) return;
    this.counters.timersFired++;
    this.timerAtMs[index] = Number.POSITIVE_INFINITY;
    node.handleTimeout(this.now);
    this.drain(index, node);
  }

  /** Hashes one report, hands it to the node and drains it. */
  private report(index: number, r: ConnectionTraceRecord): void {
    const node = this.nodes[index];
    if (node === undefined) return;
    const h = this.hash;
    h.f64(r.nowMs);
    h.u32(index);
    h.u32(r.conn >>> 0);
    if (r.type === 'connected') {
      h.byte(1);
      node.handleConnected(this.now, r.conn);
    } else if (r.type === 'accepted') {
      h.byte(2);
      h.u32(r.fromIndex);
      node.handleAccepted(this.now, r.conn, simEndpoint(r.fromIndex));
    } else if (r.type === 'received') {
      h.byte(3);
      h.u32(r.bytes.length);
      h.sample(r.bytes);
      node.handleReceived(this.now, r.conn, r.bytes);
    } else {
      h.byte(4 + ENDS.indexOf(r.end));
      node.handleConnectionClosed(this.now, r.conn, r.end);
    }
    this.options.trace?.(r);
    this.drain(index, node);
  }

  private drain(index: number, node: N): void {
    const outerIndex = this.drainingIndex;
    const outerNode = this.drainingNode;
    this.drainingIndex = index;
    this.drainingNode = node;
    try {
      const max = this.options.drainOutputsMax;
      const atMs = drainNodeOf(node, this.sink, max);
      if (atMs !== undefined) this.arm(index, atMs);
    } finally {
      this.drainingIndex = outerIndex;
      this.drainingNode = outerNode;
    }
  }

  private readonly sink: DrainSink<unknown> = {
    transmit: () => {
      this.counters.transmitsDropped++;
    },
    event: (event) => {
      this.counters.nodeEvents++;
      for (const listener of this.listeners) listener(this.drainingIndex, event, this.now);
    },
    connection: (out: ConnectionOutput) => this.conns.output(this.drainingIndex, out),
    live: () => this.nodes[this.drainingIndex] === this.drainingNode,
    name: 'a connection node',
  };

  private arm(index: number, atMs: number): void {
    if (typeof atMs !== 'number' || Number.isNaN(atMs))
      throw new RangeError(`node ${index} returned timeout atMs ${atMs}`);
    if (atMs === this.timerAtMs[index]) return;
    const generation = ++this.timerGeneration[index]!;
    this.timerAtMs[index] = atMs;
    if (atMs === Number.POSITIVE_INFINITY) return;
    this.queue.push(Math.max(atMs, this.now), KIND_TIMER, index, generation, undefined);
  }
}

function drainNodeOf(
  node: ConnectionNode<unknown>,
  sink: DrainSink<unknown>,
  max: number | undefined,
): number | undefined {
  return max === undefined ? drainNode(node, sink) : drainNode(node, sink, max, 'drainOutputsMax');
}
