/**
 * Browser side of test/browser/webrtc.test.ts: several PnrpNodes in one page, each on its own
 * WebRTC transport (one RTCPeerConnection and data channel per remote peer, connected by an
 * in-page signaller) and driven by runNode() on real timers. Every node publishes a secured
 * peer name `<authority>.browser` with a friendly name and an extended payload of a few KB (so
 * each AUTHORITY reply travels as several 1,188-byte fragments); then every node resolves every
 * other's name asking for the extended payload, and one node resolves names that must fail: a
 * tampered authority, an unknown authority, and the right name while its receive path corrupts
 * the AUTHORITY fragments (extended payload bytes, then the CPA signature). It imports the built
 * package through the import map only (`pnrp`, `pnrp/webrtc`), as an application would, and
 * returns plain data for the test to assert on.
 */
import {
  createIdentity,
  encodeCpa,
  PnrpNode,
  realTimers,
  runNode,
  seededRng,
  staticBootstrap,
} from 'pnrp';
import { createWebRtcTransport, peerEndpoint } from 'pnrp/webrtc';
// Internals this test reads, from their own modules (not part of the package's API).
import { endpointKey } from '/dist/keys/endpoint.js';
import { fromHex, toHex } from '/dist/util/bytes.js';
import { decodeMessage } from '/dist/wire/codec.js';

const CLOUD = 'Global_';
/** Bytes before an AUTHORITY datagram's slice of the buffer: header, HEADER_ACKED, SPLIT_CONTROLS. */
const AUTHORITY_PREFIX_BYTES = 28;

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

/**
 * Flips one byte of a fragmented AUTHORITY datagram, as a corrupting network would, and returns
 * the modified copy (or the datagram unchanged). `mode` picks the victim: `extended-payload`
 * corrupts the middle of the second fragment, which lies inside the extended payload (the buffer
 * holds flags, classifier, extended payload, then the CPA); `cpa-signature` corrupts the last
 * byte of the last fragment, which is the last byte of the CPA's signature.
 */
function tamperDatagram(mode, payload) {
  const decoded = decodeMessage(payload);
  if (!decoded.ok || decoded.value.type !== 'authority-fragment') return undefined;
  const { offset, size, data } = decoded.value;
  let index;
  if (mode === 'extended-payload' && offset > 0 && offset + data.length < size)
    index = AUTHORITY_PREFIX_BYTES + (data.length >> 1);
  else if (mode === 'cpa-signature' && offset + data.length === size) index = payload.length - 1;
  if (index === undefined) return undefined;
  const copy = payload.slice();
  copy[index] ^= 0x5a;
  return copy;
}

/** Wraps a transport so that received datagrams can be corrupted while `member.tamper` is set. */
function tamperable(transport, member) {
  return {
    send: (to, payload, from) => transport.send(to, payload, from),
    localEndpoints: () => transport.localEndpoints(),
    close: () => transport.close(),
    attach(sink) {
      if (sink === undefined) return transport.attach(undefined);
      transport.attach({
        sendError: sink.sendError,
        datagram(from, payload, local) {
          const tampered = member.tamper && tamperDatagram(member.tamper, payload);
          if (tampered) member.tampered++;
          sink.datagram(from, tampered ?? payload, local);
        },
      });
    },
  };
}

/** Plain data of one verified resolve result. */
function describeResult(member, result) {
  const ext = result.extendedPayload;
  return {
    peerName: result.peerName,
    secured: result.secured,
    friendlyName: result.friendlyName ?? null,
    hasExtendedPayload: result.hasExtendedPayload,
    extendedPayload:
      ext === undefined
        ? null
        : ext.type === 'binary'
          ? { type: 'binary', hex: toHex(ext.bytes) }
          : { type: 'string', text: ext.text },
    pnrpId: toHex(result.pnrpId),
    publisherPeers: result.pnrpEndpoints.map((ep) => member.transport.peerIdOf(ep) ?? null),
    cpa: toHex(encodeCpa(result.cpa)),
  };
}

/** One peer: a transport, a PnrpNode publishing a secured name, and its pending resolves. */
function createMember(hub, index, spec, bootstrapIds, options) {
  const peerId = `peer-${index}`;
  const transport = createWebRtcTransport({ peerId, signaller: hub.signaller(peerId) });
  const identity = createIdentity(fromHex(spec.identitySeed));
  const peerName = `${identity.authority}.browser`;
  const member = {
    peerId,
    peerName,
    transport,
    registration: 'pending',
    resolves: new Map(),
    tamper: null,
    tampered: 0,
  };
  const node = new PnrpNode({
    rng: seededRng(options.seed).fork(peerId),
    wallClock: { nowMs: () => Date.now() },
    clouds: [
      {
        name: CLOUD,
        localEndpoints: transport.localEndpoints(),
        bootstrap: staticBootstrap(bootstrapIds.map((id) => transport.endpointOf(id))),
        drt: options.drt,
      },
    ],
  });
  member.node = node;
  member.running = runNode(node, tamperable(transport, member), realTimers(), {
    onEvent(event) {
      if (event.type === 'cloud' && event.event.type === 'registration-state-changed')
        member.registration = event.event.state;
      if (event.type === 'resolve-result')
        member.resolves.get(event.result.resolveId)?.results.push(event.result);
      if (event.type === 'resolve-done') member.resolves.get(event.resolveId)?.done(event);
    },
  });
  member.running.command((n, now) => {
    n.start(now);
    n.register(now, {
      peerName,
      identity,
      friendlyName: spec.friendlyName,
      extendedPayload: fromHex(spec.extendedPayload),
    });
  });
  return member;
}

/** Copies the CPA provider's counters (validations and rejections by reason). */
function securityCounters(member) {
  const c = member.node.securityOf(CLOUD).counters;
  return { validations: c.validations, rejected: { ...c.rejected } };
}

/** Resolves `peerName` from `member`, asking for the extended payload; resolves with plain data. */
function resolve(member, peerName, timeoutMs) {
  return new Promise((done) => {
    const entry = { results: [], done: undefined };
    const id = member.running.command((n, now) =>
      n.resolve(now, peerName, { wantExtendedPayload: true, timeoutMs }),
    );
    entry.done = (event) => {
      member.resolves.delete(id);
      done({
        from: member.peerId,
        name: peerName,
        failure: event.failure ?? null,
        resultsCounted: event.results,
        results: entry.results.map((r) => describeResult(member, r)),
      });
    };
    member.resolves.set(id, entry);
  });
}

/** Resolves `peerName` from `member` with its receive path corrupting AUTHORITY fragments. */
async function resolveTampered(member, peerName, mode, timeoutMs) {
  const before = securityCounters(member);
  const tamperedBefore = member.tampered;
  member.tamper = mode;
  try {
    const outcome = await resolve(member, peerName, timeoutMs);
    return {
      mode,
      ...outcome,
      datagramsTampered: member.tampered - tamperedBefore,
      before,
      after: securityCounters(member),
    };
  } finally {
    member.tamper = null;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds a cloud of one peer per entry of `members` (each bootstraps from the two before it),
 * waits for the channels and registrations, lets one maintenance round pass, then every peer
 * resolves every other peer's name, and peer 1 runs the failing resolves against peer 0's name.
 */
async function runCloud({ seed, members: specs, settleMs, resolveTimeoutMs, failTimeoutMs, drt }) {
  const hub = createSignalHub();
  const members = [];
  try {
    for (let i = 0; i < specs.length; i++) {
      const earlier = members.slice(Math.max(0, i - 2)).map((m) => m.peerId);
      members.push(createMember(hub, i, specs[i], earlier, { seed, drt }));
      await sleep(50);
    }
    const deadline = performance.now() + settleMs;
    while (performance.now() < deadline) {
      const opened = members.every((m) => m.transport.openPeers().length > 0);
      if (opened && members.every((m) => m.registration === 'resolvable')) break;
      await sleep(100);
    }
    // One maintenance round lets the leaf sets fill in before the resolves start.
    await sleep(drt.maintenanceIntervalMs ?? 0);
    const lookups = [];
    for (const from of members)
      for (const to of members)
        if (from !== to)
          lookups.push(
            resolve(from, to.peerName, resolveTimeoutMs).then((r) => ({ to: to.peerId, ...r })),
          );
    const outcomes = await Promise.all(lookups);
    const security = members.map(securityCounters);

    const [target, resolver] = members;
    const authority = target.peerName.slice(0, 40);
    const flipped = `${authority[0] === '0' ? '1' : '0'}${authority.slice(1)}.browser`;
    const failures = {
      tamperedName: await resolve(resolver, flipped, failTimeoutMs),
      unknownName: await resolve(resolver, `${'ab'.repeat(20)}.browser`, failTimeoutMs),
      unknownClassifier: await resolve(resolver, `${authority}.nobody`, failTimeoutMs),
    };
    const tampered = {
      extendedPayload: await resolveTampered(
        resolver,
        target.peerName,
        'extended-payload',
        failTimeoutMs,
      ),
      cpaSignature: await resolveTampered(
        resolver,
        target.peerName,
        'cpa-signature',
        failTimeoutMs,
      ),
      // The same resolve on an honest network again: the failures above were the tampering's.
      control: await resolve(resolver, target.peerName, resolveTimeoutMs),
    };
    return {
      peerNames: members.map((m) => m.peerName),
      outcomes,
      failures,
      tampered,
      registrations: members.map((m) => m.registration),
      openPeers: members.map((m) => m.transport.openPeers().length),
      transportStats: members.map((m) => ({ ...m.transport.stats })),
      security,
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
