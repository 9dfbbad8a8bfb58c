/**
 * @module drt/maintenance
 * The periodic cache upkeep of a node ([MS-PNRP] §3.2.6.2, [MC-DRT] §3.1.6.1), run every
 * `maintenanceIntervalMs` (15 s): rejoin through the bootstrap provider when the cache is empty;
 * INQUIRE `maintenanceInquiries` (10) random entries so dead ones are purged; look up the middle of
 * the largest gap of sparse cache levels (UPPER_BITS with just enough precision) so every level
 * fills; retry registration walks that reached nobody; now and then detect (and heal) a split.
 */
import { normalizeSearch } from '../resolve/search-spec.js';
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
  for (const entry of core.cache.randomEntries(core.options.maintenanceInquiries)) {
    pendingAdds.probe(entry);
  }
  let fills = 0;
  for (const gap of core.cache.sparseGaps()) {
    if (fills >= core.options.gapFillsPerTick || searches.full) break;
    if (gap.middle.every((b, i) => b === gap.gapFrom[i])) continue;
    const spec = normalizeSearch(gap.middle, {
      minKey: gap.gapFrom,
      maxKey: gap.gapTo,
      maxEndpoints: 1,
    });
    searches.start(spec, { kind: 'fill', precisionBits: gap.precisionBits });
    fills++;
  }
  parts.retryRegistrations();
  // Split detection at a rate constant over the cloud: each node runs it with probability
  // splitDetectionsPerTick / estimated cloud size ([MS-PNRP] §3.2.6.2.1).
  const size = core.cache.estimateCloudSize() ?? 1;
  const probability = Math.min(1, core.options.splitDetectionsPerTick / Math.max(1, size));
  if (!searches.full && core.options.rng.nextFloat() < probability) parts.detectSplit();
}
