/**
 * A small virtual-time world for `PunchNode` tests: hosts with a private endpoint behind an
 * emulated NAT (cone: the private port kept for every destination; symmetric: a new port per
 * destination; both filter by the remote address and port, as conntrack does) or public, 5 ms one
 * way. Datagrams that are not rendezvous datagrams are recorded per host (`other`).
 */
import {
  type Endpoint,
  endpointKey,
  formatEndpoint,
  parseEndpoint,
} from '../../../src/keys/endpoint.js';
import { type PunchEvent, PunchNode, type PunchOptions } from '../../../src/nat/index.js';
import { isRendezvousDatagram } from '../../../src/nat/rendezvous-codec.js';
import { seededRng } from '../../../src/util/rng.js';

export class Nat {
  private readonly out = new Map<string, number>();
  private readonly allowed = new Set<string>();
  private nextPort = 40000;
  constructor(
    readonly publicIp: string,
    private readonly symmetric: boolean,
  ) {}
  outbound(from: Endpoint, to: Endpoint): Endpoint {
    const key = this.symmetric ? endpointKey(to) : '*';
    let port = this.out.get(key);
    if (port === undefined) {
      port = this.symmetric ? this.nextPort++ : from.port;
      this.out.set(key, port);
    }
    this.allowed.add(`${port}/${endpointKey(to)}`);
    return parseEndpoint(`${this.publicIp}:${port}`);
  }
  inbound(from: Endpoint, to: Endpoint): boolean {
    return this.allowed.has(`${to.port}/${endpointKey(from)}`);
  }
}

export interface Host {
  readonly name: string;
  readonly node: PunchNode;
  readonly self: Endpoint;
  readonly nat: Nat | undefined;
  readonly events: PunchEvent[];
  readonly other: { from: Endpoint; payload: Uint8Array }[];
  /** Bytes of rendezvous datagrams sent, per destination. */
  readonly sentTo: Map<string, number>;
  timer: number;
}

export class PunchWorld {
  readonly hosts: Host[] = [];
  now = 0;
  private wire: { at: number; from: Endpoint; to: Endpoint; payload: Uint8Array }[] = [];
  delivered = 0;

  add(name: string, self: string, nat?: Nat, options: Partial<PunchOptions> = {}): Host {
    const h: Host = {
      name,
      node: new PunchNode({ rng: seededRng(`punch-${name}`), ...options }),
      self: parseEndpoint(self),
      nat,
      events: [],
      other: [],
      sentTo: new Map(),
      timer: Infinity,
    };
    this.hosts.push(h);
    this.drain(h);
    return h;
  }

  /** The endpoint others reach `h` at for a flow it opened toward `to` (cone: any `to`). */
  publicOf(h: Host, to: Endpoint = parseEndpoint('198.51.100.1:9')): Endpoint {
    return h.nat ? h.nat.outbound(h.self, to) : h.self;
  }

  /** Runs `fn` on `h`'s node at the current time and drains it. */
  command<T>(h: Host, fn: (n: PunchNode, now: number) => T): T {
    const r = fn(h.node, this.now);
    this.drain(h);
    return r;
  }

  /** Sends a raw datagram from `h` (as its socket would). */
  sendRaw(h: Host, to: Endpoint, payload: Uint8Array): void {
    const from = h.nat ? h.nat.outbound(h.self, to) : h.self;
    this.wire.push({ at: this.now + 5, from, to, payload });
  }

  /** Delivers a datagram with a forged source address (an off-path attacker's, say). */
  spoof(from: Endpoint, to: Endpoint, payload: Uint8Array): void {
    this.wire.push({ at: this.now + 5, from, to, payload });
  }

  drain(h: Host): void {
    for (;;) {
      const o = h.node.poll();
      if (o.type === 'timeout') {
        h.timer = o.atMs;
        return;
      }
      if (o.type === 'event') h.events.push(o.event);
      else {
        const key = formatEndpoint(o.to);
        h.sentTo.set(key, (h.sentTo.get(key) ?? 0) + o.payload.length);
        this.sendRaw(h, o.to, o.payload);
      }
    }
  }

  private receiver(d: { from: Endpoint; to: Endpoint }): Host | undefined {
    for (const h of this.hosts) {
      if (!h.nat) {
        if (endpointKey(h.self) === endpointKey(d.to)) return h;
        continue;
      }
      if (formatEndpoint(d.to).startsWith(`${h.nat.publicIp}:`) && h.nat.inbound(d.from, d.to))
        return h;
    }
    return undefined;
  }

  run(untilMs: number): void {
    for (;;) {
      this.wire.sort((x, y) => x.at - y.at);
      const nextTimer = Math.min(...this.hosts.map((h) => h.timer));
      const nextWire = this.wire[0]?.at ?? Infinity;
      const next = Math.min(nextTimer, nextWire);
      if (next > untilMs) {
        this.now = untilMs;
        return;
      }
      this.now = next;
      if (nextWire <= nextTimer) {
        const d = this.wire.shift()!;
        const h = this.receiver(d);
        if (!h) continue;
        this.delivered++;
        if (isRendezvousDatagram(d.payload)) h.node.handleDatagram(this.now, d.from, d.payload);
        else {
          h.other.push({ from: d.from, payload: d.payload });
          h.node.noteHeard(this.now, d.from);
        }
        this.drain(h);
      } else {
        for (const h of this.hosts)
          if (h.timer <= this.now) {
            h.node.handleTimeout(this.now);
            this.drain(h);
          }
      }
    }
  }
}
