/**
 * @module adapters/node/udp-transport
 * A {@link DatagramTransport} on `node:dgram`. By default one `udp6` socket bound to `::` with
 * `ipv6Only: false` serves IPv6 and IPv4 peers alike (dual-stack; IPv4 peers appear as IPv4-mapped
 * `::ffff:a.b.c.d`, which is also the core's form of an IPv4 address). Where the system has no
 * IPv6, it falls back to a `udp4` socket. Datagrams from source ports <= 1024 are dropped and
 * counted ([MS-PNRP] §3.1.5.2); send failures are reported to the sink and counted, never thrown
 * into the core.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import {
  type Endpoint,
  formatAddress,
  isIpv4Mapped,
  isLinkLocal,
  PORT_RESERVED_MAX,
  parseAddress,
} from '../../keys/endpoint.js';
import type { DatagramTransport, TransportSink } from '../../transport-adapter.js';

/** Options of {@link createUdpTransport}. */
export interface UdpTransportOptions {
  /** Local port; 0 picks an ephemeral one (the CLI uses 3540). @default 0 */
  readonly port?: number;
  /**
   * Local address to bind (IPv4 or IPv6 literal). An IPv4 address gives a `udp4` socket.
   * @default '::' (every interface, dual-stack), or '0.0.0.0' without IPv6
   */
  readonly host?: string;
  /** With an IPv6 `host`: refuse IPv4 peers. @default false */
  readonly ipv6Only?: boolean;
  /**
   * Addresses `localEndpoints()` reports, i.e. the ones peers should use (a public or LAN address
   * for a wildcard bind). @default the bound address; for a wildcard bind the loopback addresses
   * (`127.0.0.1` and `::1`, as the socket allows), which suits tests on one machine only
   */
  readonly advertise?: readonly string[];
}

/** Counters of a UDP transport. */
export interface UdpTransportStats {
  datagramsSent: number;
  datagramsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Datagrams from source ports <= 1024, dropped ([MS-PNRP] §3.1.5.2). */
  droppedReservedPort: number;
  /** Datagrams whose source address could not be parsed, dropped. */
  droppedBadSource: number;
  /** Datagrams received while no sink was attached, dropped. */
  droppedDetached: number;
  /** Sends that failed (thrown at once or reported by the socket later). */
  sendErrors: number;
  /** `error` events of the socket. */
  socketErrors: number;
}

/** A UDP transport and what it is bound to. */
export interface UdpTransport extends DatagramTransport {
  readonly stats: UdpTransportStats;
  /** `udp6` (dual-stack unless `ipv6Only`) or `udp4`. */
  readonly family: 'udp6' | 'udp4';
  /** The bound port. */
  readonly port: number;
}

/**
 * Binds a UDP socket and resolves to the transport once it is bound.
 * @example
 * const transport = await createUdpTransport({ port: 3540 });
 * const running = runNode(new DrtNode({ rng: systemRng(),
 *   localEndpoints: transport.localEndpoints(), crypto: nodeCrypto }), transport);
 * // ... later
 * running.stop(); await transport.close();
 */
export async function createUdpTransport(options: UdpTransportOptions = {}): Promise<UdpTransport> {
  const o = validate(options);
  if (o.host !== undefined && isIP(o.host) === 4) return open('udp4', o.host, o);
  try {
    return await open('udp6', o.host ?? '::', o);
  } catch (error) {
    if (o.host !== undefined || !noIpv6(error)) throw error;
    return open('udp4', '0.0.0.0', o);
  }
}

interface Validated {
  readonly port: number;
  readonly host: string | undefined;
  readonly ipv6Only: boolean;
  readonly advertise: readonly Uint8Array[] | undefined;
}

function validate(o: UdpTransportOptions): Validated {
  if (typeof o !== 'object' || o === null) throw new TypeError('UDP options must be an object');
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 0xffff)
    throw new RangeError(`port must be an integer in 0..65535, got ${port}`);
  if (port !== 0 && port <= PORT_RESERVED_MAX)
    throw new RangeError(`port must be 0 or above ${PORT_RESERVED_MAX}, got ${port}`);
  if (o.host !== undefined && isIP(o.host) === 0)
    throw new RangeError(`host must be an IPv4 or IPv6 literal, got "${o.host}"`);
  if (o.ipv6Only !== undefined && typeof o.ipv6Only !== 'boolean')
    throw new TypeError('ipv6Only must be a boolean');
  if (o.ipv6Only && o.host !== undefined && isIP(o.host) === 4)
    throw new RangeError('ipv6Only needs an IPv6 host');
  let advertise: Uint8Array[] | undefined;
  if (o.advertise !== undefined) {
    if (!Array.isArray(o.advertise) || o.advertise.length < 1 || o.advertise.length > 4)
      throw new RangeError('advertise must hold 1..4 addresses');
    advertise = o.advertise.map((text) => parseHostAddress(text) ?? badAddress(text));
  }
  return { port, host: o.host, ipv6Only: o.ipv6Only ?? false, advertise };
}

function badAddress(text: string): never {
  throw new RangeError(`bad address "${text}"`);
}

function noIpv6(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL' || code === 'EPROTONOSUPPORT';
}

function open(family: 'udp6' | 'udp4', host: string, o: Validated): Promise<UdpTransport> {
  const socket = createSocket({ type: family, ipv6Only: family === 'udp6' && o.ipv6Only });
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      socket.close();
      reject(error);
    };
    socket.once('error', fail);
    socket.bind({ port: o.port, address: host, exclusive: true }, () => {
      socket.off('error', fail);
      resolve(new UdpSocketTransport(socket, family, host, o));
    });
  });
}

/** Longest wait in `close()` for sends still in flight. */
const CLOSE_DRAIN_MAX_MS = 1_000;

/** Parsed source addresses kept; the cache is emptied when full. */
const SOURCE_CACHE_MAX = 512;

class UdpSocketTransport implements UdpTransport {
  readonly stats: UdpTransportStats = {
    datagramsSent: 0,
    datagramsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    droppedReservedPort: 0,
    droppedBadSource: 0,
    droppedDetached: 0,
    sendErrors: 0,
    socketErrors: 0,
  };
  readonly port: number;
  private sink: TransportSink | undefined;
  private readonly locals: readonly Endpoint[];
  private closing: Promise<void> | undefined;
  /** Sends handed to the socket whose callback has not run yet. */
  private inFlight = 0;
  private onDrained: (() => void) | undefined;
  private readonly sources = new Map<string, Uint8Array>();
  /** Zone of each link-local peer address seen, for sending to entries learned without one. */
  private readonly zones = new Map<string, string>();

  constructor(
    private readonly socket: Socket,
    readonly family: 'udp6' | 'udp4',
    host: string,
    o: Validated,
  ) {
    this.port = socket.address().port;
    this.locals = (o.advertise ?? defaultAdvertised(family, host, o.ipv6Only)).map((address) => ({
      address,
      port: this.port,
    }));
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    socket.on('error', () => {
      this.stats.socketErrors++;
    });
  }

  send(to: Endpoint, payload: Uint8Array): void {
    if (this.closing) throw new Error('UDP transport is closed');
    const host = this.hostOf(to);
    if (host === undefined) throw new RangeError('an IPv4 socket cannot reach an IPv6 address');
    this.stats.datagramsSent++;
    this.stats.bytesSent += payload.length;
    try {
      this.inFlight++;
      this.socket.send(payload, to.port, host, (error) => {
        if (--this.inFlight === 0) this.onDrained?.();
        if (!error) return;
        this.stats.sendErrors++;
        this.sink?.sendError(to, error);
      });
    } catch (error) {
      if (--this.inFlight === 0) this.onDrained?.();
      this.stats.sendErrors++;
      throw error;
    }
  }

  attach(sink: TransportSink | undefined): void {
    this.sink = sink;
  }

  localEndpoints(): readonly Endpoint[] {
    return this.locals.map((ep) => ({ address: ep.address.slice(), port: ep.port }));
  }

  /**
   * Stops receiving at once, lets the datagrams already handed to the socket leave (a node's
   * last revokes; at most {@link CLOSE_DRAIN_MAX_MS}), then closes the socket.
   */
  close(): Promise<void> {
    this.sink = undefined;
    this.closing ??= new Promise((resolve) => {
      let closed = false;
      const finish = (): void => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        this.onDrained = undefined;
        this.socket.close(() => resolve());
      };
      const timer = setTimeout(finish, CLOSE_DRAIN_MAX_MS);
      if (this.inFlight === 0) finish();
      else this.onDrained = finish;
    });
    return this.closing;
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    this.stats.datagramsReceived++;
    this.stats.bytesReceived += msg.length;
    if (rinfo.port <= PORT_RESERVED_MAX) {
      this.stats.droppedReservedPort++;
      return;
    }
    const address = this.sourceAddress(rinfo.address);
    if (address === undefined) {
      this.stats.droppedBadSource++;
      return;
    }
    const sink = this.sink;
    if (!sink) {
      this.stats.droppedDetached++;
      return;
    }
    const zone = zoneOf(rinfo.address);
    if (zone !== undefined) this.noteZone(address, zone);
    // A plain Uint8Array view: Buffer's slice() shares memory, which core code does not expect.
    sink.datagram(
      zone === undefined ? { address, port: rinfo.port } : { address, port: rinfo.port, zone },
      new Uint8Array(msg.buffer, msg.byteOffset, msg.length),
    );
  }

  /** Parses a source address, remembering the last few hundred (peers repeat). */
  private sourceAddress(text: string): Uint8Array | undefined {
    let address = this.sources.get(text);
    if (address === undefined) {
      address = parseHostAddress(text);
      if (address === undefined) return undefined;
      if (this.sources.size >= SOURCE_CACHE_MAX) this.sources.clear();
      this.sources.set(text, address);
    }
    return address.slice();
  }

  /**
   * Text address for `socket.send`, or undefined when this socket cannot reach it. A link-local
   * address goes out with its zone: the endpoint's own, else the one it last came from (route
   * entries on the wire carry none).
   */
  private hostOf(to: Endpoint): string | undefined {
    const address = to.address;
    const mapped = isIpv4Mapped(address);
    if (this.family === 'udp4') return mapped ? formatAddress(address) : undefined;
    if (mapped) return `::ffff:${formatAddress(address)}`;
    if (!isLinkLocal(address)) return formatAddress(address);
    const zone = to.zone ?? this.zones.get(formatAddress(address));
    if (to.zone !== undefined) this.noteZone(address, to.zone);
    return zone === undefined ? formatAddress(address) : `${formatAddress(address)}%${zone}`;
  }

  /** Remembers the zone a link-local address was last seen on (bounded like `sources`). */
  private noteZone(address: Uint8Array, zone: string): void {
    if (this.zones.size >= SOURCE_CACHE_MAX) this.zones.clear();
    this.zones.set(formatAddress(address), zone);
  }
}

function defaultAdvertised(family: 'udp6' | 'udp4', host: string, ipv6Only: boolean): Uint8Array[] {
  const v4 = parseAddress('127.0.0.1');
  const v6 = parseAddress('::1');
  if (host === '0.0.0.0') return [v4];
  if (host === '::') return family === 'udp4' ? [v4] : ipv6Only ? [v6] : [v4, v6];
  return [parseHostAddress(host) ?? badAddress(host)];
}

/**
 * The 16-byte form of an address as Node.js prints it: IPv4, IPv6, IPv4-mapped `::ffff:a.b.c.d`
 * or with a zone (`fe80::1%eth0`, zone dropped). Undefined when unparseable.
 * @example parseHostAddress('::ffff:127.0.0.1') // same bytes as parseAddress('127.0.0.1')
 */
export function parseHostAddress(text: string): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  const bare = text.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(bare);
  try {
    return parseAddress(mapped ? mapped[1]! : bare);
  } catch {
    return undefined;
  }
}

/** The zone of an address as Node.js prints it (`fe80::1%eth0` -> `eth0`), if any. */
function zoneOf(text: string): string | undefined {
  const i = text.indexOf('%');
  return i < 0 ? undefined : text.slice(i + 1);
}
