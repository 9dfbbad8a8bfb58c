/**
 * Browser example: every tab is a PNRP peer (`createPeer`) on `pnrp/webrtc` and publishes the
 * peer name `0.tab-<name>`; type another tab's name to resolve it (a CPA signed by that tab for
 * this request). Signalling and the peer directory go through a BroadcastChannel, so this works
 * between tabs of one browser; a real application would use a WebSocket server for both.
 */
import { createPeer, PnrpError } from 'pnrp';
import { createWebRtcTransport, peerEndpoint } from 'pnrp/webrtc';

const log = (line) => {
  document.getElementById('log').textContent += `${line}\n`;
};
const name = `tab-${Math.random().toString(36).slice(2, 7)}`;
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
let peer;
// Start once the other tabs had a moment to answer our hello; the first tab starts alone.
setTimeout(async () => {
  peer = createPeer({ transport, bootstrap });
  peer.on('status', (e) => log(`cloud ${e.cloud}: ${e.status}`));
  const registration = await peer.register({ peerName: `0.${name}`, friendlyName: name });
  log(`published 0.${name} (${registration.state})`);
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
document.getElementById('find').onsubmit = async (e) => {
  e.preventDefault();
  const target = document.getElementById('name').value.trim();
  if (!target || !peer) return;
  try {
    const [found] = await peer.resolve(`0.${target}`, { timeoutMs: 5000 });
    log(`found ${found.friendlyName} (peer ${transport.peerIdOf(found.pnrpEndpoints[0])})`);
  } catch (error) {
    log(`${target}: ${error instanceof PnrpError ? error.code : error}`);
  }
};
addEventListener('pagehide', () => {
  peer?.close();
});
