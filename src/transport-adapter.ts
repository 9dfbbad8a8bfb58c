/**
 * @module transport-adapter
 * Where real time and I/O meet the sans-I/O core (docs/design.md §2). Three small pieces:
 *
 * - {@link DatagramTransport}: anything that moves datagrams (UDP, WebRTC data channels, an
 *   in-memory hub). Send bytes to an {@link Endpoint}, hand received bytes and their source to the
 *   attached {@link TransportSink}, report the local endpoints, close.
 * - {@link Timers}: a monotonic clock and one-shot timers at absolute times. `realTimers()`
 *   (runtime.ts, the real-world defaults) uses `performance.now()` and `setTimeout`; tests pass
 *   their own.
 * - {@link runNode}: the canonical loop. Every datagram and every timer firing becomes exactly one
 *   `handle*` call, followed by a drain of `poll()`: transmits go to the transport, events to
 *   `onEvent`, and the final `{ type: 'timeout', atMs }` re-arms the node's single timer
 *   (`Infinity`: none). Application commands (`registerKey`, `search`, ...) go through
 *   {@link RunningNode.command}, which drains afterwards the same way.
 *
 * A transport is about a page of code: see `createMemoryNetwork` (memory-network.ts) for a
 * complete one. This file reads no clock and sets no timer itself: `runNode`'s default timers
 * come from runtime.ts.
 * Errors of a transport's `send` never reach the core: they are counted in
 * {@link RunningNodeStats.sendErrors}.
 */
import { type Endpoint, formatEndpoint } from './keys/endpoint.js';
import type { LogEvent, Logger } from './log.js';
import { realTimers } from './runtime.js';
import { type DrainSink, drainNode, type SansIoNode } from './sans-io.js';

/** Receives what a transport delivers; given to {@link DatagramTransport.attach}. */
export interface TransportSink {
  /**
   * One datagram arrived from `from`. The transport hands over `payload`; it must not reuse it.
   * `local` is the endpoint it arrived on, for nodes with several (one per cloud); optional.
   */
  readonly datagram: (from: Endpoint, payload: Uint8Array, local?: Endpoint) => void;
  /** A send that already returned failed later (asynchronous transports such as UDP). */
  readonly sendError: (to: Endpoint, error: unknown) => void;
}

/**
 * A datagram transport: unreliable, unordered, message boundaries kept.
 * @example
 * const transport: DatagramTransport = {
 *   send: (to, payload) => socket.send(payload, to.port, formatAddress(to.address)),
 *   attach: (sink) => { current = sink; },
 *   localEndpoints: () => [self],
 *   close: async () => socket.close(),
 * };
 */
export interface DatagramTransport {
  /**
   * Sends one datagram. Fire and forget: throw for a failure known at once, or report a later
   * failure through the sink's `sendError`. Must not keep `payload` after sending it. `from` is
   * the local endpoint the node sends from when its transmit names one (a `PnrpNode` in several
   * clouds); a transport with one endpoint ignores it.
   */
  send(to: Endpoint, payload: Uint8Array, from?: Endpoint): void;
  /** Delivers received datagrams to `sink` from now on; `undefined` detaches (datagrams dropped). */
  attach(sink: TransportSink | undefined): void;
  /** Endpoints peers reach this transport at (the node's `localEndpoints`). */
  localEndpoints(): readonly Endpoint[];
  /** Stops sending and receiving and releases the resources; idempotent. */
  close(): Promise<void>;
}

/** An armed one-shot timer. */
export interface TimerHandle {
  /** Cancels the timer; harmless after it fired or was cancelled. */
  cancel(): void;
}

/**
 * A monotonic clock and one-shot timers at absolute times of that clock.
 * @example
 * const timers: Timers = { nowMs: () => now, arm: (atMs, fire) => queue.add(atMs, fire) };
 */
export interface Timers {
  /** Monotonic milliseconds; never decreases. */
  nowMs(): number;
  /** Calls `fire` once, at or after `atMs` (a finite time of `nowMs()`'s clock). */
  arm(atMs: number, fire: () => void): TimerHandle;
}

/** The event type a sans-I/O node emits. */
export type EventOf<N> = N extends SansIoNode<infer E> ? E : never;

/** Options of {@link runNode}. */
export interface RunNodeOptions<E> {
  /** Receives every event the node emits, in order. @default events are discarded */
  readonly onEvent?: (event: E) => void;
  /**
   * Receives an exception thrown by `onEvent`; the loop carries on either way.
   * @default rethrows it from a microtask (an uncaught error, as for any event listener)
   */
  readonly onListenerError?: (error: unknown) => void;
  /** Structured log of datagrams in and out, send errors and listener errors. @default none */
  readonly logger?: Logger | undefined;
}

/** Counters of a running node (the node's own counters are on `node.stats`). */
export interface RunningNodeStats {
  /** Datagrams handed to `transport.send`. */
  datagramsSent: number;
  /** Datagrams delivered to the node. */
  datagramsReceived: number;
  /** Sends that threw or were reported through the sink's `sendError`. */
  sendErrors: number;
  /** Times the node's timer fired. */
  timerFirings: number;
  /** Exceptions thrown by `onEvent`. */
  listenerErrors: number;
}

/** A node attached to a transport and timers by {@link runNode}. */
export interface RunningNode<N> {
  /** The node being run. Call its commands through {@link RunningNode.command}. */
  readonly node: N;
  readonly stats: RunningNodeStats;
  /** True after {@link RunningNode.stop}. */
  readonly stopped: boolean;
  /**
   * Runs `fn(node, nowMs)` (e.g. `registerKey`, `search`), then drains the node's outputs.
   * Returns what `fn` returns. Throws `Error` after `stop()`.
   */
  command<T>(fn: (node: N, nowMs: number) => T): T;
  /**
   * Cancels the timer and detaches from the transport; idempotent. Does not close the node (call
   * `command((n, now) => n.close(now))` first for a graceful leave) nor the transport.
   */
  stop(): void;
}

/**
 * Runs a sans-I/O node over a transport and timers: the canonical loop of docs/design.md §2.
 * @example
 * const transport = await createUdpTransport({ port: 3540 });
 * const node = new DrtNode({ rng: systemRng(), localEndpoints: transport.localEndpoints() });
 * const running = runNode(node, transport, realTimers(), { onEvent: (e) => console.log(e) });
 * running.command((n, now) => { n.registerKey(now, key); n.start(now); });
 */
export function runNode<N extends SansIoNode<unknown>>(
  node: N,
  transport: DatagramTransport,
  timers: Timers = realTimers(),
  options: RunNodeOptions<EventOf<N>> = {},
): RunningNode<N> {
  return new NodeLoop(node, transport, timers, options);
}

class NodeLoop<N extends SansIoNode<unknown>> implements RunningNode<N> {
  readonly stats: RunningNodeStats = {
    datagramsSent: 0,
    datagramsReceived: 0,
    sendErrors: 0,
    timerFirings: 0,
    listenerErrors: 0,
  };
  private timer: TimerHandle | undefined;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private stoppedValue = false;

  constructor(
    readonly node: N,
    private readonly transport: DatagramTransport,
    private readonly timers: Timers,
    private readonly options: RunNodeOptions<EventOf<N>>,
  ) {
    if (typeof node?.poll !== 'function') throw new TypeError('runNode: node must be a SansIoNode');
    if (typeof transport?.send !== 'function' || typeof transport.attach !== 'function')
      throw new TypeError('runNode: transport must be a DatagramTransport');
    if (typeof timers?.arm !== 'function' || typeof timers.nowMs !== 'function')
      throw new TypeError('runNode: timers must be Timers');
    transport.attach({
      datagram: (from, payload, local) => this.onDatagram(from, payload, local),
      sendError: (to, error) => {
        this.stats.sendErrors++;
        this.options.logger?.(sendErrorEvent(to, error));
      },
    });
    this.drain();
  }

  get stopped(): boolean {
    return this.stoppedValue;
  }

  command<T>(fn: (node: N, nowMs: number) => T): T {
    if (this.stoppedValue) throw new Error('runNode: the node was stopped');
    try {
      return fn(this.node, this.timers.nowMs());
    } finally {
      this.drain();
    }
  }

  stop(): void {
    if (this.stoppedValue) return;
    this.stoppedValue = true;
    this.transport.attach(undefined);
    this.disarm();
  }

  private onDatagram(from: Endpoint, payload: Uint8Array, local: Endpoint | undefined): void {
    if (this.stoppedValue) return;
    this.stats.datagramsReceived++;
    this.options.logger?.(datagramEvent('in', from, payload));
    this.node.handleDatagram(this.timers.nowMs(), from, payload, local);
    this.drain();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    if (this.stoppedValue) return;
    this.stats.timerFirings++;
    this.node.handleTimeout(this.timers.nowMs());
    this.drain();
  }

  /**
   * Drains the node (bounded, `drainNode`); a listener may stop the node or issue commands
   * meanwhile. What a stopped node still had queued is discarded.
   */
  private drain(): void {
    this.rearm(
      drainNode(this.node as SansIoNode<EventOf<N>>, this.sink) ?? Number.POSITIVE_INFINITY,
    );
  }

  private readonly sink: DrainSink<EventOf<N>> = {
    transmit: (out) => {
      if (!this.stoppedValue) this.send(out.to, out.payload, out.from);
    },
    event: (event) => {
      if (!this.stoppedValue) this.deliver(event);
    },
  };

  private send(to: Endpoint, payload: Uint8Array, from: Endpoint | undefined): void {
    this.stats.datagramsSent++;
    this.options.logger?.(datagramEvent('out', to, payload));
    try {
      this.transport.send(to, payload, from);
    } catch (error) {
      this.stats.sendErrors++;
      this.options.logger?.(sendErrorEvent(to, error));
    }
  }

  private deliver(event: EventOf<N>): void {
    const onEvent = this.options.onEvent;
    if (!onEvent) return;
    try {
      onEvent(event);
    } catch (error) {
      this.stats.listenerErrors++;
      this.options.logger?.({ type: 'listener-error', error: errorText(error) });
      const report =
        this.options.onListenerError ??
        ((e: unknown) =>
          queueMicrotask(() => {
            throw e;
          }));
      report(error);
    }
  }

  private rearm(atMs: number): void {
    if (this.stoppedValue || !(atMs < Number.POSITIVE_INFINITY)) return this.disarm();
    if (this.timer && atMs === this.timerAtMs) return;
    this.disarm();
    this.timerAtMs = atMs;
    this.timer = this.timers.arm(atMs, () => this.onTimer());
  }

  private disarm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAtMs = Number.POSITIVE_INFINITY;
  }
}

/** Log hooks of the run loop (built only when a logger is set). */
function datagramEvent(direction: 'in' | 'out', endpoint: Endpoint, payload: Uint8Array): LogEvent {
  return { type: 'datagram', direction, endpoint: formatEndpoint(endpoint), bytes: payload.length };
}

function sendErrorEvent(to: Endpoint, error: unknown): LogEvent {
  return { type: 'send-error', to: formatEndpoint(to), error: errorText(error) };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
