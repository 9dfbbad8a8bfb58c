/**
 * @module memory-connections
 * An in-memory hub of {@link ConnectionTransport}s (connection-transport.ts), for tests and
 * examples that run `ConnectionNode`s through `runConnectionNode()` in one process: the
 * connection seam's `createMemoryNetwork`. It reads no clock and sets no timer.
 *
 * Every step is one microtask, so the order is the order of calls: a `connect` reaches the
 * target one microtask later (accepted there, connected here at once), each `send` is one chunk
 * delivered one microtask later, a `close` arrives behind the chunks queued before it. A connect
 * to an endpoint nobody holds (or whose transport is shut down or detached) is `refused`. An
 * abort or a shutdown discards the chunks still in flight and resets the peer. A connection whose
 * undelivered bytes would exceed `sendBufferMaxBytes` is aborted: `error` here, `reset` there.
 */
import {
  assertOpenHandle,
  CONNECTIONS_MAX_DEFAULT,
  type ConnectionSink,
  type ConnectionTransport,
  type ConnectionTransportStats,
  newConnectionTransportStats,
  positiveIntegerOption,
  SEND_BUFFER_MAX_BYTES_DEFAULT,
} from './connection-transport.js';
import { type Endpoint, endpointKey } from './keys/endpoint.js';
import type { ConnectionEnd, ConnectionId } from './sans-io.js';

/** Options of {@link createMemoryConnections}. */
export interface MemoryConnectionsOptions {
  /** Port of every synthetic endpoint, 1025..65535. @default 3540 */
  readonly port?: number;
  /** Undelivered bytes one connection may hold in one direction. @default 1 MiB */
  readonly sendBufferMaxBytes?: number;
  /** Connections open at once per transport; further incoming ones are refused. @default 1024 */
  readonly connectionsMax?: number;
}

/** Counters of the whole hub. */
export interface MemoryConnectionsStats {
  /** Connects that found nobody at the target, refused. */
  refused: number;
  /** Chunks handed to a live receiver. */
  chunksDelivered: number;
  /** Chunks dropped: their connection was aborted or its receiver gone. */
  chunksDropped: number;
}

/** An in-memory hub whose transports can connect to one another. */
export interface MemoryConnections {
  readonly stats: MemoryConnectionsStats;
  /** A new transport at the next synthetic endpoint `fd00::<n>` (unique-local). */
  createTransport(): ConnectionTransport;
}

/** One end of an in-memory connection. */
interface End {
  readonly owner: MemoryTransport;
  id: ConnectionId;
  peer: End | undefined;
  /** Bytes sent from this end and not yet delivered to the peer. */
  unsent: number;
  /** False once this end's handle is dead (closed by the node or reported closed). */
  open: boolean;
  /** The connection was aborted: chunks in flight from either end are dropped. */
  aborted: boolean;
}

/**
 * An in-memory connection hub: ordered, loss-free, one microtask per step.
 * @example
 * const hub = createMemoryConnections();
 * const a = hub.createTransport(), b = hub.createTransport();
 * b.attach({ connected() {}, accepted: (id, from) => {}, received: (id, bytes) => {}, closed() {} });
 * a.connect(1, b.localEndpoint);
 * a.send(1, new Uint8Array([1, 2, 3]));
 */
export function createMemoryConnections(options: MemoryConnectionsOptions = {}): MemoryConnections {
  const port = options.port ?? 3540;
  if (!Number.isInteger(port) || port <= 1024 || port > 0xffff)
    throw new RangeError(`createMemoryConnections: port must be in 1025..65535, got ${port}`);
  const hub: Hub = {
    port,
    sendBufferMaxBytes: positiveIntegerOption(
      'sendBufferMaxBytes',
      options.sendBufferMaxBytes,
      SEND_BUFFER_MAX_BYTES_DEFAULT,
    ),
    connectionsMax: positiveIntegerOption(
      'connectionsMax',
      options.connectionsMax,
      CONNECTIONS_MAX_DEFAULT,
    ),
    stats: { refused: 0, chunksDelivered: 0, chunksDropped: 0 },
    transports: new Map(),
    count: 0,
  };
  return {
    stats: hub.stats,
    createTransport: () => new MemoryTransport(hub),
  };
}

interface Hub {
  readonly port: number;
  readonly sendBufferMaxBytes: number;
  readonly connectionsMax: number;
  readonly stats: MemoryConnectionsStats;
  readonly transports: Map<string, MemoryTransport>;
  count: number;
}

class MemoryTransport implements ConnectionTransport {
  readonly stats: ConnectionTransportStats = newConnectionTransportStats();
  readonly localEndpoint: Endpoint;
  private readonly key: string;
  private readonly ends = new Map<ConnectionId, End>();
  private sink: ConnectionSink | undefined;
  private nextAccepted = -1;
  private down = false;

  constructor(private readonly hub: Hub) {
    const n = ++hub.count;
    if (n > 0xffff_ffff) throw new RangeError('createMemoryConnections: out of addresses');
    const address = new Uint8Array(16);
    address[0] = 0xfd;
    new DataView(address.buffer).setUint32(12, n);
    this.localEndpoint = { address, port: hub.port };
    this.key = endpointKey(this.localEndpoint);
    hub.transports.set(this.key, this);
  }

  attach(sink: ConnectionSink | undefined): void {
    if (!this.down) this.sink = sink;
  }

  connect(id: ConnectionId, to: Endpoint): void {
    if (this.down) throw new Error('memory connection transport is shut down');
    assertOpenHandle(id);
    if (this.ends.has(id)) throw new RangeError(`connection handle ${id} is in use`);
    const end: End = { owner: this, id, peer: undefined, unsent: 0, open: true, aborted: false };
    this.ends.set(id, end);
    this.stats.connectsStarted++;
    const toKey = endpointKey(to);
    queueMicrotask(() => {
      if (end.aborted) return; // aborted before it reached the target: nothing was sent
      const target = this.hub.transports.get(toKey);
      if (target === undefined || target === this || !target.listening()) {
        this.hub.stats.refused++;
        return this.end(end, 'refused');
      }
      if (!target.accept(end)) return this.end(end, 'refused');
      this.stats.connectsSucceeded++;
      // Closed gracefully before it was up: the peer still gets the bytes and the close.
      if (end.open) this.sink?.connected(id);
    });
  }

  send(id: ConnectionId, bytes: Uint8Array): void {
    const end = this.ends.get(id);
    if (end === undefined) {
      this.stats.staleCalls++;
      return;
    }
    if (end.unsent + bytes.length > this.hub.sendBufferMaxBytes) {
      this.stats.overflows++;
      this.abort(end);
      this.end(end, 'error');
      return;
    }
    this.stats.bytesSent += bytes.length;
    end.unsent += bytes.length;
    const chunk = bytes.slice();
    queueMicrotask(() => {
      end.unsent -= chunk.length;
      const peer = end.peer;
      if (end.aborted || peer === undefined || !peer.open) {
        this.hub.stats.chunksDropped++;
        return;
      }
      this.hub.stats.chunksDelivered++;
      peer.owner.stats.bytesReceived += chunk.length;
      peer.owner.sink?.received(peer.id, chunk);
    });
  }

  close(id: ConnectionId, abort = false): void {
    const end = this.ends.get(id);
    if (end === undefined) {
      this.stats.staleCalls++;
      return;
    }
    this.ends.delete(id);
    end.open = false;
    if (abort) return this.abort(end);
    queueMicrotask(() => {
      const peer = end.peer;
      if (!end.aborted && peer?.open) peer.owner.end(peer, 'closed');
    });
  }

  shutdown(): Promise<void> {
    if (!this.down) {
      this.down = true;
      this.sink = undefined;
      this.hub.transports.delete(this.key);
      for (const end of [...this.ends.values()]) {
        end.open = false;
        this.abort(end);
      }
      this.ends.clear();
    }
    return Promise.resolve();
  }

  private listening(): boolean {
    return !this.down && this.sink !== undefined;
  }

  /** Takes the far end of a new connection; false when full. */
  private accept(from: End): boolean {
    if (this.ends.size >= this.hub.connectionsMax) {
      this.stats.acceptsRefused++;
      return false;
    }
    const id = this.nextAccepted--;
    const end: End = { owner: this, id, peer: from, unsent: 0, open: true, aborted: false };
    from.peer = end;
    this.ends.set(id, end);
    this.stats.accepted++;
    this.sink?.accepted(id, {
      address: from.owner.localEndpoint.address.slice(),
      port: this.hub.port,
    });
    return true;
  }

  /** Drops the chunks in flight both ways and resets the peer one microtask later. */
  private abort(end: End): void {
    end.aborted = true;
    const peer = end.peer;
    if (peer === undefined) return;
    peer.aborted = true;
    queueMicrotask(() => {
      if (peer.open) peer.owner.end(peer, 'reset');
    });
  }

  /** Reports `end` closed to this transport's node and forgets it. */
  private end(end: End, how: ConnectionEnd): void {
    if (!end.open) return;
    end.open = false;
    this.ends.delete(end.id);
    this.stats.ended[how]++;
    this.sink?.closed(end.id, how);
  }
}
