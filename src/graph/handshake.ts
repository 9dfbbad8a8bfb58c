/**
 * @module graph/handshake
 * The link conversation of [MS-PPGRH]: CONNECT after authentication (§3.1.5.1.2), the
 * responder's CONNECT processing with its REFUSE cases (§3.1.5.2.1), WELCOME (§3.1.5.2.2, with
 * the Ping of §2.2.4.1 and the peer-time update), REFUSE (§3.1.5.2.3), DISCONNECT (§3.1.5.2.4,
 * §3.1.7.25) and PT2PT (§3.1.5.2.13), plus the Connect Timer (§3.1.6.2, armed here, fired by
 * links.ts).
 *
 * Decision (simultaneous connects): two nodes that dial each other at once can both WELCOME the
 * other's CONNECT before either WELCOME arrives (the spec's duplicate check in §3.1.5.2.1 only sees
 * neighbours already CONNECTED). Each side notices when its WELCOME arrives and a neighbour with
 * that node ID already exists; both keep the connection initiated by the lower node ID and close
 * the other without a message, gracefully so that what was already sent on it still arrives
 * (counted as `duplicate`). Both sides apply the same rule, so they keep the same connection.
 *
 * Decision: the initiator always sets the Neighbor List bit (N) of CONNECT, for neighbour
 * connections too, so that every WELCOME refills the Referral List.
 */
import type { GraphCore } from './core.js';
import { sameBytes } from './core.js';
import type { Link } from './link.js';
import {
  DISCONNECT_REASON,
  type GraphAddress,
  type GraphMessage,
  PING_DATA_TYPE,
  REFUSE_CODE,
} from './model.js';

type Msg<T extends GraphMessage['type']> = Extract<GraphMessage, { type: T }>;

/** DISCONNECT reason codes (§2.2.2.5) as the names events carry. */
export const DISCONNECT_REASON_NAME: Readonly<Record<number, string>> = Object.freeze({
  [DISCONNECT_REASON.leaving]: 'leaving',
  [DISCONNECT_REASON.leastUseful]: 'least-useful',
  [DISCONNECT_REASON.appDisconnect]: 'app-disconnect',
});

/** REFUSE codes (§2.2.2.4) as the names events carry. */
export const REFUSE_CODE_NAME: Readonly<Record<number, string>> = Object.freeze({
  [REFUSE_CODE.busy]: 'busy',
  [REFUSE_CODE.alreadyConnected]: 'already-connected',
  [REFUSE_CODE.duplicateConnection]: 'duplicate-connection',
  [REFUSE_CODE.directConnectionDisallowed]: 'direct-connection-disallowed',
});

/** What the handshake asks of the rest of the node. */
export interface HandshakeHooks {
  /** A neighbour link became CONNECTED after our CONNECT: start syncing (§3.1.5.2.2). */
  welcomed(link: Link, firstNeighbour: boolean): void;
  /** Addresses from WELCOME, REFUSE or DISCONNECT for the Referral List. */
  referrals(addresses: readonly GraphAddress[]): void;
}

/** The link conversation. See the module header. */
export class Handshake {
  private neighbourSeq = 0;

  constructor(
    private readonly core: GraphCore,
    private readonly hooks: HandshakeHooks,
  ) {}

  /** §3.1.5.1.2: the initiator sends CONNECT once authenticated and arms the Connect Timer. */
  onAuthenticated(link: Link): void {
    if (link.role !== 'initiator') return;
    const listening = this.core.flags.listening;
    this.core.send(link, {
      type: 'connect',
      update: false,
      direct: link.direct,
      wantNeighbors: true,
      nodeId: this.core.nodeId,
      addresses: listening ? this.core.listenAddresses() : [],
      friendlyName: this.core.friendlyName,
    });
    link.linkState = 'connect-wait';
    link.connectDeadlineMs = this.core.nowMs() + this.core.timers.connectTimeoutMs;
    link.connectSentAt = this.core.clock.now();
  }

  /** Dispatches a handshake message; returns false when the message is not one of these. */
  handle(link: Link, m: GraphMessage): boolean {
    switch (m.type) {
      case 'connect':
        this.onConnect(link, m);
        return true;
      case 'welcome':
        this.onWelcome(link, m);
        return true;
      case 'refuse':
        this.onRefuse(link, m);
        return true;
      case 'disconnect':
        this.onDisconnect(link, m);
        return true;
      case 'pt2pt':
        this.onPt2pt(link, m);
        return true;
      default:
        return false;
    }
  }

  /** §3.1.5.2.1. */
  private onConnect(link: Link, m: Msg<'connect'>): void {
    if (link.role !== 'responder') return this.core.terminate(link, 'out-of-state');
    if (m.update && link.linkState === 'connected') {
      link.remoteAddresses = m.addresses;
      return;
    }
    if (link.linkState === 'connected') return this.refuse(link, REFUSE_CODE.alreadyConnected);
    if (m.direct) {
      if (!this.core.flags.acceptDirect)
        return this.refuse(link, REFUSE_CODE.directConnectionDisallowed);
      link.direct = true;
      link.remoteNodeId = m.nodeId;
      link.remoteAddresses = m.addresses;
      this.sendWelcome(link, false);
      this.becomeConnected(link);
      return;
    }
    link.direct = false;
    const duplicate =
      m.nodeId === this.core.nodeId ||
      this.core.neighbours().some((n) => n.remoteNodeId === m.nodeId);
    if (duplicate) return this.refuse(link, REFUSE_CODE.duplicateConnection);
    if (this.core.neighbours().length >= this.core.limits.neighboursMax)
      return this.refuse(link, REFUSE_CODE.busy, this.referralAddresses(link));
    link.remoteNodeId = m.nodeId;
    link.remoteAddresses = m.addresses;
    this.sendWelcome(link, m.wantNeighbors);
    this.becomeConnected(link);
  }

  private sendWelcome(link: Link, withReferrals: boolean): void {
    this.core.send(link, {
      type: 'welcome',
      nodeId: this.core.nodeId,
      peerTime: this.core.clock.now(),
      addresses: withReferrals ? this.referralAddresses(link) : [],
      peerId: this.core.peerId,
      friendlyName: this.core.friendlyName,
    });
  }

  private refuse(link: Link, code: number, addresses: readonly GraphAddress[] = []): void {
    this.core.send(link, { type: 'refuse', code, addresses });
    this.core.emit({
      type: 'refused',
      what: 'connection',
      reason: `sent-${REFUSE_CODE_NAME[code] ?? code}`,
      conn: link.conn,
    });
    this.core.terminate(link, `refused-${REFUSE_CODE_NAME[code] ?? code}`, true);
  }

  /** §3.1.5.2.2. */
  private onWelcome(link: Link, m: Msg<'welcome'>): void {
    if (link.role !== 'initiator' || link.linkState !== 'connect-wait')
      return this.core.terminate(link, 'out-of-state');
    link.connectDeadlineMs = Number.POSITIVE_INFINITY;
    link.remoteNodeId = m.nodeId;
    if (link.remotePeerId === '') link.remotePeerId = m.peerId;
    if (link.direct) return this.becomeConnected(link);
    if (m.nodeId === this.core.nodeId) return this.core.terminate(link, 'self');
    const other = this.core.neighbours().find((n) => n.remoteNodeId === m.nodeId);
    if (other) {
      // Keep the connection initiated by the lower node ID (module header).
      if (this.core.nodeId < m.nodeId) this.core.terminate(other, 'duplicate', true);
      else return this.core.terminate(link, 'duplicate', true);
    }
    this.hooks.referrals(m.addresses);
    // Maximum Neighbors (§3.1.1) holds for links we dialled too: others filled the table meanwhile.
    if (this.core.neighbours().length >= this.core.limits.neighboursMax)
      return this.core.terminate(link, 'neighbours-max', true);
    this.becomeConnected(link);
    const count = this.core.neighbours().length;
    this.core.clock.onWelcome(m.peerTime, link.connectSentAt, count);
    for (const l of this.core.neighbours()) {
      this.core.send(l, { type: 'pt2pt', dataType: PING_DATA_TYPE, payload: new Uint8Array(0) });
    }
    this.hooks.welcomed(link, count === 1);
  }

  private becomeConnected(link: Link): void {
    link.linkState = 'connected';
    if (!link.direct) {
      link.neighbourSeq = this.neighbourSeq++;
      this.core.flags.everHadNeighbour = true;
    }
    this.core.emit({
      type: 'neighbour-connected',
      conn: link.conn,
      nodeId: link.remoteNodeId ?? 0n,
      peerId: link.remotePeerId,
      direct: link.direct,
    });
    this.core.refreshStatus();
  }

  /** §3.1.5.2.3. */
  private onRefuse(link: Link, m: Msg<'refuse'>): void {
    if (link.role !== 'initiator' || link.linkState !== 'connect-wait')
      return this.core.terminate(link, 'out-of-state');
    this.hooks.referrals(m.addresses);
    const name = REFUSE_CODE_NAME[m.code] ?? String(m.code);
    this.core.emit({ type: 'refused', what: 'connection', reason: name, conn: link.conn });
    if (m.code === REFUSE_CODE.alreadyConnected) {
      link.connectDeadlineMs = Number.POSITIVE_INFINITY;
      link.linkState = 'connected';
      return;
    }
    // Ending the link tries another referral (§3.1.5.2.3; node.ts onGone).
    this.core.terminate(link, `refuse-${name}`, true);
  }

  /** §3.1.5.2.4: note the referrals and end the link (graph maintenance follows in onGone). */
  private onDisconnect(link: Link, m: Msg<'disconnect'>): void {
    this.hooks.referrals(m.addresses);
    const name = DISCONNECT_REASON_NAME[m.reason] ?? 'disconnect';
    this.core.terminate(link, name, true);
  }

  /** §3.1.5.2.13: a Ping is dropped; anything else goes to the application. */
  private onPt2pt(link: Link, m: Msg<'pt2pt'>): void {
    if (link.linkState !== 'connected') return this.core.terminate(link, 'out-of-state');
    if (sameBytes(m.dataType, PING_DATA_TYPE)) return;
    this.core.emit({
      type: 'direct-data',
      conn: link.conn,
      peerId: link.remotePeerId,
      dataType: m.dataType,
      payload: m.payload,
    });
  }

  /** §3.1.7.25: DISCONNECT with referrals, then close after it is sent. */
  disconnect(link: Link, reason: number): void {
    if (link.linkState === 'connected') {
      this.core.send(link, {
        type: 'disconnect',
        reason,
        addresses: this.referralAddresses(link),
      });
    }
    this.core.terminate(link, `sent-${DISCONNECT_REASON_NAME[reason] ?? reason}`, true);
  }

  /**
   * Referrals to hand out (§3.1.5.2.1, §3.1.7.25): a listening address of each neighbour
   * but `exclude`, least recently added first, at most `referralsPerMessage`.
   */
  referralAddresses(exclude?: Link): GraphAddress[] {
    const out: GraphAddress[] = [];
    const sorted = this.core.neighbours().sort((a, b) => a.neighbourSeq - b.neighbourSeq);
    for (const n of sorted) {
      const address = n === exclude ? undefined : listeningAddressOf(n);
      if (!address) continue;
      out.push(address);
      if (out.length >= this.core.limits.referralsPerMessage) break;
    }
    return out;
  }
}

/**
 * Where a neighbour listens: the first address its CONNECT (or CONNECT with U) announced, else,
 * for a connection we dialled, the address we dialled.
 * @example listeningAddressOf(link)
 */
export function listeningAddressOf(link: Link): GraphAddress | undefined {
  const announced = link.remoteAddresses[0];
  if (announced) return announced;
  if (link.role === 'initiator' && link.remote)
    return { address: link.remote.address, port: link.remote.port };
  return undefined;
}
