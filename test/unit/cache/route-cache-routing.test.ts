import { describe, expect, it } from 'vitest';
import { RouteCache } from '../../../src/cache/route-cache.js';
import { keyFromBigInt, ringDistanceBig } from '../../../src/keys/key256.js';
import { seededRng } from '../../../src/util/rng.js';
import type { RouteEntry } from '../../../src/wire/types.js';
import { big, entryAt, randomBig } from './model.js';

const seed = Number(process.env.PNRP_SEED ?? 20261121);

describe('RouteCache routing quality', () => {
  it('a cloud of caches routes greedily to the nearest node in about log10(n) hops', () => {
    // [MS-PNRP] 3.2.1.1: a search must take on the order of log10(n) LOOKUPs. Every node is
    // offered every other node once, in random order; a lookup then walks from node to node,
    // each time to the cached entry nearest the target, until no cached entry is nearer.
    const rng = seededRng(seed).fork('routing');
    const n = 600;
    const nodes: RouteEntry[] = Array.from({ length: n }, () => entryAt(randomBig(rng)));
    const caches = new Map<RouteEntry, RouteCache>();
    for (const node of nodes) {
      const cache = new RouteCache({ rng: rng.fork(String(big(node))) });
      cache.addLocalKey(node.id);
      const order = nodes.filter((other) => other !== node);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.nextInt(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const other of order) cache.add(other);
      caches.set(node, cache);
    }
    let hops = 0;
    let reached = 0;
    const lookups = 400;
    for (let l = 0; l < lookups; l++) {
      const target = randomBig(rng);
      let at = nodes[rng.nextInt(n)]!;
      for (;;) {
        const next = caches.get(at)!.closest(keyFromBigInt(target), 1)[0]!;
        if (ringDistanceBig(big(next), target) >= ringDistanceBig(big(at), target)) break;
        at = next;
        hops++;
      }
      const best = nodes.reduce((a, b) =>
        ringDistanceBig(big(a), target) <= ringDistanceBig(big(b), target) ? a : b,
      );
      if (at === best) reached++;
    }
    const mean = hops / lookups;
    console.log(`greedy routing over ${n} caches: ${mean.toFixed(2)} hops on average`);
    expect(reached).toBe(lookups);
    expect(mean).toBeGreaterThan(1);
    expect(mean).toBeLessThan(Math.log10(n) + 0.5);
    const sizes = [...caches.values()].map((c) => c.size);
    expect(Math.max(...sizes)).toBeLessThan(100);
  });
});
