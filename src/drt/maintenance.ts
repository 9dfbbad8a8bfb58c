/**
 * @module drt/maintenance
 * The periodic cache upkeep of a node ([MS-PNRP] §3.2.6.2, [MC-DRT] §3.1.6.1): rejoin through the
 * bootstrap provider when the cache is empty; INQUIRE `maintenanceInquiries` (10) random entries
 * so dead ones are purged; look up the middle of the largest gap of sparse cache levels
 * (UPPER_BITS with just enough precision) so every level fills; retry registration walks that
 * reached nobody; now and then detect (and heal) a split.
 *
 * Design decision (issue 13, a deviation from the fixed 15 s period): the period adapts. MS-PNRP
 * and MC-DRT run this every 15 s on every node, about 3 datagrams per node per second in a
 * stable cloud, which is the cost a phone or laptop pays. Here a tick that follows a period
 * without any dead entry found (by its probes, a search or a FLOOD) and without the cache
 * growing (still learning: joining, or after a split healed) doubles the period, up to
 * `maintenanceIntervalMaxMs` (120 s); a dead entry found anywhere brings the period back to
 * `maintenanceIntervalMs` (15 s) and pulls the next tick forward to at most that far away. So a
 * stable cloud probes 8 times less and a churning one as the spec does. A probe is also skipped
 * for an entry whose endpoint answered us (or echoed our cookie) within the current period:
 * traffic already showed it alive. Set `maintenanceIntervalMaxMs` to `maintenanceIntervalMs` for
 * the spec's fixed period. A longer period also sends fewer probes (10 x sqrt(15 s / period): 4
 * at 120 s), so a stable cloud costs about a tenth of the spec's upkeep.
 *
 * Design decision (issue 15): the tick's probes go to leaf-set members not heard from within the
 * period first, longest silent first, and only the rest of the budget to random entries (the spec
 * picks at random only). Replica sets and searches ending near our keys rest on the leaf set: a
 * crashed neighbour left to random picks stayed in every neighbour's leaf set through a 30 s churn
 * round, and a DHT replica set missed its live member meanwhile.
 */
import { addToKey } from '../keys/key256.js';
import { normalizeSearch } from '../resolve/search-spec.js';
import { entryEndpoint } from '../resolve/walk.js';
import type { RouteEntry } from '../wire/types.js';
import type { NodeCore } from './core.js';
import type { PendingAdds } from './pending-adds.js';
import type { Searches } from './searches.js';
import type { Sync } from './sync.js';

/** The parts maintenance drives. */
export interface MaintenanceParts {
  readonly core: NodeCore;
  readonly searches: Searches;
  readonly pendingAdds: PendingAdds;
  readonly sync: Sync;
  /** Starts (or restarts) the registration walk of every local key not yet resolvable. */
  readonly retryRegistrations: () => void;
  /** Re-solicits the bootstrap endpoints; reports `alone` when there are none. */
  readonly rejoin: () => void;
  /** Runs one split-detection walk. */
  readonly detectSplit: () => void;
  /** The period that just ended (entries proven alive within it are not probed). */
  readonly periodMs: number;
}

/**
 * The adaptive period of maintenance (see the header): doubles after each quiet period up to
 * the maximum, back to the base when a dead entry is found.
 * @example const s = new MaintenanceSchedule(15_000, 120_000); s.afterTick(); // 30_000
 */
export class MaintenanceSchedule {
  private readonly baseMs: number;
  private readonly maxMs: number;
  private period: number;
  private deadFound = false;
  private lastCacheSize = 0;

  constructor(baseMs: number, maxMs: number) {
    this.baseMs = baseMs;
    this.maxMs = Math.max(baseMs, maxMs);
    this.period = baseMs;
  }

  /** The current period. */
  get periodMs(): number {
    return this.period;
  }

  /**
   * A tick ran: the period until the next one. Doubled when the last period was quiet: no dead
   * entry found and the cache did not grow by a tenth or more (a growing cache is still
   * learning, e.g. after a split healed); otherwise the base period.
   */
  afterTick(cacheSize = 0): number {
    // Growth by a tenth or more (at least 2 entries): the one entry a gap fill adds now and then
    // in a stable cloud does not count.
    const grew = cacheSize - this.lastCacheSize >= Math.max(2, Math.ceil(this.lastCacheSize / 10));
    const quiet = !this.deadFound && !grew;
    this.period = quiet ? Math.min(this.maxMs, this.period * 2) : this.baseMs;
    this.deadFound = false;
    this.lastCacheSize = cacheSize;
    return this.period;
  }

  /** A dead entry was found: back to the base period; returns it (the longest wait from now). */
  onDeadEntry(): number {
    this.deadFound = true;
    this.period = this.baseMs;
    return this.baseMs;
  }
}

/**
 * One maintenance tick.
 * @example runMaintenance({ core, searches, pendingAdds, sync, retryRegistrations, rejoin });
 */
export function runMaintenance(parts: MaintenanceParts): void {
  const { core, searches, pendingAdds, sync } = parts;
  sync.expire(core.nowMs());
  if (core.cache.size === 0) {
    parts.rejoin();
    return;
  }
  const now = core.nowMs();
  const alive = now - parts.periodMs;
  // Fewer probes in a longer (stable) period: inquiries x sqrt(base / period), so 10 at 15 s
  // and 4 at 120 s (issue 13).
  const probes = Math.ceil(
    core.options.maintenanceInquiries *
      Math.sqrt(core.options.maintenanceIntervalMs / Math.max(1, parts.periodMs)),
  );
  let budget = Math.min(probes, core.options.maintenanceInquiries);
  // Leaf-set members first, those not heard from in the longest time (never proven first): a
  // dead neighbour distorts every replica set and search ending near our keys (issue 15: a
  // crashed replica-set member stayed in its neighbours' leaf sets through several ticks of
  // random picks). The rest of the budget goes to random entries, as the spec does.
  const stale: { entry: RouteEntry; provenMs: number }[] = [];
  for (const reg of core.locals.values()) {
    const { below, above } = core.cache.leafSet(reg.key);
    for (const side of [below, above])
      for (const entry of side) {
        if (entry.addresses.length === 0) continue;
        const proven = core.proofs.lastProvenMs(entryEndpoint(entry));
        if (proven !== undefined && proven >= alive) continue;
        stale.push({ entry, provenMs: proven ?? Number.NEGATIVE_INFINITY });
      }
  }
  stale.sort((a, b) => a.provenMs - b.provenMs);
  for (const { entry } of stale) {
    if (budget <= 0) break;
    if (pendingAdds.probe(entry) !== undefined) budget--;
  }
  for (const entry of core.cache.randomEntries(budget)) {
    if (entry.addresses.length === 0) continue;
    const proven = core.proofs.lastProvenMs(entryEndpoint(entry));
    if (proven !== undefined && proven >= alive) continue; // traffic showed it alive
    pendingAdds.probe(entry);
  }
  let fills = 0;
  for (const gap of core.cache.sparseGaps()) {
    if (fills >= core.options.gapFillsPerTick || searches.full) break;
    if (gap.middle.every((b, i) => b === gap.gapFrom[i])) continue;
    // Any ID strictly inside the gap fills it (the UPPER_BITS criteria asks for any match, not
    // the nearest): the walk stops at the first one proven instead of walking on toward the
    // middle (issue 13). The gap's ends are cached already, so they do not count.
    const spec = normalizeSearch(gap.middle, {
      minKey: addToKey(gap.gapFrom, 1),
      maxKey: addToKey(gap.gapTo, -1),
      anyMatchInRange: true,
    });
    searches.start(spec, { kind: 'fill', precisionBits: gap.precisionBits });
    fills++;
  }
  parts.retryRegistrations();
  // Split detection at a rate constant over the cloud: each node runs it with probability
  // splitDetectionsPerTick / estimated cloud size ([MS-PNRP] §3.2.6.2.1), per base period: a
  // longer adaptive period runs it proportionally more likely, so a split heals as fast.
  const size = core.cache.estimateCloudSize() ?? 1;
  const periods = parts.periodMs / core.options.maintenanceIntervalMs;
  const probability = Math.min(
    1,
    (core.options.splitDetectionsPerTick * periods) / Math.max(1, size),
  );
  if (!searches.full && core.options.rng.nextFloat() < probability) parts.detectSplit();
}
