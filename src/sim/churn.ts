/**
 * @module sim/churn
 * Churn schedules for a `Simulation`: joins, graceful leaves and sudden failures arriving as
 * independent Poisson processes over a window of virtual time, in the manner of the Windows 7
 * DRT churn experiments (docs/design.md §7). Arrival times come from streams forked off the
 * simulation's seed (`forkRng('<label>:join')`, `':leave'`, `':fail'`), victims from
 * `'<label>:pick'`, so a schedule is a pure function of the seed and the run. Each process is
 * scheduled lazily, one pending event at a time, so a long window costs no memory up front.
 */
import type { SansIoNode } from '../sans-io.js';
import type { Rng } from '../util/rng.js';
import type { SimNodeHandle } from './node-table.js';
import type { Simulation } from './simulation.js';

/** Arrival times are rounded up to 1/1024 ms, like network delays. */
const TICKS_PER_MS = 1024;

/** Tries to find an eligible live node before a leave or failure is skipped. */
const PICK_TRIES_MAX = 64;

/**
 * A churn schedule; rates are mean events per second of virtual time.
 * @example const options: ChurnOptions<DrtNode> = { endMs: 60_000, failuresPerSecond: 1 };
 */
export interface ChurnOptions<N> {
  /** Start of the window (absolute virtual ms, >= now). @default sim.nowMs */
  readonly startMs?: number;
  /** End of the window (absolute virtual ms, exclusive). Required. */
  readonly endMs: number;
  /** Mean joins per second. @default 0 */
  readonly joinsPerSecond?: number;
  /** Mean graceful leaves per second. @default 0 */
  readonly leavesPerSecond?: number;
  /** Mean sudden failures (crashes) per second. @default 0 */
  readonly failuresPerSecond?: number;
  /**
   * Adds one node (e.g. `sim.addNode(...)`); required when `joinsPerSecond > 0`.
   * @default undefined
   */
  readonly join?: (nowMs: number) => void;
  /**
   * Run on a leaving node (through `sim.call`) before it is removed.
   * @default undefined (just remove)
   */
  readonly leave?: (node: N, nowMs: number) => void;
  /**
   * Which live nodes may leave or fail (e.g. spare the bootstrap node).
   * @default every live node
   */
  readonly eligible?: (handle: SimNodeHandle<N>) => boolean;
  /**
   * Prefix of the schedule's random streams; give each concurrent schedule its own.
   * @default 'churn'
   */
  readonly label?: string;
}

/**
 * What a schedule did so far; the object returned by `scheduleChurn` is updated live.
 * @example const counts = scheduleChurn(sim, options); sim.runFor(60_000); counts.failures
 */
export interface ChurnCounts {
  joins: number;
  leaves: number;
  failures: number;
  /** Leaves or failures that found no eligible live node. */
  skipped: number;
}

/**
 * Schedules churn on `sim` over `[startMs, endMs)` and returns live counters.
 * @example
 * const counts = scheduleChurn(sim, {
 *   endMs: 600_000, joinsPerSecond: 0.5, failuresPerSecond: 0.5,
 *   join: () => sim.addNode((ctx) => new DrtNode({ ...ctx })),
 *   eligible: (h) => h.index !== 0,
 * });
 * sim.runFor(600_000); counts.failures;
 */
export function scheduleChurn<E, N extends SansIoNode<E>>(
  sim: Simulation<E>,
  options: ChurnOptions<N>,
): ChurnCounts {
  const o = validate(sim, options);
  const counts: ChurnCounts = { joins: 0, leaves: 0, failures: 0, skipped: 0 };
  const label = options.label ?? 'churn';
  const pick = sim.forkRng(`${label}:pick`);
  const eligible = options.eligible;
  const victim = (): SimNodeHandle<N> | undefined => {
    for (let tries = 0; tries < PICK_TRIES_MAX && sim.liveCount > 0; tries++) {
      const h = sim.liveHandle(pick.nextInt(sim.liveCount)) as SimNodeHandle<unknown>;
      if (eligible === undefined || eligible(h as SimNodeHandle<N>)) return h as SimNodeHandle<N>;
    }
    counts.skipped++;
    return undefined;
  };
  const join = options.join;
  poisson(sim, sim.forkRng(`${label}:join`), o.startMs, o.endMs, o.joinsPerSecond, (nowMs) => {
    counts.joins++;
    join?.(nowMs);
  });
  const leave = options.leave;
  poisson(sim, sim.forkRng(`${label}:leave`), o.startMs, o.endMs, o.leavesPerSecond, () => {
    const h = victim();
    if (h === undefined) return;
    counts.leaves++;
    if (leave !== undefined) sim.call(h, leave);
    sim.remove(h);
  });
  poisson(sim, sim.forkRng(`${label}:fail`), o.startMs, o.endMs, o.failuresPerSecond, () => {
    const h = victim();
    if (h === undefined) return;
    counts.failures++;
    sim.crash(h);
  });
  return counts;
}

interface Window {
  readonly startMs: number;
  readonly endMs: number;
  readonly joinsPerSecond: number;
  readonly leavesPerSecond: number;
  readonly failuresPerSecond: number;
}

function validate<E, N>(sim: Simulation<E>, options: ChurnOptions<N>): Window {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('scheduleChurn options must be an object');
  }
  const startMs = options.startMs ?? sim.nowMs;
  const { endMs } = options;
  if (!Number.isFinite(startMs) || startMs < sim.nowMs) {
    throw new RangeError(`churn startMs must be finite and >= nowMs, got ${startMs}`);
  }
  if (!Number.isFinite(endMs) || endMs < startMs) {
    throw new RangeError(`churn endMs must be finite and >= startMs, got ${endMs}`);
  }
  const rate = (name: string, v: number | undefined): number => {
    const r = v ?? 0;
    if (!Number.isFinite(r) || r < 0) throw new RangeError(`churn ${name} must be >= 0, got ${r}`);
    return r;
  };
  const joinsPerSecond = rate('joinsPerSecond', options.joinsPerSecond);
  if (joinsPerSecond > 0 && typeof options.join !== 'function') {
    throw new TypeError('churn joinsPerSecond > 0 needs a join function');
  }
  for (const name of ['leave', 'eligible'] as const) {
    const fn = options[name];
    if (fn !== undefined && typeof fn !== 'function') {
      throw new TypeError(`churn ${name} must be a function`);
    }
  }
  if (options.label !== undefined && typeof options.label !== 'string') {
    throw new TypeError('churn label must be a string');
  }
  return {
    startMs,
    endMs,
    joinsPerSecond,
    leavesPerSecond: rate('leavesPerSecond', options.leavesPerSecond),
    failuresPerSecond: rate('failuresPerSecond', options.failuresPerSecond),
  };
}

/** Chains `action` at Poisson arrival times in [startMs, endMs), one pending event at a time. */
function poisson<E>(
  sim: Simulation<E>,
  rng: Rng,
  startMs: number,
  endMs: number,
  perSecond: number,
  action: (nowMs: number) => void,
): void {
  if (perSecond === 0) return;
  const meanGapMs = 1000 / perSecond;
  const next = (fromMs: number): void => {
    const gap = -Math.log(1 - rng.nextFloat()) * meanGapMs;
    const atMs = Math.ceil((fromMs + gap) * TICKS_PER_MS) / TICKS_PER_MS;
    if (atMs >= endMs) return;
    sim.schedule(atMs, (s) => {
      action(s.nowMs);
      next(atMs);
    });
  };
  next(startMs);
}
