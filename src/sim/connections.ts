/**
 * @module sim/connections
 * Reliable, ordered connections in virtual time (docs/design.md §8): the simulator's model of
 * TCP for `ConnectionNode`s. {@link SimConnections} owns every connection's state; a driver (the
 * minimal `ConnectionSimulation` in connection-sim.ts, or a graph cloud on `SimEngine`) hands it
 * the nodes' connection outputs and gets back `connected`/`accepted`/`received`/`closed` calls
 * through a {@link SimConnectionHost}, always from a scheduled event, never inside a drain.
 *
 * The model, every draw from the `NetworkModel` it is given (one seeded stream), so a run is a
 * function of the seed and of the order of outputs:
 *
 * - Connect: the SYN takes one sampled one-way delay to the target, the SYN-ACK one back, so
 *   `accepted` fires at the target after one way and `connected` at the opener after a round
 *   trip. Nobody at the endpoint (unknown, crashed, or `connectionsMax` open there): `refused`
 *   one base round trip later (an RST; for an unknown endpoint twice `delayMinMs`). Across a
 *   partition, or when the handshake's segments are lost more than `retransmitsMax` times in a
 *   row: `unreachable` after `connectTimeoutMs`.
 * - Bytes: each `send` is cut into segments of at most `segmentBytes` (so a node's framing is
 *   exercised across boundaries). A segment is never lost: each loss drawn from the network's
 *   `lossProbability` adds a retransmission timeout (`retransmitTimeoutMs`, doubled per
 *   consecutive loss) to its delay; after `retransmitsMax` losses in a row both ends are reset.
 *   Arrival times never decrease along one direction (head-of-line blocking), and events at one
 *   time keep their order, so bytes arrive in order. Duplicates of the datagram model are ignored.
 *   Bytes sent before `connected` travel right behind the handshake.
 * - Bounded: a side's bytes in flight may not exceed `sendBufferMaxBytes`; a send beyond aborts
 *   the connection: `error` to the sender at once, `reset` to the peer one way later.
 * - Close: a graceful close arrives behind the bytes sent before it (`closed` at the peer); an
 *   abort drops what is in flight both ways and resets the peer one way later.
 * - Crash ({@link SimConnections.nodeDown}, also before a restart): the node's connections vanish
 *   without a word. A peer learns of it with `reset` one base round trip after it next sends, or
 *   `keepaliveMs` after the crash if it sends nothing. Bytes already on the wire from the
 *   crashed node still arrive.
 * - Partition ({@link SimConnections.partitionChanged}): every connection whose ends can no
 *   longer reach each other is reset on both sides at once, in the order the connections were
 *   opened; what was in flight across it is dropped. Handshakes that cross it time out.
 *
 * Not modelled: bandwidth and congestion (a send's segments leave at once), half-close, Nagle.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { ConnectionEnd, ConnectionId, ConnectionOutput } from '../sans-io.js';
import type {
  SimConnectionHost,
  SimConnectionOptions,
  SimConnectionStats,
} from './connection-types.js';
import type { NetworkModel } from './network.js';

export type {
  SimConnectionHost,
  SimConnectionOptions,
  SimConnectionStats,
} from './connection-types.js';

interface Side {
  readonly index: number;
  /** The node's handle; 0 while the target has not accepted. */
  conn: ConnectionId;
  /** The node holds the handle. */
  open: boolean;
  /** The node crashed with this connection open. */
  dead: boolean;
  /** Bytes this side has in flight. */
  inFlight: number;
  /** Latest arrival time scheduled from this side (arrivals never go backwards). */
  lastArrivalMs: number;
}

interface Conn {
  readonly serial: number;
  readonly sides: readonly [Side, Side];
  accepted: boolean;
  established: boolean;
  /** Reset, refused, unreachable or aborted: nothing more travels. */
  failed: boolean;
  /** An RST toward a sender whose peer crashed is on its way. */
  rstPending: boolean;
}

/** Rounds a delay up to 1/1024 ms, as the datagram model does. */
function ticks(ms: number): number {
  return Math.ceil(ms * 1024) / 1024;
}

/**
 * The connections of one simulated network.
 * @example
 * const conns = new SimConnections(host, new NetworkModel(rng.fork('connections')));
 * // in the drain sink of node i:  connection: (out) => conns.output(i, out)
 * // when node i crashes or restarts: conns.nodeDown(i); after changing groups: conns.partitionChanged()
 */
export class SimConnections {
  private readonly o: Required<SimConnectionOptions>;
  private readonly stats_: SimConnectionStats = {
    connectsStarted: 0,
    accepted: 0,
    established: 0,
    ended: { closed: 0, reset: 0, refused: 0, unreachable: 0, error: 0 },
    overflows: 0,
    bytesSent: 0,
    bytesDelivered: 0,
    segmentsSent: 0,
    retransmissions: 0,
    segmentsDropped: 0,
    staleCalls: 0,
  };
  /** Each node's open handles. */
  private readonly byNode = new Map<number, Map<ConnectionId, [Conn, 0 | 1]>>();
  private readonly nextAccepted = new Map<number, number>();
  /** Connections with an open side, in the order they were opened. */
  private readonly live = new Set<Conn>();
  private serial = 0;

  /**
   * @param net the delay and loss model (its own seeded stream, e.g. `rng.fork('connections')`).
   * @example new SimConnections(host, net, { keepaliveMs: 5_000 })
   */
  constructor(
    private readonly host: SimConnectionHost,
    private readonly net: NetworkModel,
    options: SimConnectionOptions = {},
  ) {
    const count = (name: keyof SimConnectionOptions, fallback: number, min: number): number => {
      const v = options[name] ?? fallback;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
        throw new RangeError(`connections.${name} must be an integer >= ${min}, got ${v}`);
      return v;
    };
    this.o = {
      connectTimeoutMs: count('connectTimeoutMs', 10_000, 1),
      retransmitTimeoutMs: count('retransmitTimeoutMs', 200, 1),
      retransmitsMax: count('retransmitsMax', 8, 0),
      keepaliveMs: count('keepaliveMs', 30_000, 1),
      segmentBytes: count('segmentBytes', 1460, 1),
      sendBufferMaxBytes: count('sendBufferMaxBytes', 1 << 20, 1),
      connectionsMax: count('connectionsMax', 1024, 1),
    };
  }

  /**
   * A snapshot of the counters.
   * @example conns.stats.ended.reset
   */
  get stats(): SimConnectionStats {
    return { ...this.stats_, ended: { ...this.stats_.ended } };
  }

  /**
   * Connections with at least one open side.
   * @example conns.openCount
   */
  get openCount(): number {
    return this.live.size;
  }

  /**
   * Carries one connection output of node `index` (call it from the drain sink). A `connect` on
   * a handle in use is a bug in the node: RangeError.
   * @example sink.connection = (out) => conns.output(i, out);
   */
  output(index: number, out: ConnectionOutput): void {
    if (out.type === 'connect') return this.connect(index, out.conn, out.to);
    const entry = this.handles(index).get(out.conn);
    if (entry === undefined) {
      this.stats_.staleCalls++;
      return;
    }
    if (out.type === 'send') this.send(entry[0], entry[1], out.bytes);
    else this.close(entry[0], entry[1], out.abort === true);
  }

  /**
   * Node `index` crashed, was removed, or is about to restart: its connections vanish silently.
   * @example conns.nodeDown(3)
   */
  nodeDown(index: number): void {
    const mine = this.byNode.get(index);
    this.byNode.delete(index);
    this.nextAccepted.delete(index);
    if (mine === undefined) return;
    const at = this.host.nowMs() + this.o.keepaliveMs;
    for (const [c, k] of mine.values()) {
      const side = c.sides[k];
      side.open = false;
      side.dead = true;
      this.settle(c);
      if (c.sides[1 - k]!.open) this.host.schedule(at, () => this.fail(c, 'reset'));
    }
  }

  /**
   * Resets every connection whose two ends can no longer reach each other (call it after the
   * partition groups changed).
   * @example sim.partition(groups); conns.partitionChanged();
   */
  partitionChanged(): void {
    const now = this.host.nowMs();
    for (const c of this.live) {
      const [a, b] = c.sides;
      if (c.failed || !c.accepted || this.host.reachable(a.index, b.index)) continue;
      c.failed = true;
      this.host.schedule(now, () => this.endBoth(c, 'reset'));
    }
  }

  private handles(index: number): Map<ConnectionId, [Conn, 0 | 1]> {
    let m = this.byNode.get(index);
    if (m === undefined) {
      m = new Map();
      this.byNode.set(index, m);
    }
    return m;
  }

  private connect(i: number, id: ConnectionId, to: Endpoint): void {
    const mine = this.handles(i);
    if (!Number.isSafeInteger(id) || id <= 0 || mine.has(id))
      throw new RangeError(`node ${i} opened connection handle ${id}, which is invalid or in use`);
    const j = this.host.indexOf(to);
    const side = (index: number, conn: ConnectionId, open: boolean): Side => ({
      index,
      conn,
      open,
      dead: false,
      inFlight: 0,
      lastArrivalMs: 0,
    });
    const c: Conn = {
      serial: this.serial++,
      sides: [side(i, id, true), side(j, 0, false)],
      accepted: false,
      established: false,
      failed: false,
      rstPending: false,
    };
    mine.set(id, [c, 0]);
    this.live.add(c);
    this.stats_.connectsStarted++;
    const now = this.host.nowMs();
    if (j < 0 || j === i) {
      const rtt = ticks(2 * this.net.options.delayMinMs);
      this.host.schedule(now + rtt, () => this.failOpener(c, 'refused'));
      return;
    }
    this.host.schedule(now + this.o.connectTimeoutMs, () => {
      if (!c.established) this.failOpener(c, 'unreachable');
    });
    const at = this.arrival(c, 0);
    if (at !== undefined) this.host.schedule(at, () => this.onSyn(c));
  }

  private onSyn(c: Conn): void {
    const [a, b] = c.sides;
    if (c.failed || !this.host.reachable(a.index, b.index)) return; // times out
    const full = (this.byNode.get(b.index)?.size ?? 0) >= this.o.connectionsMax;
    if (!this.host.isUp(b.index) || full) {
      const rst = this.host.nowMs() + this.baseOneWay(b.index, a.index);
      this.host.schedule(rst, () => this.failOpener(c, 'refused'));
      return;
    }
    const id = this.nextAccepted.get(b.index) ?? -1;
    this.nextAccepted.set(b.index, id - 1);
    b.conn = id;
    b.open = true;
    c.accepted = true;
    this.live.add(c); // again: the opener may have crashed or closed meanwhile
    this.handles(b.index).set(id, [c, 1]);
    this.stats_.accepted++;
    const at = this.arrival(c, 1);
    if (at !== undefined) this.host.schedule(at, () => this.onSynAck(c));
    this.host.accepted(b.index, id, this.host.endpointOf(a.index));
  }

  private onSynAck(c: Conn): void {
    const a = c.sides[0];
    if (c.failed) return;
    if (a.dead) return this.rstToward(c, 1);
    if (c.established) return;
    c.established = true;
    this.stats_.established++;
    if (a.open) this.host.connected(a.index, a.conn);
  }

  private send(c: Conn, k: 0 | 1, bytes: Uint8Array): void {
    const side = c.sides[k];
    if (c.failed) return;
    if (c.sides[1 - k]!.dead) {
      this.rstToward(c, k);
      return;
    }
    if (side.inFlight + bytes.length > this.o.sendBufferMaxBytes) {
      this.stats_.overflows++;
      c.failed = true;
      this.host.schedule(this.host.nowMs(), () => this.end(c, k, 'error'));
      const peer = c.sides[1 - k]!;
      const at = this.host.nowMs() + this.baseOneWay(side.index, peer.index);
      this.host.schedule(at, () => this.end(c, (1 - k) as 0 | 1, 'reset'));
      return;
    }
    this.stats_.bytesSent += bytes.length;
    for (let from = 0; from < bytes.length; from += this.o.segmentBytes) {
      const segment = bytes.slice(from, Math.min(bytes.length, from + this.o.segmentBytes));
      const at = this.arrival(c, k);
      if (at === undefined) return;
      side.inFlight += segment.length;
      this.host.schedule(at, () => this.deliver(c, k, segment));
    }
  }

  private deliver(c: Conn, k: 0 | 1, segment: Uint8Array): void {
    c.sides[k].inFlight -= segment.length;
    const to = c.sides[1 - k]!;
    if (c.failed || !to.open) {
      this.stats_.segmentsDropped++;
      return;
    }
    this.stats_.bytesDelivered += segment.length;
    this.host.received(to.index, to.conn, segment);
  }

  private close(c: Conn, k: 0 | 1, abort: boolean): void {
    const side = c.sides[k];
    const peer = c.sides[1 - k]!;
    side.open = false;
    this.handles(side.index).delete(side.conn);
    if (abort) c.failed = true;
    this.settle(c);
    if (c.failed && !abort) return;
    if (abort) {
      if (!c.accepted) return;
      const at = this.host.nowMs() + this.baseOneWay(side.index, peer.index);
      this.host.schedule(at, () => this.end(c, (1 - k) as 0 | 1, 'reset'));
      return;
    }
    const at = this.arrival(c, k);
    if (at === undefined) return;
    this.host.schedule(at, () => {
      if (!c.failed) this.end(c, (1 - k) as 0 | 1, 'closed');
    });
  }

  /** The peer of side `k` crashed: side `k` gets an RST one base round trip from now. */
  private rstToward(c: Conn, k: 0 | 1): void {
    if (c.rstPending) return;
    c.rstPending = true;
    const side = c.sides[k];
    const peer = c.sides[1 - k]!;
    const rtt = this.baseOneWay(side.index, peer.index) + this.baseOneWay(peer.index, side.index);
    this.host.schedule(this.host.nowMs() + rtt, () => this.fail(c, 'reset'));
  }

  /** Fails the connection and tells whichever sides are still open. */
  private fail(c: Conn, end: ConnectionEnd): void {
    c.failed = true;
    this.endBoth(c, end);
  }

  private failOpener(c: Conn, end: ConnectionEnd): void {
    if (c.failed || c.established) return;
    c.failed = true;
    this.endBoth(c, end);
  }

  private endBoth(c: Conn, end: ConnectionEnd): void {
    this.end(c, 0, end);
    this.end(c, 1, end);
  }

  /** Reports side `k` ended (if its node still holds it) and forgets it. */
  private end(c: Conn, k: 0 | 1, how: ConnectionEnd): void {
    const side = c.sides[k];
    if (!side.open) return this.settle(c);
    side.open = false;
    this.handles(side.index).delete(side.conn);
    this.settle(c);
    this.stats_.ended[how]++;
    this.host.closed(side.index, side.conn, how);
  }

  /** Forgets `c` once neither side holds it and no handshake is pending. */
  private settle(c: Conn): void {
    if (!c.sides[0].open && !c.sides[1].open && (c.accepted || c.failed)) this.live.delete(c);
  }

  /**
   * When a segment sent now from side `k` arrives: sampled delay plus a retransmission timeout
   * per loss, never before the previous arrival in that direction. Undefined (and the connection
   * reset) when it is lost more than `retransmitsMax` times in a row.
   */
  private arrival(c: Conn, k: 0 | 1): number | undefined {
    const side = c.sides[k];
    const to = c.sides[1 - k]!.index;
    this.stats_.segmentsSent++;
    let extra = 0;
    let rto = this.o.retransmitTimeoutMs;
    for (let losses = 0; ; losses++) {
      const fate = this.net.sample(side.index, to);
      if (!fate.lost) {
        const at = Math.max(this.host.nowMs() + extra + fate.delayMs, side.lastArrivalMs);
        side.lastArrivalMs = at;
        return at;
      }
      this.stats_.retransmissions++;
      if (losses >= this.o.retransmitsMax) break;
      extra += rto;
      rto *= 2;
    }
    c.failed = true;
    const end: ConnectionEnd = c.established ? 'reset' : 'unreachable';
    this.host.schedule(this.host.nowMs() + extra, () => this.endBoth(c, end));
    return undefined;
  }

  /** One way from `a` to `b` without jitter or loss (what control segments take). */
  private baseOneWay(a: number, b: number): number {
    return ticks(this.net.options.delayMinMs + this.net.pairMs(a, b));
  }
}
