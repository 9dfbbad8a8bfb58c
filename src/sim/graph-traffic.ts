/**
 * @module sim/graph-traffic
 * Counting a graph cloud's traffic where it leaves the nodes: {@link MeteredGraphNode} wraps a
 * real `GraphNode` and hands every `send` output to a {@link GraphTrafficMeter} before the
 * driver sees it. A graph node emits one `send` per framed unit (graph/links.ts), so one `send`
 * is one message; under the null provider the unit is the plain message, whose type is byte 5
 * of the unit (byte 7 after the 2-byte frame header), and a FLOOD's record type sits at the
 * offset its header names. Units a real security provider sealed cannot be read: they count as
 * type 0 (`sealed`), and only totals are exact then.
 */
import type { GraphEvent } from '../graph/events.js';
import { MESSAGE_TYPE } from '../graph/model.js';
import type { GraphNode } from '../graph/node.js';
import type { Endpoint } from '../keys/endpoint.js';
import type {
  ConnectionEnd,
  ConnectionId,
  ConnectionNode,
  ConnectionOutput,
  Output,
} from '../sans-io.js';

/** PEER_MESSAGE Version byte of a plain (unsealed) message. */
const PLAIN_VERSION = 0x10;
/** Frame header bytes before the unit. */
const FRAME_HEADER = 2;

/** Message type names by wire number (0: sealed or unreadable). */
const TYPE_NAMES: readonly string[] = (() => {
  const names: string[] = ['sealed'];
  for (const [name, n] of Object.entries(MESSAGE_TYPE)) names[n] = name;
  return names;
})();

/** Messages and bytes of one kind of traffic. */
export interface TrafficCount {
  messages: number;
  bytes: number;
}

/** A snapshot of a {@link GraphTrafficMeter}. */
export interface GraphTraffic {
  /** Every message every node sent, framing included. */
  readonly all: TrafficCount;
  /** FLOODs carrying records of the application's type (flooding and sync answers alike). */
  readonly appFloods: TrafficCount;
  /** By message type name (`flood`, `ack`, `solicitHash`, ..., `sealed`). */
  readonly byType: Readonly<Record<string, TrafficCount>>;
}

/**
 * Counts the `send` outputs of every node of a cloud.
 * @example const meter = new GraphTrafficMeter(APP_TYPE); meter.count(framedBytes); meter.snapshot()
 */
export class GraphTrafficMeter {
  private readonly messages = new Float64Array(256);
  private readonly bytes = new Float64Array(256);
  private appMessages = 0;
  private appBytes = 0;

  /** @param appType the record type whose FLOODs are counted apart (16 bytes). */
  constructor(private readonly appType: Uint8Array) {}

  /**
   * Counts one framed unit a node sent.
   * @example meter.count(out.bytes)
   */
  count(framed: Uint8Array): void {
    const plain = framed.length >= FRAME_HEADER + 8 && framed[FRAME_HEADER + 4] === PLAIN_VERSION;
    const type = plain ? framed[FRAME_HEADER + 5]! : 0;
    this.messages[type]!++;
    this.bytes[type]! += framed.length;
    if (type === MESSAGE_TYPE.flood && this.isApp(framed)) {
      this.appMessages++;
      this.appBytes += framed.length;
    }
  }

  private isApp(framed: Uint8Array): boolean {
    if (framed.length < FRAME_HEADER + 12) return false;
    const at = FRAME_HEADER + ((framed[FRAME_HEADER + 8]! << 8) | framed[FRAME_HEADER + 9]!);
    const t = this.appType;
    if (framed.length < at + t.length) return false;
    for (let i = 0; i < t.length; i++) if (framed[at + i] !== t[i]) return false;
    return true;
  }

  /**
   * The counts so far.
   * @example const before = meter.snapshot();
   */
  snapshot(): GraphTraffic {
    const all = { messages: 0, bytes: 0 };
    const byType: Record<string, TrafficCount> = {};
    for (let t = 0; t < 256; t++) {
      const messages = this.messages[t]!;
      if (messages === 0) continue;
      all.messages += messages;
      all.bytes += this.bytes[t]!;
      byType[TYPE_NAMES[t] ?? `type-${t}`] = { messages, bytes: this.bytes[t]! };
    }
    return { all, appFloods: { messages: this.appMessages, bytes: this.appBytes }, byType };
  }
}

/**
 * `after - before`, per count.
 * @example const window = trafficSince(before, meter.snapshot());
 */
export function trafficSince(before: GraphTraffic, after: GraphTraffic): GraphTraffic {
  const sub = (a: TrafficCount | undefined, b: TrafficCount): TrafficCount => ({
    messages: b.messages - (a?.messages ?? 0),
    bytes: b.bytes - (a?.bytes ?? 0),
  });
  const byType: Record<string, TrafficCount> = {};
  for (const [k, v] of Object.entries(after.byType)) byType[k] = sub(before.byType[k], v);
  return {
    all: sub(before.all, after.all),
    appFloods: sub(before.appFloods, after.appFloods),
    byType,
  };
}

/**
 * A `GraphNode` whose `send` outputs are counted on their way out; everything else passes
 * through unchanged, so the node runs exactly as it would unwrapped.
 * @example sim.addNode((ctx) => new MeteredGraphNode(new GraphNode({ ... }), meter))
 */
export class MeteredGraphNode implements ConnectionNode<GraphEvent> {
  /**
   * @param graph the real node.
   * @param meter where its sends are counted.
   */
  constructor(
    readonly graph: GraphNode,
    private readonly meter: GraphTrafficMeter,
  ) {}

  /** The connection this node opened is up (the connection seam, `ConnectionNode`). */
  handleConnected(nowMs: number, conn: ConnectionId): void {
    this.graph.handleConnected(nowMs, conn);
  }

  /** The driver accepted a connection for this node; `conn` is negative. */
  handleAccepted(nowMs: number, conn: ConnectionId, from: Endpoint): void {
    this.graph.handleAccepted(nowMs, conn, from);
  }

  /** Stream bytes that arrived on `conn`, in order; chunk boundaries mean nothing. */
  handleReceived(nowMs: number, conn: ConnectionId, bytes: Uint8Array): void {
    this.graph.handleReceived(nowMs, conn, bytes);
  }

  /** `conn` ended (or its connect failed) for a reason the node did not ask for. */
  handleConnectionClosed(nowMs: number, conn: ConnectionId, end: ConnectionEnd): void {
    this.graph.handleConnectionClosed(nowMs, conn, end);
  }

  /** Lets timers fire. Idempotent; spurious calls do nothing. */
  handleTimeout(nowMs: number): void {
    this.graph.handleTimeout(nowMs);
  }

  /** Next output; keep calling until it returns `{ type: 'timeout' }`. */
  poll(): Output<GraphEvent> | ConnectionOutput {
    const out = this.graph.poll();
    if (out.type === 'send') this.meter.count(out.bytes);
    return out;
  }
}
