/**
 * Browser side of test/browser/group.test.ts, loaded in two pages of one Chromium. Each page is
 * one member of a peer group ([MS-PPGRH] graph secured by membership certificates) whose graph
 * connections are reliable RTCDataChannels (`createWebRtcConnections`). The pages signal to each
 * other over a BroadcastChannel (both are in one browser context): offers, answers and ICE
 * candidates addressed by peer id. The test drives the steps through `window.pnrpGroupTest`:
 * alice starts the group, bob makes a key pair, alice invites it, bob joins with the invitation
 * (bootstrap: alice's synthetic endpoint), both publish records, bob leaves. Every step returns
 * plain data for the test to check; every wait is on an event, bounded by `timeoutMs`.
 */
import { createIdentity } from 'pnrp';
import { joinGroup, startGroup } from 'pnrp/gmc';
import { createWebRtcConnections } from 'pnrp/webrtc';

const RECORD_TYPE = 'browser-test.message';
const channel = new BroadcastChannel('pnrp-group-test');

/** This page's signaller: messages to `to` go out on the channel, ours come in from it. */
function signaller(self) {
  return {
    send(to, message) {
      channel.postMessage({ from: self, to, message: JSON.parse(JSON.stringify(message)) });
    },
    onMessage(handler) {
      channel.onmessage = (e) => {
        if (e.data?.to === self) handler(e.data.from, e.data.message);
      };
    },
  };
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text) => new Uint8Array(text.match(/../g).map((h) => Number.parseInt(h, 16)));
const decoder = new TextDecoder();

const state = {
  session: undefined,
  connections: undefined,
  identity: undefined,
  changes: [],
  memberEvents: [],
  wake: () => {},
};

function plain(record) {
  return {
    id: record.id,
    type: record.type,
    text: decoder.decode(record.payload),
    attributes: record.attributes,
    creatorId: record.creatorId,
  };
}

/** Collects the session's record changes (history first) and member events. */
function follow(session) {
  void (async () => {
    for await (const c of session.changes({ replay: true })) {
      state.changes.push({ change: c.change, local: c.local, record: plain(c.record) });
      state.wake();
    }
  })();
  void (async () => {
    for await (const e of session.memberEvents()) {
      state.memberEvents.push({ type: e.type, peerId: e.member.peerId, self: e.member.self });
      state.wake();
    }
  })();
}

async function until(ok, timeoutMs, what) {
  const deadline = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => {
      state.wake = r;
      setTimeout(r, 100);
    });
  }
}

function connectionsFor(peerId) {
  state.connections = createWebRtcConnections({ peerId, signaller: signaller(peerId) });
  return state.connections;
}

/** Alice: a new group over data channels, and a first record (history for bob). */
async function start({ peerId, text, timeoutMs }) {
  const session = await startGroup({
    connections: connectionsFor(peerId),
    classifier: 'browsers',
    friendlyName: peerId,
    timeoutMs,
  });
  state.session = session;
  follow(session);
  session.records.add(RECORD_TYPE, text, { attributes: `<attributes/>` });
  return { graphId: session.graphId, peerId: session.peerId, roles: [...session.roles] };
}

/** Bob: a key pair; the public key goes to alice for the invitation. */
function identity() {
  state.identity = createIdentity();
  return hex(state.identity.publicKey);
}

/** Alice: an invitation for bob's key. */
function invite({ publicKeyHex }) {
  return state.session.invite({ publicKey: fromHex(publicKeyHex) });
}

/** Bob: joins over a data channel to alice, syncs, then publishes his own record. */
async function join({ invitation, peerId, hostPeerId, text, timeoutMs }) {
  const connections = connectionsFor(peerId);
  const session = await joinGroup(invitation, {
    identity: state.identity,
    connections,
    bootstrap: [connections.endpointOf(hostPeerId)],
    friendlyName: peerId,
    timeoutMs,
  });
  state.session = session;
  await session.whenSynced();
  const historyAtJoin = session.records.query(RECORD_TYPE).map(plain);
  follow(session);
  session.records.add(RECORD_TYPE, text);
  return {
    graphId: session.graphId,
    peerId: session.peerId,
    roles: [...session.roles],
    historyAtJoin,
  };
}

/** Either: publishes one more record. */
function publish({ text }) {
  return plain(state.session.records.add(RECORD_TYPE, text));
}

/** Either: waits until records with all these texts are in the database. */
async function waitForRecords({ texts, timeoutMs }) {
  const have = () => state.session.records.query(RECORD_TYPE).map((r) => decoder.decode(r.payload));
  await until(() => texts.every((t) => have().includes(t)), timeoutMs, `records ${texts}`);
  return {
    records: state.session.records.query(RECORD_TYPE).map(plain),
    changes: state.changes,
  };
}

/** Either: waits for a member event of `peerId` of this type. */
async function waitForMember({ peerId, type, timeoutMs }) {
  const seen = () => state.memberEvents.some((e) => e.peerId === peerId && e.type === type);
  await until(seen, timeoutMs, `member ${peerId} ${type}`);
  return {
    memberEvents: state.memberEvents,
    members: state.session.members().map((m) => ({ peerId: m.peerId, self: m.self })),
  };
}

/** Either: leaves the group (DISCONNECT to every neighbour), shutting the data channels down. */
async function leave() {
  await state.session.close();
  return { closed: state.session.closed };
}

/** Either: counters of the connection transport, plain. */
function stats() {
  const s = state.connections.stats;
  return { ...s, ended: { ...s.ended } };
}

window.pnrpGroupTest = {
  start,
  identity,
  invite,
  join,
  publish,
  waitForRecords,
  waitForMember,
  leave,
  stats,
  visibility: () => document.visibilityState,
};
document.getElementById('status').textContent = 'ready';
