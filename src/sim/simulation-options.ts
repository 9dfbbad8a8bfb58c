/**
 * @module sim/simulation-options
 * Defaults and one-time validation of {@link SimulationOptions} and of `runUntil` bounds.
 * Wrong types throw `TypeError`, out-of-range values `RangeError` (docs/design.md §4).
 */
import type { Logger } from '../log.js';
import type { RunBounds, SimTraceRecord, SimulationOptions } from './types.js';

/**
 * 2026-01-01T00:00:00Z in ms since the Unix epoch: the default wall-clock start.
 * @example new Simulation({ seed: 1, wallClockStartMs: WALL_CLOCK_START_DEFAULT_MS + 86_400_000 })
 */
export const WALL_CLOCK_START_DEFAULT_MS = 1_767_225_600_000;

/**
 * Validated simulation settings (network options are validated by the network model).
 * @example const s: SimulationSettings = resolveSimulationOptions({ seed: 1 });
 */
export interface SimulationSettings {
  readonly wallClockStartMs: number;
  readonly eventsMax: number;
  readonly inFlightMax: number;
  readonly nodesMax: number;
  readonly drainOutputsMax: number;
  readonly copyPayloads: boolean;
  /** Called for every delivered or dropped datagram, when given. */
  readonly trace: ((record: SimTraceRecord) => void) | undefined;
  readonly logger: Logger | undefined;
}

/**
 * Fills defaults and validates; throws `TypeError`/`RangeError`.
 * @example resolveSimulationOptions({ seed: 1 }).eventsMax // 1e9
 */
export function resolveSimulationOptions(options: SimulationOptions): SimulationSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('Simulation options must be an object with a seed');
  }
  const seed = options.seed;
  if (typeof seed !== 'number' && typeof seed !== 'bigint' && typeof seed !== 'string') {
    throw new TypeError('Simulation options.seed must be a number, bigint or string');
  }
  const wallClockStartMs = options.wallClockStartMs ?? WALL_CLOCK_START_DEFAULT_MS;
  if (!Number.isFinite(wallClockStartMs)) {
    throw new RangeError(`wallClockStartMs must be finite, got ${wallClockStartMs}`);
  }
  const trace = options.trace;
  if (trace !== undefined && typeof trace !== 'function') {
    throw new TypeError('Simulation options.trace must be a function');
  }
  const copyPayloads = options.copyPayloads ?? false;
  if (typeof copyPayloads !== 'boolean') throw new TypeError('copyPayloads must be a boolean');
  return {
    wallClockStartMs,
    eventsMax: positiveCount('eventsMax', options.eventsMax, 1e9),
    inFlightMax: positiveCount('inFlightMax', options.inFlightMax, 1_000_000),
    nodesMax: positiveCount('nodesMax', options.nodesMax, 1_000_000),
    drainOutputsMax: positiveCount('drainOutputsMax', options.drainOutputsMax, 1_000_000),
    copyPayloads,
    trace,
    logger: loggerOf(options.logger),
  };
}

function loggerOf(logger: Logger | undefined): Logger | undefined {
  if (logger !== undefined && typeof logger !== 'function')
    throw new TypeError('Simulation options.logger must be a function');
  return logger;
}

function positiveCount(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  return v;
}

/**
 * A run's limits as absolute numbers.
 * @example const { deadlineMs, eventsMax }: RunLimits = runLimits({ maxTimeMs: 10 }, 0);
 */
export interface RunLimits {
  readonly deadlineMs: number;
  readonly eventsMax: number;
}

/**
 * Turns `runUntil` bounds into an absolute deadline and an event limit. Throws `RangeError`
 * when no bound is given (a run must never be unbounded) or a bound is invalid.
 * @example runLimits({ maxTimeMs: 1000 }, 500) // { deadlineMs: 1500, eventsMax: Infinity }
 */
export function runLimits(bounds: RunBounds, nowMs: number): RunLimits {
  if (typeof bounds !== 'object' || bounds === null) {
    throw new RangeError('runUntil needs bounds: { maxTimeMs?, untilMs?, maxEvents? }');
  }
  const { maxTimeMs, untilMs, maxEvents } = bounds;
  if (maxTimeMs === undefined && untilMs === undefined && maxEvents === undefined) {
    throw new RangeError('runUntil refuses to run unbounded: give maxTimeMs, untilMs or maxEvents');
  }
  let deadlineMs = Number.POSITIVE_INFINITY;
  if (maxTimeMs !== undefined) {
    if (!(maxTimeMs >= 0) || !Number.isFinite(maxTimeMs)) {
      throw new RangeError(`maxTimeMs must be a finite number >= 0, got ${maxTimeMs}`);
    }
    deadlineMs = nowMs + maxTimeMs;
  }
  if (untilMs !== undefined) {
    if (!(untilMs >= nowMs) || !Number.isFinite(untilMs)) {
      throw new RangeError(`untilMs must be finite and >= nowMs (${nowMs}), got ${untilMs}`);
    }
    deadlineMs = Math.min(deadlineMs, untilMs);
  }
  if (maxEvents !== undefined && (!Number.isSafeInteger(maxEvents) || maxEvents < 0)) {
    throw new RangeError(`maxEvents must be an integer >= 0, got ${maxEvents}`);
  }
  return { deadlineMs, eventsMax: maxEvents ?? Number.POSITIVE_INFINITY };
}
