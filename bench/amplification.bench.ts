/**
 * Amplification toward spoofed sources (issue 10 item 3, src/drt/address-proof.ts): for each
 * message type, the bytes one datagram from a source brings in and the bytes the node sends back
 * to that source (the immediate answer plus everything its timers send there in the next 60 s),
 * while the source is unproven and once it has proven its address (echoed the cookie). Targets: a
 * DRT key with 4 KB of app data (null provider) and a secured PNRP name with a 4 KB extended
 * payload (CPA provider). Then the cost of the proof round trip: datagrams per resolve on a
 * simulated DRT cloud (`PNRP_BENCH_NODES`, default 300; 1,000 resolves), with the B-flag
 * challenges and their echoes counted apart.
 * Run: `npx tsx bench/run.ts amplification`. Measures only; never asserts.
 *
 * Measured 2026-12-02, seed 1. Unproven, every ratio is at most 1.00: LOOKUP 0.76 (0.92 with the
 * registrant's own entry, whose INQUIRE check pays from the same credit), INQUIRE 0.47-0.64 (PNRP
 * bare INQUIRE 1.00: flags + classifier), SOLICIT 0.21-0.56 (a 20-byte ACK), REQUEST 0 (no
 * conversation), FLOOD 0.75 (ACK + one INQUIRE). Proven: INQUIRE A+C+X 76.7x (DRT, 4 KB app
 * data) and 83.1x (PNRP, 4 KB extended payload), as on main, within the signing budget.
 * Round trip, 300 nodes, 1,000 resolves, all cloud traffic during the resolves: main 11.46
 * datagrams per resolve, this branch 17.12, of which 0.85 B-flag challenges and 0.85 cookie
 * echoes; the rest is maintenance during a resolve phase about a third longer in virtual time
 * (one more round trip to the owner). Success 100% and 1.1 hops on both.
 */
import { staticBootstrap } from '../src/drt/bootstrap-provider.js';
import { DrtNode } from '../src/drt/node.js';
import { nobleCrypto } from '../src/keys/crypto-backend.js';
import { type Endpoint, endpointsEqual, parseEndpoint } from '../src/keys/endpoint.js';
import { createIdentity } from '../src/keys/identity.js';
import { type Key, keyFromBigInt } from '../src/keys/key256.js';
import { PnrpNode } from '../src/pnrp/pnrp-node.js';
import type { Output, SansIoNode } from '../src/sans-io.js';
import { DrtCloud } from '../src/sim/drt-cloud.js';
import { seededRng } from '../src/util/rng.js';
import { decodeMessage, encodeDatagrams, type Message } from '../src/wire/index.js';
import { PNRP_VERSION, type ProtocolVersion } from '../src/wire/types.js';
import { printTable } from './table.js';

const seed = Number(process.env.PNRP_SEED ?? 1);
const nodes = Number(process.env.PNRP_BENCH_NODES ?? 300);
const A = parseEndpoint('[2001:db8::a]:3540');
const S = parseEndpoint('[2001:db8::5]:4000');
const NONCE = new Uint8Array(16).fill(9);

interface Target {
  readonly name: string;
  readonly version: ProtocolVersion;
  readonly key: Key;
  make(): SansIoNode<unknown> & {
    handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void;
  };
}

const DRT_VERSION = { major: 6, minor: 101 };
const drtKey = keyFromBigInt(1000n);
const neighbour = {
  id: keyFromBigInt(5000n),
  port: 5000,
  addresses: [parseEndpoint('[2001:db8::c]:5000').address],
};

const targets: Target[] = [
  {
    name: 'DRT key, 4 KB app data',
    version: DRT_VERSION,
    key: drtKey,
    make() {
      const n = new DrtNode({ rng: seededRng(seed), localEndpoints: [A] });
      n.registerKey(0, drtKey, new Uint8Array(4096).fill(3));
      n.seedCache(0, [neighbour]);
      return n;
    },
  },
];
{
  const identity = createIdentity(new Uint8Array(32).fill(5));
  let pnrpKey: Key = drtKey;
  const make = () => {
    const n = new PnrpNode({
      rng: seededRng(seed),
      clouds: [{ name: 'Global_', localEndpoints: [A], bootstrap: staticBootstrap([]) }],
    });
    const reg = n.register(0, {
      peerName: `${identity.authority}.big`,
      identity,
      extendedPayload: new Uint8Array(4096).fill(4),
    });
    pnrpKey = reg.pnrpId;
    n.drtOf('Global_').seedCache(0, [neighbour]);
    return n;
  };
  make();
  targets.push({
    name: 'PNRP name, 4 KB extended payload',
    version: PNRP_VERSION,
    key: pnrpKey,
    make,
  });
}

/** Each datagram to measure; `prelude` goes first, unmeasured (the SOLICIT before a REQUEST). */
function messages(t: Target): { label: string; message: Message; prelude?: Message }[] {
  const header = { messageId: 77, version: t.version };
  const own = { id: keyFromBigInt(77n), port: S.port, addresses: [S.address] };
  const hashedNonce = new Uint8Array(20).fill(1);
  return [
    {
      label: 'LOOKUP -> AUTHORITY',
      message: {
        type: 'lookup',
        ...header,
        controls: {
          acceptAny: true,
          precision: 0,
          resolveCriteria: 'none',
          reasonCode: 'app-request',
        },
        target: neighbour.id,
        validateId: t.key,
        flaggedPath: [S],
      },
    },
    {
      label: 'LOOKUP + own entry -> AUTHORITY, INQUIRE',
      message: {
        type: 'lookup',
        ...header,
        controls: {
          acceptAny: true,
          precision: 0,
          resolveCriteria: 'none',
          reasonCode: 'registration',
        },
        target: neighbour.id,
        validateId: t.key,
        bestMatch: own,
        flaggedPath: [S],
      },
    },
    {
      label: 'INQUIRE (no flags) -> AUTHORITY',
      message: {
        type: 'inquire',
        ...header,
        flags: { wantCpa: false, wantExtendedPayload: false, wantCertChain: false },
        validateId: t.key,
      },
    },
    {
      label: 'INQUIRE A+nonce -> AUTHORITY',
      message: {
        type: 'inquire',
        ...header,
        flags: { wantCpa: true, wantExtendedPayload: false, wantCertChain: false },
        validateId: t.key,
        nonce: NONCE,
      },
    },
    {
      label: 'INQUIRE A+C+X -> AUTHORITY',
      message: {
        type: 'inquire',
        ...header,
        flags: { wantCpa: true, wantExtendedPayload: true, wantCertChain: true },
        validateId: t.key,
      },
    },
    {
      label: 'INQUIRE A+C+X+nonce -> AUTHORITY',
      message: {
        type: 'inquire',
        ...header,
        flags: { wantCpa: true, wantExtendedPayload: true, wantCertChain: true },
        validateId: t.key,
        nonce: NONCE,
      },
    },
    { label: 'SOLICIT -> ADVERTISE', message: { type: 'solicit', ...header, hashedNonce } },
    {
      label: 'SOLICIT + own entry -> ADVERTISE',
      message: { type: 'solicit', ...header, routeEntry: own, hashedNonce },
    },
    {
      label: 'REQUEST (after SOLICIT) -> ACK + FLOODs',
      message: { type: 'request', ...header, nonce: NONCE, ids: [t.key, neighbour.id] },
      prelude: { type: 'solicit', ...header, messageId: 76, hashedNonce: nobleCrypto.sha1(NONCE) },
    },
    {
      label: 'FLOOD -> ACK (+ INQUIRE)',
      message: {
        type: 'flood',
        ...header,
        dontAck: false,
        validateId: t.key,
        routeEntry: own,
        alreadyFlooded: [],
      },
    },
  ];
}

/** Bytes to S from the node after one datagram, timers run for 60 s; the outputs decoded. */
function exchange(
  n: ReturnType<Target['make']>,
  nowMs: number,
  payloads: readonly Uint8Array[],
  settleMs = 60_000,
): { bytes: number; sent: Message[] } {
  let bytes = 0;
  const sent: Message[] = [];
  const drain = (): number => {
    for (let o: Output<unknown> = n.poll(); ; o = n.poll()) {
      if (o.type === 'timeout') return o.atMs;
      if (o.type === 'transmit' && endpointsEqual(o.to, S)) {
        bytes += o.payload.length;
        const d = decodeMessage(o.payload);
        if (d.ok && d.value.type !== 'authority-fragment') sent.push(d.value);
      }
    }
  };
  for (const p of payloads) n.handleDatagram(nowMs, S, p);
  let now = nowMs;
  for (let at = drain(); at <= nowMs + settleMs; at = drain()) {
    now = Math.max(now, at);
    n.handleTimeout(now);
  }
  return { bytes, sent };
}

const rows: (string | number)[][] = [];
for (const t of targets) {
  for (const { label, message, prelude } of messages(t)) {
    const payloads = encodeDatagrams(message);
    const bytesIn = payloads.reduce((a, p) => a + p.length, 0);
    const cold = t.make();
    for (let o = cold.poll(); o.type !== 'timeout'; o = cold.poll());
    if (prelude) exchange(cold, 1_000, encodeDatagrams(prelude), 0);
    const unproven = exchange(cold, 1_000, payloads);
    // Prove S: echo the cookie of a challenge (a bare INQUIRE's B-flag AUTHORITY or SOLICIT ACK).
    const warm = t.make();
    for (let o = warm.poll(); o.type !== 'timeout'; o = warm.poll());
    const probe: Message = {
      type: 'inquire',
      messageId: 1,
      version: t.version,
      flags: { wantCpa: true, wantExtendedPayload: false, wantCertChain: false },
      validateId: t.key,
      nonce: NONCE,
    };
    const challenge = exchange(warm, 1_000, encodeDatagrams(probe), 0).sent[0]!;
    exchange(warm, 1_000, encodeDatagrams({ ...probe, messageId: challenge.messageId }), 0);
    if (prelude) exchange(warm, 1_000, encodeDatagrams(prelude), 0);
    const proven = exchange(warm, 1_000, payloads);
    rows.push([
      t.name,
      label,
      bytesIn,
      unproven.bytes,
      (unproven.bytes / bytesIn).toFixed(2),
      unproven.sent.map((m) => m.type).join(' ') || '-',
      proven.bytes,
      (proven.bytes / bytesIn).toFixed(2),
    ]);
  }
}
printTable(
  'amplification',
  [
    'target',
    'datagram -> answer',
    'bytes in',
    'unproven out',
    'ratio',
    'unproven sent',
    'proven out',
    'proven ratio',
  ],
  rows,
);

// The cost of the proof round trip on a simulated cloud.
const cloud = new DrtCloud({ seed });
cloud.build(nodes);
const sum = (f: (n: DrtNode) => number): number =>
  cloud.members.reduce((a, m) => a + f(m.handle.node), 0);
const before = {
  datagrams: cloud.sim.stats.datagramsDelivered,
  challenges: sum((n) => n.stats.addressChallenges),
  proven: sum((n) => n.stats.addressesProven),
};
const resolves = 1000;
const report = cloud.runSearches(resolves);
const datagrams = cloud.sim.stats.datagramsDelivered - before.datagrams;
const challenges = sum((n) => n.stats.addressChallenges) - before.challenges;
const echoes = sum((n) => n.stats.addressesProven) - before.proven;
printTable(
  'amplification-round-trip',
  [
    'nodes',
    'resolves',
    'success %',
    'avg hops',
    'datagrams/resolve (all traffic)',
    'challenges/resolve',
    'echoes/resolve',
    'without the round trip (datagrams - challenges - echoes)/resolve',
  ],
  [
    [
      nodes,
      resolves,
      (report.successRate * 100).toFixed(2),
      report.avgHops.toFixed(2),
      (datagrams / resolves).toFixed(2),
      (challenges / resolves).toFixed(2),
      (echoes / resolves).toFixed(2),
      ((datagrams - challenges - echoes) / resolves).toFixed(2),
    ],
  ],
);
