/**
 * @module sim/graph-cloud
 * `GraphCloud`: a group of real `GraphNode`s ([MS-PPGRH]) speaking the real codec over
 * `SimConnections` in virtual time (docs/design.md §3, §8), driven by the minimal connection
 * driver `ConnectionSimulation`. Each member's node is wrapped in a `MeteredGraphNode` so the
 * cloud counts every message on its way out; nothing else stands between the node and the
 * simulated connections.
 *
 * Streams: the driver forks `node:<i>` per member (`node:<i>:restart:<n>` on rejoin) and
 * `connections` for the network; the cloud's own choices come from `graph-cloud:discovery`
 * (whom a joiner dials), `graph-cloud:pick` (publishers, churn victims) and
 * `graph-cloud:payload`, so adding a member perturbs no other member's stream.
 *
 * The cloud plays the application's part of the specification: it creates the graph on member
 * 0; a joiner opens and connects to a live listening member it can reach (what discovery, e.g.
 * PNRP, would return); a member that reports `need-node`, or has no neighbour `joinRetryMs` after
 * dialling, gives up (close: the node would otherwise walk REFUSE referrals without end in a
 * group whose members all hold Maximum Neighbors) and comes back later to dial another one; a
 * contact's `need-node` for long-term repair (§3.1.7.15) is answered with one more discovered member. Members leave gracefully (`close`, the database kept
 * for a rejoin), vanish (crash), rejoin (with or without the persisted leave time, so the first
 * sync is time-based or hash-based), and are partitioned and healed.
 *
 * Decisions: presence is off unless asked (`graphInfo.maxPresenceRecords` defaults to 0 here, not
 * the specification's -1), so per-record counts measure the application's records and not the
 * members' presence refreshes. The graph node does not yet detect partitions (§3.1.7.12-13,
 * contacts): after a heal the cloud bridges the sides the way the node tests do, one member of
 * each later group leaving its neighbours and connecting across ({@link GraphCloud.heal}).
 */
import type { GraphEvent } from '../graph/events.js';
import type { GraphInfoOptions } from '../graph/graph-info.js';
import type {
  GraphDatabase,
  GraphRecord,
  GraphSecurityProvider,
  Guid,
  PeerTime,
} from '../graph/model.js';
import { GraphNode } from '../graph/node.js';
import type { GraphLimits, GraphTimers } from '../graph/options.js';
import { nullGraphSecurityProvider } from '../graph/security/index.js';
import type { Endpoint } from '../keys/endpoint.js';
import { type Rng, seededRng } from '../util/rng.js';
import { ConnectionSimulation } from './connection-sim.js';
import type { SimConnectionOptions } from './connections.js';
import { RecordTracker } from './graph-records.js';
import { type GraphTraffic, GraphTrafficMeter, MeteredGraphNode } from './graph-traffic.js';
import type { NetworkOptions } from './network.js';
import { SIM_PORT, simEndpoint } from './sim-endpoints.js';

/** The record type the cloud publishes (an application GUID). */
export const GROUP_RECORD_TYPE: Guid = Uint8Array.from([
  0x9e, 0x3a, 0x61, 0x2b, 0x7c, 0x40, 0x4d, 0x1e, 0x8f, 0x52, 0x0b, 0x6a, 0x33, 0xc4, 0x15, 0xd7,
]);

/** Longest wait of a member that gave up dialling before it tries again. */
const RETRY_BACKOFF_MAX_MS = 300_000;

/** Wall-clock time at virtual time 0 (2026-01-01 UTC), as the other clouds use. */
const WALL_START_MS = 1_767_225_600_000;

/** What a security provider factory is told about the member it serves. */
export interface GraphMemberContext {
  readonly index: number;
  readonly peerId: string;
  /** A stream of the member's own (forked off its node stream). */
  readonly rng: Rng;
  /** 0 for the first instance, then 1, 2, ... per rejoin. */
  readonly incarnation: number;
}

/** Options of a {@link GraphCloud}; only `seed` is required. */
export interface GraphCloudOptions {
  /** Seed of every stream of the run. */
  readonly seed: number | string;
  /** Graph ID. @default 'pnrp-sim-group' */
  readonly graphId?: string;
  /** What the creator publishes in the graph info record. @default { maxPresenceRecords: 0 } */
  readonly graphInfo?: GraphInfoOptions;
  /** One security provider per member. @default the null provider */
  readonly security?: (member: GraphMemberContext) => GraphSecurityProvider;
  /** Timer overrides for every node. */
  readonly timers?: Partial<GraphTimers>;
  /** Limit overrides for every node. */
  readonly limits?: Partial<GraphLimits>;
  /** Delay model of the connections. @default NETWORK_DEFAULTS */
  readonly network?: NetworkOptions;
  /** Knobs of the connection model. */
  readonly connections?: SimConnectionOptions;
  /**
   * A member with no neighbour this long after dialling gives up, backs off and dials another
   * member. @default 10000
   */
  readonly joinRetryMs?: number;
  /** Wall clock at virtual time 0. @default 2026-01-01 UTC */
  readonly wallClockStartMs?: number;
}

/** Syncs a member initiated (or served), by kind. */
export interface SyncTally {
  count: number;
  records: number;
  bytes: number;
}

/** One member of the group (its index is its node index in the simulation). */
export interface GraphMember {
  readonly index: number;
  readonly peerId: string;
  /** The running node (the last instance after a leave or crash). */
  graph: GraphNode;
  /** The database, kept across a leave and rejoin. */
  readonly database: GraphDatabase;
  /** Running (not left, not crashed). */
  alive: boolean;
  /** Virtual time the current instance opened (or created) the graph. */
  joinedAtMs: number;
  /** The current instance has had a neighbour (or created the graph): it is in the group. */
  joined: boolean;
  /** Peer time at the last graceful leave (for a time-based rejoin). */
  leftAt: PeerTime | undefined;
  /** Syncs of the current and earlier instances, by kind (`all`, `time`, `hash`, `served`). */
  readonly syncs: Record<string, SyncTally>;
}

/**
 * A simulated [MS-PPGRH] group. See the module header.
 * @example
 * const cloud = new GraphCloud({ seed: 1 });
 * cloud.build(50);
 * const r = cloud.publish(cloud.pickConnected());
 * cloud.runFor(30_000);
 * cloud.delivery().complete; // 1
 */
export class GraphCloud {
  /** The driver: virtual time, connections, crash, partition. */
  readonly sim: ConnectionSimulation<MeteredGraphNode>;
  /** Who held which published record since when. */
  readonly tracker: RecordTracker = new RecordTracker(GROUP_RECORD_TYPE);
  private readonly meter = new GraphTrafficMeter(GROUP_RECORD_TYPE);
  private readonly members_: GraphMember[] = [];
  private readonly discovery: Rng;
  private readonly picks: Rng;
  private readonly payloads: Rng;
  private readonly graphId: string;
  private readonly wallStartMs: number;
  private readonly retryMs: number;
  private groups: number[] | undefined;
  private needNodes = 0;
  private giveUps = 0;

  constructor(private readonly options: GraphCloudOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('GraphCloud: options must be an object');
    const root = seededRng(options.seed);
    this.discovery = root.fork('graph-cloud:discovery');
    this.picks = root.fork('graph-cloud:pick');
    this.payloads = root.fork('graph-cloud:payload');
    this.graphId = options.graphId ?? 'pnrp-sim-group';
    this.wallStartMs = options.wallClockStartMs ?? WALL_START_MS;
    this.retryMs = options.joinRetryMs ?? 10_000;
    if (!(this.retryMs > 0)) throw new RangeError('joinRetryMs must be positive');
    this.sim = new ConnectionSimulation<MeteredGraphNode>({
      seed: options.seed,
      ...(options.network ? { network: options.network } : {}),
      ...(options.connections ? { connections: options.connections } : {}),
    });
    this.sim.onEvent((index, event, nowMs) => this.onEvent(index, event as GraphEvent, nowMs));
  }

  /** Virtual time in ms. */
  get nowMs(): number {
    return this.sim.nowMs;
  }

  /** Every member ever added, by index. */
  get members(): readonly GraphMember[] {
    return this.members_;
  }

  /** Times a member without a neighbour `joinRetryMs` after dialling gave up and backed off. */
  get giveUpCount(): number {
    return this.giveUps;
  }

  /** `need-node` events answered so far. */
  get needNodeCount(): number {
    return this.needNodes;
  }

  /**
   * Members running now that are in the group (had a neighbour, or created it), by index. A
   * joiner still dialling is not one: see {@link GraphCloud.dialling}.
   */
  live(): GraphMember[] {
    return this.members_.filter((m) => m.alive && m.joined);
  }

  /** Members running now that have never had a neighbour since they opened. */
  dialling(): GraphMember[] {
    return this.members_.filter((m) => m.alive && !m.joined);
  }

  /** Every message sent so far, counted as it left the nodes. */
  traffic(): GraphTraffic {
    return this.meter.snapshot();
  }

  /** Runs the group for `ms` of virtual time. */
  runFor(ms: number): void {
    this.sim.runFor(ms);
  }

  /** Creates the graph on a first member (index 0). */
  create(): GraphMember {
    if (this.members_.length > 0) throw new Error('the graph is already created');
    const m = this.add();
    this.sim.command(m.index, (n, now) => n.graph.create(now, this.graphInfo()));
    return m;
  }

  /**
   * Adds a member that opens the graph and connects to `via`, or to a live listening member
   * chosen by the discovery stream.
   */
  join(via?: GraphMember): GraphMember {
    if (this.members_.length === 0) throw new Error('create the graph first');
    const m = this.add();
    this.sim.command(m.index, (n, now) => n.graph.open(now));
    this.dial(m, via);
    return m;
  }

  /**
   * Creates the graph and adds members one every `spacingMs` until there are `n`, then runs
   * `settleMs` more.
   */
  build(n: number, spacingMs: number = 500, settleMs: number = 60_000): void {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError('build: n must be >= 1');
    if (this.members_.length === 0) this.create();
    while (this.members_.length < n) {
      this.runFor(spacingMs);
      this.join();
    }
    this.runFor(settleMs);
  }

  /** Graceful leave (§3.1.4.12): close, DISCONNECT to every neighbour; the database is kept. */
  leave(m: GraphMember): void {
    if (!m.alive) return;
    m.leftAt = m.graph.peerTime();
    this.sim.command(m.index, (n, now) => n.graph.close(now));
    m.alive = false;
    this.sim.crash(m.index);
  }

  /** Vanishes without notice: the node stops, its connections go silent. */
  crash(m: GraphMember): void {
    if (!m.alive) return;
    m.alive = false;
    this.sim.crash(m.index);
  }

  /**
   * A member that left comes back with its database: with `timeBased` (the default) it opens
   * with the persisted leave time, so its first sync is time-based (§3.1.4.2); otherwise it
   * opens with the database alone and syncs by hash.
   */
  rejoin(m: GraphMember, timeBased: boolean = true, via?: GraphMember): void {
    if (m.alive) throw new Error(`member ${m.index} is running`);
    m.alive = true;
    this.sim.restart(m.index);
    const leftAt = m.leftAt;
    this.sim.command(m.index, (n, now) =>
      n.graph.open(now, timeBased && leftAt !== undefined ? { leftAt } : undefined),
    );
    this.dial(m, via);
  }

  /**
   * Publishes a record of {@link GROUP_RECORD_TYPE} on `m` and tracks it. The payload is
   * `payloadBytes` bytes from the payload stream.
   */
  publish(
    m: GraphMember,
    payloadBytes: number = 64,
    lifetimeMs: number = 4 * 3_600_000,
  ): GraphRecord {
    const payload = new Uint8Array(payloadBytes);
    for (let i = 0; i < payloadBytes; i++) payload[i] = this.payloads.nextU32() & 0xff;
    const r = this.sim.command(m.index, (n, now) =>
      n.graph.addRecord(now, { type: GROUP_RECORD_TYPE, payload, lifetimeMs }),
    );
    if (!r.ok) throw new Error(`member ${m.index} could not publish: ${r.reason}`);
    this.tracker.track(r.record, m.index, this.nowMs);
    return r.record;
  }

  /** Updates record `id` on `m` with a new payload (a new version, §3.1.4.4). */
  update(m: GraphMember, id: Guid, payload: Uint8Array): GraphRecord {
    const r = this.sim.command(m.index, (n, now) => n.graph.updateRecord(now, id, { payload }));
    if (!r.ok) throw new Error(`member ${m.index} could not update: ${r.reason}`);
    return r.record;
  }

  /** Splits the members into sets that cannot reach each other; unlisted ones form one more. */
  partition(sets: readonly (readonly GraphMember[])[]): void {
    const indices = sets.map((s) => s.map((m) => m.index));
    const g = new Array<number>(this.members_.length).fill(0);
    indices.forEach((set, k) => {
      for (const i of set) g[i] = k + 1;
    });
    this.groups = g;
    this.sim.partition(indices);
  }

  /**
   * Lifts the partition. With `bridges` (one live member per set, in order) each bridge after
   * the first leaves its neighbours and connects to the previous bridge: the application's repair
   * while the node lacks partition detection (module header).
   */
  heal(bridges: readonly GraphMember[] = []): void {
    this.groups = undefined;
    this.sim.heal();
    for (let k = 1; k < bridges.length; k++) {
      const b = bridges[k]!;
      for (const n of b.graph.neighbours())
        if (!n.direct) this.sim.command(b.index, (g, now) => g.graph.disconnect(now, n.conn));
      this.sim.command(b.index, (g, now) => g.graph.connect(now, endpointOf(bridges[k - 1]!)));
    }
  }

  /** A live member with at least one neighbour, from the pick stream (any live one if none). */
  pickConnected(): GraphMember {
    const live = this.live();
    const connected = live.filter((m) => m.graph.status === 'connected');
    const from = connected.length > 0 ? connected : live;
    if (from.length === 0) throw new Error('no live member');
    return from[this.picks.nextInt(from.length)]!;
  }

  /** A running member (in the group or dialling) from the pick stream, `spare` excepted. */
  pickLive(spare?: (m: GraphMember) => boolean): GraphMember | undefined {
    const from = this.members_.filter((m) => m.alive && !spare?.(m));
    return from.length === 0 ? undefined : from[this.picks.nextInt(from.length)]!;
  }

  /** Database digests of the live members, hex, with how many members hold each. */
  digests(): Map<string, number> {
    const out = new Map<string, number>();
    for (const m of this.live()) {
      let hex = '';
      for (const b of m.graph.database.digest()) hex += b.toString(16).padStart(2, '0');
      out.set(hex, (out.get(hex) ?? 0) + 1);
    }
    return out;
  }

  private graphInfo(): GraphInfoOptions {
    return { maxPresenceRecords: 0, ...this.options.graphInfo };
  }

  private add(): GraphMember {
    const index = this.members_.length;
    const peerId = `member-${index}`;
    const address = simEndpoint(index).address;
    let member: GraphMember | undefined;
    this.sim.addNode((ctx) => {
      const database = member?.database;
      const security = this.options.security
        ? this.options.security({
            index,
            peerId,
            rng: ctx.rng.fork('security'),
            incarnation: ctx.incarnation,
          })
        : nullGraphSecurityProvider();
      const graph = new GraphNode({
        graphId: this.graphId,
        peerId,
        rng: ctx.rng,
        wallClock: { nowMs: () => this.wallStartMs + this.sim.nowMs },
        security,
        listenAddresses: [{ address, port: SIM_PORT }],
        ...(database ? { database } : {}),
        ...(this.options.timers ? { timers: this.options.timers } : {}),
        ...(this.options.limits ? { limits: this.options.limits } : {}),
      });
      if (member) {
        member.graph = graph;
        member.joinedAtMs = this.sim.nowMs;
        member.joined = false;
      }
      return new MeteredGraphNode(graph, this.meter);
    });
    const graph = this.sim.node(index).graph;
    member = {
      index,
      peerId,
      graph,
      database: graph.database,
      alive: true,
      joinedAtMs: this.sim.nowMs,
      joined: index === 0,
      leftAt: undefined,
      syncs: {},
    };
    this.members_.push(member);
    this.groups?.push(0);
    return member;
  }

  /** Connects `m` (which has no neighbour) to `via` or a discovered member, and checks back. */
  private dial(m: GraphMember, via?: GraphMember, attempt = 0): void {
    const target = via ?? this.discover(m);
    if (target !== undefined)
      this.sim.command(m.index, (n, now) => n.graph.connect(now, endpointOf(target)));
    this.checkBack(m, attempt);
  }

  /**
   * `joinRetryMs` later: a member still without a neighbour gives up (close, which also stops
   * the node's walk through REFUSE referrals) and comes back after a back-off doubling from
   * `joinRetryMs` up to {@link RETRY_BACKOFF_MAX_MS}, with its database, dialling anew.
   */
  private checkBack(m: GraphMember, attempt: number): void {
    const graph = m.graph;
    this.sim.schedule(this.nowMs + this.retryMs, () => {
      if (!m.alive || m.graph !== graph) return;
      if (graph.neighbours().some((n) => !n.direct)) return;
      this.giveUps++;
      this.sim.command(m.index, (n, now) => n.graph.close(now));
      const waitMs = Math.min(this.retryMs * 2 ** attempt, RETRY_BACKOFF_MAX_MS);
      this.sim.schedule(this.nowMs + waitMs, () => {
        if (!m.alive || m.graph !== graph) return;
        this.sim.restart(m.index);
        this.sim.command(m.index, (n, now) => n.graph.open(now));
        this.dial(m, undefined, attempt + 1);
      });
    });
  }

  /** A live, listening member other than `m` that `m` can reach. */
  private discover(m: GraphMember): GraphMember | undefined {
    const g = this.groups;
    const from = this.members_.filter(
      (o) =>
        o.alive &&
        o !== m &&
        o.graph.listening &&
        (g === undefined || (g[o.index] ?? 0) === (g[m.index] ?? 0)),
    );
    return from.length === 0 ? undefined : from[this.discovery.nextInt(from.length)]!;
  }

  private onEvent(index: number, event: GraphEvent, nowMs: number): void {
    this.tracker.onEvent(index, event, nowMs);
    const m = this.members_[index];
    if (m === undefined) return;
    if (event.type === 'neighbour-connected' && !event.direct) m.joined = true;
    else if (event.type === 'sync-done') {
      const t = m.syncs[event.kind] ?? { count: 0, records: 0, bytes: 0 };
      m.syncs[event.kind] = t;
      t.count++;
      t.records += event.records;
      t.bytes += event.bytes;
    } else if (event.type === 'need-node' && event.reason === 'long-term-repair') {
      // §3.1.7.15: a contact asks for a node outside what it knows; discovery finds one.
      this.needNodes++;
      const graph = m.graph;
      this.sim.schedule(nowMs, () => {
        if (!m.alive || m.graph !== graph || graph.status !== 'connected') return;
        const linked = new Set(graph.neighbours().map((n) => n.nodeId));
        const target = this.discover(m);
        if (target === undefined || linked.has(target.graph.nodeId)) return;
        this.sim.command(m.index, (n, now) => n.graph.connect(now, endpointOf(target)));
      });
    } else if (event.type === 'need-node' && event.reason === 'no-neighbours') {
      this.needNodes++;
      const graph = m.graph;
      this.sim.schedule(nowMs, () => {
        if (m.alive && m.graph === graph && graph.neighbours().every((n) => n.direct)) this.dial(m);
      });
    }
  }
}

function endpointOf(m: GraphMember): Endpoint {
  return simEndpoint(m.index);
}
