/**
 * A small virtual-time world for the relay tests: sans-I/O nodes at endpoints, NATs in front of
 * some (a mapping per destination, "symmetric", or one for all, "cone", both with port-restricted
 * filtering), 10 ms one-way delay, every datagram delivered in time order. The relay listens on
 * its control endpoint and on every slot (one node, several endpoints).
 */
import { type Endpoint, endpointKey, parseEndpoint } from '../../../src/keys/endpoint.js';
import { drainNode, type SansIoNode } from '../../../src/sans-io.js';

/** A NAT: private endpoint behind public IP; symmetric or cone mapping. */
export class Nat {
  private readonly out = new Map<string, number>();
  private readonly allowed = new Set<string>();
  private nextPort = 40000;
  constructor(
    readonly publicIp: string,
    readonly symmetric: boolean,
  ) {}
  outbound(to: Endpoint): Endpoint {
    const key = this.symmetric ? endpointKey(to) : '*';
    let port = this.out.get(key);
    if (port === undefined) {
      port = this.nextPort++;
      this.out.set(key, port);
    }
    this.allowed.add(`${port}/${endpointKey(to)}`);
    return parseEndpoint(`${this.publicIp}:${port}`);
  }
  /** True when a datagram from `from` to public port `port` may come in. */
  inbound(from: Endpoint, port: number): boolean {
    return this.allowed.has(`${port}/${endpointKey(from)}`);
  }
}

interface Host {
  readonly node: SansIoNode<unknown>;
  readonly endpoints: Endpoint[];
  readonly nat?: Nat;
  readonly events: unknown[];
  timerMs: number;
}

interface InFlight {
  readonly atMs: number;
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly payload: Uint8Array;
}

/** The world: add hosts, then `run` until a time. */
export class World {
  nowMs = 0;
  private readonly hosts: Host[] = [];
  private readonly byEndpoint = new Map<string, Host>();
  private readonly natByIp = new Map<string, Nat>();
  private flight: InFlight[] = [];
  /** Every datagram delivered: [from, to, bytes]. */
  readonly delivered: [Endpoint, Endpoint, number][] = [];

  /** Adds `node` listening on `endpoints` (the first is its main one), behind `nat` if given. */
  add<N extends SansIoNode<unknown>>(node: N, endpoints: string[], nat?: Nat): N {
    const host: Host = {
      node,
      endpoints: endpoints.map(parseEndpoint),
      ...(nat ? { nat } : {}),
      events: [],
      timerMs: Number.POSITIVE_INFINITY,
    };
    this.hosts.push(host);
    for (const e of host.endpoints) this.byEndpoint.set(endpointKey(e), host);
    if (nat) this.natByIp.set(nat.publicIp, nat);
    return node;
  }

  /** The events `node` emitted so far. */
  events(node: SansIoNode<unknown>): unknown[] {
    return this.hosts.find((h) => h.node === node)!.events;
  }

  /** Runs `fn(now)` on `node`, then drains it. */
  command<N extends SansIoNode<unknown>>(node: N, fn: (n: N, nowMs: number) => void): void {
    const host = this.hosts.find((h) => h.node === node)!;
    fn(node, this.nowMs);
    this.drain(host);
  }

  private drain(host: Host): void {
    host.timerMs = drainNode(host.node, {
      transmit: (t) => {
        const local = t.from ?? host.endpoints[0]!;
        const from = host.nat ? host.nat.outbound(t.to) : local;
        this.flight.push({ atMs: this.nowMs + 10, from, to: t.to, payload: t.payload });
      },
      event: (e) => host.events.push(e),
    })!;
  }

  /** Delivers datagrams and fires timers in time order up to `untilMs`. */
  run(untilMs: number): void {
    for (;;) {
      const nextFlight = this.flight.reduce((m, f) => Math.min(m, f.atMs), Infinity);
      const nextTimer = this.hosts.reduce((m, h) => Math.min(m, h.timerMs), Infinity);
      const at = Math.min(nextFlight, nextTimer);
      if (at > untilMs) break;
      this.nowMs = Math.max(this.nowMs, at);
      if (nextFlight <= nextTimer) {
        const i = this.flight.findIndex((f) => f.atMs === nextFlight);
        const [f] = this.flight.splice(i, 1);
        this.deliver(f!);
      } else {
        const host = this.hosts.find((h) => h.timerMs === nextTimer)!;
        host.timerMs = Number.POSITIVE_INFINITY;
        host.node.handleTimeout(this.nowMs);
        this.drain(host);
      }
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  private deliver(f: InFlight): void {
    let to = f.to;
    const ip = endpointKey({ address: to.address, port: 0 });
    const nat = [...this.natByIp.values()].find(
      (n) => endpointKey({ address: parseEndpoint(`${n.publicIp}:1`).address, port: 0 }) === ip,
    );
    if (nat) {
      if (!nat.inbound(f.from, to.port)) return; // filtered
      const host = this.hosts.find((h) => h.nat === nat)!;
      to = host.endpoints[0]!;
    }
    const host = this.byEndpoint.get(endpointKey(to));
    if (!host) return;
    this.delivered.push([f.from, f.to, f.payload.length]);
    host.node.handleDatagram(this.nowMs, f.from, f.payload, to);
    this.drain(host);
  }
}
