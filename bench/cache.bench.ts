/**
 * Route cache costs (issue "DRT node", item 2): add() per second filling a fresh cache from
 * 10,000 random ids; closest() and other queries per second on that filled cache (closest() is
 * on the path of every LOOKUP); heap bytes per cache over 10,000 caches that share their entry
 * objects, each filled the way a node's cache fills in a 10,000-node cloud (many entries near
 * its key, few far away). Run: `npx tsx bench/run.ts cache`. Measures only; never asserts.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RouteCache } from '../src/cache/index.js';
import { compareKeys, type Key } from '../src/keys/key256.js';
import { seededRng } from '../src/util/rng.js';
import type { RouteEntry } from '../src/wire/types.js';
import { opsPerSecond, printTable } from './table.js';

const IDS = 10_000;
const CACHES = 10_000;
const ADDS_PER_CACHE = 300;
const rng = seededRng('cache-bench');
const address = new Uint8Array(16).fill(1);
const pool: RouteEntry[] = Array.from({ length: IDS }, () => ({
  id: rng.bytes(32),
  port: 3540,
  addresses: [address],
}));
const targets: Key[] = Array.from({ length: 1024 }, () => rng.bytes(32));
const localKey = rng.bytes(32);

function filledCache(): RouteCache {
  const cache = new RouteCache({ rng: seededRng('fill') });
  cache.addLocalKey(localKey);
  for (const entry of pool) cache.add(entry);
  return cache;
}

const fills = opsPerSecond(filledCache, 300, 5);
const cache = filledCache();
let t = 0;
const next = (): Key => targets[t++ & 1023]!;
const even = (e: RouteEntry): boolean => (e.id[31]! & 1) === 0;
const rows: (string | number)[][] = [
  ['add() filling a fresh cache from 10,000 ids', Math.round(fills * IDS)],
  ['closest(target, 1)', Math.round(opsPerSecond(() => cache.closest(next(), 1)))],
  ['closest(target, 4)', Math.round(opsPerSecond(() => cache.closest(next(), 4)))],
  ['closest(target, 4, filter)', Math.round(opsPerSecond(() => cache.closest(next(), 4, even)))],
  ['nearestAbove(key, 1)', Math.round(opsPerSecond(() => cache.nearestAbove(next(), 1)))],
  ['get(id)', Math.round(opsPerSecond(() => cache.get(pool[t++ % IDS]!.id)))],
  ['wouldBeInLeafSet(id)', Math.round(opsPerSecond(() => cache.wouldBeInLeafSet(next())))],
  ['randomEntries(10)', Math.round(opsPerSecond(() => cache.randomEntries(10)))],
  ['sparseGaps()', Math.round(opsPerSecond(() => cache.sparseGaps(), 200, 3))],
];
printTable(
  `route cache operations per second (${cache.size} entries cached)`,
  ['operation', 'ops/s'],
  rows,
);

// Footprint. The pool is allocated before the first reading, so only the caches are counted.
const global = globalThis as { gc?: () => void };
let gc = global.gc;
let gcNote = 'global.gc (--expose-gc)';
if (gc === undefined) {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as () => void;
  gcNote = 'gc exposed at run time via v8.setFlagsFromString';
}
const sorted = [...pool].sort((a, b) => compareKeys(a.id, b.id));
const fillRng = seededRng('footprint');
// Each node owns an Rng anyway; make them first so that only the caches are measured.
const nodeRngs = Array.from({ length: CACHES }, (_, i) => fillRng.fork(String(i)));
/** A node's view of a 10,000-node cloud: rank offsets log-uniform from 1 to 10,000. */
function nodeCache(rank: number): RouteCache {
  const c = new RouteCache({ rng: nodeRngs[rank]! });
  c.addLocalKey(sorted[rank]!.id);
  for (let i = 0; i < ADDS_PER_CACHE; i++) {
    const offset = Math.floor(10 ** (fillRng.nextFloat() * 4)) * (fillRng.nextInt(2) ? 1 : -1);
    const entry = sorted[(rank + offset + IDS) % IDS]!;
    if (entry !== sorted[rank]) c.add(entry);
  }
  return c;
}
gc();
const before = process.memoryUsage().heapUsed;
const caches = Array.from({ length: CACHES }, (_, i) => nodeCache(i % IDS));
gc();
const after = process.memoryUsage().heapUsed;
const entries = caches.reduce((n, c) => n + c.size, 0) / CACHES;
const perCache = (after - before) / CACHES;
printTable(
  `route cache footprint (${CACHES.toLocaleString('en-US')} caches sharing entries; ${gcNote})`,
  ['measure', 'value'],
  [
    ['entries per cache (mean)', Number(entries.toFixed(1))],
    [
      'levels per cache (mean)',
      Number(
        (caches.reduce((n, c) => n + c.levelSummary(c.localKeys()[0]!).length, 0) / CACHES).toFixed(
          2,
        ),
      ),
    ],
    ['heap bytes per cache', Math.round(perCache)],
    ['heap bytes per cached entry', Number((perCache / entries).toFixed(1))],
    ['projected MB for 100,000 nodes', Number(((perCache * 100_000) / 2 ** 20).toFixed(1))],
  ],
);
