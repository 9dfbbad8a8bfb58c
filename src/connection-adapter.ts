/**
 * @module connection-adapter
 * The canonical loop of the connection seam (docs/design.md §2, §8): {@link runConnectionNode}
 * drives a `ConnectionNode` over a {@link ConnectionTransport} exactly as `runNode()` drives a
 * `SansIoNode` over a `DatagramTransport`. Every report of the transport (`connected`,
 * `accepted`, `received`, `closed`) and every timer firing becomes one `handle*` call followed by
 * a `drainNode`: connection outputs go to the transport, events to `onEvent`, transmits to the
 * optional datagram transport, and the final `{ type: 'timeout', atMs }` re-arms the single
 * timer through the same `Timers` `runNode` uses.
 *
 * The loop also guards the contract for the node: it tracks which handles are live, drops (and
 * counts) reports for dead ones, and never lets a transport's exception reach the node. A
 * transport that throws on `connect` or `send` costs the node that connection: it is told
 * `closed(conn, 'error')`. Reports the transport makes while the node is being drained (an
 * overflow inside `send`) are queued and handled once the drain is over, in order.
 */
import type { ConnectionTransport } from './connection-transport.js';
import { type Endpoint, formatEndpoint } from './keys/endpoint.js';
import { realTimers } from './runtime.js';
import {
  type ConnectionEnd,
  type ConnectionId,
  type ConnectionNode,
  type ConnectionOutput,
  type DrainSink,
  drainNode,
  type SansIoNode,
} from './sans-io.js';
import type {
  DatagramTransport,
  RunNodeOptions,
  TimerHandle,
  Timers,
} from './transport-adapter.js';

/** The event type a connection node emits. */
export type ConnectionEventOf<N> = N extends ConnectionNode<infer E> ? E : never;

/** Options of {@link runConnectionNode}: those of `runNode`, and an optional datagram side. */
export interface RunConnectionNodeOptions<E> extends RunNodeOptions<E> {
  /**
   * Where the node's `transmit` outputs go; datagrams it receives reach the node's
   * `handleDatagram` if it has one. @default none: transmits are dropped and counted
   */
  readonly datagrams?: DatagramTransport | undefined;
}

/** Counters of a running connection node (the node's own are on the node). */
export interface RunningConnectionNodeStats {
  /** `connect` outputs handed to the transport. */
  connects: number;
  /** `close` outputs handed to the transport. */
  closes: number;
  /** Bytes of `send` outputs handed to the transport. */
  bytesSent: number;
  /** Bytes delivered to the node. */
  bytesReceived: number;
  /** Outgoing connections reported up. */
  connected: number;
  /** Connections accepted for the node. */
  accepted: number;
  /** Connections the node was told ended, by how. */
  ended: Record<ConnectionEnd, number>;
  /** `connect`, `send` or `close` calls the transport threw on. */
  transportErrors: number;
  /** Reports for handles that were not live (a transport breaking the contract), dropped. */
  staleReports: number;
  /** Datagrams handed to the datagram transport. */
  datagramsSent: number;
  /** Datagrams delivered to the node. */
  datagramsReceived: number;
  /** Datagram sends that failed, or transmits with no datagram transport. */
  sendErrors: number;
  /** Times the node's timer fired. */
  timerFirings: number;
  /** Exceptions thrown by `onEvent`. */
  listenerErrors: number;
}

/** A connection node attached to a transport and timers by {@link runConnectionNode}. */
export interface RunningConnectionNode<N> {
  /** The node being run; call its commands through {@link RunningConnectionNode.command}. */
  readonly node: N;
  readonly stats: RunningConnectionNodeStats;
  /** True after {@link RunningConnectionNode.stop}. */
  readonly stopped: boolean;
  /** Runs `fn(node, nowMs)`, then drains the node. Returns what `fn` returns; throws after `stop()`. */
  command<T>(fn: (node: N, nowMs: number) => T): T;
  /** Cancels the timer and detaches from the transports; idempotent. Shuts nothing down. */
  stop(): void;
}

/**
 * Runs a connection node over a connection transport (and optionally a datagram transport) with
 * timers: the canonical loop of docs/design.md §2 on the connection seam.
 * @example
 * const hub = createMemoryConnections();
 * const running = runConnectionNode(new EchoNode(), hub.createTransport(), realTimers(), {
 *   onEvent: (e) => console.log(e),
 * });
 * running.command((n, now) => n.dial(now, peerEndpoint));
 */
export function runConnectionNode<N extends ConnectionNode<unknown>>(
  node: N,
  connections: ConnectionTransport,
  timers: Timers = realTimers(),
  options: RunConnectionNodeOptions<ConnectionEventOf<N>> = {},
): RunningConnectionNode<N> {
  return new ConnectionLoop(node, connections, timers, options);
}

type Input = () => void;

class ConnectionLoop<N extends ConnectionNode<unknown>> implements RunningConnectionNode<N> {
  readonly stats: RunningConnectionNodeStats = {
    connects: 0,
    closes: 0,
    bytesSent: 0,
    bytesReceived: 0,
    connected: 0,
    accepted: 0,
    ended: { closed: 0, reset: 0, refused: 0, unreachable: 0, error: 0 },
    transportErrors: 0,
    staleReports: 0,
    datagramsSent: 0,
    datagramsReceived: 0,
    sendErrors: 0,
    timerFirings: 0,
    listenerErrors: 0,
  };
  /** Handles the node may still hear about: opened or accepted, not yet closed either way. */
  private readonly live = new Set<ConnectionId>();
  /** Handles opened and not yet reported up (a `connected` is valid only for these). */
  private readonly connecting = new Set<ConnectionId>();
  /** Reports that arrived while the node was being drained, handled after the drain. */
  private readonly deferred: Input[] = [];
  private drainDepth = 0;
  private timer: TimerHandle | undefined;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private stoppedValue = false;

  constructor(
    readonly node: N,
    private readonly connections: ConnectionTransport,
    private readonly timers: Timers,
    private readonly options: RunConnectionNodeOptions<ConnectionEventOf<N>>,
  ) {
    if (typeof node?.poll !== 'function' || typeof node.handleReceived !== 'function')
      throw new TypeError('runConnectionNode: node must be a ConnectionNode');
    if (typeof connections?.connect !== 'function' || typeof connections.attach !== 'function')
      throw new TypeError('runConnectionNode: connections must be a ConnectionTransport');
    if (typeof timers?.arm !== 'function' || typeof timers.nowMs !== 'function')
      throw new TypeError('runConnectionNode: timers must be Timers');
    const datagrams = options.datagrams;
    if (datagrams !== undefined && typeof datagrams.send !== 'function')
      throw new TypeError('runConnectionNode: datagrams must be a DatagramTransport');
    connections.attach({
      connected: (id) => this.input(() => this.onConnected(id)),
      accepted: (id, from) => this.input(() => this.onAccepted(id, from)),
      received: (id, bytes) => this.input(() => this.onReceived(id, bytes)),
      closed: (id, end) => this.input(() => this.onClosed(id, end)),
    });
    datagrams?.attach({
      datagram: (from, payload, local) => this.input(() => this.onDatagram(from, payload, local)),
      sendError: (to, error) => this.sendError(to, error),
    });
    this.drain();
  }

  get stopped(): boolean {
    return this.stoppedValue;
  }

  command<T>(fn: (node: N, nowMs: number) => T): T {
    if (this.stoppedValue) throw new Error('runConnectionNode: the node was stopped');
    try {
      return fn(this.node, this.timers.nowMs());
    } finally {
      this.drain();
    }
  }

  stop(): void {
    if (this.stoppedValue) return;
    this.stoppedValue = true;
    this.connections.attach(undefined);
    this.options.datagrams?.attach(undefined);
    this.deferred.length = 0;
    this.disarm();
  }

  /** Handles one report now, or after the drain in progress. */
  private input(handle: Input): void {
    if (this.stoppedValue) return;
    if (this.drainDepth > 0) {
      this.deferred.push(handle);
      return;
    }
    handle();
    this.drain();
  }

  private onConnected(id: ConnectionId): void {
    if (!this.connecting.delete(id)) return this.stale();
    this.stats.connected++;
    this.node.handleConnected(this.timers.nowMs(), id);
  }

  private onAccepted(id: ConnectionId, from: Endpoint): void {
    if (!(id < 0) || this.live.has(id)) return this.stale();
    this.live.add(id);
    this.stats.accepted++;
    this.node.handleAccepted(this.timers.nowMs(), id, from);
  }

  private onReceived(id: ConnectionId, bytes: Uint8Array): void {
    if (!this.live.has(id) || this.connecting.has(id)) return this.stale();
    this.stats.bytesReceived += bytes.length;
    this.node.handleReceived(this.timers.nowMs(), id, bytes);
  }

  private onClosed(id: ConnectionId, end: ConnectionEnd): void {
    if (!this.live.delete(id)) return this.stale();
    this.connecting.delete(id);
    this.stats.ended[end]++;
    this.node.handleConnectionClosed(this.timers.nowMs(), id, end);
  }

  private onDatagram(from: Endpoint, payload: Uint8Array, local: Endpoint | undefined): void {
    const node = this.node as Partial<SansIoNode<unknown>>;
    if (typeof node.handleDatagram !== 'function') return;
    this.stats.datagramsReceived++;
    node.handleDatagram(this.timers.nowMs(), from, payload, local);
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    if (this.stoppedValue) return;
    this.stats.timerFirings++;
    this.input(() => this.node.handleTimeout(this.timers.nowMs()));
  }

  private stale(): void {
    this.stats.staleReports++;
  }

  /** Drains the node, then handles what the transports reported meanwhile (each drained too). */
  private drain(): void {
    this.drainDepth++;
    let atMs: number | undefined;
    try {
      atMs = drainNode(this.node as ConnectionNode<ConnectionEventOf<N>>, this.sink);
    } finally {
      this.drainDepth--;
    }
    this.rearm(atMs ?? Number.POSITIVE_INFINITY);
    if (this.drainDepth > 0) return;
    while (this.deferred.length > 0 && !this.stoppedValue) {
      this.deferred.shift()!();
      this.drainDepth++;
      try {
        atMs = drainNode(this.node as ConnectionNode<ConnectionEventOf<N>>, this.sink);
      } finally {
        this.drainDepth--;
      }
      this.rearm(atMs ?? Number.POSITIVE_INFINITY);
    }
  }

  private readonly sink: DrainSink<ConnectionEventOf<N>> = {
    transmit: (out) => {
      if (!this.stoppedValue) this.transmit(out.to, out.payload, out.from);
    },
    event: (event) => {
      if (!this.stoppedValue) this.deliver(event);
    },
    connection: (out) => {
      if (!this.stoppedValue) this.route(out);
    },
    name: 'the connection node',
  };

  private route(out: ConnectionOutput): void {
    const id = out.conn;
    if (out.type === 'connect') {
      this.stats.connects++;
      this.live.add(id);
      this.connecting.add(id);
      this.call(id, () => this.connections.connect(id, out.to), true);
    } else if (out.type === 'send') {
      this.stats.bytesSent += out.bytes.length;
      this.call(id, () => this.connections.send(id, out.bytes), true);
    } else {
      this.stats.closes++;
      this.live.delete(id);
      this.connecting.delete(id);
      this.call(id, () => this.connections.close(id, out.abort === true), false);
    }
  }

  /**
   * Calls the transport; an exception is counted and, when `fatal`, costs the node the
   * connection: the transport is asked to abort it and the node is told `closed(id, 'error')`.
   */
  private call(id: ConnectionId, fn: () => void, fatal: boolean): void {
    try {
      fn();
    } catch (error) {
      this.stats.transportErrors++;
      this.options.logger?.({
        type: 'send-error',
        to: `connection ${id}`,
        error: errorText(error),
      });
      if (!fatal || !this.live.has(id)) return;
      try {
        this.connections.close(id, true);
      } catch {
        // the transport already forgot it
      }
      this.deferred.push(() => this.onClosed(id, 'error'));
    }
  }

  private transmit(to: Endpoint, payload: Uint8Array, from: Endpoint | undefined): void {
    const datagrams = this.options.datagrams;
    if (datagrams === undefined) {
      this.stats.sendErrors++;
      return;
    }
    this.stats.datagramsSent++;
    try {
      datagrams.send(to, payload, from);
    } catch (error) {
      this.sendError(to, error);
    }
  }

  private sendError(to: Endpoint, error: unknown): void {
    this.stats.sendErrors++;
    this.options.logger?.({ type: 'send-error', to: formatEndpoint(to), error: errorText(error) });
  }

  private deliver(event: ConnectionEventOf<N>): void {
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
      try {
        report(error);
      } catch {
        // onListenerError threw too: counted above, nothing else to tell
      }
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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
