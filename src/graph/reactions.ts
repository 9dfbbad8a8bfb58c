/**
 * @module graph/reactions
 * What the node does between its parts when something happens ([MS-PPGRH] §3.1.5, §3.1.7): a
 * decoded message goes to the part that owns its conversation (or ends the link, §3.1.5.2), a
 * link that ends is reported and repaired (§3.1.5.2.4, §3.1.7.25), a stored record is reported
 * and handed to the part of its type (§3.1.7.10), graph maintenance runs its steps in order
 * (§3.1.7.16), the node starts listening (§3.1.4.8), and the status is re-evaluated. node.ts builds
 * the parts and forwards to these; nothing here owns protocol state except the last status.
 */
import type { Contacts } from './contacts.js';
import { type GraphCore, sameBytes } from './core.js';
import type { GraphStatus } from './events.js';
import type { Flooding } from './flooding.js';
import type { GraphInfo } from './graph-info.js';
import type { Handshake } from './handshake.js';
import type { Link } from './link.js';
import type { Links } from './links.js';
import { type GraphMessage, type GraphRecord, RECORD_TYPE } from './model.js';
import type { Neighbours } from './neighbours.js';
import type { Presence } from './presence.js';
import type { Records } from './records.js';
import type { Signature } from './signature.js';
import type { Sync } from './sync.js';

/** The parts of a node, as reactions.ts reaches them. */
export interface NodeParts {
  readonly links: Links;
  readonly handshake: Handshake;
  readonly sync: Sync;
  readonly flooding: Flooding;
  readonly neighbours: Neighbours;
  readonly records: Records;
  readonly presence: Presence;
  readonly signature: Signature;
  readonly contacts: Contacts;
  readonly graphInfo: GraphInfo;
}

/** The node-wide reactions. See the module header. */
export class Reactions {
  private lastStatus: GraphStatus = 'disconnected';
  private lastListening = false;

  constructor(
    private readonly core: GraphCore,
    private readonly parts: () => NodeParts,
  ) {}

  /** Hands a decoded message to the part that owns it; anything else ends the link. */
  dispatch(link: Link, message: GraphMessage): void {
    const p = this.parts();
    if (p.handshake.handle(link, message)) return;
    if (p.sync.handle(link, message)) return;
    if (p.flooding.handle(link, message)) return;
    this.core.terminate(link, 'out-of-state');
  }

  /** A link ended: report it, try another node after a failed attempt, maintain after a loss. */
  gone(link: Link, reason: string): void {
    const wasConnected = link.linkState === 'connected';
    const wasNeighbour = wasConnected && !link.direct;
    if (wasConnected) {
      this.core.emit({
        type: 'neighbour-disconnected',
        conn: link.conn,
        nodeId: link.remoteNodeId ?? 0n,
        peerId: link.remotePeerId,
        direct: link.direct,
        reason,
      });
    }
    const f = this.core.flags;
    if (!f.open) return;
    if (wasNeighbour && this.core.neighbours().length === 0) f.leftAt = this.core.clock.now();
    if (link.role === 'initiator' && !wasConnected && !link.direct && reason !== 'duplicate') {
      this.parts().neighbours.afterFailedAttempt();
      // §1.3.2: a node that synchronised once listens even when it cannot connect.
      if (!f.listening && !f.neverConnected && this.status() === 'disconnected')
        this.startListening();
    }
    if (wasNeighbour) this.maintain(false, true);
    this.refreshStatus();
  }

  /** A record entered the database (§3.1.7.10): the event, the timers, the part of its type. */
  recordStored(record: GraphRecord, previous: GraphRecord | undefined, local: boolean): void {
    const change = record.deleted ? 'deleted' : previous && !previous.deleted ? 'updated' : 'added';
    this.core.emit({ type: 'record-changed', change, record, local });
    const p = this.parts();
    p.records.onStored(record);
    if (sameBytes(record.type, RECORD_TYPE.graphInfo)) p.graphInfo.onRecord(record);
    else if (sameBytes(record.type, RECORD_TYPE.presence)) p.presence.onRecord(record, previous);
    else if (sameBytes(record.type, RECORD_TYPE.contact)) p.contacts.onRecord(record);
    else if (sameBytes(record.type, RECORD_TYPE.signature)) {
      p.signature.calculate();
      p.contacts.onSignature();
    }
  }

  /**
   * Graph maintenance (§3.1.7.16) in the spec's order, then the Graph Maintenance Timer
   * (§3.1.6.6). Decision: a contact asks the application for a node (long-term repair,
   * §3.1.7.15) only when the timer fired, not on every event that runs maintenance.
   */
  maintain(fromTimer: boolean, lost: boolean = false): void {
    if (!this.core.flags.open) return;
    const p = this.parts();
    p.signature.calculate();
    p.contacts.maintain();
    p.contacts.detectPartition();
    p.neighbours.connectionMaintenance(fromTimer, lost);
    if (fromTimer && p.contacts.isContact()) {
      this.core.flags.repairAsked = true;
      this.core.emit({ type: 'need-node', reason: 'long-term-repair' });
    }
    p.neighbours.resetTimer(fromTimer);
  }

  /** Begins listening (§3.1.4.8): CONNECT with U to neighbours, maintenance of every kind. */
  startListening(): void {
    this.core.flags.listening = true;
    for (const link of this.core.neighbours()) {
      if (link.role !== 'initiator') continue;
      this.core.send(link, {
        type: 'connect',
        update: true,
        direct: false,
        wantNeighbors: false,
        nodeId: this.core.nodeId,
        addresses: this.core.listenAddresses(),
        friendlyName: this.core.friendlyName,
      });
    }
    this.maintain(false);
    this.parts().presence.maintain();
    this.refreshStatus();
  }

  /** The status now (see {@link GraphStatus}). */
  status(): GraphStatus {
    if (!this.core.flags.open) return 'disconnected';
    const neighbours = this.core.neighbours();
    if (neighbours.length > 0)
      return neighbours.some((l) => l.sync?.kind === 'all') ? 'synchronizing' : 'connected';
    for (const link of this.parts().links.all())
      if (link.role === 'initiator' && !link.direct) return 'connecting';
    return this.core.flags.listening ? 'listening' : 'disconnected';
  }

  /** Emits `status-changed` when the status or IsListening changed. */
  refreshStatus(): void {
    const status = this.status();
    const listening = this.core.flags.listening;
    if (status === this.lastStatus && listening === this.lastListening) return;
    this.lastStatus = status;
    this.lastListening = listening;
    const neighbours = this.core.neighbours().length;
    this.core.emit({ type: 'status-changed', status, listening, neighbours });
    this.core.logger?.({ type: 'status', cloud: this.core.graphId, status });
  }
}
