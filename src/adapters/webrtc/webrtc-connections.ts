/**
 * @module adapters/webrtc/webrtc-connections
 * A {@link ConnectionTransport} over reliable, ordered `RTCDataChannel`s, for browsers
 * (docs/design.md §8). Peers, endpoints and signalling work as in `webrtc-transport.ts`: a peer
 * is an application id mapped to a synthetic fd00::/8 endpoint, and the application's
 * {@link Signaller} carries offers, answers and candidates (give this transport its own
 * signaller, or its own namespace on a shared one: a signaller has one handler).
 *
 * One `RTCPeerConnection` per remote peer, and one data channel (`ordered: true`, fully
 * reliable) per connection. SCTP multiplexes the channels, so connections need no framing of
 * ours and no renegotiation after the first: opening a connection to a peer already connected
 * just opens a channel, which the other side sees as an accepted connection (-1, -2, ...).
 * Sends are cut into messages of at most `messageBytesMax` (16 KiB, what every browser
 * accepts); bytes sent before the channel opens wait in a queue that counts toward
 * `sendBufferMaxBytes`, as does the channel's `bufferedAmount`; past it the connection ends
 * `error`. A connection not open after `connectTimeoutMs`, or to a peer id nobody knows, is
 * `unreachable`. A peer connection that fails resets its open connections.
 *
 * What WebRTC cannot say: there is no refusal (a peer that does not answer is `unreachable`)
 * and no reset of one channel: an abort closes the channel like a graceful close and the peer
 * sees `closed`. Glare (both sides offer at once) is settled as in the datagram transport (the
 * smaller peer id's offer wins); the loser reopens its pending connections on the winning
 * connection. Peer connections stay up while idle; when `peersMax` are up, an idle one is closed
 * to make room.
 */
import {
  assertOpenHandle,
  type ConnectionSink,
  newConnectionTransportStats,
} from '../../connection-transport.js';
import type { Endpoint } from '../../keys/endpoint.js';
import type { ConnectionEnd, ConnectionId } from '../../sans-io.js';
import { assertPeerId, PeerEndpointMap } from './peer-endpoint.js';
import {
  type ValidatedWebRtcConnectionsOptions as Validated,
  validateWebRtcConnectionsOptions as validate,
  type WebRtcConnections,
  type WebRtcConnectionsOptions,
  type WebRtcConnectionsStats,
} from './webrtc-connections-options.js';
import type { SignalMessage } from './webrtc-transport.js';

export type {
  WebRtcConnections,
  WebRtcConnectionsOptions,
  WebRtcConnectionsStats,
} from './webrtc-connections-options.js';

interface Conn {
  readonly id: ConnectionId;
  /** Undefined only for a connect that found no peer; changes when glare moves it. */
  peer: Peer | undefined;
  channel: RTCDataChannel | undefined;
  open: boolean;
  /** Bytes waiting for the channel to open. */
  queue: Uint8Array[];
  queued: number;
  /** The node closed it: flush what is queued once open, then close; no more reports. */
  closing: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Peer {
  readonly id: string;
  readonly pc: RTCPeerConnection;
  readonly offerer: boolean;
  readonly conns: Set<Conn>;
  remoteDescriptionSet: boolean;
  pendingCandidates: RTCIceCandidateInit[];
}

const CHANNEL_LABEL = 'pnrp-conn';
const CHANNEL_INIT: RTCDataChannelInit = { ordered: true };

/**
 * Creates a WebRTC connection transport for this peer.
 * @example
 * const conns = createWebRtcConnections({ peerId: 'alice', signaller: graphSignaller });
 * const running = runConnectionNode(graphNode, conns);
 * running.command((n, now) => n.connect(now, conns.endpointOf('bob')));
 */
export function createWebRtcConnections(options: WebRtcConnectionsOptions): WebRtcConnections {
  return new WebRtcConnectionsImpl(validate(options));
}

class WebRtcConnectionsImpl implements WebRtcConnections {
  readonly stats: WebRtcConnectionsStats = {
    ...newConnectionTransportStats(),
    peersOffered: 0,
    peersAnswered: 0,
    peersClosed: 0,
    signalsIgnored: 0,
  };
  readonly localEndpoint: Endpoint;
  private readonly map: PeerEndpointMap;
  private readonly peers = new Map<string, Peer>();
  private readonly conns = new Map<ConnectionId, Conn>();
  private sink: ConnectionSink | undefined;
  private nextAccepted = -1;
  private down = false;

  constructor(private readonly o: Validated) {
    this.map = new PeerEndpointMap(o.port);
    this.localEndpoint = this.map.endpointOf(o.peerId);
    o.signaller.onMessage((from, message) => this.onSignal(from, message));
  }

  get peerId(): string {
    return this.o.peerId;
  }

  endpointOf(peerId: string): Endpoint {
    return this.map.endpointOf(peerId);
  }

  peerIdOf(endpoint: Endpoint): string | undefined {
    return this.map.peerIdOf(endpoint);
  }

  attach(sink: ConnectionSink | undefined): void {
    if (!this.down) this.sink = sink;
  }

  connect(id: ConnectionId, to: Endpoint): void {
    if (this.down) throw new Error('webrtc connections are shut down');
    assertOpenHandle(id);
    if (this.conns.has(id)) throw new RangeError(`connection handle ${id} is in use`);
    this.stats.connectsStarted++;
    const peerId = this.lookup(to);
    const peer =
      peerId === undefined || peerId === this.o.peerId
        ? undefined
        : (this.peers.get(peerId) ?? this.offer(peerId));
    if (peer === undefined) {
      // Nobody to offer to (unknown id, ourselves, or no room): unreachable, reported later.
      const none = this.newConn(id, undefined);
      queueMicrotask(() => this.fail(none, 'unreachable'));
      return;
    }
    const conn = this.newConn(id, peer);
    conn.timer = setTimeout(() => {
      if (!conn.open) this.fail(conn, 'unreachable');
    }, this.o.connectTimeoutMs);
    if (peer.offerer || peer.remoteDescriptionSet) this.openChannel(conn);
  }

  send(id: ConnectionId, bytes: Uint8Array): void {
    const conn = this.conns.get(id);
    if (conn === undefined || conn.closing) {
      this.stats.staleCalls++;
      return;
    }
    const buffered = conn.queued + (conn.channel?.bufferedAmount ?? 0);
    if (buffered + bytes.length > this.o.sendBufferMaxBytes) {
      this.stats.overflows++;
      return this.fail(conn, 'error');
    }
    this.stats.bytesSent += bytes.length;
    if (conn.open) this.transmit(conn, bytes);
    else {
      conn.queue.push(bytes.slice());
      conn.queued += bytes.length;
    }
  }

  close(id: ConnectionId, abort = false): void {
    const conn = this.conns.get(id);
    if (conn === undefined || conn.closing) {
      this.stats.staleCalls++;
      return;
    }
    conn.closing = true;
    if (conn.open || abort || conn.queued === 0) this.release(conn);
    // else: flushed and closed when the channel opens (or dropped when it never does)
  }

  shutdown(): Promise<void> {
    if (!this.down) {
      this.down = true;
      this.sink = undefined;
      for (const peer of [...this.peers.values()]) this.tearDown(peer, 'reset');
      for (const conn of [...this.conns.values()]) this.release(conn);
    }
    return Promise.resolve();
  }

  private newConn(id: ConnectionId, peer: Peer | undefined): Conn {
    const conn: Conn = {
      id,
      peer,
      channel: undefined,
      open: false,
      queue: [],
      queued: 0,
      closing: false,
      timer: undefined,
    };
    this.conns.set(id, conn);
    peer?.conns.add(conn);
    return conn;
  }

  /** The peer id of `to`, from the map or the signaller's directory (checked against the hash). */
  private lookup(to: Endpoint): string | undefined {
    const known = this.map.peerIdOf(to);
    if (known !== undefined || to.port !== this.o.port) return known;
    const id = this.o.signaller.peerIdOf?.(to);
    if (typeof id !== 'string') return undefined;
    try {
      assertPeerId(id);
      this.map.endpointOf(id);
    } catch {
      return undefined;
    }
    return this.map.peerIdOf(to);
  }

  private openChannel(conn: Conn): void {
    const channel = conn.peer?.pc.createDataChannel(CHANNEL_LABEL, CHANNEL_INIT);
    if (channel === undefined) return;
    this.useChannel(conn, channel);
  }

  private useChannel(conn: Conn, channel: RTCDataChannel): void {
    conn.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.onopen = () => this.onOpen(conn);
    channel.onclose = () => {
      if (this.conns.get(conn.id) === conn) this.fail(conn, conn.open ? 'closed' : 'unreachable');
    };
    channel.onmessage = (e: MessageEvent) => this.onMessage(conn, e.data);
    if (channel.readyState === 'open') this.onOpen(conn);
  }

  private onOpen(conn: Conn): void {
    if (conn.open || this.conns.get(conn.id) !== conn) return;
    conn.open = true;
    clearTimeout(conn.timer);
    const queue = conn.queue;
    conn.queue = [];
    conn.queued = 0;
    for (const bytes of queue) this.transmit(conn, bytes);
    if (conn.closing) return this.release(conn);
    if (conn.id < 0) {
      this.stats.accepted++;
      this.sink?.accepted(conn.id, this.map.endpointOf((conn.peer as Peer).id));
    } else {
      this.stats.connectsSucceeded++;
      this.sink?.connected(conn.id);
    }
  }

  private onMessage(conn: Conn, data: unknown): void {
    if (this.conns.get(conn.id) !== conn || conn.closing) return;
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
          : undefined;
    if (bytes === undefined) return this.fail(conn, 'error');
    this.stats.bytesReceived += bytes.length;
    this.sink?.received(conn.id, bytes);
  }

  private transmit(conn: Conn, bytes: Uint8Array): void {
    const max = this.o.messageBytesMax;
    try {
      for (let at = 0; at < bytes.length; at += max)
        conn.channel?.send(bytes.slice(at, Math.min(bytes.length, at + max)));
    } catch {
      this.fail(conn, 'error');
    }
  }

  /**
   * Ends `conn` without the node asking: closes its channel and reports it, unless the node
   * closed it already or never heard of it (an accepted channel that never opened).
   */
  private fail(conn: Conn, end: ConnectionEnd): void {
    const report = this.conns.get(conn.id) === conn && !conn.closing && (conn.id > 0 || conn.open);
    this.release(conn);
    if (!report) return;
    this.stats.ended[end]++;
    this.sink?.closed(conn.id, end);
  }

  /** Forgets `conn` and closes its channel. */
  private release(conn: Conn): void {
    clearTimeout(conn.timer);
    if (this.conns.get(conn.id) === conn) this.conns.delete(conn.id);
    conn.queue = [];
    conn.queued = 0;
    this.detach(conn);
  }

  private newPeer(id: string, offerer: boolean): Peer | undefined {
    if (this.peers.size >= this.o.peersMax) {
      const idle = [...this.peers.values()].find((p) => p.conns.size === 0);
      if (idle === undefined) return undefined;
      this.tearDown(idle, 'reset');
    }
    const pc = this.o.createPeerConnection(this.o.rtcConfiguration);
    const peer: Peer = {
      id,
      pc,
      offerer,
      conns: new Set(),
      remoteDescriptionSet: false,
      pendingCandidates: [],
    };
    this.peers.set(id, peer);
    pc.onicecandidate = (e) => {
      if (e.candidate && this.current(peer))
        this.signal(id, { type: 'candidate', candidate: e.candidate.toJSON() });
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed')
        this.tearDown(peer, 'reset');
    };
    pc.ondatachannel = (e) => this.onRemoteChannel(peer, e.channel);
    return peer;
  }

  private offer(id: string): Peer | undefined {
    const peer = this.newPeer(id, true);
    if (peer === undefined) return undefined;
    this.stats.peersOffered++;
    // The first channel must exist before the offer so that the offer carries SCTP: the
    // caller opens it right after this returns, before the promise below runs.
    queueMicrotask(() =>
      peer.pc
        .createOffer()
        .then((offer) => peer.pc.setLocalDescription(offer))
        .then(() => {
          const sdp = peer.pc.localDescription?.sdp;
          if (sdp !== undefined && this.current(peer)) this.signal(id, { type: 'offer', sdp });
        })
        .catch(() => this.tearDown(peer, 'reset')),
    );
    return peer;
  }

  private onRemoteChannel(peer: Peer, channel: RTCDataChannel): void {
    if (!this.current(peer) || this.conns.size >= this.o.connectionsMax) {
      this.stats.acceptsRefused++;
      channel.close();
      return;
    }
    const conn = this.newConn(this.nextAccepted--, peer);
    this.useChannel(conn, channel);
  }

  private onSignal(from: string, message: SignalMessage): void {
    if (this.down || typeof from !== 'string' || from === this.o.peerId) return;
    try {
      assertPeerId(from);
      this.map.endpointOf(from);
    } catch {
      this.stats.signalsIgnored++;
      return;
    }
    const peer = this.peers.get(from);
    if (message?.type === 'offer') return this.onOffer(from, message.sdp, peer);
    if (peer === undefined) {
      this.stats.signalsIgnored++;
      return;
    }
    if (message?.type === 'answer') {
      if (!peer.offerer || peer.remoteDescriptionSet) {
        this.stats.signalsIgnored++;
        return;
      }
      this.setRemote(peer, { type: 'answer', sdp: message.sdp });
    } else if (message?.type === 'candidate') {
      if (peer.remoteDescriptionSet) this.addCandidate(peer, message.candidate);
      else peer.pendingCandidates.push(message.candidate);
    } else this.stats.signalsIgnored++;
  }

  private onOffer(from: string, sdp: string, existing: Peer | undefined): void {
    let moving: Conn[] = [];
    if (existing !== undefined) {
      // Glare, or the remote side restarted: the smaller peer id's offer wins.
      if (existing.offerer && !existing.remoteDescriptionSet && this.o.peerId < from) {
        this.stats.signalsIgnored++;
        return;
      }
      // Our pending outgoing connections move to the new peer connection; the rest end.
      moving = [...existing.conns].filter((c) => !c.open && c.id > 0);
      for (const c of moving) this.detach(c);
      this.tearDown(existing, 'reset');
    }
    const peer = this.newPeer(from, false);
    if (peer === undefined) {
      this.stats.signalsIgnored++;
      for (const c of moving) this.fail(c, 'unreachable');
      return;
    }
    this.stats.peersAnswered++;
    this.setRemote(peer, { type: 'offer', sdp }, () =>
      peer.pc
        .createAnswer()
        .then((answer) => peer.pc.setLocalDescription(answer))
        .then(() => {
          const local = peer.pc.localDescription?.sdp;
          if (local === undefined || !this.current(peer)) return;
          this.signal(from, { type: 'answer', sdp: local });
          for (const c of moving) this.move(c, peer);
          for (const c of peer.conns) if (c.channel === undefined) this.openChannel(c);
        }),
    );
  }

  /** Takes a pending connection off its peer connection, closing its channel there. */
  private detach(conn: Conn): void {
    conn.peer?.conns.delete(conn);
    conn.peer = undefined;
    const channel = conn.channel;
    conn.channel = undefined;
    if (channel === undefined) return;
    channel.onopen = null;
    channel.onclose = null;
    channel.onmessage = null;
    try {
      channel.close();
    } catch {
      // already closed
    }
  }

  /** Reopens a pending connection on the peer connection that won glare. */
  private move(conn: Conn, peer: Peer): void {
    if (this.conns.get(conn.id) !== conn) return;
    conn.peer = peer;
    peer.conns.add(conn);
    this.openChannel(conn);
  }

  private setRemote(
    peer: Peer,
    description: RTCSessionDescriptionInit,
    then: () => Promise<void> = () => Promise.resolve(),
  ): void {
    peer.pc
      .setRemoteDescription(description)
      .then(() => {
        if (!this.current(peer)) return;
        peer.remoteDescriptionSet = true;
        const pending = peer.pendingCandidates;
        peer.pendingCandidates = [];
        for (const c of pending) this.addCandidate(peer, c);
        return then();
      })
      .catch(() => this.tearDown(peer, 'reset'));
  }

  private addCandidate(peer: Peer, candidate: RTCIceCandidateInit): void {
    peer.pc.addIceCandidate(candidate).catch(() => {
      this.stats.signalsIgnored++;
    });
  }

  private signal(to: string, message: SignalMessage): void {
    try {
      this.o.signaller.send(to, message);
    } catch {
      const peer = this.peers.get(to);
      if (peer) this.tearDown(peer, 'reset');
    }
  }

  /** True while `peer` is the live connection to its id. */
  private current(peer: Peer): boolean {
    return !this.down && this.peers.get(peer.id) === peer;
  }

  /** Closes a peer connection; its connections end (`end` if open, else `unreachable`). */
  private tearDown(peer: Peer, end: ConnectionEnd): void {
    if (this.peers.get(peer.id) !== peer) return;
    this.peers.delete(peer.id);
    this.stats.peersClosed++;
    for (const conn of [...peer.conns]) this.fail(conn, conn.open ? end : 'unreachable');
    peer.pc.onicecandidate = null;
    peer.pc.onconnectionstatechange = null;
    peer.pc.ondatachannel = null;
    try {
      peer.pc.close();
    } catch {
      // already closed
    }
  }
}
