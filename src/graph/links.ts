/**
 * @module graph/links
 * The connection table of a graph node: opening and accepting connections ([MS-PPGRH]
 * §3.1.7.24, §3.1.7.26), framing (§2.2.1.1) with the codec's `UnitReader`, AUTH_INFO and the
 * security provider's handshake (§3.1.5.1), sealing and opening every later message (§3.1.5.2,
 * §3.1.7.1), the Authentication Timer (§3.1.6.1), and ending connections. Decoded messages of
 * authenticated connections go to the handshake and the other parts through {@link LinkHandlers}.
 *
 * Remote input never throws: a unit that does not frame, decode or fit the connection's state
 * ends that connection, counted in `stats.terminated` by reason; a unit the security provider
 * cannot open is discarded (§3.1.5.2) and counted in `stats.dropped`.
 *
 * Bounds: at most `connectionsMax` connections, of which `acceptedPendingMax` accepted ones still
 * authenticating; an accepted connection over either bound, or while the node is not listening,
 * is aborted at once (a decision: the seam accepts for us, so refusing is closing).
 */
import { type Endpoint, formatEndpoint } from '../keys/endpoint.js';
import type { ConnectionEnd, ConnectionId } from '../sans-io.js';
import type { GraphCore } from './core.js';
import { type Link, newLink } from './link.js';
import type { GraphMessage, SecurityStep } from './model.js';
import { authTimeoutMs } from './options.js';
import { count } from './stats.js';
import { decodeGraphMessage, encodeGraphMessage, frameUnit, UnitReader } from './wire/index.js';

/** What the links hand to the rest of the node. */
export interface LinkHandlers {
  /** The connection authenticated (the initiator sends CONNECT, §3.1.5.1.2). */
  onAuthenticated(link: Link): void;
  /** A decoded message arrived on an authenticated connection. */
  onMessage(link: Link, message: GraphMessage): void;
  /** The link is gone (already removed from the table); `reason` says why. */
  onGone(link: Link, reason: string): void;
}

/** The connection table. See the module header. */
export class Links {
  private readonly table = new Map<ConnectionId, Link>();
  private readonly readers = new Map<ConnectionId, UnitReader>();
  private nextConn = 1;

  constructor(
    private readonly core: GraphCore,
    private readonly handlers: LinkHandlers,
  ) {}

  /** Connections in any state. */
  get size(): number {
    return this.table.size;
  }

  /** The link of a connection, if it is open. */
  get(conn: ConnectionId): Link | undefined {
    return this.table.get(conn);
  }

  /** Every open link, in the order they were made. */
  all(): IterableIterator<Link> {
    return this.table.values();
  }

  /**
   * Opens a connection (§3.1.7.24): starts the Authentication Timer and asks the driver to
   * connect. Undefined when `connectionsMax` is reached (counted).
   */
  dial(
    to: Endpoint,
    extra: { direct: boolean; maintenance: boolean; expectedPeerId?: string | undefined },
  ): Link | undefined {
    if (this.table.size >= this.core.limits.connectionsMax) {
      count(this.core.stats.boundHits, 'connections');
      return undefined;
    }
    const link = newLink(this.nextConn++, 'initiator', to, extra);
    link.authDeadlineMs = this.core.nowMs() + authTimeoutMs(this.core.timers, this.table.size + 1);
    this.add(link);
    this.core.stats.connectionsOpened++;
    this.core.output({ type: 'connect', conn: link.conn, to });
    return link;
  }

  /** The driver connected a connection we dialled: send AUTH_INFO and start security. */
  handleConnected(conn: ConnectionId): void {
    const link = this.table.get(conn);
    if (link?.connState !== 'dialing') return;
    this.core.send(link, {
      type: 'auth-info',
      connectionType: link.direct ? 'direct' : 'neighbor',
      graphId: this.core.graphId,
      sourcePeerId: this.core.peerId,
      destinationPeerId: link.expectedPeerId ?? '',
    });
    link.connState = 'authenticating';
    link.security = this.core.security.connection('initiator', link.expectedPeerId);
    this.step(link, link.security.start(this.core.nowMs()));
  }

  /** The driver accepted a connection for us (§3.1.7.26). */
  handleAccepted(conn: ConnectionId, from: Endpoint): void {
    if (this.table.has(conn)) return;
    const refuse = this.acceptRefusal();
    if (refuse) {
      count(this.core.stats.terminated, refuse);
      this.core.output({ type: 'close', conn, abort: true });
      return;
    }
    const link = newLink(conn, 'responder', from, { direct: false, maintenance: false });
    link.authDeadlineMs = this.core.nowMs() + authTimeoutMs(this.core.timers, this.table.size + 1);
    this.add(link);
    this.core.stats.connectionsAccepted++;
  }

  private acceptRefusal(): string | undefined {
    const f = this.core.flags;
    if (!f.open || !f.listening) return 'not-listening';
    if (this.table.size >= this.core.limits.connectionsMax) return 'connections-max';
    let pending = 0;
    for (const l of this.table.values())
      if (l.role === 'responder' && l.linkState !== 'connected') pending++;
    if (pending >= this.core.limits.acceptedPendingMax) return 'accepted-pending-max';
    return undefined;
  }

  /** Bytes arrived: reassemble units and process each in order until the link ends. */
  handleReceived(conn: ConnectionId, bytes: Uint8Array): void {
    const link = this.table.get(conn);
    const reader = this.readers.get(conn);
    if (!link || !reader) return;
    link.bytesIn += bytes.length;
    this.core.stats.bytesReceived += bytes.length;
    if (link.connState === 'dialing') return this.terminate(link, 'out-of-state');
    const units = reader.push(bytes);
    if (!units.ok) return this.terminate(link, `framing:${units.error.code}`);
    for (const unit of units.value) {
      if (link.connState === 'closed') return;
      this.processUnit(link, unit);
    }
  }

  private processUnit(link: Link, unit: Uint8Array): void {
    if (link.connState === 'accepted') return this.receiveAuthInfo(link, unit);
    if (link.connState === 'authenticating') {
      return this.step(link, link.security!.receive(this.core.nowMs(), unit));
    }
    const opened = link.security!.open(unit);
    if (!opened.ok) {
      count(this.core.stats.dropped, `open:${opened.reason}`);
      return;
    }
    const decoded = decodeGraphMessage(opened.message);
    if (!decoded.ok) return this.terminate(link, `malformed:${decoded.error.code}`);
    const message = decoded.value;
    count(this.core.stats.received, message.type);
    if (message.type === 'auth-info') return this.terminate(link, 'out-of-state');
    this.handlers.onMessage(link, message);
  }

  /** §3.1.5.1.1: the first unit of an accepted connection must be a valid AUTH_INFO for us. */
  private receiveAuthInfo(link: Link, unit: Uint8Array): void {
    const decoded = decodeGraphMessage(unit);
    if (!decoded.ok) return this.terminate(link, `malformed:${decoded.error.code}`);
    const m = decoded.value;
    count(this.core.stats.received, m.type);
    if (m.type !== 'auth-info') return this.terminate(link, 'out-of-state');
    if (m.graphId !== this.core.graphId) return this.terminate(link, 'wrong-graph');
    if (m.destinationPeerId !== '' && m.destinationPeerId !== this.core.peerId)
      return this.terminate(link, 'wrong-peer');
    link.direct = m.connectionType === 'direct';
    link.remotePeerId = m.sourcePeerId;
    link.connState = 'authenticating';
    link.security = this.core.security.connection('responder', m.sourcePeerId);
    this.step(link, link.security.start(this.core.nowMs()));
  }

  /** Applies one security step: send its units, then fail, wait, or finish authentication. */
  private step(link: Link, s: SecurityStep): void {
    for (const unit of s.send) this.sendUnit(link, unit);
    if (s.state === 'failed') return this.terminate(link, `auth:${s.reason ?? 'failed'}`);
    if (s.state !== 'authenticated' || link.connState !== 'authenticating') return;
    link.connState = 'authenticated';
    link.authDeadlineMs = Number.POSITIVE_INFINITY;
    const peer = link.security!.peerId;
    if (peer !== undefined && peer !== '') link.remotePeerId = peer;
    this.handlers.onAuthenticated(link);
  }

  /** Encodes, seals (after authentication) and frames one message (§3.1.7.1). */
  send(link: Link, message: GraphMessage): void {
    if (link.connState === 'closed') return;
    let bytes: Uint8Array;
    try {
      bytes = encodeGraphMessage(message);
    } catch {
      // A record that decoded but does not encode (a codec asymmetry) must not make remote input
      // throw: the message is dropped and counted.
      count(this.core.stats.dropped, `encode:${message.type}`);
      return;
    }
    const sealed =
      message.type === 'auth-info' || link.connState !== 'authenticated'
        ? bytes
        : link.security!.seal(bytes);
    count(this.core.stats.sent, message.type);
    if (message.type === 'flood') this.core.stats.floodsSent++;
    this.sendUnit(link, sealed);
  }

  private sendUnit(link: Link, unit: Uint8Array): void {
    const framed = frameUnit(unit, this.core.limits.maxFrameSize);
    link.bytesOut += framed.length;
    this.core.stats.bytesSent += framed.length;
    this.core.output({ type: 'send', conn: link.conn, bytes: framed });
  }

  /** Ends a link: close output (abort unless `graceful`), removal, then `onGone`. */
  terminate(link: Link, reason: string, graceful = false): void {
    if (link.connState === 'closed') return;
    count(this.core.stats.terminated, reason);
    const log = this.core.logger;
    if (log) {
      const from = link.remote ? formatEndpoint(link.remote) : `connection ${link.conn}`;
      log({ type: 'drop', reason: `graph:${reason}`, from });
    }
    this.core.output(
      graceful
        ? { type: 'close', conn: link.conn }
        : { type: 'close', conn: link.conn, abort: true },
    );
    this.remove(link, reason);
  }

  /** The driver reports the connection ended (the peer closed it, a reset, a failed connect). */
  handleClosed(conn: ConnectionId, end: ConnectionEnd): void {
    const link = this.table.get(conn);
    if (!link) return;
    count(this.core.stats.terminated, `peer-${end}`);
    this.remove(link, end);
  }

  private add(link: Link): void {
    this.table.set(link.conn, link);
    this.readers.set(link.conn, new UnitReader({ maxFrameSize: this.core.limits.maxFrameSize }));
  }

  private remove(link: Link, reason: string): void {
    link.connState = 'closed';
    this.table.delete(link.conn);
    this.readers.delete(link.conn);
    this.handlers.onGone(link, reason);
  }

  /** The earliest Authentication or Connect Timer. */
  deadline(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const l of this.table.values()) at = Math.min(at, l.authDeadlineMs, l.connectDeadlineMs);
    return at;
  }

  /** Fires due Authentication (§3.1.6.1) and Connect (§3.1.6.2) Timers. */
  onTimeout(nowMs: number): void {
    for (const link of [...this.table.values()]) {
      if (link.authDeadlineMs <= nowMs) this.terminate(link, 'auth-timeout');
      else if (link.connectDeadlineMs <= nowMs) this.terminate(link, 'connect-timeout');
    }
  }
}
