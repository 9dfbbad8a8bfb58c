/**
 * @module sim/simulation
 * The deterministic discrete-event simulator (docs/design.md §2-§3; FoundationDB simulation and
 * turmoil in spirit). Virtual time moves only from event to event. The simulator drives every
 * node exactly like the real run loop: after each `handle*` call (a delivered datagram, a timer,
 * or a command given through {@link Simulation.call}) it drains `poll()` until `timeout`, hands
 * transmits to the network model, events to listeners, and re-arms the node's single timer at
 * `atMs`. A later drain replaces the previous timer; stale timer events are recognised by a
 * per-node generation number and ignored. Nodes must tolerate a spurious `handleTimeout`.
 *
 * Randomness: one root `seededRng(seed)`; the network draws from `fork('network')`, node `i`
 * from `fork('node:<i>')` (`'node:<i>:restart:<n>'` after its n-th restart), callers from
 * `forkRng(label)` = `fork('user:<label>')`. Adding a node never perturbs another node's stream.
 * Every delivered datagram is folded into {@link Simulation.traceHash}; the same seed and the
 * same script give the same hash. This file is the public surface; the event loop and datagram
 * path are in `sim-engine.ts`, membership and partitions in `sim-roster.ts`.
 */
import { type Endpoint, formatEndpoint } from '../keys/endpoint.js';
import type { SansIoNode } from '../sans-io.js';
import type { Rng } from '../util/rng.js';
import type { NetworkOptions, NetworkSettings } from './network.js';
import { NODE_STATUS, SimNodeHandle } from './node-table.js';
import { SimEngine, type SimEventListener } from './sim-engine.js';
import { runLimits } from './simulation-options.js';
import type {
  AddNodeOptions,
  NodeFactory,
  RunBounds,
  RunResult,
  SimulationOptions,
} from './types.js';

/**
 * A simulated network of sans-I/O nodes in virtual time.
 * @example
 * const sim = new Simulation<NodeEvent>({ seed: 42, network: { lossProbability: 0.01 } });
 * const a = sim.addNode((ctx) => new DrtNode({ ...ctx }));
 * sim.call(a, (node, nowMs) => node.registerKey(nowMs, key));
 * sim.runUntil(() => done, { maxTimeMs: 60_000 });
 * console.log(sim.seed, sim.traceHash, sim.stats);
 */
export class Simulation<E = unknown> extends SimEngine<E> {
  /** The seed everything derives from; print it so a failure can be replayed. */
  readonly seed: number | bigint | string;
  private running = false;

  /**
   * @param options only `seed` is required; see {@link SimulationOptions} for every default.
   * @example new Simulation({ seed: Number(process.env.PNRP_SEED ?? 1) })
   */
  constructor(options: SimulationOptions) {
    super(options);
    this.seed = options.seed;
  }

  /**
   * FNV-1a 64 (16 hex digits) over every datagram delivered so far: time, sender, receiver,
   * payload length and a fixed-size sample of the payload (`TraceHash.sample`). Same seed and
   * script, same hash.
   * @example expect(runOnce(7).traceHash).toBe(runOnce(7).traceHash)
   */
  get traceHash(): string {
    return this.hash.hex();
  }

  /**
   * Events waiting in the queue (datagrams in flight, armed timers, scheduled calls).
   * @example sim.pendingEvents
   */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /**
   * The network settings in force.
   * @example sim.network.delayMeanMs // 50
   */
  get network(): NetworkSettings {
    return this.net.options;
  }

  /**
   * Changes network knobs from now on (validated; others keep their values).
   * @example sim.setNetwork({ delayMinMs: 100, delayMeanMs: 300 })
   */
  setNetwork(options: NetworkOptions): void {
    this.net.update(options);
  }

  /**
   * Sets the loss probability from now on.
   * @example sim.setLoss(0.2)
   */
  setLoss(probability: number): void {
    this.net.update({ lossProbability: probability });
  }

  /**
   * Sets the duplication probability from now on.
   * @example sim.setDuplication(0.05)
   */
  setDuplication(probability: number): void {
    this.net.update({ duplicateProbability: probability });
  }

  /**
   * An independent random stream for the caller: `fork('user:<label>')` of the root.
   * @example const pick = sim.forkRng('targets'); pick.nextInt(sim.nodeCount)
   */
  forkRng(label: string): Rng {
    if (typeof label !== 'string') throw new TypeError('forkRng label must be a string');
    return this.root.fork(`user:${label}`);
  }

  /**
   * Subscribes to node events; returns the unsubscribe function. Listeners may issue commands
   * (`call`, `crash`, `schedule`, ...) but not run the simulation.
   * @example const off = sim.onEvent((h, ev, nowMs) => log.push([h.index, ev, nowMs]));
   */
  onEvent(listener: SimEventListener<E>): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Adds a node built by `factory` at the current virtual time and drains it once.
   * @example const h = sim.addNode((ctx) => new EchoNode(ctx), { wallClockSkewMs: -2_000 });
   */
  addNode<N extends SansIoNode<E>>(
    factory: NodeFactory<N>,
    options: AddNodeOptions = {},
  ): SimNodeHandle<N> {
    const { index, endpoint, custom, skewMs } = this.reserve(options);
    const handle = new SimNodeHandle<N>(this.table, index, endpoint);
    const node = this.build(factory, index, 0, custom ?? [endpoint]);
    this.commit(handle, node, custom, skewMs);
    this.logNode('added', endpoint);
    this.drain(index, node);
    return handle;
  }

  /**
   * Runs `fn` on the node now (e.g. a command such as `registerKey` or `search`) and drains it,
   * even when `fn` throws. Throws when the node is down.
   * @example const id = sim.call(h, (node, nowMs) => node.search(nowMs, target, {}));
   */
  call<N, R>(handle: SimNodeHandle<N>, fn: (node: N, nowMs: number) => R): R {
    const i = this.own(handle);
    if (this.table.status[i] !== NODE_STATUS.up) {
      throw new Error(`sim.call: node ${i} is ${handle.status}`);
    }
    const node = this.table.nodes[i] as N & SansIoNode<unknown>;
    try {
      return fn(node, this.now);
    } finally {
      this.drain(i, node);
    }
  }

  /**
   * Runs `fn` at virtual time `atMs` (>= now); ties run in scheduling order.
   * @example sim.schedule(10_000, (s) => s.partition([[a], [b, c]]));
   */
  schedule(atMs: number, fn: (sim: this) => void): void {
    if (!Number.isFinite(atMs) || atMs < this.now) {
      throw new RangeError(`schedule: atMs must be finite and >= nowMs (${this.now}), got ${atMs}`);
    }
    if (typeof fn !== 'function') throw new TypeError('schedule: fn must be a function');
    this.pushCall(atMs, fn);
  }

  /**
   * Stops a node at once: it receives nothing and its timer is dropped. No-op when already down.
   * @example sim.crash(h); h.alive // false
   */
  crash(handle: SimNodeHandle<unknown>): void {
    const i = this.own(handle);
    if (this.table.status[i] !== NODE_STATUS.up) return;
    this.table.markDown(i, NODE_STATUS.crashed);
    this.logNode('crashed', handle.endpoint);
  }

  /** Logs a node joining or leaving the simulated network (only with a logger). */
  private logNode(change: 'added' | 'crashed' | 'removed', endpoint: Endpoint): void {
    const logger = this.settings.logger;
    if (logger)
      logger({ type: 'sim-node', change, endpoint: formatEndpoint(endpoint), atMs: this.now });
  }

  /**
   * Takes a node out for good (e.g. after a graceful leave); it can not be restarted.
   * @example sim.call(h, (n, now) => n.leave(now)); sim.remove(h);
   */
  remove(handle: SimNodeHandle<unknown>): void {
    this.table.markDown(this.own(handle), NODE_STATUS.removed);
    this.logNode('removed', handle.endpoint);
  }

  /**
   * Starts a fresh instance on the same endpoint (crashing the old one if it still runs). The
   * new instance gets the stream `'node:<index>:restart:<n>'`; skew and counters carry over.
   * @example sim.crash(h); sim.runFor(5_000); sim.restart(h, (ctx) => new DrtNode({ ...ctx }));
   */
  restart<N extends SansIoNode<E>>(handle: SimNodeHandle<N>, factory: NodeFactory<N>): void {
    const i = this.own(handle);
    const t = this.table;
    if (t.status[i] === NODE_STATUS.removed) throw new Error(`sim.restart: node ${i} was removed`);
    const node = this.build(factory, i, t.incarnation[i]! + 1, this.endpointsOf(i));
    if (t.status[i] === NODE_STATUS.up) t.markDown(i, NODE_STATUS.crashed);
    t.incarnation[i]!++;
    t.nodes[i] = node;
    t.markUp(i);
    this.drain(i, node);
  }

  /**
   * Runs events until `predicate()` is true (checked before each event), a bound is reached,
   * or nothing is left. At least one bound is required (`RangeError` otherwise). On `'time'`
   * the clock is moved to the bound; on `'idle'` it stays at the last event.
   * @example const r = sim.runUntil(() => found, { maxTimeMs: 30_000 }); r.reason // 'predicate'
   */
  runUntil(predicate: () => boolean, bounds: RunBounds): RunResult {
    if (typeof predicate !== 'function') throw new TypeError('predicate must be a function');
    const limits = runLimits(bounds, this.now);
    this.enter();
    let events = 0;
    try {
      for (;;) {
        if (predicate()) return { reason: 'predicate', nowMs: this.now, events };
        if (events >= limits.eventsMax || this.eventsProcessed >= this.settings.eventsMax) {
          return { reason: 'events', nowMs: this.now, events };
        }
        const next = this.queue.peekTime();
        if (next === Number.POSITIVE_INFINITY) return { reason: 'idle', nowMs: this.now, events };
        if (next > limits.deadlineMs) {
          this.now = limits.deadlineMs;
          return { reason: 'time', nowMs: this.now, events };
        }
        this.processNext();
        events++;
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * Runs for `ms` of virtual time. Afterwards `nowMs` is the old time + `ms`, also when the
   * queue ran dry first (reason `'idle'`), unless `maxEvents` stopped it (reason `'events'`).
   * @example sim.runFor(60_000).reason // 'time'
   */
  runFor(ms: number, maxEvents?: number): RunResult {
    const bounds: RunBounds =
      maxEvents === undefined ? { maxTimeMs: ms } : { maxTimeMs: ms, maxEvents };
    const deadlineMs = this.now + ms;
    const result = this.runUntil(() => false, bounds);
    if (result.reason !== 'idle') return result;
    this.now = deadlineMs;
    return { reason: 'idle', nowMs: deadlineMs, events: result.events };
  }

  /**
   * Processes exactly one event, if there is one and the event budget allows.
   * @example while (sim.step()) {}
   */
  step(): boolean {
    if (this.queue.size === 0 || this.eventsProcessed >= this.settings.eventsMax) return false;
    this.enter();
    try {
      this.processNext();
    } finally {
      this.running = false;
    }
    return true;
  }

  private enter(): void {
    if (this.running) throw new Error('the simulation is already running (no nested runs)');
    this.running = true;
  }
}
