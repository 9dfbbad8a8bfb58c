/**
 * Browser side of test/browser/webrtc.test.ts: several WebRTC transports in one page, connected
 * by an in-page signaller, each running a node through runNode() on real timers. It imports the
 * built package through the import map only (`pnrp`, `pnrp/webrtc`), as an application would.
 *
 * `createMember` is the one place that knows which node runs; swapping DrtNode for a PnrpNode
 * resolving secured peer names changes that function and `resolve`, nothing else.
 */
import {
  DrtNode,
  endpointKey,
  keyToHex,
  realTimers,
  runNode,
  staticBootstrap,
  systemRng,
} from 'pnrp';
import { createWebRtcTransport, peerEndpoint } from 'pnrp/webrtc';

/** An in-page signaller hub and peer directory: messages go to the addressee's handler on a later task. */
function createSignalHub() {
  const handlers = new Map();
  const directory = new Map();
  let messages = 0;
  return {
    get messages() {
      return messages;
    },
    signaller(self) {
      directory.set(endpointKey(peerEndpoint(self)), self);
      return {
        send(to, message) {
          messages++;
          const copy = JSON.parse(JSON.stringify(message));
          setTimeout(() => handlers.get(to)?.(self, copy), 0);
        },
        onMessage(handler) {
          handlers.set(self, handler);
        },
        peerIdOf: (endpoint) => directory.get(endpointKey(endpoint)),
      };
    },
  };
}

/** One peer: a transport, a DrtNode registering a random key, and its pending searches. */
function createMember(hub, index, bootstrapIds, nodeOptions) {
  const peerId = `peer-${index}`;
  const transport = createWebRtcTransport({ peerId, signaller: hub.signaller(peerId) });
  const rng = systemRng();
  const key = rng.bytes(32);
  const searches = new Map();
  const member = { peerId, transport, key, registration: 'pending', searches };
  const node = new DrtNode({
    ...nodeOptions,
    rng,
    localEndpoints: transport.localEndpoints(),
    bootstrap: staticBootstrap(bootstrapIds.map((id) => transport.endpointOf(id))),
  });
  member.running = runNode(node, transport, realTimers(), {
    onEvent(event) {
      if (event.type === 'registration-state-changed') member.registration = event.state;
      if (event.type === 'search-result')
        searches.get(event.result.searchId)?.results.push(event.result);
      if (event.type === 'search-done') searches.get(event.searchId)?.done(event);
    },
  });
  member.running.command((n, now) => {
    n.registerKey(now, key);
    n.start(now);
  });
  return member;
}

/** Exact search for `target` from `member`; resolves with the outcome. */
function resolve(member, target, timeoutMs) {
  return new Promise((done) => {
    const entry = { results: [], done: undefined };
    const id = member.running.command((n, now) => n.search(now, target, { timeoutMs }));
    entry.done = (event) => {
      member.searches.delete(id);
      done({
        failure: event.failure ?? null,
        found: entry.results.some(
          (r) => r.type === 'exact' && keyToHex(r.key) === keyToHex(target),
        ),
        endpointPeer: entry.results[0]
          ? member.transport.peerIdOf(entry.results[0].endpoint)
          : null,
      });
    };
    member.searches.set(id, entry);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds a cloud of `count` peers (each bootstraps from the ones before it), waits for the
 * registrations, then every peer resolves every other peer's key. Returns plain data.
 */
async function runCloud({ count, settleMs, searchTimeoutMs, nodeOptions = {} }) {
  const hub = createSignalHub();
  const members = [];
  try {
    for (let i = 0; i < count; i++) {
      const earlier = members.slice(Math.max(0, i - 2)).map((m) => m.peerId);
      members.push(createMember(hub, i, earlier, nodeOptions));
      await sleep(50);
    }
    const deadline = performance.now() + settleMs;
    while (performance.now() < deadline) {
      const opened = members.every((m) => m.transport.openPeers().length > 0);
      if (opened && members.every((m) => m.registration === 'resolvable')) break;
      await sleep(100);
    }
    // One maintenance round lets the leaf sets fill in before the lookups start.
    await sleep(nodeOptions.maintenanceIntervalMs ?? 0);
    const lookups = [];
    for (const from of members)
      for (const to of members)
        if (from !== to)
          lookups.push(
            resolve(from, to.key, searchTimeoutMs).then((r) => ({
              from: from.peerId,
              to: to.peerId,
              ...r,
            })),
          );
    const outcomes = await Promise.all(lookups);
    return {
      outcomes,
      registrations: members.map((m) => m.registration),
      openPeers: members.map((m) => m.transport.openPeers().length),
      transportStats: members.map((m) => ({ ...m.transport.stats })),
      signals: hub.messages,
    };
  } finally {
    for (const m of members) {
      m.running?.stop();
      await m.transport.close();
    }
  }
}

window.pnrpTest = { runCloud };
document.getElementById('status').textContent = 'ready';
