/**
 * @module adapters/node/tcp-transport
 * A {@link ConnectionTransport} on `node:net`: one listening socket (accepted connections
 * numbered -1, -2, ...) and one outgoing socket per `connect`. Like the UDP transport it binds
 * `::` dual-stack by default (IPv4 peers appear as IPv4-mapped `::ffff:a.b.c.d`, the core's form
 * of an IPv4 address) and falls back to `0.0.0.0` without IPv6.
 *
 * How sockets end, as the node is told: a clean end from the peer is `closed`; `ECONNREFUSED`
 * is `refused`; `ETIMEDOUT`, `EHOSTUNREACH`, `ENETUNREACH`, `EHOSTDOWN` and our own
 * `connectTimeoutMs` are `unreachable`; `ECONNRESET` and `EPIPE` are `reset`; anything else is
 * `error`. Writes are bounded: when a socket's unsent bytes (`writableLength`) would pass
 * `sendBufferMaxBytes`, the socket is reset and the node told `error`. `close` ends after the
 * queued bytes (FIN), `close(id, true)` resets (RST). The `from` of an accepted connection is the
 * peer's socket address, whose port is usually ephemeral: a protocol that needs the peer's
 * listening endpoint must carry it in its messages.
 */
import { createServer, isIP, type Server, type Socket, connect as tcpConnect } from 'node:net';
import {
  assertOpenHandle,
  CONNECTIONS_MAX_DEFAULT,
  type ConnectionSink,
  type ConnectionTransport,
  type ConnectionTransportStats,
  newConnectionTransportStats,
  positiveIntegerOption,
  SEND_BUFFER_MAX_BYTES_DEFAULT,
} from '../../connection-transport.js';
import {
  type Endpoint,
  formatAddress,
  isIpv4Mapped,
  isLinkLocal,
  PORT_RESERVED_MAX,
  parseAddress,
} from '../../keys/endpoint.js';
import type { ConnectionEnd, ConnectionId } from '../../sans-io.js';
import { parseHostAddress } from './udp-transport.js';

/** Options of {@link createTcpTransport}. */
export interface TcpTransportOptions {
  /** Port to listen on; 0 picks an ephemeral one. @default 0 */
  readonly port?: number;
  /** Address to listen on (IPv4 or IPv6 literal). @default '::' (dual-stack), else '0.0.0.0' */
  readonly host?: string;
  /** With an IPv6 `host`: refuse IPv4 peers. @default false */
  readonly ipv6Only?: boolean;
  /**
   * The address of `localEndpoint` (what peers should dial). @default the bound address; for a
   * wildcard bind 127.0.0.1 (or ::1 when IPv6-only), which suits tests on one machine only
   */
  readonly advertise?: string;
  /** An outgoing connection not up after this long is `unreachable`. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Unsent bytes one socket may hold; more resets it (`error`). @default 8 MiB */
  readonly sendBufferMaxBytes?: number;
  /** Connections open at once; further incoming ones are reset at once. @default 1024 */
  readonly connectionsMax?: number;
  /** A closed socket whose peer never finishes is destroyed after this long. @default 30000 */
  readonly closeLingerMs?: number;
}

/** Counters of a TCP transport. */
export interface TcpTransportStats extends ConnectionTransportStats {
  /** `error` events of sockets (each also ends its connection). */
  socketErrors: number;
}

/** A TCP connection transport and what it listens on. */
export interface TcpTransport extends ConnectionTransport {
  readonly stats: TcpTransportStats;
  /** The port it listens on. */
  readonly port: number;
  /** Connections open at this moment. */
  readonly openCount: number;
}

/** Default unsent bytes per TCP socket: 8 MiB (a graph's database sync is sent in one go). */
export const TCP_SEND_BUFFER_MAX_BYTES_DEFAULT: number = 8 * SEND_BUFFER_MAX_BYTES_DEFAULT;

/**
 * Listens and resolves to the transport once listening.
 * @example
 * const tcp = await createTcpTransport({ port: 3587 });
 * const running = runConnectionNode(graphNode, tcp);
 * // ... later
 * running.stop(); await tcp.shutdown();
 */
export async function createTcpTransport(options: TcpTransportOptions = {}): Promise<TcpTransport> {
  const o = validate(options);
  if (o.host !== undefined) return listen(o.host, o);
  try {
    return await listen('::', o);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw error;
    return listen('0.0.0.0', o);
  }
}

interface Validated {
  readonly port: number;
  readonly host: string | undefined;
  readonly ipv6Only: boolean;
  readonly advertise: Uint8Array | undefined;
  readonly connectTimeoutMs: number;
  readonly sendBufferMaxBytes: number;
  readonly connectionsMax: number;
  readonly closeLingerMs: number;
}

function validate(o: TcpTransportOptions): Validated {
  if (typeof o !== 'object' || o === null) throw new TypeError('TCP options must be an object');
  const port = o.port ?? 0;
  if (
    !Number.isInteger(port) ||
    port < 0 ||
    port > 0xffff ||
    (port !== 0 && port <= PORT_RESERVED_MAX)
  )
    throw new RangeError(`port must be 0 or in ${PORT_RESERVED_MAX + 1}..65535, got ${port}`);
  if (o.host !== undefined && isIP(o.host) === 0)
    throw new RangeError(`host must be an IPv4 or IPv6 literal, got "${o.host}"`);
  if (o.ipv6Only !== undefined && typeof o.ipv6Only !== 'boolean')
    throw new TypeError('ipv6Only must be a boolean');
  const advertise = o.advertise === undefined ? undefined : parseHostAddress(o.advertise);
  if (o.advertise !== undefined && advertise === undefined)
    throw new RangeError(`bad advertise address "${o.advertise}"`);
  return {
    port,
    host: o.host,
    ipv6Only: o.ipv6Only ?? false,
    advertise,
    connectTimeoutMs: positiveIntegerOption('connectTimeoutMs', o.connectTimeoutMs, 10_000),
    sendBufferMaxBytes: positiveIntegerOption(
      'sendBufferMaxBytes',
      o.sendBufferMaxBytes,
      TCP_SEND_BUFFER_MAX_BYTES_DEFAULT,
    ),
    connectionsMax: positiveIntegerOption(
      'connectionsMax',
      o.connectionsMax,
      CONNECTIONS_MAX_DEFAULT,
    ),
    closeLingerMs: positiveIntegerOption('closeLingerMs', o.closeLingerMs, 30_000),
  };
}

function listen(host: string, o: Validated): Promise<TcpTransport> {
  const server = createServer({ noDelay: true });
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      server.close();
      reject(error);
    };
    server.once('error', fail);
    server.listen({ port: o.port, host, ipv6Only: o.ipv6Only, exclusive: true }, () => {
      server.off('error', fail);
      resolve(new TcpSocketTransport(server, host, o));
    });
  });
}

/** How a socket error ends its connection. */
export function connectionEndOf(error: unknown): ConnectionEnd {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (
    code === 'ETIMEDOUT' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'EHOSTDOWN'
  )
    return 'unreachable';
  return 'error';
}

interface Conn {
  readonly id: ConnectionId;
  readonly socket: Socket;
  up: boolean;
  /** How it ends if the socket closes now (set by `error`, `end` or our timeout). */
  end: ConnectionEnd | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

class TcpSocketTransport implements TcpTransport {
  readonly stats: TcpTransportStats = { ...newConnectionTransportStats(), socketErrors: 0 };
  readonly port: number;
  readonly localEndpoint: Endpoint;
  private readonly conns = new Map<ConnectionId, Conn>();
  /** Every socket not yet closed, including the ones the node closed (for shutdown). */
  private readonly sockets = new Set<Socket>();
  private sink: ConnectionSink | undefined;
  private nextAccepted = -1;
  private down: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    host: string,
    private readonly o: Validated,
  ) {
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : o.port;
    const wildcard = host === '::' || host === '0.0.0.0';
    const bound = wildcard
      ? parseAddress(host === '::' && o.ipv6Only ? '::1' : '127.0.0.1')
      : (parseHostAddress(host) as Uint8Array);
    this.localEndpoint = { address: o.advertise ?? bound, port: this.port };
    server.on('connection', (socket) => this.onAccept(socket));
    server.on('error', () => {
      this.stats.socketErrors++;
    });
  }

  get openCount(): number {
    return this.conns.size;
  }

  attach(sink: ConnectionSink | undefined): void {
    if (!this.down) this.sink = sink;
  }

  connect(id: ConnectionId, to: Endpoint): void {
    if (this.down) throw new Error('TCP transport is shut down');
    assertOpenHandle(id);
    if (this.conns.has(id)) throw new RangeError(`connection handle ${id} is in use`);
    this.stats.connectsStarted++;
    const socket = tcpConnect({ host: hostOf(to), port: to.port, noDelay: true });
    const conn = this.track(id, socket);
    conn.timer = setTimeout(() => {
      conn.end = 'unreachable';
      socket.destroy();
    }, this.o.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(conn.timer);
      conn.timer = undefined;
      if (this.conns.get(id) !== conn) return;
      conn.up = true;
      this.stats.connectsSucceeded++;
      this.sink?.connected(id);
    });
  }

  send(id: ConnectionId, bytes: Uint8Array): void {
    const conn = this.conns.get(id);
    if (conn === undefined) {
      this.stats.staleCalls++;
      return;
    }
    if (conn.socket.writableLength + bytes.length > this.o.sendBufferMaxBytes) {
      this.stats.overflows++;
      this.forget(conn);
      conn.socket.resetAndDestroy();
      this.report(id, 'error');
      return;
    }
    this.stats.bytesSent += bytes.length;
    conn.socket.write(Buffer.from(bytes));
  }

  close(id: ConnectionId, abort = false): void {
    const conn = this.conns.get(id);
    if (conn === undefined) {
      this.stats.staleCalls++;
      return;
    }
    this.forget(conn);
    const socket = conn.socket;
    if (abort) {
      socket.resetAndDestroy();
      return;
    }
    // FIN after the queued bytes (after the handshake if it is still connecting); a peer that
    // never finishes its side is cut off after `closeLingerMs` of silence.
    socket.end();
    socket.setTimeout(this.o.closeLingerMs, () => socket.destroy());
  }

  shutdown(): Promise<void> {
    this.down ??= new Promise((resolve) => {
      this.sink = undefined;
      for (const conn of this.conns.values()) clearTimeout(conn.timer);
      this.conns.clear();
      for (const socket of this.sockets) socket.resetAndDestroy();
      this.sockets.clear();
      this.server.close(() => resolve());
    });
    return this.down;
  }

  private onAccept(socket: Socket): void {
    const from = parseHostAddress(socket.remoteAddress ?? '');
    const port = socket.remotePort;
    if (this.down || from === undefined || port === undefined) {
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    if (this.conns.size >= this.o.connectionsMax) {
      this.stats.acceptsRefused++;
      socket.on('error', () => {});
      socket.resetAndDestroy();
      return;
    }
    socket.setNoDelay(true);
    const id = this.nextAccepted--;
    const conn = this.track(id, socket);
    conn.up = true;
    this.stats.accepted++;
    this.sink?.accepted(id, { address: from, port });
  }

  /** Listens to a socket's data, end, error and close for connection `id`. */
  private track(id: ConnectionId, socket: Socket): Conn {
    const conn: Conn = { id, socket, up: false, end: undefined, timer: undefined };
    this.conns.set(id, conn);
    this.sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      if (this.conns.get(id) !== conn) return;
      this.stats.bytesReceived += chunk.length;
      this.sink?.received(id, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    });
    socket.on('end', () => {
      conn.end ??= 'closed';
    });
    socket.on('error', (error) => {
      this.stats.socketErrors++;
      conn.end ??= connectionEndOf(error);
    });
    socket.on('close', () => {
      clearTimeout(conn.timer);
      this.sockets.delete(socket);
      if (this.conns.get(id) !== conn) return;
      this.forget(conn);
      this.report(id, conn.end ?? (conn.up ? 'reset' : 'error'));
    });
    return conn;
  }

  private forget(conn: Conn): void {
    clearTimeout(conn.timer);
    conn.timer = undefined;
    if (this.conns.get(conn.id) === conn) this.conns.delete(conn.id);
  }

  private report(id: ConnectionId, end: ConnectionEnd): void {
    this.stats.ended[end]++;
    this.sink?.closed(id, end);
  }
}

/** The text address `net.connect` takes for `to` (IPv4-mapped as dotted IPv4, zones kept). */
function hostOf(to: Endpoint): string {
  if (isIpv4Mapped(to.address)) return formatAddress(to.address);
  const text = formatAddress(to.address);
  return isLinkLocal(to.address) && to.zone !== undefined ? `${text}%${to.zone}` : text;
}
