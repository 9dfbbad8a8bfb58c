/**
 * Real transports, measured: (1) Ed25519 verifications per second of the node:crypto backend
 * beside raw `node:crypto` verify with a prepared KeyObject, and of noble beside raw noble, all in
 * the same run so the ratios mean something on a shared machine (target: nodeCrypto at least 0.8
 * of raw); verifyCpa with each backend beside its raw verify. (2) 100 DrtNodes on loopback UDP in
 * this process (runNode, real clock, loopback timers): resolve latency p50/p95 in ms and datagrams
 * per resolve. (3) 100 `createPeer()`s with nodeCrypto, each publishing a secured name: latency of
 * peer-name resolves (the owner signs a fresh CPA per INQUIRE) and datagrams per resolve.
 * Run: npx tsx bench/run.ts udp
 */
import { createPublicKey, verify as rawNodeVerify } from 'node:crypto';
import { createUdpTransport, nodeCrypto, type UdpTransport } from '../src/adapters/node/index.js';
import { createCpa, verifyCpa } from '../src/cpa/index.js';
import { createIdentity, formatEndpoint, nobleCrypto, pnrpIdOf } from '../src/keys/index.js';
import { createPeer, type Peer } from '../src/peer.js';
import { equalBytes } from '../src/util/bytes.js';
import { seededRng } from '../src/util/rng.js';
import { LOOPBACK_NODE_OPTIONS, UdpCloud, waitUntil } from '../test/unit/adapters/udp-cloud.js';
import { median, opsPerSecond, printTable, quantile } from './table.js';

const NODES = 100;
const RESOLVES = 400;
const CONCURRENT = 10;
const RUN_MS = 250;
const RUNS = 7;

// --- (1) verify throughput -------------------------------------------------------------------

const nowWallMs = 1_767_225_600_000;
const alice = createIdentity(new Uint8Array(32).fill(0xa1));
const peerName = `${alice.authority}.bench`;
const serviceLocation = new Uint8Array(16).fill(0x42);
const nonce = new Uint8Array(16).fill(0x17);
const { encoded } = createCpa(
  {
    peerName,
    serviceLocation,
    notAfterMs: nowWallMs + 86_400_000,
    nonce,
    serviceEndpoints: [{ address: new Uint8Array(16).fill(1), port: 3540 }],
    appEndpoints: [],
    friendlyName: 'benchmark peer',
  },
  alice,
);
const expectations = { nowWallMs, nonce, pnrpId: pnrpIdOf(peerName, serviceLocation), peerName };
const message = encoded.subarray(0, encoded.length - 72); // a CPA-sized message
const signature = nobleCrypto.ed25519Sign(message, alice.secretKey);
const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), alice.publicKey]);
const keyObject = createPublicKey({ key: spki, format: 'der', type: 'spki' });

function must(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark setup broken: ${what}`);
}
must(rawNodeVerify(null, message, keyObject, signature), 'raw node:crypto verify');
must(nodeCrypto.ed25519Verify(signature, message, alice.publicKey), 'nodeCrypto verify');
must(verifyCpa(encoded, expectations, nodeCrypto).ok, 'verifyCpa with nodeCrypto');

/**
 * Ops/s of each function, median of RUNS runs taken round-robin (raw, wrapped, raw, wrapped ...),
 * so a load spike from other processes hits every contender alike.
 */
function interleaved(fns: readonly (() => void)[]): number[] {
  const samples = fns.map(() => [] as number[]);
  for (let r = 0; r < RUNS; r++)
    for (const [i, fn] of fns.entries()) samples[i]!.push(opsPerSecond(fn, RUN_MS, 1));
  return samples.map(median);
}
const [rawNode = 0, viaNode = 0, cpaNode = 0] = interleaved([
  () => rawNodeVerify(null, message, keyObject, signature),
  () => nodeCrypto.ed25519Verify(signature, message, alice.publicKey),
  () => verifyCpa(encoded, expectations, nodeCrypto),
]);
const [rawNoble = 0, cpaNoble = 0] = interleaved([
  () => nobleCrypto.ed25519Verify(signature, message, alice.publicKey),
  () => verifyCpa(encoded, expectations, nobleCrypto),
]);
printTable(
  'Ed25519 verify: backends beside their raw primitive (same run)',
  ['operation', 'ops/s', 'vs raw'],
  [
    ['raw node:crypto verify (prepared KeyObject)', Math.round(rawNode), 1],
    ['nodeCrypto.ed25519Verify (raw 32-byte key)', Math.round(viaNode), viaNode / rawNode],
    ['verifyCpa with nodeCrypto', Math.round(cpaNode), cpaNode / rawNode],
    ['raw noble verify (nobleCrypto.ed25519Verify)', Math.round(rawNoble), 1],
    ['verifyCpa with nobleCrypto', Math.round(cpaNoble), cpaNoble / rawNoble],
    ['nodeCrypto speed-up over noble (raw)', '', viaNode / rawNoble],
  ],
);

// --- (2) loopback UDP cloud ------------------------------------------------------------------

const rng = seededRng(Number(process.env.PNRP_SEED ?? 1));
const cloud = new UdpCloud({ rng: rng.fork('cloud'), node: LOOPBACK_NODE_OPTIONS, joinGapMs: 10 });
try {
  const buildStart = performance.now();
  await cloud.grow(NODES);
  await waitUntil(() => cloud.members.every((m) => m.registration === 'resolvable'), 30_000);
  const buildMs = performance.now() - buildStart;
  const resolvable = cloud.members.filter((m) => m.registration === 'resolvable').length;

  const picks = rng.fork('picks');
  const latencies: number[] = [];
  let datagrams = 0;
  let successes = 0;
  const failures: Record<string, number> = {};
  const udpBefore = cloud.members.reduce((a, m) => a + m.transport.stats.datagramsSent, 0);
  const start = performance.now();
  for (let done = 0; done < RESOLVES; done += CONCURRENT) {
    const batch = Array.from({ length: CONCURRENT }, async () => {
      const from = cloud.members[picks.nextInt(NODES)]!;
      let to = cloud.members[picks.nextInt(NODES)]!;
      while (to === from) to = cloud.members[picks.nextInt(NODES)]!;
      const out = await cloud.search(from, to.key, { timeoutMs: 10_000 });
      datagrams += out.datagrams;
      if (out.results.some((r) => equalBytes(r.key, to.key))) {
        successes++;
        latencies.push(out.elapsedMs);
      } else {
        const why = out.failure ?? 'wrong-result';
        failures[why] = (failures[why] ?? 0) + 1;
      }
    });
    await Promise.all(batch);
  }
  const wallMs = performance.now() - start;
  const udpDuring =
    cloud.members.reduce((a, m) => a + m.transport.stats.datagramsSent, 0) - udpBefore;
  const at = (q: number): number => quantile(latencies, q);
  printTable(
    `Loopback UDP cloud: ${NODES} DrtNodes, ${RESOLVES} exact resolves, ${CONCURRENT} at a time`,
    ['measure', 'value'],
    [
      ['nodes resolvable after build', `${resolvable} / ${NODES}`],
      ['build + settle (s)', buildMs / 1000],
      ['resolves succeeded', `${successes} / ${RESOLVES}`],
      [
        'failures',
        Object.entries(failures)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ') || 'none',
      ],
      ['resolve latency p50 (ms)', at(0.5)],
      ['resolve latency p95 (ms)', at(0.95)],
      ['resolve latency max (ms)', at(1)],
      ['datagrams per resolve (requests + answers)', datagrams / RESOLVES],
      ['all UDP datagrams sent per resolve (maintenance included)', udpDuring / RESOLVES],
      ['resolves per second (wall clock)', (RESOLVES * 1000) / wallMs],
    ],
  );
} finally {
  await cloud.close();
}

// --- (3) 100 createPeer()s: secured peer names over loopback UDP ------------------------------

{
  const peers: { peer: Peer; transport: UdpTransport; name: string }[] = [];
  const prng = seededRng(`${Number(process.env.PNRP_SEED ?? 1)}/peers`);
  try {
    const seeds: string[] = [];
    const buildStart = performance.now();
    for (let i = 0; i < NODES; i++) {
      const transport = await createUdpTransport({ host: '127.0.0.1' });
      const identity = createIdentity(prng.fork(`id/${i}`).bytes(32), nodeCrypto);
      const peer = createPeer({
        transport,
        crypto: nodeCrypto,
        identity,
        rng: prng.fork(`peer/${i}`),
        bootstrap: seeds.slice(0, 3),
        clouds: [{ name: 'Global_', drt: LOOPBACK_NODE_OPTIONS }],
      });
      if (i < 3) seeds.push(formatEndpoint(transport.localEndpoints()[0]!));
      const name = `${identity.authority}.bench-${i}`;
      peers.push({ peer, transport, name });
      if (i > 0) await peer.whenActive({ timeoutMs: 10_000 });
      await peer.register({ peerName: name, identity });
    }
    const buildMs = performance.now() - buildStart;
    const picks = prng.fork('picks');
    const latencies: number[] = [];
    let ok = 0;
    const sent = (): number => peers.reduce((a, p) => a + p.transport.stats.datagramsSent, 0);
    const before = sent();
    const start = performance.now();
    for (let done = 0; done < RESOLVES; done += CONCURRENT) {
      await Promise.all(
        Array.from({ length: CONCURRENT }, async () => {
          const from = peers[picks.nextInt(NODES)]!;
          let to = peers[picks.nextInt(NODES)]!;
          while (to === from) to = peers[picks.nextInt(NODES)]!;
          const t0 = performance.now();
          try {
            const [found] = await from.peer.resolve(to.name, { timeoutMs: 10_000 });
            if (found?.peerName === to.name) {
              ok++;
              latencies.push(performance.now() - t0);
            }
          } catch {
            // counted as a failure below
          }
        }),
      );
    }
    const wallMs = performance.now() - start;
    const datagrams = sent() - before;
    const at = (q: number): number => quantile(latencies, q);
    printTable(
      `Loopback UDP: ${NODES} createPeer()s (nodeCrypto), ${RESOLVES} resolves of secured names, ${CONCURRENT} at a time`,
      ['measure', 'value'],
      [
        ['build (join + register, one after another) (s)', buildMs / 1000],
        ['resolves succeeded', `${ok} / ${RESOLVES}`],
        ['resolve latency p50 (ms)', at(0.5)],
        ['resolve latency p95 (ms)', at(0.95)],
        ['all UDP datagrams sent per resolve (maintenance included)', datagrams / RESOLVES],
        ['resolves per second (wall clock)', (RESOLVES * 1000) / wallMs],
      ],
    );
  } finally {
    for (const p of peers) await p.peer.close();
  }
}
