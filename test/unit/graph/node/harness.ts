/**
 * A small deterministic network for GraphNode tests: virtual time, a priority queue of
 * deliveries with a fixed latency (in order per connection, since every delivery on a pipe takes
 * the same latency and ties break by insertion order), crashes and partitions that reset
 * connections, and an optional trace of every message sent (decoded, null security only).
 */

import type { GraphEvent } from '../../../../src/graph/events.js';
import type { GraphAddress, GraphMessage } from '../../../../src/graph/model.js';
import { GraphNode, type GraphNodeOptions } from '../../../../src/graph/node.js';
import { nullGraphSecurityProvider } from '../../../../src/graph/security/index.js';
import { decodeGraphMessage, UnitReader } from '../../../../src/graph/wire/index.js';
import type { Endpoint } from '../../../../src/keys/endpoint.js';
import { type ConnectionEnd, type ConnectionOutput, drainNode } from '../../../../src/sans-io.js';
import { seededRng } from '../../../../src/util/rng.js';

/** One simulated node. */
export interface SimNode {
  readonly index: number;
  readonly node: GraphNode;
  readonly address: GraphAddress;
  readonly events: GraphEvent[];
  alive: boolean;
  /** Generation of the node's armed timer (stale timer events are ignored). */
  timerGen: number;
  timerAtMs: number;
  nextAccepted: number;
  /** Wall-clock skew in ms. */
  skewMs: number;
}

interface Pipe {
  readonly a: SimNode;
  readonly aConn: number;
  b: SimNode | undefined;
  bConn: number;
  open: boolean;
  /** Per direction readers for the trace. */
  readonly readers: [UnitReader, UnitReader];
}

interface QueuedEvent {
  readonly atMs: number;
  readonly seq: number;
  readonly run: () => void;
}

/** One traced message. */
export interface TraceEntry {
  readonly atMs: number;
  readonly from: number;
  readonly to: number;
  readonly message: GraphMessage;
}

/** Wall-clock base for every node (2026-01-01). */
export const WALL_BASE_MS = 1_767_225_600_000;

/** The virtual network. */
export class GraphNet {
  nowMs = 0;
  readonly nodes: SimNode[] = [];
  readonly trace: TraceEntry[] = [];
  private readonly heap: QueuedEvent[] = [];
  private seq = 0;
  private readonly pipes = new Map<string, Pipe>();
  private readonly blocked = new Set<string>();

  constructor(
    private readonly seed: number,
    readonly latencyMs = 10,
    readonly tracing = true,
    /** Wall clock at virtual time 0 (certificates need a moment inside their validity). */
    readonly wallBaseMs: number = WALL_BASE_MS,
  ) {}

  /** Adds a node listening at 10.0.0.(index+1):3000. */
  add(
    extra: Partial<Omit<GraphNodeOptions, 'rng' | 'wallClock' | 'security'>> & {
      skewMs?: number;
      security?: GraphNodeOptions['security'];
    } = {},
  ): SimNode {
    const index = this.nodes.length;
    const address = addressOf(index);
    const sim: SimNode = {
      index,
      address,
      events: [],
      alive: true,
      timerGen: 0,
      timerAtMs: Number.POSITIVE_INFINITY,
      nextAccepted: -1,
      skewMs: extra.skewMs ?? 0,
      node: undefined as unknown as GraphNode,
    };
    const { skewMs: _s, ...rest } = extra;
    const node = new GraphNode({
      graphId: 'test-graph',
      peerId: `peer-${index}`,
      security: nullGraphSecurityProvider(),
      listenAddresses: [address],
      ...rest,
      rng: seededRng(this.seed).fork(`node-${index}`),
      wallClock: { nowMs: () => this.wallBaseMs + this.nowMs + sim.skewMs },
    });
    (sim as { node: GraphNode }).node = node;
    this.nodes.push(sim);
    return sim;
  }

  /** Runs a command on a node at the current time, then drains it. */
  command<T>(sim: SimNode, f: (node: GraphNode, nowMs: number) => T): T {
    const r = f(sim.node, this.nowMs);
    this.drain(sim);
    return r;
  }

  /** Processes events until `untilMs` (inclusive); time ends at `untilMs`. */
  runUntil(untilMs: number): void {
    while (this.heap.length > 0 && this.heap[0]!.atMs <= untilMs) {
      const e = this.pop();
      this.nowMs = e.atMs;
      e.run();
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  /** Runs for `ms` more. */
  runFor(ms: number): void {
    this.runUntil(this.nowMs + ms);
  }

  /** Crashes a node: every connection of it resets, it never runs again. */
  crash(sim: SimNode): void {
    sim.alive = false;
    for (const [key, pipe] of this.pipes) {
      if (pipe.a === sim || pipe.b === sim) this.reset(key, pipe);
    }
  }

  /** Cuts every connection between the two groups and blocks new ones until {@link heal}. */
  partition(left: readonly SimNode[], right: readonly SimNode[]): void {
    for (const l of left) for (const r of right) this.blocked.add(pairKey(l, r));
    for (const [key, pipe] of this.pipes) {
      if (pipe.b && this.blocked.has(pairKey(pipe.a, pipe.b))) this.reset(key, pipe);
    }
  }

  /** Lifts every partition. */
  heal(): void {
    this.blocked.clear();
  }

  /** Open connections between live nodes that both consider neighbours (each counted once). */
  neighbourEdges(): number {
    let e = 0;
    for (const s of this.nodes)
      if (s.alive) e += s.node.neighbours().filter((n) => !n.direct).length;
    return e / 2;
  }

  private reset(key: string, pipe: Pipe): void {
    if (!pipe.open) return;
    pipe.open = false;
    this.pipes.delete(key);
    const ends: [SimNode | undefined, number][] = [
      [pipe.a, pipe.aConn],
      [pipe.b, pipe.bConn],
    ];
    for (const [sim, conn] of ends) {
      if (!sim?.alive) continue;
      this.schedule(this.latencyMs, () => this.deliverClosed(sim, conn, 'reset'));
    }
  }

  private deliverClosed(sim: SimNode, conn: number, end: ConnectionEnd): void {
    if (!sim.alive) return;
    sim.node.handleConnectionClosed(this.nowMs, conn, end);
    this.drain(sim);
  }

  /** Drains a node and routes its outputs. */
  drain(sim: SimNode): void {
    if (!sim.alive) return;
    const atMs = drainNode(
      sim.node,
      {
        transmit: () => {
          throw new Error('a graph node sent a datagram');
        },
        event: (e) => sim.events.push(e),
        connection: (out) => this.route(sim, out),
        live: () => sim.alive,
        name: `node ${sim.index}`,
      },
      1_000_000,
    );
    if (atMs === undefined) return;
    if (atMs !== sim.timerAtMs) {
      sim.timerAtMs = atMs;
      const gen = ++sim.timerGen;
      if (Number.isFinite(atMs)) {
        this.schedule(Math.max(0, atMs - this.nowMs), () => {
          if (!sim.alive || sim.timerGen !== gen) return;
          sim.timerAtMs = Number.POSITIVE_INFINITY;
          sim.node.handleTimeout(this.nowMs);
          this.drain(sim);
        });
      }
    }
  }

  private route(sim: SimNode, out: ConnectionOutput): void {
    const key = `${sim.index}/${out.conn}`;
    if (out.type === 'connect') return this.connect(sim, out.conn, out.to);
    const pipe = this.pipes.get(key);
    if (!pipe) return;
    const fromA = pipe.a === sim;
    if (out.type === 'send') {
      if (this.tracing && pipe.b) this.traceBytes(pipe, fromA, out.bytes);
      this.schedule(this.latencyMs, () => {
        if (!pipe.open) return;
        const to = fromA ? pipe.b : pipe.a;
        const conn = fromA ? pipe.bConn : pipe.aConn;
        if (!to?.alive) return;
        to.node.handleReceived(this.nowMs, conn, out.bytes);
        this.drain(to);
      });
      return;
    }
    // close: the peer learns after the bytes already in flight (abort: at once, as a reset).
    this.pipes.delete(`${pipe.a.index}/${pipe.aConn}`);
    if (pipe.b) this.pipes.delete(`${pipe.b.index}/${pipe.bConn}`);
    if (out.abort) pipe.open = false;
    const other = fromA ? pipe.b : pipe.a;
    const otherConn = fromA ? pipe.bConn : pipe.aConn;
    this.schedule(this.latencyMs, () => {
      pipe.open = false;
      if (other) this.deliverClosed(other, otherConn, out.abort ? 'reset' : 'closed');
    });
  }

  private connect(sim: SimNode, conn: number, to: Endpoint): void {
    const target = this.nodes.find(
      (n) => n.address.port === to.port && sameAddress(n.address.address, to.address),
    );
    const readers: [UnitReader, UnitReader] = [new UnitReader(), new UnitReader()];
    const pipe: Pipe = { a: sim, aConn: conn, b: undefined, bConn: 0, open: true, readers };
    if (!target?.alive || this.blocked.has(pairKey(sim, target))) {
      this.schedule(this.latencyMs, () =>
        this.deliverClosed(sim, conn, target?.alive ? 'unreachable' : 'refused'),
      );
      return;
    }
    pipe.b = target;
    pipe.bConn = target.nextAccepted--;
    this.pipes.set(`${sim.index}/${conn}`, pipe);
    this.pipes.set(`${target.index}/${pipe.bConn}`, pipe);
    this.schedule(this.latencyMs, () => {
      if (!pipe.open || !target.alive) return;
      target.node.handleAccepted(this.nowMs, pipe.bConn, {
        address: sim.address.address,
        port: 40000 + sim.index,
      });
      this.drain(target);
      if (!sim.alive || !pipe.open) return;
      sim.node.handleConnected(this.nowMs, conn);
      this.drain(sim);
    });
  }

  private traceBytes(pipe: Pipe, fromA: boolean, bytes: Uint8Array): void {
    const units = pipe.readers[fromA ? 0 : 1].push(bytes);
    if (!units.ok) return;
    for (const unit of units.value) {
      const m = decodeGraphMessage(unit);
      if (!m.ok) continue;
      this.trace.push({
        atMs: this.nowMs,
        from: fromA ? pipe.a.index : pipe.b!.index,
        to: fromA ? pipe.b!.index : pipe.a.index,
        message: m.value,
      });
    }
  }

  private schedule(delayMs: number, run: () => void): void {
    const e: QueuedEvent = { atMs: this.nowMs + delayMs, seq: this.seq++, run };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p]!, e)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  private pop(): QueuedEvent {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
        if (before(last, h[c]!)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}

function pairKey(a: SimNode, b: SimNode): string {
  return a.index < b.index ? `${a.index}-${b.index}` : `${b.index}-${a.index}`;
}

function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The listening address of node `index`: ::ffff:10.0.x.y port 3000. */
export function addressOf(index: number): GraphAddress {
  const address = new Uint8Array(16);
  address[10] = 0xff;
  address[11] = 0xff;
  address[12] = 10;
  address[13] = 0;
  address[14] = (index + 1) >> 8;
  address[15] = (index + 1) & 0xff;
  return { address, port: 3000 };
}

/** An endpoint for `connect` to node `sim`. */
export function endpointOf(sim: SimNode): Endpoint {
  return { address: sim.address.address, port: sim.address.port };
}

/** Hex of a digest, for equality assertions. */
export function digestHex(sim: SimNode): string {
  return [...sim.node.database.digest()].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Message types of the trace between two nodes, in order. */
export function typesBetween(net: GraphNet, from: number, to: number): string[] {
  return net.trace.filter((t) => t.from === from && t.to === to).map((t) => t.message.type);
}
