/**
 * Resolves under colluding attackers (issue 10, Build 6 and Targets): honest success, hops and
 * messages per resolve with 0%, 10% and 20% of the members attacking, for each attack of
 * `sim/adversaries` (forged-referral, hijack, drop, eclipse), for DRT keys under a securing
 * provider (`signedKeyCloud`: each key is SHA-256 of the node's Ed25519 public key, proofs
 * signed) and for PNRP secured names. Searches start on honest nodes for honest nodes' keys; a
 * result at another endpoint than the owner's counts as a failure ('hijacked'). Attackers join
 * honestly and turn once the cloud is built, except eclipse, armed from the first join. The 0%
 * row of a cloud and size is built once and shared by every attack; "extra msgs" is the
 * difference to it. Measures; never asserts. Another table (amplification) lives in its own bench.
 *
 * Selection (comma lists), all optional:
 *   ATTACK_BENCH_NODES    sizes (default 2000,10000; falls back to PNRP_BENCH_NODES). A
 *                         10,000-node cloud takes about 10 minutes to build here.
 *   ATTACK_BENCH_CLOUDS   drt,pnrp (default both)
 *   ATTACK_BENCH_KINDS    forged-referral,hijack,drop,eclipse (default all)
 *   ATTACK_BENCH_SHARES   0,0.1,0.2 (default)
 *   ATTACK_BENCH_SEARCHES resolves per row (default 1000)
 *   PNRP_SEED             seed (default 1)
 * Run: `ATTACK_BENCH_NODES=2000 npx tsx bench/run.ts attacks`.
 */
import { nodeCrypto } from '../src/adapters/node/node-crypto.js';
import { memoizeVerify } from '../src/keys/crypto-backend.js';
import {
  ATTACK_KINDS,
  type AttackKind,
  DrtCloud,
  drtAttack,
  PnrpCloud,
  pnrpAttack,
  signedKeyCloud,
} from '../src/sim/index.js';
import { printTable } from './table.js';

const list = (name: string, fallback: string): string[] =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const sizes = list('ATTACK_BENCH_NODES', process.env.PNRP_BENCH_NODES ?? '2000,10000').map(Number);
const clouds = list('ATTACK_BENCH_CLOUDS', 'drt,pnrp');
const kinds = list('ATTACK_BENCH_KINDS', ATTACK_KINDS.join(',')) as AttackKind[];
const shares = list('ATTACK_BENCH_SHARES', '0,0.1,0.2').map(Number);
const searches = Number(process.env.ATTACK_BENCH_SEARCHES ?? 1000);
const seed = Number(process.env.PNRP_SEED ?? 1);
for (const k of kinds) {
  if (!(ATTACK_KINDS as readonly string[]).includes(k)) throw new RangeError(`unknown attack ${k}`);
}

/** One row's measurements. */
interface Measured {
  readonly resolves: number;
  readonly successRate: number;
  readonly avgHops: number;
  readonly p95Hops: number;
  readonly messagesPerResolve: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly actions: Readonly<Record<string, number>>;
  readonly attackers: number;
  readonly buildS: number;
  readonly runS: number;
}

function measureDrt(nodes: number, kind: AttackKind, share: number): Measured {
  const attack = drtAttack({ kind, fraction: share });
  const crypto = memoizeVerify(nodeCrypto, { entriesMax: 65_536 });
  const cloud = new DrtCloud({ seed, ...signedKeyCloud({ seed, crypto }), ...attack.options });
  const t0 = performance.now();
  if (attack.from === 'build') attack.arm(cloud.sim);
  cloud.build(nodes);
  attack.arm(cloud.sim);
  const t1 = performance.now();
  const r = cloud.runSearches(searches);
  return {
    ...r,
    actions: { ...attack.colluders.counters },
    attackers: cloud.members.filter((m) => m.adversary).length,
    buildS: (t1 - t0) / 1000,
    runS: (performance.now() - t1) / 1000,
  };
}

function measurePnrp(nodes: number, kind: AttackKind, share: number): Measured {
  const attack = pnrpAttack({ kind, fraction: share });
  const cloud = new PnrpCloud({ seed, crypto: nodeCrypto, securedFraction: 1, ...attack.options });
  const t0 = performance.now();
  if (attack.from === 'build') attack.arm(cloud.sim);
  cloud.build(nodes);
  attack.arm(cloud.sim);
  const t1 = performance.now();
  const r = cloud.runResolves(searches);
  return {
    ...r,
    actions: { ...attack.colluders.counters },
    attackers: cloud.members.filter((m) => m.adversary).length,
    buildS: (t1 - t0) / 1000,
    runS: (performance.now() - t1) / 1000,
  };
}

const short = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '-';

const rows: (string | number)[][] = [];
for (const cloudKind of clouds) {
  const measure = cloudKind === 'pnrp' ? measurePnrp : measureDrt;
  const label = cloudKind === 'pnrp' ? 'PNRP secured names' : 'DRT signed keys';
  for (const nodes of sizes) {
    let baseline: Measured | undefined;
    for (const kind of kinds) {
      for (const share of shares) {
        // Every attack's 0% row is the same cloud: build it once.
        if (share === 0 && baseline === undefined) baseline = measure(nodes, kind, 0);
        const m = share === 0 && baseline ? baseline : measure(nodes, kind, share);
        const extra = baseline ? m.messagesPerResolve - baseline.messagesPerResolve : 0;
        rows.push([
          label,
          nodes,
          kind,
          `${Math.round(share * 100)}% (${m.attackers})`,
          m.resolves,
          `${(m.successRate * 100).toFixed(2)}%`,
          Number(m.avgHops.toFixed(2)),
          m.p95Hops,
          Number(m.messagesPerResolve.toFixed(2)),
          baseline ? Number(extra.toFixed(2)) : '-',
          short(m.failures),
          share === 0 ? '-' : short(m.actions),
          Math.round(m.buildS),
          Math.round(m.runS),
        ]);
        // Each row as it comes: a long run that is stopped still leaves its figures.
        console.log(`  done: ${rows[rows.length - 1]!.join(' | ')}`);
      }
    }
  }
}

printTable(
  'attacks: honest resolves under colluding attackers',
  [
    'cloud',
    'nodes',
    'attack',
    'attackers',
    'resolves',
    'honest success',
    'avg hops',
    'p95 hops',
    'msgs/resolve',
    'extra msgs vs 0%',
    'failures',
    "attackers' actions",
    'build s',
    'run s',
  ],
  rows,
);
