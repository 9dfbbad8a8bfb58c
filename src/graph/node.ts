/**
 * @module graph/node
 * `GraphNode`: the sans-I/O [MS-PPGRH] graphing node on the connection seam (src/sans-io.ts).
 *
 * Theory of operation. The node is a synchronous state machine (docs/design.md §2). Inputs are
 * the connection events (`handleConnected`, `handleAccepted`, `handleReceived`,
 * `handleConnectionClosed`), `handleTimeout`, and the commands (`create`, `open`, `connect`,
 * `addRecord`, `updateRecord`, `deleteRecord`, `publishPresence`, `sendDirect`, `disconnect`,
 * `close`, ...), each taking the current monotonic time. Outputs are drained with `poll()`:
 * connect/send/close, events, and last the time of the next timer. The work is split into parts
 * that each own one conversation: `Links` (connections, framing, AUTH_INFO and security,
 * §3.1.5.1), `Handshake` (CONNECT/WELCOME/REFUSE/DISCONNECT/PT2PT, §3.1.5.2.1-4), `Sync`
 * (§3.1.7.29-31), `Flooding` (FLOOD/ACK, §3.1.5.2.10-12), `Neighbours` (referrals and connection
 * maintenance, §3.1.7.14), `Records` (local writes, expiry, autorefresh), `Presence` (§3.1.7.17),
 * `Signature` (§3.1.7.11), `Contacts` (§3.1.7.12-13, partition repair), `GraphInfo` (§2.2.3.1)
 * and `PeerClock` (§1.3.6); `Reactions` (reactions.ts) carries what happens between them. This
 * file only builds them and forwards inputs and commands.
 *
 * After every input the node sends the ACKs it owes (batched) and one window of owed sync FLOODs
 * (sync.ts, pacing); when FLOODs remain it asks for a timer at the current time.
 *
 * Decisions: node IDs are u64 drawn from the rng unless given; the driver tells the node its
 * listening addresses (`listenAddresses`, `setListenAddresses`), the node never discovers them;
 * accepted connections are closed at once while the node is not listening; every record change
 * is reported (the Record Notify List of §3.1.4.11 is the application's filter on the events).
 * The others are in the part they concern: simultaneous connects (handshake.ts), sync pacing
 * and ACKs during sync (sync.ts, flooding.ts), the missing formulas (options.ts, peer-time.ts,
 * flooding.ts, signature.ts, contacts.ts, records.ts).
 */
import type { Endpoint } from '../keys/endpoint.js';
import type {
  ConnectionEnd,
  ConnectionId,
  ConnectionNode,
  ConnectionOutput,
  Output,
} from '../sans-io.js';
import type { Rng } from '../util/rng.js';
import { Contacts } from './contacts.js';
import {
  type GraphCore,
  GraphOutputQueue,
  type GraphSettings,
  type NodeFlags,
  sameBytes,
} from './core.js';
import { RecordDatabase } from './database.js';
import type { GraphEvent, GraphStatus } from './events.js';
import { Flooding } from './flooding.js';
import { GraphInfo, type GraphInfoOptions } from './graph-info.js';
import { Handshake } from './handshake.js';
import type { Link } from './link.js';
import { Links } from './links.js';
import {
  DISCONNECT_REASON,
  type GraphAddress,
  type GraphDatabase,
  type GraphRecord,
  type Guid,
  type NodeId,
  type PeerTime,
} from './model.js';
import { Neighbours } from './neighbours.js';
import type { GraphNodeOptions, NeighbourInfo, PersistedState } from './node-options.js';
import { type GraphLimits, type GraphTimers, resolveLimits, resolveTimers } from './options.js';
import { PeerClock } from './peer-time.js';
import { Presence } from './presence.js';
import { type NodeParts, Reactions } from './reactions.js';
import { type NewRecord, type RecordChanges, type RecordResult, Records } from './records.js';
import { Signature } from './signature.js';
import { count, createGraphStats, type GraphStats } from './stats.js';
import { Sync } from './sync.js';

export type { GraphNodeOptions, NeighbourInfo, PersistedState } from './node-options.js';

/**
 * A graph node. See the module header.
 * @example
 * const node = new GraphNode({ graphId: 'g', peerId: 'alice', rng, wallClock, security: nullGraphSecurityProvider(), listenAddresses: [addr] });
 * node.create(0, { maxPresenceRecords: 0 });
 * for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) handle(o);
 */
export class GraphNode implements ConnectionNode<GraphEvent> {
  readonly stats: GraphStats = createGraphStats();
  /** This node's ID (§3.1.1). */
  readonly nodeId: NodeId;
  /** The local database (read it; write through the commands). */
  readonly database: GraphDatabase;
  private readonly outputs = new GraphOutputQueue();
  private readonly core: GraphCore;
  private readonly clock: PeerClock;
  private readonly links: Links;
  private readonly handshake: Handshake;
  private readonly sync: Sync;
  private readonly flooding: Flooding;
  private readonly neighbourhood: Neighbours;
  private readonly recordsPart: Records;
  private readonly presence: Presence;
  private readonly signature: Signature;
  private readonly contacts: Contacts;
  private readonly graphInfo: GraphInfo;
  private readonly flags: NodeFlags = {
    listening: false,
    neverConnected: true,
    leftAt: undefined,
    acceptDirect: false,
    open: false,
    everHadNeighbour: false,
    repairAsked: false,
  };
  private addresses: readonly GraphAddress[];
  private nowMsValue = Number.NEGATIVE_INFINITY;
  private pumpAtMs = Number.POSITIVE_INFINITY;
  private readonly reactions: Reactions;

  constructor(options: GraphNodeOptions) {
    if (typeof options.graphId !== 'string' || options.graphId === '')
      throw new TypeError('graphId must be a non-empty string');
    if (typeof options.peerId !== 'string' || options.peerId === '')
      throw new TypeError('peerId must be a non-empty string');
    const timers = resolveTimers(options.timers);
    const limits = resolveLimits(options.limits);
    const rng = options.rng.fork('graph-node');
    this.nodeId = options.nodeId ?? randomNodeId(rng);
    if (this.nodeId < 0n || this.nodeId >= 1n << 64n) throw new RangeError('nodeId must be a u64');
    this.database = options.database ?? new RecordDatabase();
    this.addresses = options.listenAddresses ?? [];
    this.flags.acceptDirect = options.acceptDirect ?? false;
    this.clock = new PeerClock(options.wallClock);
    const settings: GraphSettings = {
      maxRecordSize: 0,
      presenceLifetimeMs: 300_000,
      maxPresenceRecords: -1,
      deferExpiration: false,
    };
    this.core = this.makeCore(options, timers, limits, rng, settings);
    let parts: NodeParts | undefined;
    this.reactions = new Reactions(this.core, () => parts!);
    this.graphInfo = new GraphInfo(this.core, () => this.recordsPart);
    this.links = new Links(this.core, {
      onAuthenticated: (link) => this.handshake.onAuthenticated(link),
      onMessage: (link, message) => this.reactions.dispatch(link, message),
      onGone: (link, reason) => this.reactions.gone(link, reason),
    });
    this.handshake = new Handshake(this.core, {
      welcomed: (link, first) => {
        if (first) this.reactions.maintain(false);
        if (link.connState !== 'closed') this.sync.start(link, first);
      },
      referrals: (addresses) => this.neighbourhood.addReferrals(addresses),
    });
    this.sync = new Sync(this.core, options.prioritizedTypes ?? [], {
      done: (_link, kind) => {
        if (kind === 'all' || kind === 'time') this.flags.neverConnected = false;
        if (!this.flags.listening) this.reactions.startListening();
        this.reactions.refreshStatus();
      },
    });
    this.flooding = new Flooding(this.core, { arrived: (link) => this.sync.noteArrival(link) });
    this.neighbourhood = new Neighbours(this.core, {
      knownNodes: () => [this.presence.known(), this.contacts.known()],
      allLinks: () => this.links.all(),
      dial: (to) => this.links.dial(to, { direct: false, maintenance: true }),
      disconnect: (link, reason) => this.handshake.disconnect(link, reason),
    });
    this.recordsPart = new Records(this.core, {
      expired: (record) => {
        this.presence.onExpired(record);
        this.signature.onExpired(record);
        this.contacts.onExpired(record);
      },
    });
    this.presence = new Presence(this.core, this.recordsPart);
    this.signature = new Signature(this.core, this.recordsPart);
    this.contacts = new Contacts(this.core, this.recordsPart, {
      signature: () => this.signature.current(),
      dial: (to) => this.links.dial(to, { direct: false, maintenance: true }),
      allLinks: () => this.links.all(),
    });
    parts = {
      links: this.links,
      handshake: this.handshake,
      sync: this.sync,
      flooding: this.flooding,
      neighbours: this.neighbourhood,
      records: this.recordsPart,
      presence: this.presence,
      signature: this.signature,
      contacts: this.contacts,
      graphInfo: this.graphInfo,
    };
  }

  private makeCore(
    options: GraphNodeOptions,
    timers: GraphTimers,
    limits: GraphLimits,
    rng: Rng,
    settings: GraphSettings,
  ): GraphCore {
    return {
      timers,
      limits,
      stats: this.stats,
      db: this.database,
      security: options.security,
      clock: this.clock,
      rng,
      nodeId: this.nodeId,
      peerId: options.peerId,
      graphId: options.graphId,
      friendlyName: options.friendlyName ?? '',
      settings,
      flags: this.flags,
      logger: options.logger,
      listenAddresses: () => this.addresses,
      nowMs: () => this.nowMsValue,
      emit: (event) => this.emit(event),
      output: (out) => this.outputs.push(out),
      send: (link, message) => this.links.send(link, message),
      terminate: (link, reason, graceful) => this.links.terminate(link, reason, graceful),
      neighbours: () => this.neighbourLinks(),
      flood: (record, except) => {
        for (const link of this.neighbourLinks())
          if (link !== except) this.links.send(link, { type: 'flood', record });
      },
      recordStored: (record, previous, local) =>
        this.reactions.recordStored(record, previous, local),
      refreshStatus: () => this.reactions.refreshStatus(),
      maintain: (fromTimer) => this.reactions.maintain(fromTimer),
    };
  }

  // ---- the seam -------------------------------------------------------------------------------

  /** The connection this node opened is up (the connection seam, `ConnectionNode`). */
  handleConnected(nowMs: number, conn: ConnectionId): void {
    if (!this.begin(nowMs)) return;
    this.links.handleConnected(conn);
    this.finish();
  }

  /** The driver accepted a connection for this node; `conn` is negative. */
  handleAccepted(nowMs: number, conn: ConnectionId, from: Endpoint): void {
    this.advance(nowMs);
    this.links.handleAccepted(conn, from);
    this.finish();
  }

  /** Stream bytes that arrived on `conn`, in order; chunk boundaries mean nothing. */
  handleReceived(nowMs: number, conn: ConnectionId, bytes: Uint8Array): void {
    if (!this.begin(nowMs)) return;
    this.links.handleReceived(conn, bytes);
    this.finish();
  }

  /** `conn` ended (or its connect failed) for a reason the node did not ask for. */
  handleConnectionClosed(nowMs: number, conn: ConnectionId, end: ConnectionEnd): void {
    this.advance(nowMs);
    this.links.handleClosed(conn, end);
    this.finish();
  }

  /** Lets timers fire. Idempotent; spurious calls do nothing. */
  handleTimeout(nowMs: number): void {
    if (!this.begin(nowMs)) return;
    this.links.onTimeout(nowMs);
    if (this.neighbourhood.maintenanceAtMs <= nowMs) this.reactions.maintain(true);
    this.recordsPart.onTimeout(nowMs);
    this.presence.onTimeout(nowMs);
    this.signature.onTimeout(nowMs);
    this.contacts.onTimeout(nowMs);
    this.finish();
  }

  /** Next output; keep calling until it returns `{ type: 'timeout' }`. */
  poll(): Output<GraphEvent> | ConnectionOutput {
    return this.outputs.shift() ?? { type: 'timeout', atMs: this.nextTimerMs() };
  }

  private nextTimerMs(): number {
    if (!this.flags.open) return Number.POSITIVE_INFINITY;
    return Math.min(
      this.pumpAtMs,
      this.links.deadline(),
      this.neighbourhood.maintenanceAtMs,
      this.recordsPart.deadline(),
      this.presence.deadline(),
      this.signature.deadline(),
      this.contacts.deadline(),
    );
  }

  private advance(nowMs: number): void {
    if (!Number.isFinite(nowMs)) throw new RangeError('nowMs must be finite');
    if (nowMs < this.nowMsValue) throw new RangeError('nowMs must not decrease');
    this.nowMsValue = nowMs;
  }

  /** Advances time; false when the node is not open (inputs are then ignored). */
  private begin(nowMs: number): boolean {
    this.advance(nowMs);
    return this.flags.open;
  }

  /** After every input: owed ACKs, one window of sync FLOODs, and the status. */
  private finish(): void {
    const links = [...this.links.all()];
    this.flooding.flushAcks(links);
    const more = this.sync.pump(links);
    this.pumpAtMs = more ? this.nowMsValue : Number.POSITIVE_INFINITY;
  }

  private neighbourLinks(): Link[] {
    const out: Link[] = [];
    for (const link of this.links.all())
      if (link.linkState === 'connected' && !link.direct) out.push(link);
    return out;
  }

  private emit(event: GraphEvent): void {
    count(this.stats.events, event.type);
    this.outputs.push({ type: 'event', event });
  }

  // ---- commands -------------------------------------------------------------------------------

  /**
   * Creates the graph (§3.1.4.1): publishes the graph info record and listens at once.
   * @example node.create(0, { friendlyName: 'team', maxPresenceRecords: -1 });
   */
  create(nowMs: number, info: GraphInfoOptions = {}): void {
    this.openCommon(nowMs);
    this.graphInfo.publish(info);
    this.reactions.startListening();
    this.finish();
  }

  /**
   * Opens an existing graph (§3.1.4.2); `connect` then joins it. With `persisted` (and a database
   * that already holds records) the first connection runs a time-based sync from `leftAt`.
   */
  open(nowMs: number, persisted?: PersistedState): void {
    this.openCommon(nowMs);
    if (persisted) {
      this.flags.leftAt = persisted.leftAt;
      this.clock.setDelta(persisted.peerTimeDelta ?? 0n);
    }
    this.flags.neverConnected = this.database.size === 0;
    this.finish();
  }

  private openCommon(nowMs: number): void {
    this.advance(nowMs);
    if (this.flags.open) throw new Error('the graph node is already open');
    this.flags.open = true;
    this.recordsPart.startTimers(nowMs);
    this.reactions.refreshStatus();
  }

  /**
   * Connects to a node of the graph (§3.1.4.9). Throws `RangeError` for one of our own listening
   * addresses, and for a neighbour connection while the node already has neighbours (§3.1.4.9),
   * except once in answer to `need-node` with reason `long-term-repair` (§3.1.7.15: the
   * application is asked to form another connection).
   */
  connect(
    nowMs: number,
    to: Endpoint,
    options: { readonly direct?: boolean; readonly peerId?: string } = {},
  ): ConnectionId {
    this.requireOpen(nowMs);
    if (this.addresses.some((a) => a.port === to.port && sameBytes(a.address, to.address)))
      throw new RangeError('cannot connect to one of our own listening addresses');
    const direct = options.direct ?? false;
    if (!direct && this.neighbourLinks().length > 0 && !this.flags.repairAsked)
      throw new RangeError('the node already has neighbours: it finds more on its own');
    if (!direct) this.flags.repairAsked = false;
    const link = this.links.dial(to, {
      direct,
      maintenance: false,
      expectedPeerId: options.peerId,
    });
    if (!link) throw new RangeError('too many connections (limits.connectionsMax)');
    this.reactions.refreshStatus();
    this.finish();
    return link.conn;
  }

  /** Adds a record (§3.1.4.3); a refusal is returned, not thrown. */
  addRecord(nowMs: number, input: NewRecord): RecordResult {
    if (!this.begin(nowMs)) return { ok: false, reason: 'closed' };
    const r = this.recordsPart.create(input);
    this.finish();
    return r;
  }

  /** Updates a record (§3.1.4.4). */
  updateRecord(nowMs: number, id: Guid, changes: RecordChanges): RecordResult {
    if (!this.begin(nowMs)) return { ok: false, reason: 'closed' };
    const r = this.recordsPart.update(id, changes);
    this.finish();
    return r;
  }

  /** Deletes a record (§3.1.4.5). */
  deleteRecord(nowMs: number, id: Guid): RecordResult {
    if (!this.begin(nowMs)) return { ok: false, reason: 'closed' };
    const r = this.recordsPart.remove(id);
    this.finish();
    return r;
  }

  /** A record by ID (deleted ones included until they expire). */
  getRecord(id: Guid): GraphRecord | undefined {
    return this.database.get(id);
  }

  /** Records held, optionally of one type, in (modifiedAt, id) order. */
  records(type?: Guid): GraphRecord[] {
    return [
      ...this.database.records(
        type ? { mode: 'include', types: [type] } : { mode: 'all', types: [] },
      ),
    ];
  }

  /** Publishes this node's presence (§3.1.4.6) with application attributes. */
  publishPresence(nowMs: number, attributes = ''): RecordResult {
    if (!this.begin(nowMs)) return { ok: false, reason: 'closed' };
    const r = this.presence.publish(attributes, true);
    this.finish();
    return r;
  }

  /** Sends a PT2PT message on a CONNECTED link (§2.2.2.13); false when there is none. */
  sendDirect(nowMs: number, conn: ConnectionId, dataType: Guid, payload: Uint8Array): boolean {
    this.requireOpen(nowMs);
    const link = this.links.get(conn);
    if (link?.linkState !== 'connected') return false;
    this.links.send(link, { type: 'pt2pt', dataType, payload });
    this.finish();
    return true;
  }

  /** Ends one link with DISCONNECT app-disconnect (§2.2.2.5); false when there is none. */
  disconnect(nowMs: number, conn: ConnectionId): boolean {
    this.requireOpen(nowMs);
    const link = this.links.get(conn);
    if (!link) return false;
    this.handshake.disconnect(link, DISCONNECT_REASON.appDisconnect);
    this.finish();
    return true;
  }

  /** Sets fAcceptDirectConnection (§3.1.4.7). */
  allowDirectConnections(accept: boolean): void {
    this.flags.acceptDirect = accept;
  }

  /** Re-processes the Deferred Record List (§3.1.4.10). */
  revalidateDeferred(nowMs: number): void {
    if (!this.begin(nowMs)) return;
    this.flooding.revalidateDeferred();
    this.finish();
  }

  /** The driver's listening addresses changed (§3.1.7.23). */
  setListenAddresses(nowMs: number, addresses: readonly GraphAddress[]): void {
    this.advance(nowMs);
    this.addresses = addresses;
    if (!this.flags.open) return;
    this.presence.addressesChanged();
    this.reactions.maintain(false);
    this.finish();
  }

  /**
   * Closes the graph (§3.1.4.12): deletes our presence and, as signature node, the signature
   * record, sends DISCONNECT leaving to every neighbour, and ends every connection.
   */
  close(nowMs: number): void {
    if (!this.begin(nowMs)) return;
    this.contacts.withdraw();
    this.presence.withdraw();
    this.signature.withdraw();
    this.flooding.flushAcks(this.links.all());
    for (const link of [...this.links.all()]) {
      if (link.linkState === 'connected')
        this.handshake.disconnect(link, DISCONNECT_REASON.leaving);
      else this.links.terminate(link, 'closing');
    }
    this.flags.leftAt = this.clock.now();
    this.flags.open = false;
    this.flags.listening = false;
    this.flags.repairAsked = false;
    this.recordsPart.stopTimers();
    this.neighbourhood.maintenanceAtMs = Number.POSITIVE_INFINITY;
    this.pumpAtMs = Number.POSITIVE_INFINITY;
    this.reactions.refreshStatus();
  }

  private requireOpen(nowMs: number): void {
    if (!this.begin(nowMs)) throw new Error('the graph node is not open');
  }

  // ---- observation ----------------------------------------------------------------------------

  /** The node's status (see {@link GraphStatus}). */
  get status(): GraphStatus {
    return this.reactions.status();
  }

  /** IsListening (§3.1.1). */
  get listening(): boolean {
    return this.flags.listening;
  }

  /** Current peer time (§1.3.6). */
  peerTime(): PeerTime {
    return this.clock.now();
  }

  /** Peer Time Delta (§3.1.1): peer time minus the local wall clock, in 100 ns ticks. */
  get peerTimeDelta(): PeerTime {
    return this.clock.delta;
  }

  /**
   * What to persist beside the database to re-open later with a time-based sync (§3.1.4.2,
   * §3.1.4.12): the peer time the node left at (when it closed or lost its last neighbour; the
   * current peer time while it has neighbours) and its Peer Time Delta.
   */
  persistedState(): PersistedState {
    const connected = this.flags.open && this.neighbourLinks().length > 0;
    const leftAt = connected ? this.clock.now() : (this.flags.leftAt ?? this.clock.now());
    return { leftAt, peerTimeDelta: this.clock.delta };
  }

  /** Neighbour and direct links that are CONNECTED. */
  neighbours(): NeighbourInfo[] {
    const out: NeighbourInfo[] = [];
    for (const link of this.links.all()) {
      if (link.linkState !== 'connected') continue;
      out.push({
        conn: link.conn,
        nodeId: link.remoteNodeId ?? 0n,
        peerId: link.remotePeerId,
        direct: link.direct,
        utility: link.utility,
        addresses: link.remoteAddresses,
      });
    }
    return out;
  }

  /** Connections in any state. */
  get connectionCount(): number {
    return this.links.size;
  }

  /** Entries in the Referral List (§3.1.1). */
  get referralCount(): number {
    return this.neighbourhood.referralCount;
  }

  /** Records in the Deferred Record List (§3.1.1). */
  get deferredCount(): number {
    return this.flooding.deferredCount;
  }

  /** Entries in the Contact List (§3.1.1). */
  get contactCount(): number {
    return this.contacts.size;
  }

  /** Entries in the Presence List (§3.1.1). */
  get presenceCount(): number {
    return this.presence.size;
  }
}

function randomNodeId(rng: Rng): NodeId {
  return (BigInt(rng.nextU32()) << 32n) | BigInt(rng.nextU32());
}
