/**
 * An in-memory fake of RTCPeerConnection and RTCDataChannel for the WebRTC connection tests,
 * in the style of test/unit/adapters/webrtc-transport.test.ts but with many channels per peer
 * connection: once an offerer applies the answer, the two connections are linked, and every
 * channel created on either side (before or after) gets a twin on the other side, announced by
 * `ondatachannel`, and both open one microtask later. Messages cross one microtask later; closing
 * a channel closes its twin; closing a connection fails the linked one.
 */

/** A fake data channel. */
export class FakeChannel {
  binaryType = 'blob';
  readyState: 'connecting' | 'open' | 'closed' = 'connecting';
  bufferedAmount = 0;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  twin: FakeChannel | undefined;
  /** Sizes of the messages sent. */
  readonly sent: number[] = [];
  constructor(
    readonly label: string,
    readonly init: RTCDataChannelInit,
  ) {}
  send(data: Uint8Array): void {
    if (this.readyState !== 'open') throw new Error('not open');
    this.sent.push(data.length);
    const copy = data.slice().buffer;
    const twin = this.twin;
    queueMicrotask(() => {
      if (twin?.readyState === 'open') twin.onmessage?.({ data: copy });
    });
  }
  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    const twin = this.twin;
    queueMicrotask(() => twin?.closedByPeer());
  }
  closedByPeer(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.onclose?.();
  }
  open(): void {
    if (this.readyState !== 'connecting') return;
    this.readyState = 'open';
    this.onopen?.();
  }
}

/** Every fake connection of one test, and whether answers link them. */
export class FakeRtcNetwork {
  readonly pcs: FakePc[] = [];
  /** When false, answers are never applied to a link (a peer that cannot be reached). */
  linking = true;
  readonly createPeerConnection = (): RTCPeerConnection =>
    new FakePc(this) as unknown as RTCPeerConnection;
}

/** A fake peer connection. */
export class FakePc {
  onicecandidate: unknown = null;
  onconnectionstatechange: (() => void) | null = null;
  ondatachannel: ((e: { channel: FakeChannel }) => void) | null = null;
  connectionState = 'new';
  localDescription: { sdp: string } | null = null;
  readonly channels: FakeChannel[] = [];
  linked: FakePc | undefined;
  closed = false;
  readonly id: number;
  constructor(private readonly net: FakeRtcNetwork) {
    this.id = net.pcs.length;
    net.pcs.push(this);
  }
  createDataChannel(label: string, init: RTCDataChannelInit): FakeChannel {
    const channel = new FakeChannel(label, init);
    this.channels.push(channel);
    if (this.linked) this.pair(channel);
    return channel;
  }
  createOffer = async (): Promise<{ type: string; sdp: string }> => ({
    type: 'offer',
    sdp: `offer-${this.id}`,
  });
  createAnswer = async (): Promise<{ type: string; sdp: string }> => ({
    type: 'answer',
    sdp: `answer-${this.id}`,
  });
  setLocalDescription = async (d: { sdp: string }): Promise<void> => {
    this.localDescription = d;
  };
  setRemoteDescription = async (d: { type: string; sdp: string }): Promise<void> => {
    if (d.type !== 'answer' || !this.net.linking) return;
    const answerer = this.net.pcs.find((p) => p.localDescription?.sdp === d.sdp && !p.closed);
    if (answerer === undefined || this.closed) return;
    this.linked = answerer;
    answerer.linked = this;
    for (const c of [...this.channels]) if (!c.twin) this.pair(c);
    for (const c of [...answerer.channels]) if (!c.twin) answerer.pair(c);
  };
  addIceCandidate = async (): Promise<void> => {};
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.channels) c.close();
    const other = this.linked;
    if (other)
      queueMicrotask(() => {
        other.connectionState = 'failed';
        other.onconnectionstatechange?.();
      });
  }
  private pair(channel: FakeChannel): void {
    const other = this.linked!;
    const twin = new FakeChannel(channel.label, channel.init);
    channel.twin = twin;
    twin.twin = channel;
    other.channels.push(twin);
    queueMicrotask(() => {
      other.ondatachannel?.({ channel: twin });
      channel.open();
      twin.open();
    });
  }
}
