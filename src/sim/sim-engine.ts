/**
 * @module sim/sim-engine
 * The hot path of the simulator, the base class of `Simulation`: the event queue, virtual time,
 * the drain loop that drives a node exactly like the real run loop (docs/design.md §2), the timer
 * re-arming with per-node generations, and the datagram path (send, network fate, in-flight
 * bound, delivery, trace hash, drops by reason). Events are typed records, never closures,
 * except for `schedule`d functions.
 */

import { type Endpoint, endpointsEqual } from '../keys/endpoint.js';
import { type DrainSink, drainNode, type SansIoNode } from '../sans-io.js';
import { type Rng, seededRng } from '../util/rng.js';
import { EventQueue } from './event-queue.js';
import { NetworkModel } from './network.js';
import { NODE_STATUS, NodeTable, NodeWallClock, type SimNodeHandle } from './node-table.js';
import { SimRoster } from './sim-roster.js';
import { resolveSimulationOptions, type SimulationSettings } from './simulation-options.js';
import { TraceHash } from './trace-hash.js';
import type { DropReason, NodeFactory, SimStats, SimulationOptions } from './types.js';

/** Event kinds in the queue. */
const KIND_DELIVER = 1;
const KIND_TIMER = 2;
/** A function given to `schedule`. */
const KIND_CALL = 3;
/** A delivery record holds `index + slot * SLOT_UNIT`: the node and which of its endpoints. */
const SLOT_UNIT = 0x1_0000_0000;

type AnyNode = SansIoNode<unknown>;

/**
 * Receives every event any node emits, with the node's handle and the virtual time.
 * @example const log: SimEventListener<NodeEvent> = (h, ev, nowMs) => seen.push([h.index, ev]);
 */
export type SimEventListener<E> = (
  handle: SimNodeHandle<SansIoNode<E>>,
  event: E,
  nowMs: number,
) => void;

/**
 * Event processing and the datagram path. Not used on its own.
 * @example class Simulation<E> extends SimEngine<E> {}
 */
export class SimEngine<E> extends SimRoster<E> {
  /** Wall-clock time at virtual time 0. */
  readonly wallClockStartMs: number;
  protected readonly settings: SimulationSettings;
  protected readonly root: Rng;
  protected readonly net: NetworkModel;
  protected readonly queue: EventQueue = new EventQueue();
  protected readonly hash: TraceHash = new TraceHash();
  protected listeners: readonly SimEventListener<E>[] = [];
  protected now = 0;
  protected eventsProcessed = 0;
  private timersFired = 0;
  private timersStale = 0;
  private scheduledCalls = 0;
  private nodeEvents = 0;
  private datagramsSent = 0;
  private datagramsDelivered = 0;
  private datagramsDuplicated = 0;
  private bytesSent = 0;
  private bytesDelivered = 0;
  private inFlight = 0;
  private inFlightPeak = 0;
  /** The node being drained (see `drain`) and its index. */
  private drainingIndex = -1;
  private drainingNode: AnyNode | undefined;
  private readonly dropped: Record<DropReason, number> = {
    loss: 0,
    partition: 0,
    'unknown-endpoint': 0,
    'node-down': 0,
    'in-flight-max': 0,
  };

  /**
   * Validates the options once and forks the network stream.
   * @example super(options)
   */
  constructor(options: SimulationOptions) {
    const settings = resolveSimulationOptions(options);
    super(new NodeTable(), settings.nodesMax);
    this.settings = settings;
    this.wallClockStartMs = settings.wallClockStartMs;
    this.root = seededRng(options.seed);
    this.net = new NetworkModel(this.root.fork('network'), options.network ?? {});
  }

  /**
   * Virtual time in ms; starts at 0 and moves only when an event is processed or a run
   * reaches its time bound.
   * @example sim.nowMs // 0
   */
  get nowMs(): number {
    return this.now;
  }

  /**
   * A snapshot of the counters.
   * @example sim.stats.datagramsDropped.loss
   */
  get stats(): SimStats {
    return {
      eventsProcessed: this.eventsProcessed,
      timersFired: this.timersFired,
      timersStale: this.timersStale,
      scheduledCalls: this.scheduledCalls,
      nodeEvents: this.nodeEvents,
      datagramsSent: this.datagramsSent,
      datagramsDelivered: this.datagramsDelivered,
      datagramsDuplicated: this.datagramsDuplicated,
      datagramsDropped: { ...this.dropped },
      bytesSent: this.bytesSent,
      bytesDelivered: this.bytesDelivered,
      inFlight: this.inFlight,
      inFlightPeak: this.inFlightPeak,
    };
  }

  /** Calls `factory` with a fresh context and checks that it returned a node. */
  protected build<N>(
    factory: NodeFactory<N>,
    index: number,
    incarnation: number,
    endpoints: readonly Endpoint[],
  ): N {
    if (typeof factory !== 'function') throw new TypeError('node factory must be a function');
    const label = incarnation === 0 ? `node:${index}` : `node:${index}:restart:${incarnation}`;
    const node = factory({
      endpoint: endpoints[0]!,
      endpoints,
      rng: this.root.fork(label),
      wallClock: new NodeWallClock(this, this.table, index),
      nowMs: this.now,
      index,
      incarnation,
      ...(this.settings.logger ? { logger: this.settings.logger } : {}),
    });
    const n = node as Partial<AnyNode> | null;
    if (
      typeof n !== 'object' ||
      n === null ||
      typeof n.poll !== 'function' ||
      typeof n.handleDatagram !== 'function' ||
      typeof n.handleTimeout !== 'function'
    ) {
      throw new TypeError(
        'node factory must return a SansIoNode (handleDatagram, handleTimeout, poll)',
      );
    }
    return node;
  }

  /** Queues `fn` to run at `atMs` (validated by the caller). */
  protected pushCall(atMs: number, fn: (sim: this) => void): void {
    this.queue.push(atMs, KIND_CALL, 0, 0, fn);
  }

  /** Pops the earliest event, advances time to it and handles it. */
  protected processNext(): void {
    const q = this.queue;
    q.pop();
    this.now = q.time;
    this.eventsProcessed++;
    if (q.kind === KIND_DELIVER) {
      this.deliver(q.a, q.b, q.ref as Uint8Array);
    } else if (q.kind === KIND_TIMER) {
      this.fireTimer(q.a, q.b);
    } else {
      this.scheduledCalls++;
      (q.ref as (sim: this) => void)(this);
    }
  }

  /**
   * Drains node `i` with `drainNode` (bounded by `drainOutputsMax`), routing each output, and
   * re-arms its timer. A listener may crash or restart the node mid-drain (`live` then stops the
   * drain) or drain another node (`sim.call`): the node being drained is saved and restored.
   */
  protected drain(i: number, node: AnyNode): void {
    const outerIndex = this.drainingIndex;
    const outerNode = this.drainingNode;
    this.drainingIndex = i;
    this.drainingNode = node;
    try {
      const max = this.settings.drainOutputsMax;
      const atMs = drainNode(node, this.drainSink, max, 'drainOutputsMax');
      if (atMs !== undefined) this.arm(i, atMs);
    } finally {
      this.drainingIndex = outerIndex;
      this.drainingNode = outerNode;
    }
  }

  /** The sink of every drain; it routes to the node being drained (one object, no allocation). */
  private readonly drainSink: DrainSink<E> = this.makeDrainSink();

  private makeDrainSink(): DrainSink<E> {
    const engine = this;
    return {
      transmit: (out) => engine.transmit(engine.drainingIndex, out.to, out.payload, out.from),
      event: (event) => engine.emit(engine.drainingIndex, event),
      // A listener may have crashed or restarted this node mid-drain: stop serving the old one.
      live: () =>
        engine.table.nodes[engine.drainingIndex] === engine.drainingNode &&
        engine.table.status[engine.drainingIndex] === NODE_STATUS.up,
      get name() {
        return `node ${engine.drainingIndex}`;
      },
    };
  }

  private fireTimer(i: number, generation: number): void {
    const t = this.table;
    if (t.timerGeneration[i] !== generation || t.status[i] !== NODE_STATUS.up) {
      this.timersStale++;
      return;
    }
    this.timersFired++;
    t.timerAtMs[i] = Number.POSITIVE_INFINITY;
    const node = t.nodes[i] as AnyNode;
    node.handleTimeout(this.now);
    this.drain(i, node);
  }

  private arm(i: number, atMs: number): void {
    const t = this.table;
    if (typeof atMs !== 'number' || Number.isNaN(atMs)) {
      throw new RangeError(`node ${i} returned timeout atMs ${atMs}`);
    }
    if (atMs === t.timerAtMs[i]) return; // already armed there (or still none)
    const generation = ++t.timerGeneration[i]!;
    t.timerAtMs[i] = atMs;
    if (atMs === Number.POSITIVE_INFINITY) return;
    this.queue.push(Math.max(atMs, this.now), KIND_TIMER, i, generation, undefined);
  }

  private emit(i: number, event: E): void {
    this.nodeEvents++;
    const listeners = this.listeners;
    if (listeners.length === 0) return;
    const handle = this.handles[i]!;
    for (const listener of listeners) listener(handle, event, this.now);
  }

  /**
   * Sends a transmit of node `from`. A node with several endpoints sends from the one its
   * transmit names (`out.from`; none: its first); one with a single endpoint ignores `from`, as
   * a transport with one endpoint does. Which endpoint of sender and receiver a datagram uses
   * travels in its queue record as `index + slot * 2^32` (slot 0 for single-endpoint nodes).
   */
  private transmit(from: number, to: Endpoint, payload: Uint8Array, via?: Endpoint): void {
    const t = this.table;
    this.datagramsSent++;
    this.bytesSent += payload.length;
    t.sent[from]!++;
    if (this.settings.copyPayloads) payload = payload.slice();
    let fromCode = from;
    let toCode = this.indexOf(to);
    const toIndex = toCode;
    if (t.endpoints.size > 0) {
      if (via !== undefined) fromCode += this.slotOf(from, via, true) * SLOT_UNIT;
      if (toIndex >= 0) toCode += this.slotOf(toIndex, to, false) * SLOT_UNIT;
    }
    if (toIndex < 0) {
      this.drop('unknown-endpoint', fromCode, toIndex, to, payload);
    } else if (this.partitioned && t.group[from] !== t.group[toIndex]) {
      this.drop('partition', fromCode, toIndex, to, payload);
    } else {
      const fate = this.net.sample(from, toIndex);
      if (fate.lost) {
        this.drop('loss', fromCode, toIndex, to, payload);
        return;
      }
      const duplicateDelayMs = fate.duplicateDelayMs;
      this.enqueue(fromCode, toCode, fate.delayMs, to, payload);
      if (duplicateDelayMs >= 0) {
        this.datagramsDuplicated++;
        this.enqueue(fromCode, toCode, duplicateDelayMs, to, payload);
      }
    }
  }

  /**
   * Position of `endpoint` among node `i`'s endpoints (0 for a node with one). A node that names
   * a `from` it does not own is a bug in the node: RangeError.
   */
  private slotOf(i: number, endpoint: Endpoint, sending: boolean): number {
    const endpoints = this.table.endpoints.get(i);
    if (endpoints === undefined) return 0;
    for (let k = 0; k < endpoints.length; k++)
      if (endpointsEqual(endpoints[k]!, endpoint)) return k;
    if (sending) throw new RangeError(`node ${i} sent from an endpoint it does not own`);
    return 0;
  }

  /** Node `code % 2^32`'s endpoint number `floor(code / 2^32)`. */
  private endpointAt(code: number): Endpoint {
    const i = code >>> 0;
    if (i === code) return this.handles[i]!.endpoint;
    return this.table.endpoints.get(i)![(code - i) / SLOT_UNIT]!;
  }

  private enqueue(
    from: number,
    to: number,
    delayMs: number,
    ep: Endpoint,
    payload: Uint8Array,
  ): void {
    if (this.inFlight >= this.settings.inFlightMax) {
      this.drop('in-flight-max', from, to >>> 0, ep, payload);
      return;
    }
    if (++this.inFlight > this.inFlightPeak) this.inFlightPeak = this.inFlight;
    this.queue.push(this.now + delayMs, KIND_DELIVER, to, from, payload);
  }

  private deliver(toCode: number, fromCode: number, payload: Uint8Array): void {
    this.inFlight--;
    const t = this.table;
    const to = toCode >>> 0;
    const from = fromCode >>> 0;
    if (t.status[to] !== NODE_STATUS.up) {
      this.drop('node-down', fromCode, to, this.endpointAt(toCode), payload);
      return;
    }
    if (this.partitioned && t.group[from] !== t.group[to]) {
      this.drop('partition', fromCode, to, this.endpointAt(toCode), payload);
      return;
    }
    this.datagramsDelivered++;
    this.bytesDelivered += payload.length;
    t.received[to]!++;
    const h = this.hash;
    h.f64(this.now);
    h.u32(from);
    h.u32(to);
    if (fromCode !== from || toCode !== to) {
      // Only nodes with several endpoints: which ones were used (single-endpoint runs hash as before).
      h.u32((fromCode - from) / SLOT_UNIT);
      h.u32((toCode - to) / SLOT_UNIT);
    }
    h.u32(payload.length);
    h.sample(payload);
    const fromEndpoint = this.endpointAt(fromCode);
    const toEndpoint = this.endpointAt(toCode);
    const trace = this.settings.trace;
    if (trace !== undefined) {
      trace({
        type: 'deliver',
        nowMs: this.now,
        fromIndex: from,
        toIndex: to,
        from: fromEndpoint,
        to: toEndpoint,
        payload,
      });
    }
    const node = t.nodes[to] as SansIoNode<E>;
    node.handleDatagram(this.now, fromEndpoint, payload, toEndpoint);
    this.drain(to, node);
  }

  /** Counts a dropped datagram; `fromCode` is the sender's index and endpoint slot. */
  private drop(
    reason: DropReason,
    fromCode: number,
    to: number,
    ep: Endpoint,
    payload: Uint8Array,
  ): void {
    this.dropped[reason]++;
    const trace = this.settings.trace;
    if (trace === undefined) return;
    trace({
      type: 'drop',
      reason,
      nowMs: this.now,
      fromIndex: fromCode >>> 0,
      toIndex: to,
      from: this.endpointAt(fromCode),
      to: ep,
      payload,
    });
  }
}
