/**
 * @module graph/options
 * Every timer of [MS-PPGRH] §3.1.2 and every limit of §3.1.1 a `GraphNode` uses, with the
 * specification's values as defaults, plus the bounds this implementation adds so that no table
 * grows without limit (docs/design.md §2). Options are validated once, at construction; a bad one
 * throws `RangeError`. Randomised intervals are drawn from the node's injected `Rng` by
 * {@link randomDelayMs}.
 */
import type { Rng } from '../util/rng.js';

/** The timers of [MS-PPGRH] §3.1.2, in milliseconds of the node's monotonic time. */
export interface GraphTimers {
  /** Authentication Timer lower bound (§3.1.2). @default 20000 */
  readonly authTimeoutMinMs: number;
  /** Authentication Timer upper bound (§3.1.2). @default 300000 */
  readonly authTimeoutMaxMs: number;
  /** Connect Timer: a CONNECT unanswered this long ends the connection (§3.1.6.2). @default 60000 */
  readonly connectTimeoutMs: number;
  /** Graph Maintenance Timer with at least one neighbour (§3.1.6.6). @default 300000 */
  readonly maintenanceIntervalMs: number;
  /** Graph Maintenance Timer with no neighbour (§3.1.6.6). @default 30000 */
  readonly maintenanceAloneIntervalMs: number;
  /** Contact Timer range (§3.1.2), drawn uniformly. @default 10000 */
  readonly contactDelayMinMs: number;
  /** @default 180000 */
  readonly contactDelayMaxMs: number;
  /** Partition Detection Timer range (§3.1.2), drawn uniformly. @default 5000 */
  readonly partitionDelayMinMs: number;
  /** @default 30000 */
  readonly partitionDelayMaxMs: number;
  /** Presence Timer range (§3.1.2), drawn uniformly. @default 30000 */
  readonly presenceDelayMinMs: number;
  /** @default 180000 */
  readonly presenceDelayMaxMs: number;
  /** Record Expiration Timer's delayMin (§3.1.6.7). @default 15000 */
  readonly expirationDelayMinMs: number;
  /** Record Expiration Timer's delayMax (§3.1.6.7). @default 86400000 */
  readonly expirationDelayMaxMs: number;
  /** First Autorefresh Timer after create/open, and its floor (§3.1.4.1, §3.1.7.3). @default 4000 */
  readonly autorefreshMinMs: number;
  /** Records expiring within this much peer time are refreshed (§3.1.7.22). @default 20000 */
  readonly autorefreshLeadMs: number;
  /** Signature Timer period after it fires (§3.1.6.4). @default 86400000 */
  readonly signatureRefreshMs: number;
}

/** Table sizes: the specification's neighbour counts (§3.1.1) and this implementation's bounds. */
export interface GraphLimits {
  /** Minimum Neighbors (§3.1.1). @default 2 */
  readonly neighboursMin: number;
  /** Ideal Neighbors (§3.1.1). @default 3 */
  readonly neighboursIdeal: number;
  /** Maximum Neighbors (§3.1.1). @default 7 */
  readonly neighboursMax: number;
  /** Referral List size (§3.1.1: MUST be 100). @default 100 */
  readonly referralsMax: number;
  /** Referrals sent in a WELCOME, REFUSE or DISCONNECT (§3.1.5.2.1, §3.1.7.25). @default 10 */
  readonly referralsPerMessage: number;
  /** Connections in any state (neighbour, direct, handshaking); more are closed at once. @default 32 */
  readonly connectionsMax: number;
  /** Of which handshaking (not yet CONNECTED) accepted connections. @default 8 */
  readonly acceptedPendingMax: number;
  /** Outgoing neighbour attempts in flight at once (connection maintenance). @default 2 */
  readonly outgoingAttemptsMax: number;
  /** Deferred Record List size (§3.1.1); the oldest is dropped and counted. @default 256 */
  readonly deferredRecordsMax: number;
  /** Presence List size (§3.1.1). @default 1024 */
  readonly presenceListMax: number;
  /** Sync jobs (solicits being answered) queued per connection; more ends it. @default 4 */
  readonly syncJobsPerConnectionMax: number;
  /** FLOODs a sync stream sends per turn before yielding (see sync.ts, pacing). @default 64 */
  readonly syncFloodsPerTurn: number;
  /** Record ACKs batched into one ACK message. @default 256 */
  readonly acksPerMessage: number;
  /** Largest frame payload (§2.2.1.1, Max Frame Size). @default 16379 */
  readonly maxFrameSize: number;
}

/** Default timers: the values of [MS-PPGRH] §3.1.2. */
export const GRAPH_TIMERS: GraphTimers = Object.freeze({
  authTimeoutMinMs: 20_000,
  authTimeoutMaxMs: 300_000,
  connectTimeoutMs: 60_000,
  maintenanceIntervalMs: 300_000,
  maintenanceAloneIntervalMs: 30_000,
  contactDelayMinMs: 10_000,
  contactDelayMaxMs: 180_000,
  partitionDelayMinMs: 5_000,
  partitionDelayMaxMs: 30_000,
  presenceDelayMinMs: 30_000,
  presenceDelayMaxMs: 180_000,
  expirationDelayMinMs: 15_000,
  expirationDelayMaxMs: 86_400_000,
  autorefreshMinMs: 4_000,
  autorefreshLeadMs: 20_000,
  signatureRefreshMs: 86_400_000,
});

/** Default limits: §3.1.1's neighbour counts and referral list, and our bounds. */
export const GRAPH_LIMITS: GraphLimits = Object.freeze({
  neighboursMin: 2,
  neighboursIdeal: 3,
  neighboursMax: 7,
  referralsMax: 100,
  referralsPerMessage: 10,
  connectionsMax: 32,
  acceptedPendingMax: 8,
  outgoingAttemptsMax: 2,
  deferredRecordsMax: 256,
  presenceListMax: 1024,
  syncJobsPerConnectionMax: 4,
  syncFloodsPerTurn: 64,
  acksPerMessage: 256,
  maxFrameSize: 16379,
});

/**
 * Fills in defaults and validates (local input: `RangeError`).
 * @example const timers = resolveTimers({ connectTimeoutMs: 5000 });
 */
export function resolveTimers(partial?: Partial<GraphTimers>): GraphTimers {
  const t = { ...GRAPH_TIMERS, ...partial };
  checkNonNegative('timers', t);
  if (t.authTimeoutMinMs > t.authTimeoutMaxMs)
    throw new RangeError('authTimeoutMinMs must not exceed authTimeoutMaxMs');
  for (const name of ['contact', 'partition', 'presence'] as const) {
    if (t[`${name}DelayMinMs`] > t[`${name}DelayMaxMs`])
      throw new RangeError(`${name}DelayMinMs must not exceed ${name}DelayMaxMs`);
  }
  if (t.expirationDelayMinMs > t.expirationDelayMaxMs)
    throw new RangeError('expirationDelayMinMs must not exceed expirationDelayMaxMs');
  return t;
}

/**
 * Fills in defaults and validates (local input: `RangeError`).
 * @example const limits = resolveLimits({ neighboursMax: 5 });
 */
export function resolveLimits(partial?: Partial<GraphLimits>): GraphLimits {
  const l = { ...GRAPH_LIMITS, ...partial };
  checkNonNegative('limits', l);
  if (!(l.neighboursMin <= l.neighboursIdeal && l.neighboursIdeal <= l.neighboursMax))
    throw new RangeError('limits must satisfy neighboursMin <= neighboursIdeal <= neighboursMax');
  if (l.neighboursMax < 1) throw new RangeError('neighboursMax must be at least 1');
  if (l.connectionsMax < l.neighboursMax)
    throw new RangeError('connectionsMax must be at least neighboursMax');
  if (l.syncFloodsPerTurn < 1 || l.acksPerMessage < 1)
    throw new RangeError('syncFloodsPerTurn and acksPerMessage must be at least 1');
  if (l.maxFrameSize < 1 || l.maxFrameSize > 32768)
    throw new RangeError('maxFrameSize must be 1..32768 (§3.1.1)');
  return l;
}

function checkNonNegative(what: string, values: object): void {
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new RangeError(`${what}.${key} must be a non-negative number, got ${String(value)}`);
  }
}

/**
 * A delay drawn uniformly from [minMs, maxMs] (whole milliseconds) from the node's rng: the
 * randomised timers of §3.1.2 (presence, contact, partition detection).
 * @example randomDelayMs(rng, 30_000, 180_000)
 */
export function randomDelayMs(rng: Rng, minMs: number, maxMs: number): number {
  const span = Math.floor(maxMs - minMs);
  return span <= 0 ? minMs : minMs + rng.nextInt(span + 1);
}

/**
 * The Authentication Timer (§3.1.2). The formula is an image missing from our copy of the
 * specification; what survives says it lies in [20 s, 300 s] and shrinks as connections grow.
 * Decision: `max(min, max / cConns)` with `cConns` counting this connection, so a quiet node
 * waits 300 s and a node with 15 or more connections waits 20 s.
 * @example authTimeoutMs(GRAPH_TIMERS, 3) // 100000
 */
export function authTimeoutMs(timers: GraphTimers, connections: number): number {
  const n = Math.max(1, connections);
  return Math.max(timers.authTimeoutMinMs, Math.floor(timers.authTimeoutMaxMs / n));
}
