/**
 * @module sim/sim-engine
 * The hot path of the simulator, the base class of `Simulation`: the event queue, virtual time,
 * the drain loop that drives a node exactly like the real run loop (DESIGN.md §2), the timer
 * re-arming with per-node generations, and the datagram path (send, network fate, in-flight
 * bound, delivery, trace hash, drops by reason). Events are typed records, never closures,
 * except for `schedule`d functions.
 */
import type { SansIoNode } from '../drt/sans-io.js';
import type { Endpoint } from '../keys/endpoint.js';
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
    endpoint: Endpoint,
  ): N {
    if (typeof factory !== 'function') throw new TypeError('node factory must be a function');
    const label = incarnation === 0 ? `node:${index}` : `node:${index}:restart:${incarnation}`;
    const node = factory({
      endpoint,
      rng: this.root.fork(label),
      wallClock: new NodeWallClock(this, this.table, index),
      nowMs: this.now,
      index,
      incarnation,
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

  /** Drains node `i` until `timeout`, routing each output; re-arms its timer. */
  protected drain(i: number, node: AnyNode): void {
    const t = this.table;
    const max = this.settings.drainOutputsMax;
    for (let n = 0; n < max; n++) {
      // A listener may have crashed or restarted this node mid-drain: stop serving the old one.
      if (t.nodes[i] !== node || t.status[i] !== NODE_STATUS.up) return;
      const out = node.poll();
      if (out.type === 'transmit') this.transmit(i, out.to, out.payload);
      else if (out.type === 'event') this.emit(i, out.event as E);
      else if (out.type === 'timeout') {
        this.arm(i, out.atMs);
        return;
      } else throw new TypeError(`node ${i} returned an output of unknown type`);
    }
    throw new Error(`node ${i} yielded ${max} outputs without a timeout (drainOutputsMax)`);
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

  private transmit(from: number, to: Endpoint, payload: Uint8Array): void {
    const t = this.table;
    this.datagramsSent++;
    this.bytesSent += payload.length;
    t.sent[from]!++;
    if (this.settings.copyPayloads) payload = payload.slice();
    const toIndex = this.indexOf(to);
    if (toIndex < 0) {
      this.drop('unknown-endpoint', from, toIndex, to, payload);
    } else if (this.partitioned && t.group[from] !== t.group[toIndex]) {
      this.drop('partition', from, toIndex, to, payload);
    } else {
      const fate = this.net.sample(from, toIndex);
      if (fate.lost) {
        this.drop('loss', from, toIndex, to, payload);
        return;
      }
      const duplicateDelayMs = fate.duplicateDelayMs;
      this.enqueue(from, toIndex, fate.delayMs, to, payload);
      if (duplicateDelayMs >= 0) {
        this.datagramsDuplicated++;
        this.enqueue(from, toIndex, duplicateDelayMs, to, payload);
      }
    }
  }

  private enqueue(
    from: number,
    to: number,
    delayMs: number,
    ep: Endpoint,
    payload: Uint8Array,
  ): void {
    if (this.inFlight >= this.settings.inFlightMax) {
      this.drop('in-flight-max', from, to, ep, payload);
      return;
    }
    if (++this.inFlight > this.inFlightPeak) this.inFlightPeak = this.inFlight;
    this.queue.push(this.now + delayMs, KIND_DELIVER, to, from, payload);
  }

  private deliver(to: number, from: number, payload: Uint8Array): void {
    this.inFlight--;
    const t = this.table;
    if (t.status[to] !== NODE_STATUS.up) {
      this.drop('node-down', from, to, this.handles[to]!.endpoint, payload);
      return;
    }
    if (this.partitioned && t.group[from] !== t.group[to]) {
      this.drop('partition', from, to, this.handles[to]!.endpoint, payload);
      return;
    }
    this.datagramsDelivered++;
    this.bytesDelivered += payload.length;
    t.received[to]!++;
    const h = this.hash;
    h.f64(this.now);
    h.u32(from);
    h.u32(to);
    h.u32(payload.length);
    h.sample(payload);
    const fromEndpoint = this.handles[from]!.endpoint;
    const trace = this.settings.trace;
    if (trace !== undefined) {
      const toEndpoint = this.handles[to]!.endpoint;
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
    const node = t.nodes[to] as AnyNode;
    node.handleDatagram(this.now, fromEndpoint, payload);
    this.drain(to, node);
  }

  private drop(
    reason: DropReason,
    from: number,
    to: number,
    ep: Endpoint,
    payload: Uint8Array,
  ): void {
    this.dropped[reason]++;
    const trace = this.settings.trace;
    if (trace === undefined) return;
    const fromEndpoint = this.handles[from]!.endpoint;
    trace({
      type: 'drop',
      reason,
      nowMs: this.now,
      fromIndex: from,
      toIndex: to,
      from: fromEndpoint,
      to: ep,
      payload,
    });
  }
}
