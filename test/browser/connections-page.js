/**
 * Browser side of test/browser/connections.test.ts: two peers in one page, each on its own
 * WebRTC connection transport (one RTCPeerConnection, one ordered reliable data channel per
 * connection) driven by runConnectionNode() on real timers. Alice opens several connections to
 * Bob and writes seeded random bytes in random chunk sizes on each; Bob's node echoes every byte
 * back on the connection it came in on. Then Alice closes one connection (Bob must see `closed`)
 * and Bob shuts down (Alice must see her others end). Returns plain data for the test to check.
 */
import { realTimers, seededRng } from 'pnrp';
import { createWebRtcConnections } from 'pnrp/webrtc';
// Internals this test reads, from their own modules (not yet in the package's root entry).
import { runConnectionNode } from '/dist/connection-adapter.js';

/** An in-page signaller hub: messages go to the addressee's handler on a later task. */
function createSignalHub() {
  const handlers = new Map();
  return {
    signaller(self) {
      return {
        send(to, message) {
          const copy = JSON.parse(JSON.stringify(message));
          setTimeout(() => handlers.get(to)?.(self, copy), 0);
        },
        onMessage(handler) {
          handlers.set(self, handler);
        },
      };
    },
  };
}

/** A tiny ConnectionNode: dials and writes on command, echoes on accepted connections. */
class EchoNode {
  queue = [];
  next = 1;
  dial(to) {
    const conn = this.next++;
    this.queue.push({ type: 'connect', conn, to });
    return conn;
  }
  write(conn, bytes) {
    this.queue.push({ type: 'send', conn, bytes });
  }
  close(conn) {
    this.queue.push({ type: 'close', conn });
  }
  handleConnected(_now, conn) {
    this.queue.push({ type: 'event', event: { type: 'connected', conn } });
  }
  handleAccepted(_now, conn) {
    this.queue.push({ type: 'event', event: { type: 'accepted', conn } });
  }
  handleReceived(_now, conn, bytes) {
    if (conn < 0) this.queue.push({ type: 'send', conn, bytes: bytes.slice() });
    else this.queue.push({ type: 'event', event: { type: 'received', conn, bytes } });
  }
  handleConnectionClosed(_now, conn, end) {
    this.queue.push({ type: 'event', event: { type: 'closed', conn, end } });
  }
  handleTimeout() {}
  poll() {
    return this.queue.shift() ?? { type: 'timeout', atMs: Number.POSITIVE_INFINITY };
  }
}

function equal(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function runConnections({ seed, connections, bytesPerConnection, timeoutMs }) {
  const hub = createSignalHub();
  const make = (peerId) => createWebRtcConnections({ peerId, signaller: hub.signaller(peerId) });
  const ta = make('alice');
  const tb = make('bob');
  const eventsA = [];
  const eventsB = [];
  let wake = () => {};
  const a = runConnectionNode(new EchoNode(), ta, realTimers(), {
    onEvent: (e) => {
      eventsA.push(e);
      wake();
    },
  });
  const b = runConnectionNode(new EchoNode(), tb, realTimers(), {
    onEvent: (e) => {
      eventsB.push(e);
      wake();
    },
  });
  const until = async (ok) => {
    const deadline = performance.now() + timeoutMs;
    while (!ok()) {
      if (performance.now() > deadline) throw new Error('timed out');
      await new Promise((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  };
  const rng = seededRng(`${seed}/connections`);
  const sent = new Map();
  const got = new Map();
  for (let k = 0; k < connections; k++) {
    const bytes = rng.bytes(bytesPerConnection);
    const conn = a.command((n) => n.dial(ta.endpointOf('bob')));
    sent.set(conn, bytes);
    got.set(conn, 0);
    for (let at = 0; at < bytes.length; ) {
      const size = Math.min(bytes.length - at, 1 + rng.nextInt(40_000));
      a.command((n) => n.write(conn, bytes.subarray(at, at + size)));
      at += size;
    }
  }
  const received = () => {
    const chunks = new Map();
    for (const e of eventsA)
      if (e.type === 'received') chunks.set(e.conn, [...(chunks.get(e.conn) ?? []), e.bytes]);
    return chunks;
  };
  const total = connections * bytesPerConnection;
  await until(() => [...received().values()].flat().reduce((n, c) => n + c.length, 0) >= total);
  const echoes = [];
  for (const [conn, chunks] of received()) {
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      joined.set(c, at);
      at += c.length;
    }
    echoes.push({ conn, bytes: joined.length, identical: equal(joined, sent.get(conn)) });
  }
  a.command((n) => n.close(1));
  await until(() => eventsB.some((e) => e.type === 'closed'));
  await tb.shutdown();
  await until(() => eventsA.filter((e) => e.type === 'closed').length >= connections - 1);
  const result = {
    echoes,
    eventsA: eventsA
      .filter((e) => e.type !== 'received')
      .map((e) => `${e.type} ${e.conn} ${e.end ?? ''}`.trim()),
    eventsB: eventsB.map((e) => `${e.type} ${e.conn} ${e.end ?? ''}`.trim()),
    statsA: { ...ta.stats, ended: { ...ta.stats.ended } },
    statsB: { ...tb.stats, ended: { ...tb.stats.ended } },
    loopA: { ...a.stats, ended: { ...a.stats.ended } },
  };
  a.stop();
  b.stop();
  await ta.shutdown();
  return result;
}

window.pnrpConnectionsTest = { runConnections };
document.getElementById('status').textContent = 'ready';
