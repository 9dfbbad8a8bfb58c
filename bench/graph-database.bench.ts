/**
 * Graph database costs ([MS-PPGRH] §1.3.5): apply() of 100,000 records into a fresh database (in
 * random modification-time order, so every insert lands mid-list), then, on that database,
 * hashEntries() (§3.1.7.31), advertise() against an equal database's entries (the responder's
 * full pass, §3.1.5.2.7), records(), digest() and expire() of everything. Medians of 5 runs.
 * Every operation is O(log n) per record or one pass; times grow several-fold on a loaded machine.
 * Run: `npx tsx bench/run.ts graph-database`. Measures only; never asserts.
 */
import { RecordDatabase } from '../src/graph/database.js';
import type { GraphRecord } from '../src/graph/model.js';
import { seededRng } from '../src/util/rng.js';
import { median, printTable } from './table.js';

const N = 100_000;
const RUNS = 5;
const rng = seededRng('graph-database-bench');
const type = new Uint8Array(16).fill(0xa1);
const records: GraphRecord[] = Array.from({ length: N }, (_, i) => ({
  type,
  id: rng.bytes(16),
  version: 1,
  deleted: false,
  creatorId: `member-${i % 500}`,
  modifiedById: '',
  securityData: rng.bytes(64),
  createdAt: 0n,
  expiresAt: BigInt(1_000_000 + rng.nextInt(1_000_000)),
  modifiedAt: BigInt(rng.nextInt(10_000_000)),
  graphId: 'bench',
  payload: rng.bytes(100),
  attributes: '',
}));

function filled(): RecordDatabase {
  const db = new RecordDatabase({ maxRecords: N, maxRecordsPerCreator: N });
  for (const r of records) db.apply(r);
  return db;
}

/** Median over RUNS of the milliseconds `fn` takes, after `setup` (untimed) made its input. */
function timed<T>(fn: (input: T) => void, setup: () => T): number {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const input = setup();
    const start = performance.now();
    fn(input);
    times.push(performance.now() - start);
  }
  return median(times);
}

const none = (): undefined => undefined;
filled(); // warm up
const db = filled();
const entries = db.hashEntries();
const updates = records.slice(0, 10_000).map((r) => ({
  ...r,
  version: 2,
  modifiedAt: r.modifiedAt + 5_000_000n,
}));
const rows: [string, number, number][] = [];
const row = (name: string, ms: number, ops = 0): void => {
  rows.push([name, ms, ops === 0 ? 0 : (ops / ms) * 1000]);
};
row('apply() x 100,000 new records into an empty database', timed(filled, none), N);
row(
  'apply() x 10,000 newer versions that move in the order',
  timed((copy) => {
    for (const u of updates) copy.apply(u);
  }, filled),
  updates.length,
);
row(
  'hashEntries() over 100,000 records',
  timed(() => db.hashEntries(), none),
);
row(
  'advertise() against equal entries (full pass)',
  timed(() => db.advertise(entries), none),
);
row(
  'records() (Sync All snapshot)',
  timed(() => db.records(), none),
);
row(
  'modifiedSince(last 1%)',
  timed(() => db.modifiedSince(9_900_000n), none),
);
row(
  'digest() over 100,000 records',
  timed(() => db.digest(), none),
);
row(
  'expire() of all 100,000 records',
  timed((copy) => copy.expire(10_000_000n), filled),
  N,
);
printTable(
  `graph database, ${N.toLocaleString('en-US')} records (median of ${RUNS} runs)`,
  ['operation', 'ms', 'ops/s'],
  rows.map(([name, ms, ops]) => [name, ms, ops === 0 ? '' : Math.round(ops)]),
);
