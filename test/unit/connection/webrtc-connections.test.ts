/**
 * The WebRTC connection transport against in-memory fakes (fake-rtc.ts): one peer connection
 * per peer, one ordered channel per connection, EchoNodes through runConnectionNode, a
 * synchronous-order signaller. Waits are for the events the test expects, never for time.
 */
import { setImmediate as macrotask } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  createWebRtcConnections,
  type Signaller,
  type SignalMessage,
  type WebRtcConnections,
} from '../../../src/adapters/webrtc/index.js';
import { peerEndpoint } from '../../../src/adapters/webrtc/peer-endpoint.js';
import { runConnectionNode } from '../../../src/connection-adapter.js';
import { ManualTimers } from '../transport/manual-timers.js';
import { type EchoEvent, EchoNode, joinChunks } from './echo-node.js';
import { type FakeChannel, FakeRtcNetwork } from './fake-rtc.js';

function hub(): { signaller(self: string): Signaller } {
  const handlers = new Map<string, (from: string, m: SignalMessage) => void>();
  return {
    signaller: (self) => ({
      send: (to, m) => queueMicrotask(() => handlers.get(to)?.(self, m)),
      onMessage: (h) => handlers.set(self, h),
    }),
  };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await macrotask();
};

function setup(options: { messageBytesMax?: number; connectTimeoutMs?: number } = {}) {
  const net = new FakeRtcNetwork();
  const h = hub();
  const make = (peerId: string): WebRtcConnections =>
    createWebRtcConnections({
      peerId,
      signaller: h.signaller(peerId),
      createPeerConnection: net.createPeerConnection,
      ...options,
    });
  const timers = new ManualTimers();
  const ta = make('alice');
  const tb = make('bob');
  const eventsA: EchoEvent[] = [];
  const eventsB: EchoEvent[] = [];
  const a = runConnectionNode(new EchoNode(), ta, timers, { onEvent: (e) => eventsA.push(e) });
  const b = runConnectionNode(new EchoNode(), tb, timers, { onEvent: (e) => eventsB.push(e) });
  return { net, ta, tb, a, b, eventsA, eventsB };
}

const received = (events: EchoEvent[], conn: number) =>
  joinChunks(events.flatMap((e) => (e.type === 'received' && e.conn === conn ? [e.bytes] : [])));

describe('webrtc connections (fake RTCPeerConnection)', () => {
  it('opens one ordered channel per connection on one peer connection, echoing in order', async () => {
    const { net, ta, a, eventsA, eventsB } = setup({ messageBytesMax: 1000 });
    const big = new Uint8Array(2500).map((_, i) => i & 0xff);
    a.command((n, now) => {
      const c1 = n.dial(now, ta.endpointOf('bob'));
      n.write(c1, new Uint8Array([1, 2, 3])); // queued until the channel opens
      n.write(n.dial(now, ta.endpointOf('bob')), big);
    });
    await settle();
    expect(eventsA.filter((e) => e.type === 'connected').map((e) => e.conn)).toEqual([1, 2]);
    expect(eventsB.map((e) => e.type === 'accepted' && e.conn)).toEqual([-1, -2]);
    const from = (eventsB[0] as EchoEvent & { type: 'accepted' }).from;
    expect(from).toEqual(peerEndpoint('alice'));
    expect(received(eventsA, 1)).toEqual(new Uint8Array([1, 2, 3]));
    expect(received(eventsA, 2)).toEqual(big);
    expect(net.pcs).toHaveLength(2); // one peer connection each side, two channels on it
    const channels = net.pcs[0]!.channels as FakeChannel[];
    expect(channels.map((c) => c.init)).toEqual([{ ordered: true }, { ordered: true }]);
    expect(channels[1]!.sent).toEqual([1000, 1000, 500]); // cut to messageBytesMax
    expect(ta.stats).toMatchObject({ peersOffered: 1, connectsSucceeded: 2 });
    a.command((n) => n.close(1));
    await settle();
    expect(eventsB).toContainEqual({ type: 'closed', conn: -1, end: 'closed' });
    expect(eventsA.some((e) => e.type === 'closed')).toBe(false);
  });

  it('ends connections to nobody, to a silent peer, and over the send bound', async () => {
    const { net, ta, a, eventsA } = setup({ connectTimeoutMs: 5 });
    a.command((n, now) => n.dial(now, peerEndpoint('carol'))); // no peer id known for it
    await settle();
    expect(eventsA).toEqual([{ type: 'closed', conn: 1, end: 'unreachable' }]);
    const c = a.command((n, now) => n.dial(now, ta.endpointOf('bob')));
    await settle();
    const channel = net.pcs[0]!.channels[0] as FakeChannel;
    channel.bufferedAmount = 2 ** 20; // the peer is not reading: the channel holds 1 MiB
    a.command((n) => n.write(c, new Uint8Array(1)));
    expect(eventsA.at(-1)).toEqual({ type: 'closed', conn: c, end: 'error' });
    expect(ta.stats.overflows).toBe(1);
    net.linking = false;
    const silent = createWebRtcConnections({
      peerId: 'dave',
      signaller: { send: () => {}, onMessage: () => {} },
      createPeerConnection: net.createPeerConnection,
      connectTimeoutMs: 5,
    });
    const ends: string[] = [];
    silent.attach({
      connected: () => ends.push('connected'),
      accepted: () => {},
      received: () => {},
      closed: (_, end) => ends.push(end),
    });
    silent.connect(1, silent.endpointOf('erin'));
    while (ends.length === 0) await macrotask();
    expect(ends).toEqual(['unreachable']);
  });

  it('a failed peer connection resets its open connections; a shut-down peer closes them', async () => {
    const { net, ta, tb, a, eventsA } = setup();
    a.command((n, now) => n.dial(now, ta.endpointOf('bob')));
    await settle();
    const pc = net.pcs[0]!;
    pc.connectionState = 'failed'; // ICE gave up
    pc.onconnectionstatechange?.();
    expect(eventsA).toEqual([
      { type: 'connected', conn: 1, atMs: 0 },
      { type: 'closed', conn: 1, end: 'reset' },
    ]);
    a.command((n, now) => n.dial(now, ta.endpointOf('bob')));
    await settle();
    expect(eventsA.at(-1)).toEqual({ type: 'connected', conn: 2, atMs: 0 });
    await tb.shutdown(); // its channels close first (an SCTP abort looks like a close)
    await settle();
    expect(eventsA.at(-1)).toEqual({ type: 'closed', conn: 2, end: 'closed' });
    expect(() => tb.connect(9, tb.localEndpoint)).toThrow();
  });

  it('settles glare: both peers dial at once and both connections open', async () => {
    const { ta, tb, a, b, eventsA, eventsB } = setup();
    a.command((n, now) => n.write(n.dial(now, ta.endpointOf('bob')), new Uint8Array([7])));
    b.command((n, now) => n.write(n.dial(now, tb.endpointOf('alice')), new Uint8Array([8])));
    await settle();
    expect(eventsA.filter((e) => e.type !== 'received').map((e) => `${e.type} ${e.conn}`)).toEqual(
      expect.arrayContaining(['connected 1', 'accepted -1']),
    );
    expect(eventsB.filter((e) => e.type !== 'received').map((e) => `${e.type} ${e.conn}`)).toEqual(
      expect.arrayContaining(['connected 1', 'accepted -1']),
    );
    expect(received(eventsA, 1)).toEqual(new Uint8Array([7]));
    expect(received(eventsB, 1)).toEqual(new Uint8Array([8]));
    expect(tb.stats.peersClosed).toBe(1); // bob, the larger id, gave up his offer
    expect(ta.stats.signalsIgnored).toBe(1);
  });
});
