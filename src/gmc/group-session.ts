/**
 * @module gmc/group-session
 * The running member behind a {@link GroupSession}: a `GraphNode` under the grouping security
 * provider, driven by `runConnectionNode` over the caller's connection transport. The node does
 * the protocol; this class only turns its events into iterables and promises, its commands into
 * methods that throw `PnrpError`, and connects to the endpoints `group-join.ts` finds. The graph
 * ID is the group's peer name; the node's peer ID is the authority of the member's key (what the
 * provider names as record creator).
 */
import { type RunningConnectionNode, runConnectionNode } from '../connection-adapter.js';
import type { ConnectionTransport } from '../connection-transport.js';
import type { GraphEvent } from '../graph/events.js';
import type { NodeId } from '../graph/model.js';
import { GraphNode } from '../graph/node.js';
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { type Endpoint, endpointsEqual } from '../keys/endpoint.js';
import { abortError, PnrpError } from '../peer/error.js';
import type { PeerRegistration } from '../peer/peer-registration.js';
import type { Peer } from '../peer/types.js';
import { realTimers, systemRng, systemWallClock } from '../runtime.js';
import type { WallClock } from '../sans-io.js';
import type { Timers } from '../transport-adapter.js';
import { encodeChainPkcs7 } from './chain-codec.js';
import type { GmcRole } from './constants.js';
import { groupSecurityProvider } from './graph-provider.js';
import { inviteMember } from './group-invite.js';
import { isInternalType, toGroupRecord } from './group-records.js';
import { groupRecords } from './group-session-records.js';
import { EventStream, type StreamOptions } from './group-stream.js';
import type {
  GroupChangesOptions,
  GroupInviteOptions,
  GroupMember,
  GroupMemberEvent,
  GroupRecordChange,
  GroupRecords,
  GroupSession,
  GroupSessionOptions,
} from './group-types.js';
import type { GmcCredential, GroupProperties } from './issue.js';

/** How long `close()` waits at most for DISCONNECTs to leave the transport. */
const CLOSE_GRACE_MS = 1_000;

/** What a session is built from (group-join.ts checks it first). */
export interface SessionParams {
  readonly credential: GmcCredential;
  /** DER of the group root certificate. */
  readonly root: Uint8Array;
  readonly properties: Pick<GroupProperties, 'peerName' | 'classifier' | 'friendlyName'>;
  readonly roles: readonly GmcRole[];
  /** Earliest notAfter along the credential's chain (wall-clock ms). */
  readonly notAfterMs: number;
  readonly options: GroupSessionOptions;
}

/** How one connection attempt ended. */
export type AttemptResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** See the module header. */
export class GroupSessionImpl implements GroupSession {
  readonly node: GraphNode;
  readonly properties: SessionParams['properties'];
  readonly graphId: string;
  readonly peerId: string;
  readonly roles: readonly GmcRole[];
  readonly credential: GmcCredential;
  readonly endpoints: readonly Endpoint[];
  readonly records: GroupRecords;
  readonly timers: Timers;
  readonly wallClock: WallClock;
  readonly crypto: CryptoBackend;
  readonly peer: Peer | undefined;
  private readonly running: RunningConnectionNode<GraphNode>;
  private readonly connections: ConnectionTransport;
  private readonly closeConnections: boolean;
  private readonly notAfterMs: number;
  private readonly changeStream = new EventStream<GroupRecordChange>();
  private readonly memberStream = new EventStream<GroupMemberEvent>();
  private readonly memberMap = new Map<NodeId, GroupMember>();
  private readonly listeners = new Set<(e: GraphEvent) => void>();
  private readonly onClose = new Set<() => void>();
  private syncedValue = false;
  private closedValue = false;
  private registration: PeerRegistration | undefined;
  private rediscovering = false;
  /** Set by group-join.ts: finds members again when every neighbour is gone. */
  rediscover: (() => Promise<void>) | undefined;

  constructor(p: SessionParams) {
    const o = p.options;
    this.credential = p.credential;
    this.properties = p.properties;
    this.graphId = p.properties.peerName;
    this.roles = p.roles;
    this.notAfterMs = p.notAfterMs;
    this.timers = o.timers ?? realTimers();
    this.wallClock = o.wallClock ?? systemWallClock;
    this.crypto = o.crypto ?? nobleCrypto;
    this.peer = o.peer;
    this.connections = o.connections;
    this.closeConnections = o.closeConnections ?? true;
    this.endpoints = o.advertise ?? [o.connections.localEndpoint];
    const rng = o.rng ?? systemRng();
    const security = groupSecurityProvider({
      credential: p.credential,
      root: p.root,
      rng: rng.fork('group-security'),
      wallClock: this.wallClock,
      crypto: this.crypto,
    });
    this.peerId = security.localPeerId;
    this.node = new GraphNode({
      graphId: this.graphId,
      peerId: this.peerId,
      friendlyName: o.friendlyName ?? '',
      rng: rng.fork('group-graph'),
      wallClock: this.wallClock,
      security,
      listenAddresses: this.endpoints.map((e) => ({ address: e.address, port: e.port })),
      ...(o.graphTimers ? { timers: o.graphTimers } : {}),
      ...(o.graphLimits ? { limits: o.graphLimits } : {}),
    });
    this.running = runConnectionNode(this.node, o.connections, this.timers, {
      onEvent: (e) => this.onEvent(e),
    });
    this.records = groupRecords({
      command: (fn) => this.command(fn),
      node: this.node,
      crypto: this.crypto,
      wallClock: this.wallClock,
      notAfterMs: p.notAfterMs,
    });
  }

  get closed(): boolean {
    return this.closedValue;
  }

  /** Runs a command on the node; `CLOSED` after close. */
  command<T>(fn: (node: GraphNode, nowMs: number) => T): T {
    if (this.closedValue) throw new PnrpError('CLOSED', 'the group session was closed');
    return this.running.command(fn);
  }

  /** Creator: creates the graph and listens; synced at once. */
  create(presenceLifetimeS: number): void {
    this.command((n, now) =>
      n.create(now, {
        friendlyName: this.properties.friendlyName.slice(0, 255),
        presenceLifetimeS,
      }),
    );
    this.markSynced();
  }

  /** Joiner: opens the graph, not yet connected. */
  open(): void {
    this.command((n, now) => n.open(now));
  }

  /** Listens to the node's events; returns the unsubscriber. */
  onGraphEvent(fn: (e: GraphEvent) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  /** Dials `to` and resolves when it became a neighbour or the node gave up on it. */
  attempt(to: Endpoint): Promise<AttemptResult> {
    if (this.endpoints.some((e) => endpointsEqual(e, to)))
      return Promise.resolve({ ok: false, reason: 'self' });
    const before = { ...this.node.stats.terminated };
    const connectedBefore = this.running.stats.connected;
    const failure = (): string => {
      const reason = terminationReason(before, this.node.stats.terminated);
      // A member that refuses our credential ends the connection during authentication; its
      // REFUSE may be lost with the reset, so a connection that came up and then ended before
      // the WELCOME counts as a refusal too (so does a node of another graph).
      const cameUp = this.running.stats.connected > connectedBefore;
      return cameUp && /^peer-(reset|closed)$/.test(reason)
        ? `auth:ended-by-peer-${reason}`
        : reason;
    };
    return new Promise<AttemptResult>((resolve) => {
      const done = (r: AttemptResult): void => {
        off();
        offClose();
        resolve(r);
      };
      const off = this.onGraphEvent((e) => {
        if (e.type === 'neighbour-connected' && !e.direct) done({ ok: true });
        else if (e.type === 'status-changed' && e.status === 'disconnected')
          done({ ok: false, reason: failure() });
      });
      const offClose = this.whenClosed(() => done({ ok: false, reason: 'closed' }));
      try {
        this.command((n, now) => n.connect(now, to));
      } catch (e) {
        done({ ok: false, reason: e instanceof Error ? e.message : String(e) });
      }
    });
  }

  /** Registers `<group>.participant` in the peer, pointing at our graph endpoints. */
  async register(peerName: string, cloud: string | undefined, signal?: AbortSignal): Promise<void> {
    if (!this.peer) return;
    const { identity, chain } = this.credential;
    const registration = await this.peer.register({
      peerName,
      identity,
      endpoints: this.endpoints.map((e) => ({ address: e.address, port: e.port, protocol: 6 })),
      ...(chain.length > 1 ? { certChain: encodeChainPkcs7(chain) } : {}),
      ...(cloud !== undefined ? { cloud } : {}),
      ...(signal ? { signal } : {}),
    });
    if (this.closedValue) await registration.unregister().catch(() => {});
    else this.registration = registration;
  }

  members(): GroupMember[] {
    return [...this.memberMap.values()];
  }

  changes(options: GroupChangesOptions = {}): AsyncIterableIterator<GroupRecordChange> {
    const history = options.replay
      ? this.records.query().map((record) => ({ change: 'added' as const, record, local: false }))
      : [];
    return this.changeStream.subscribe(options, history);
  }

  memberEvents(options: StreamOptions = {}): AsyncIterableIterator<GroupMemberEvent> {
    return this.memberStream.subscribe(options);
  }

  whenSynced(signal?: AbortSignal): Promise<void> {
    if (this.syncedValue) return Promise.resolve();
    if (this.closedValue)
      return Promise.reject(new PnrpError('CLOSED', 'the group session was closed'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<void>((resolve, reject) => {
      const finish = (): void => {
        off();
        offClose();
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        finish();
        reject(abortError(signal!));
      };
      const off = this.onGraphEvent(() => {
        if (!this.syncedValue) return;
        finish();
        resolve();
      });
      const offClose = this.whenClosed(() => {
        finish();
        reject(new PnrpError('CLOSED', 'the group session was closed'));
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  invite(options: GroupInviteOptions): Promise<string> {
    if (this.closedValue)
      return Promise.reject(new PnrpError('CLOSED', 'the group session was closed'));
    return inviteMember(this.credential, {
      ...options,
      nowWallMs: this.wallClock.nowMs(),
      crypto: this.crypto,
    });
  }

  async close(): Promise<void> {
    if (this.closedValue) return;
    this.running.command((n, now) => n.close(now));
    this.closedValue = true;
    for (const fn of [...this.onClose]) fn();
    this.onClose.clear();
    this.changeStream.close();
    this.memberStream.close();
    const registration = this.registration;
    this.registration = undefined;
    if (registration && this.peer && !this.peer.closed)
      await registration.unregister().catch(() => {});
    await this.settle();
    this.running.stop();
    this.listeners.clear();
    if (this.closeConnections) await this.connections.shutdown();
  }

  /** Calls `fn` once at close; returns the unsubscriber. */
  whenClosed(fn: () => void): () => void {
    this.onClose.add(fn);
    return () => {
      this.onClose.delete(fn);
    };
  }

  /** Waits for the transport to drain its closes (TCP's `openCount`), at most CLOSE_GRACE_MS. */
  private settle(): Promise<void> {
    const open = (): number => (this.connections as { openCount?: number }).openCount ?? 0;
    const deadline = this.timers.nowMs() + CLOSE_GRACE_MS;
    return new Promise<void>((resolve) => {
      const check = (): void => {
        const now = this.timers.nowMs();
        if (open() === 0 || now >= deadline) resolve();
        else this.timers.arm(Math.min(deadline, now + 20), check);
      };
      this.timers.arm(this.timers.nowMs(), check);
    });
  }

  private markSynced(): void {
    this.syncedValue = true;
  }

  private onEvent(e: GraphEvent): void {
    switch (e.type) {
      case 'record-changed':
        if (!isInternalType(e.record.type))
          this.changeStream.push({
            change: e.change,
            record: toGroupRecord(e.record),
            local: e.local,
          });
        break;
      case 'presence-changed':
        this.presenceChanged(e);
        break;
      case 'sync-done':
        if (e.kind !== 'served') this.markSynced();
        break;
      case 'need-node':
        this.needNode();
        break;
      default:
        break;
    }
    for (const fn of [...this.listeners]) fn(e);
  }

  private presenceChanged(e: Extract<GraphEvent, { type: 'presence-changed' }>): void {
    const member: GroupMember = {
      peerId: e.peerId,
      nodeId: e.nodeId,
      addresses: e.addresses,
      attributes: e.attributes,
      self: e.nodeId === this.node.nodeId,
    };
    if (e.change === 'added' || e.change === 'updated') {
      const known = this.memberMap.has(e.nodeId);
      this.memberMap.set(e.nodeId, member);
      if (!known) this.memberStream.push({ type: 'joined', member });
      return;
    }
    if (!this.memberMap.delete(e.nodeId)) return;
    this.memberStream.push({ type: e.change === 'deleted' ? 'left' : 'expired', member });
  }

  private needNode(): void {
    const find = this.rediscover;
    if (!find || this.rediscovering || this.closedValue) return;
    this.rediscovering = true;
    queueMicrotask(() => {
      find()
        .catch(() => {})
        .finally(() => {
          this.rediscovering = false;
        });
    });
  }
}

/** The termination reasons counted since `before`; an authentication failure first. */
function terminationReason(before: Record<string, number>, after: Record<string, number>): string {
  const fresh = Object.keys(after).filter((k) => (after[k] ?? 0) > (before[k] ?? 0));
  return fresh.find((k) => k.startsWith('auth:')) ?? fresh[0] ?? 'unreachable';
}
