/**
 * The WebRTC transport against an in-memory fake of RTCPeerConnection/RTCDataChannel: offers and
 * answers go through a synchronous signaller, the channel opens when the test says so.
 */
import { describe, expect, it } from 'vitest';
import {
  createWebRtcTransport,
  PeerEndpointMap,
  peerEndpoint,
  type Signaller,
  type SignalMessage,
  type WebRtcTransport,
} from '../../../src/adapters/webrtc/index.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';

class FakeChannel {
  binaryType = 'blob';
  readyState = 'connecting';
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  peer: FakeChannel | undefined;
  readonly sent: Uint8Array[] = [];
  constructor(
    readonly label: string,
    readonly init: RTCDataChannelInit,
  ) {}
  send(data: Uint8Array): void {
    if (this.readyState !== 'open') throw new Error('not open');
    this.sent.push(data);
    const copy = data.slice().buffer;
    queueMicrotask(() => this.peer?.onmessage?.({ data: copy }));
  }
  close(): void {
    this.readyState = 'closed';
  }
}

/** Every fake connection, so the test can pair them and open their channels. */
const fakes: FakePc[] = [];

class FakePc {
  onicecandidate: unknown = null;
  onconnectionstatechange: unknown = null;
  ondatachannel: ((e: { channel: FakeChannel }) => void) | null = null;
  connectionState = 'new';
  localDescription: { sdp: string } | null = null;
  channel: FakeChannel | undefined;
  closed = false;
  readonly id = fakes.length;
  constructor() {
    fakes.push(this);
  }
  createDataChannel(label: string, init: RTCDataChannelInit): FakeChannel {
    this.channel = new FakeChannel(label, init);
    return this.channel;
  }
  createOffer = async () => ({ type: 'offer', sdp: `offer-${this.id}` });
  createAnswer = async () => ({ type: 'answer', sdp: `answer-${this.id}` });
  setLocalDescription = async (d: { sdp: string }) => {
    this.localDescription = d;
  };
  remote: string | undefined;
  setRemoteDescription = async (d: { sdp: string }) => {
    this.remote = d.sdp;
  };
  addIceCandidate = async () => {};
  close(): void {
    this.closed = true;
  }
}

/** Opens the channel between the offerer `pc` and the connection that answered its offer. */
function connect(offerer: FakePc): void {
  const answerer = fakes.find((f) => f.remote === `offer-${offerer.id}` && !f.closed);
  const a = offerer.channel;
  if (!answerer || !a) throw new Error('no answerer');
  const b = new FakeChannel(a.label, a.init);
  a.peer = b;
  b.peer = a;
  answerer.ondatachannel?.({ channel: b });
  a.readyState = b.readyState = 'open';
  a.onopen?.();
  b.onopen?.();
}

function hub(): { signaller(self: string): Signaller } {
  const handlers = new Map<string, (from: string, m: SignalMessage) => void>();
  return {
    signaller: (self) => ({
      send: (to, m) => queueMicrotask(() => handlers.get(to)?.(self, m)),
      onMessage: (h) => handlers.set(self, h),
    }),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function pair(queueMax = 4): {
  a: WebRtcTransport;
  b: WebRtcTransport;
  received: [Endpoint, Uint8Array][];
} {
  const h = hub();
  const make = (peerId: string) =>
    createWebRtcTransport({
      peerId,
      signaller: h.signaller(peerId),
      queueMax,
      createPeerConnection: () => new FakePc() as unknown as RTCPeerConnection,
    });
  const a = make('alice');
  const b = make('bob');
  const received: [Endpoint, Uint8Array][] = [];
  b.attach({ datagram: (from, p) => received.push([from, p]), sendError: () => {} });
  return { a, b, received };
}

describe('webrtc transport', () => {
  it('maps a peer id to an fd00::/8 endpoint and back', () => {
    const map = new PeerEndpointMap(4000);
    const ep = map.endpointOf('bob');
    expect(ep.address[0]).toBe(0xfd);
    expect(ep.port).toBe(4000);
    expect(map.peerIdOf(ep)).toBe('bob');
    expect(map.peerIdOf({ address: ep.address, port: 4001 })).toBeUndefined();
    expect(map.peerIdOf(peerEndpoint('carol', 4000))).toBeUndefined();
    expect(peerEndpoint('bob', 4000)).toEqual(ep);
    expect(peerEndpoint('alice')).not.toEqual(peerEndpoint('bob'));
  });

  it('rejects bad options once, at construction', () => {
    const signaller: Signaller = { send: () => {}, onMessage: () => {} };
    expect(() => createWebRtcTransport({ peerId: '', signaller })).toThrow(TypeError);
    expect(() => createWebRtcTransport({ peerId: 'a', signaller, port: 80 })).toThrow(RangeError);
    expect(() => createWebRtcTransport({ peerId: 'a', signaller, queueMax: -1 })).toThrow(
      RangeError,
    );
  });

  it('connects on the first send with an unordered, no-retransmit channel, then delivers', async () => {
    fakes.length = 0;
    const { a, b, received } = pair();
    a.send(a.endpointOf('bob'), new Uint8Array([1, 2, 3]));
    expect(a.stats.connectionsOffered).toBe(1);
    expect(a.stats.datagramsQueued).toBe(1);
    const offerer = fakes[0];
    expect(offerer?.channel?.init).toEqual({ ordered: false, maxRetransmits: 0 });
    await settle();
    expect(b.stats.connectionsAnswered).toBe(1);
    connect(offerer as FakePc);
    a.send(a.endpointOf('bob'), new Uint8Array([4]));
    await settle();
    expect(received.map(([, p]) => [...p])).toEqual([[1, 2, 3], [4]]);
    expect(b.peerIdOf(received[0]?.[0] as Endpoint)).toBe('alice');
    expect(a.openPeers()).toEqual(['bob']);
    expect(a.stats.datagramsSent).toBe(2);
  });

  it('queues a bounded number of datagrams while connecting and counts the drops', async () => {
    fakes.length = 0;
    const { a, received } = pair(2);
    for (let i = 0; i < 5; i++) a.send(a.endpointOf('bob'), new Uint8Array([i]));
    expect(a.stats.datagramsQueued).toBe(2);
    expect(a.stats.datagramsDropped).toBe(3);
    await settle();
    connect(fakes[0] as FakePc);
    await settle();
    expect(received.map(([, p]) => p[0])).toEqual([0, 1]);
  });

  it('throws for an endpoint that maps to no known peer', () => {
    const { a } = pair();
    expect(() => a.send(peerEndpoint('nobody'), new Uint8Array(1))).toThrow(Error);
  });

  it("reaches a peer learned from the cloud through the signaller's directory", () => {
    fakes.length = 0;
    const signaller: Signaller = {
      send: () => {},
      onMessage: () => {},
      peerIdOf: (ep) => (ep.address[1] === peerEndpoint('dave').address[1] ? 'dave' : 'mallory'),
    };
    const a = createWebRtcTransport({
      peerId: 'alice',
      signaller,
      createPeerConnection: () => new FakePc() as unknown as RTCPeerConnection,
    });
    a.send(peerEndpoint('dave'), new Uint8Array([1]));
    expect(a.stats.connectionsOffered).toBe(1);
    expect(a.peerIdOf(peerEndpoint('dave'))).toBe('dave');
    // A directory answer that does not hash to the endpoint is refused.
    expect(() => a.send(peerEndpoint('erin'), new Uint8Array([1]))).toThrow(Error);
  });

  it('resolves glare: the smaller peer id offer wins and the queue survives', async () => {
    fakes.length = 0;
    const { a, b, received } = pair();
    const got: number[] = [];
    a.attach({ datagram: (_f, p) => got.push(p[0] as number), sendError: () => {} });
    a.send(a.endpointOf('bob'), new Uint8Array([1]));
    b.send(b.endpointOf('alice'), new Uint8Array([2]));
    await settle();
    expect(a.stats.connectionsAnswered).toBe(0);
    expect(b.stats.connectionsAnswered).toBe(1);
    connect(fakes[0] as FakePc);
    await settle();
    expect(received.map(([, p]) => p[0])).toEqual([1]);
    expect(got).toEqual([2]);
  });

  it('close() tears down every connection and refuses further sends', async () => {
    fakes.length = 0;
    const { a } = pair();
    a.send(a.endpointOf('bob'), new Uint8Array([1]));
    a.send(a.endpointOf('carol'), new Uint8Array([1]));
    await a.close();
    expect(fakes.filter((f) => f.closed).length).toBe(2);
    expect(a.stats.connectionsClosed).toBe(2);
    expect(a.stats.datagramsDropped).toBe(2);
    expect(() => a.send(a.endpointOf('bob'), new Uint8Array(1))).toThrow(Error);
  });
});
