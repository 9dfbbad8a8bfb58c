/**
 * @module adapters/webrtc/webrtc-transport
 * A {@link DatagramTransport} over `RTCDataChannel`s, for browsers (docs/design.md §1, issue 5). One
 * `RTCPeerConnection` with one unordered, `maxRetransmits: 0` channel per remote peer gives UDP
 * semantics: lost datagrams stay lost, order is not kept, boundaries are. Peers are application
 * ids; each maps to a synthetic fd00::/8 endpoint (see `peer-endpoint.ts`).
 *
 * Signalling (offers, answers, ICE candidates) is the application's: it passes a
 * {@link Signaller}. Sending to a peer without an open channel starts a connection and queues up
 * to `queueMax` datagrams until the channel opens; beyond that, or when the connection fails,
 * datagrams are dropped and counted. When both sides offer at once ("glare"), the offer of the
 * peer with the smaller id wins; the other side drops its own connection and answers, keeping
 * its queue. Closing tears down every connection.
 */
import type { Endpoint } from '../../keys/endpoint.js';
import type { DatagramTransport, TransportSink } from '../../transport-adapter.js';
import { assertPeerId, PeerEndpointMap, WEBRTC_PORT_DEFAULT } from './peer-endpoint.js';

/** What the transport asks the signaller to carry to another peer. */
export type SignalMessage =
  | { readonly type: 'offer'; readonly sdp: string }
  | { readonly type: 'answer'; readonly sdp: string }
  | { readonly type: 'candidate'; readonly candidate: RTCIceCandidateInit };

/**
 * The application's signalling channel (a WebSocket server, a shared page, copy and paste...).
 * @example
 * const signaller: Signaller = {
 *   send: (peerId, message) => ws.send(JSON.stringify({ to: peerId, message })),
 *   onMessage: (handler) => { ws.onmessage = (e) => { const m = JSON.parse(e.data); handler(m.from, m.message); }; },
 * };
 */
export interface Signaller {
  /** Delivers `message` to `peerId` (reliably, in order). */
  send(peerId: string, message: SignalMessage): void;
  /** Registers the one handler for messages addressed to this peer. */
  onMessage(handler: (fromPeerId: string, message: SignalMessage) => void): void;
  /**
   * The peer id behind a synthetic endpoint, if the signalling service knows it (it is the
   * natural directory of peers). Needed to reach peers learned from the cloud rather than from
   * signalling or {@link WebRtcTransport.endpointOf}: their endpoints hash one way only.
   * @default only peer ids already seen are known
   */
  peerIdOf?(endpoint: Endpoint): string | undefined;
}

/** Options of {@link createWebRtcTransport}. */
export interface WebRtcTransportOptions {
  /** This peer's id, as the signaller knows it (1..256 characters). */
  readonly peerId: string;
  readonly signaller: Signaller;
  /** Configuration of every `RTCPeerConnection` (ICE servers...). @default {} */
  readonly rtcConfiguration?: RTCConfiguration;
  /** Port of every synthetic endpoint, 1025..65535. @default 3540 */
  readonly port?: number;
  /** Datagrams queued per peer while its channel opens; more are dropped. @default 32 */
  readonly queueMax?: number;
  /** Connections open or opening at once; sends to further peers are dropped. @default 256 */
  readonly peersMax?: number;
  /** A connection not open after this long is torn down. @default 15000 */
  readonly connectTimeoutMs?: number;
  /** Makes the peer connections. @default `new RTCPeerConnection(configuration)` */
  readonly createPeerConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
}

/** Counters of a WebRTC transport. */
export interface WebRtcTransportStats {
  /** Datagrams sent on open channels. */
  datagramsSent: number;
  /** Datagrams received and handed to the sink. */
  datagramsReceived: number;
  /** Datagrams queued while a channel opened. */
  datagramsQueued: number;
  /** Datagrams dropped: queue full, too many peers, connection failed, or no sink attached. */
  datagramsDropped: number;
  /** Connections started by a send (we offered). */
  connectionsOffered: number;
  /** Connections started by a remote offer (we answered). */
  connectionsAnswered: number;
  /** Data channels that opened. */
  channelsOpened: number;
  /** Connections torn down before or after opening (failure, timeout, close, glare). */
  connectionsClosed: number;
  /** Signalling messages that made no sense in the connection's state. */
  signalsIgnored: number;
}

/** A DatagramTransport over RTCDataChannels, with its peer id mapping and counters. */
export interface WebRtcTransport extends DatagramTransport {
  readonly peerId: string;
  readonly stats: WebRtcTransportStats;
  /** The synthetic endpoint of `peerId` (e.g. to give `staticBootstrap`). */
  endpointOf(peerId: string): Endpoint;
  /** The peer id behind a synthetic endpoint, or `undefined` if unknown. */
  peerIdOf(endpoint: Endpoint): string | undefined;
  /** Peer ids with an open data channel. */
  openPeers(): readonly string[];
}

interface Peer {
  readonly id: string;
  readonly pc: RTCPeerConnection;
  readonly offerer: boolean;
  channel: RTCDataChannel | undefined;
  open: boolean;
  queue: Uint8Array[];
  remoteDescriptionSet: boolean;
  pendingCandidates: RTCIceCandidateInit[];
  timeout: ReturnType<typeof setTimeout> | undefined;
}

const CHANNEL_LABEL = 'pnrp';
const CHANNEL_INIT: RTCDataChannelInit = { ordered: false, maxRetransmits: 0 };

/**
 * Creates a WebRTC datagram transport for this peer.
 * @example
 * const transport = createWebRtcTransport({ peerId: 'alice', signaller });
 * const node = new DrtNode({ rng, localEndpoints: transport.localEndpoints(),
 *   bootstrap: staticBootstrap([transport.endpointOf('bob')]) });
 * const running = runNode(node, transport);
 */
export function createWebRtcTransport(options: WebRtcTransportOptions): WebRtcTransport {
  return new WebRtcTransportImpl(validate(options));
}

type Validated = Required<Omit<WebRtcTransportOptions, 'createPeerConnection'>> & {
  readonly createPeerConnection: (configuration: RTCConfiguration) => RTCPeerConnection;
};

function validate(o: WebRtcTransportOptions): Validated {
  assertPeerId(o?.peerId);
  if (typeof o.signaller?.send !== 'function' || typeof o.signaller.onMessage !== 'function')
    throw new TypeError('createWebRtcTransport: signaller must have send and onMessage');
  const port = o.port ?? WEBRTC_PORT_DEFAULT;
  if (!Number.isInteger(port) || port <= 1024 || port > 0xffff)
    throw new RangeError(`createWebRtcTransport: port must be in 1025..65535, got ${port}`);
  const count = (name: string, value: number, min: number): number => {
    if (!Number.isInteger(value) || value < min)
      throw new RangeError(`createWebRtcTransport: ${name} must be an integer >= ${min}`);
    return value;
  };
  const make =
    o.createPeerConnection ??
    ((configuration: RTCConfiguration) => {
      if (typeof RTCPeerConnection !== 'function')
        throw new TypeError('createWebRtcTransport: RTCPeerConnection is not available here');
      return new RTCPeerConnection(configuration);
    });
  if (typeof make !== 'function')
    throw new TypeError('createWebRtcTransport: createPeerConnection must be a function');
  return {
    peerId: o.peerId,
    signaller: o.signaller,
    rtcConfiguration: o.rtcConfiguration ?? {},
    port,
    queueMax: count('queueMax', o.queueMax ?? 32, 0),
    peersMax: count('peersMax', o.peersMax ?? 256, 1),
    connectTimeoutMs: count('connectTimeoutMs', o.connectTimeoutMs ?? 15_000, 1),
    createPeerConnection: make,
  };
}

class WebRtcTransportImpl implements WebRtcTransport {
  readonly stats: WebRtcTransportStats = {
    datagramsSent: 0,
    datagramsReceived: 0,
    datagramsQueued: 0,
    datagramsDropped: 0,
    connectionsOffered: 0,
    connectionsAnswered: 0,
    channelsOpened: 0,
    connectionsClosed: 0,
    signalsIgnored: 0,
  };
  private readonly map: PeerEndpointMap;
  private readonly peers = new Map<string, Peer>();
  private sink: TransportSink | undefined;
  private closed = false;

  constructor(private readonly o: Validated) {
    this.map = new PeerEndpointMap(o.port);
    this.map.endpointOf(o.peerId);
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

  openPeers(): readonly string[] {
    return [...this.peers.values()].filter((p) => p.open).map((p) => p.id);
  }

  localEndpoints(): readonly Endpoint[] {
    return [this.map.endpointOf(this.o.peerId)];
  }

  attach(sink: TransportSink | undefined): void {
    if (!this.closed) this.sink = sink;
  }

  send(to: Endpoint, payload: Uint8Array): void {
    if (this.closed) throw new Error('webrtc transport is closed');
    const id = this.lookup(to);
    if (id === undefined) throw new Error('webrtc: no peer id is known for this endpoint');
    if (id === this.o.peerId) throw new Error('webrtc: cannot send to ourselves');
    let peer = this.peers.get(id);
    if (peer === undefined) {
      if (this.peers.size >= this.o.peersMax) {
        this.stats.datagramsDropped++;
        return;
      }
      peer = this.offer(id);
    }
    if (peer.open && peer.channel) return this.transmit(peer, payload);
    if (peer.queue.length >= this.o.queueMax) {
      this.stats.datagramsDropped++;
      return;
    }
    peer.queue.push(payload.slice());
    this.stats.datagramsQueued++;
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.sink = undefined;
      for (const peer of [...this.peers.values()]) this.tearDown(peer);
    }
    return Promise.resolve();
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

  private transmit(peer: Peer, payload: Uint8Array): void {
    try {
      peer.channel?.send(payload.slice());
      this.stats.datagramsSent++;
    } catch {
      this.stats.datagramsDropped++;
    }
  }

  private newPeer(id: string, offerer: boolean): Peer {
    const pc = this.o.createPeerConnection(this.o.rtcConfiguration);
    const peer: Peer = {
      id,
      pc,
      offerer,
      channel: undefined,
      open: false,
      queue: [],
      remoteDescriptionSet: false,
      pendingCandidates: [],
      timeout: undefined,
    };
    this.peers.set(id, peer);
    pc.onicecandidate = (e) => {
      if (e.candidate && this.current(peer))
        this.signal(id, { type: 'candidate', candidate: e.candidate.toJSON() });
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.tearDown(peer);
    };
    peer.timeout = setTimeout(() => {
      if (!peer.open) this.tearDown(peer);
    }, this.o.connectTimeoutMs);
    return peer;
  }

  private offer(id: string): Peer {
    const peer = this.newPeer(id, true);
    this.stats.connectionsOffered++;
    this.useChannel(peer, peer.pc.createDataChannel(CHANNEL_LABEL, CHANNEL_INIT));
    peer.pc
      .createOffer()
      .then((offer) => peer.pc.setLocalDescription(offer))
      .then(() => {
        const sdp = peer.pc.localDescription?.sdp;
        if (sdp !== undefined && this.current(peer)) this.signal(id, { type: 'offer', sdp });
      })
      .catch(() => this.tearDown(peer));
    return peer;
  }

  private useChannel(peer: Peer, channel: RTCDataChannel): void {
    peer.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.onopen = () => {
      if (!this.current(peer)) return;
      peer.open = true;
      clearTimeout(peer.timeout);
      this.stats.channelsOpened++;
      const queued = peer.queue;
      peer.queue = [];
      for (const payload of queued) this.transmit(peer, payload);
    };
    channel.onclose = () => this.tearDown(peer);
    channel.onmessage = (e: MessageEvent) => this.onChannelMessage(peer, e.data);
  }

  private onChannelMessage(peer: Peer, data: unknown): void {
    if (!this.current(peer)) return;
    const sink = this.sink;
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
          : undefined;
    if (sink === undefined || bytes === undefined) {
      this.stats.datagramsDropped++;
      return;
    }
    this.stats.datagramsReceived++;
    sink.datagram(this.map.endpointOf(peer.id), bytes);
  }

  private onSignal(from: string, message: SignalMessage): void {
    if (this.closed || typeof from !== 'string' || from === this.o.peerId) return;
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
    let queue: Uint8Array[] = [];
    if (existing !== undefined) {
      // Glare, or the remote side restarted: the smaller peer id's offer wins.
      if (existing.offerer && !existing.open && this.o.peerId < from) {
        this.stats.signalsIgnored++;
        return;
      }
      queue = existing.queue;
      existing.queue = [];
      this.tearDown(existing);
    }
    if (this.peers.size >= this.o.peersMax) {
      this.stats.datagramsDropped += queue.length;
      this.stats.signalsIgnored++;
      return;
    }
    const peer = this.newPeer(from, false);
    peer.queue = queue;
    this.stats.connectionsAnswered++;
    peer.pc.ondatachannel = (e) => this.useChannel(peer, e.channel);
    this.setRemote(peer, { type: 'offer', sdp }, () =>
      peer.pc
        .createAnswer()
        .then((answer) => peer.pc.setLocalDescription(answer))
        .then(() => {
          const local = peer.pc.localDescription?.sdp;
          if (local !== undefined && this.current(peer))
            this.signal(from, { type: 'answer', sdp: local });
        }),
    );
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
      .catch(() => this.tearDown(peer));
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
      this.tearDown(this.peers.get(to));
    }
  }

  /** True while `peer` is the live connection to its id. */
  private current(peer: Peer): boolean {
    return !this.closed && this.peers.get(peer.id) === peer;
  }

  private tearDown(peer: Peer | undefined): void {
    if (peer === undefined || this.peers.get(peer.id) !== peer) return;
    this.peers.delete(peer.id);
    clearTimeout(peer.timeout);
    this.stats.connectionsClosed++;
    this.stats.datagramsDropped += peer.queue.length;
    peer.queue = [];
    peer.open = false;
    if (peer.channel) {
      peer.channel.onopen = null;
      peer.channel.onclose = null;
      peer.channel.onmessage = null;
    }
    peer.pc.onicecandidate = null;
    peer.pc.onconnectionstatechange = null;
    peer.pc.ondatachannel = null;
    try {
      peer.channel?.close();
      peer.pc.close();
    } catch {
      // closing an already-closed connection: nothing left to release
    }
  }
}
