/**
 * Browser example: every tab is a DrtNode on `pnrp/webrtc`, registering SHA-256("chat:" + name)
 * with its name as application data. Signalling and the peer directory go through a
 * BroadcastChannel, so this works between tabs of one browser; a real application would use a
 * WebSocket server for both.
 */
import { DrtNode, nobleCrypto, realTimers, runNode, systemRng } from 'pnrp';
import { createWebRtcTransport, peerEndpoint } from 'pnrp/webrtc';

const log = (line) => {
  document.getElementById('log').textContent += `${line}\n`;
};
const name = `tab-${Math.random().toString(36).slice(2, 7)}`;
const keyOf = (n) => nobleCrypto.sha256(new TextEncoder().encode(`chat:${n}`));
const endpointText = (ep) =>
  Array.from(ep.address, (b) => b.toString(16).padStart(2, '0')).join('');

/** A Signaller over a BroadcastChannel; `hello` messages fill the directory of peers. */
const bus = new BroadcastChannel('pnrp-webrtc-example');
const directory = new Map();
const seen = [];
let handler = () => {};
const signaller = {
  send: (to, message) => bus.postMessage({ from: name, to, message }),
  onMessage: (h) => {
    handler = h;
  },
  peerIdOf: (ep) => directory.get(endpointText(ep)),
};
const learn = (peerId) => {
  if (peerId === name || directory.has(endpointText(peerEndpoint(peerId)))) return false;
  directory.set(endpointText(peerEndpoint(peerId)), peerId);
  seen.push(peerId);
  return true;
};

const transport = createWebRtcTransport({ peerId: name, signaller });
/** Bootstrap from the tabs heard of so far (the node solicits at most five). */
const bootstrap = { endpoints: () => seen.slice(0, 5).map((id) => transport.endpointOf(id)) };
const node = new DrtNode({
  rng: systemRng(),
  localEndpoints: transport.localEndpoints(),
  bootstrap,
});
const searches = new Map();
const running = runNode(node, transport, realTimers(), {
  onEvent(event) {
    if (event.type === 'registration-state-changed') log(`registration: ${event.state}`);
    if (event.type === 'search-result' && event.result.type === 'exact')
      log(
        `found ${new TextDecoder().decode(event.result.appData)} (peer ${transport.peerIdOf(event.result.endpoint)})`,
      );
    if (event.type === 'search-done' && event.failure)
      log(`${searches.get(event.searchId)}: ${event.failure}`);
  },
});
// Start once the other tabs had a moment to answer our hello; the first tab starts alone.
setTimeout(() => {
  running.command((n, now) => {
    n.registerKey(now, keyOf(name), new TextEncoder().encode(name));
    n.start(now);
  });
}, 500);

bus.onmessage = ({ data }) => {
  if (data.type === 'hello' && learn(data.from)) bus.postMessage({ type: 'hello', from: name });
  if (data.to === name) {
    learn(data.from);
    handler(data.from, data.message);
  }
};
bus.postMessage({ type: 'hello', from: name });

document.getElementById('me').textContent = `this tab is ${name}`;
document.getElementById('find').onsubmit = (e) => {
  e.preventDefault();
  const target = document.getElementById('name').value.trim();
  if (target)
    searches.set(
      running.command((n, now) => n.search(now, keyOf(target))),
      target,
    );
};
addEventListener('pagehide', () => {
  running.stop();
  transport.close();
});
