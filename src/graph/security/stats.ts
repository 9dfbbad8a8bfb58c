/**
 * @module graph/security/stats
 * Counters every graph security provider keeps (docs/design.md §4: refusals carry stable reasons
 * and are counted): handshakes, units and records, each outcome by reason. Counters only grow;
 * reading them never resets them. The provider owns one {@link SecurityStats} for all its
 * connections.
 */
import type { GraphSecurityProvider } from '../model.js';

/** A provider's counters. */
export interface SecurityStats {
  /** Connections authenticated, and connections that failed by reason. */
  readonly handshakes: { ok: number; readonly failed: Record<string, number> };
  /** Units sealed and opened, and units refused by `open` by reason. */
  readonly units: { sealed: number; opened: number; readonly refused: Record<string, number> };
  /** Local records secured, and those `secureRecord` refused by reason. */
  readonly secured: { ok: number; readonly refused: Record<string, number> };
  /** Received records validated, by verdict; `invalid` and `defer` by reason. */
  readonly records: {
    valid: number;
    readonly invalid: Record<string, number>;
    readonly defer: Record<string, number>;
  };
  /** Record verdict memo (providers without one leave it at zero). */
  readonly verdictCache: { hits: number; misses: number; evictions: number };
}

/** A graph security provider that counts what it does. */
export interface CountingSecurityProvider extends GraphSecurityProvider {
  /** The provider's counters, shared by all its connections. */
  readonly stats: SecurityStats;
}

/**
 * Fresh zeroed counters.
 * @example const stats = createSecurityStats(); stats.units.sealed++;
 */
export function createSecurityStats(): SecurityStats {
  return {
    handshakes: { ok: 0, failed: {} },
    units: { sealed: 0, opened: 0, refused: {} },
    secured: { ok: 0, refused: {} },
    records: { valid: 0, invalid: {}, defer: {} },
    verdictCache: { hits: 0, misses: 0, evictions: 0 },
  };
}

/**
 * Adds one to `counts[reason]`.
 * @example countReason(stats.units.refused, 'bad-seal');
 */
export function countReason(counts: Record<string, number>, reason: string): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}
