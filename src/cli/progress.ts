/**
 * @module cli/progress
 * Progress of long runs on stderr (issue 13, Build 6): one line, rewritten in place at most
 * `hz` times a second, shown only when the stream is a terminal (silent in pipes, files and CI).
 * The simulator stays sans-I/O: `DrtCloud` reports through its `progress` callback and this
 * module, on the CLI side, reads the clock, throttles and draws. Used by `pnrp sim`, `npm start`
 * and the benchmarks.
 */
import type { CloudProgress } from '../sim/drt-cloud-types.js';

/** Where progress goes: a terminal stream such as `process.stderr`. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Wall ms over which rates are measured. */
const RATE_WINDOW_MS = 3_000;

/** Clears the terminal line and returns to its start. */
const CLEAR_LINE = '\r\u001b[2K';

/**
 * One status line rewritten in place, throttled; draws nothing unless the stream is a TTY.
 * @example const line = new ProgressLine(process.stderr); line.show('joining 10/2000'); line.end();
 */
export class ProgressLine {
  /** True when the line is drawn at all (the stream is a terminal). */
  readonly enabled: boolean;
  private readonly minGapMs: number;
  private lastMs = Number.NEGATIVE_INFINITY;
  private drawn = false;

  /**
   * @param stream where to draw (normally `process.stderr`)
   * @param now a monotonic clock in ms (normally `performance.now`)
   * @param hz most redraws per second (the first `show` always draws)
   */
  constructor(
    private readonly stream: ProgressStream,
    readonly now: () => number = () => performance.now(),
    hz = 4,
  ) {
    this.enabled = stream.isTTY === true;
    this.minGapMs = 1000 / hz;
  }

  /**
   * Draws `text` unless the last draw was less than 1/hz s ago (`force` draws anyway).
   * @example line.show(`resolves ${done}/${total}`)
   */
  show(text: string, force = false): void {
    if (!this.enabled) return;
    const t = this.now();
    if (!force && t - this.lastMs < this.minGapMs) return;
    this.lastMs = t;
    const columns = this.stream.columns ?? 0;
    const width = columns > 20 ? columns - 1 : 119;
    this.stream.write(`${CLEAR_LINE}${text.length > width ? text.slice(0, width) : text}`);
    this.drawn = true;
  }

  /**
   * Prints `text` on a line of its own that stays (e.g. a phase finished), when enabled.
   * @example line.note('built 2000 nodes in 41 s')
   */
  note(text: string): void {
    if (!this.enabled) return;
    this.stream.write(`${this.drawn ? CLEAR_LINE : ''}${text}\n`);
    this.drawn = false;
  }

  /**
   * Clears the line so that what follows starts clean.
   * @example line.end()
   */
  end(): void {
    if (this.enabled && this.drawn) this.stream.write(CLEAR_LINE);
    this.drawn = false;
  }
}

/** What a simulated run is expected to do, for rates and estimates. */
export interface SimTotals {
  /** Nodes the build joins. */
  readonly nodes: number;
  /** Searches the scenario runs, when known (no estimate without). */
  readonly searches?: number;
  /** Virtual ms of settling after the build. */
  readonly settleMs: number;
}

/**
 * A `DrtCloud` progress callback drawing on `line`: phase, nodes joined, resolves done, rate in
 * the phase and an estimate of the phase's remaining time.
 * @example new DrtCloud({ seed, progress: simProgress(line, { nodes, searches, settleMs: 30_000 }) })
 */
export function simProgress(
  line: ProgressLine,
  totals: SimTotals,
  label = 'pnrp sim',
): (p: CloudProgress) => void {
  const started = line.now();
  let phase = '';
  let mark = { t: started, count: 0 };
  let recent = mark;
  let settleStartVirtualMs = 0;
  return (p) => {
    const t = line.now();
    const count = p.phase === 'build' ? p.joined : p.phase === 'search' ? p.resolved : p.virtualMs;
    const first = p.phase !== phase;
    if (first) {
      phase = p.phase;
      mark = { t, count };
      recent = { t, count };
      if (p.phase === 'settle') settleStartVirtualMs = p.virtualMs;
    } else if (t - recent.t >= RATE_WINDOW_MS) {
      // The rate over the last one or two windows: builds slow down as the cloud grows.
      mark = recent;
      recent = { t, count };
    }
    const elapsed = `${formatSeconds((t - started) / 1000)} elapsed`;
    const rate = t > mark.t ? ((count - mark.count) * 1000) / (t - mark.t) : 0;
    let text: string;
    if (p.phase === 'build') {
      const left = estimate(totals.nodes - p.joined, rate);
      text = `${label}: build: ${p.joined}/${totals.nodes} nodes joined${rateText(rate, 'joins')}${left}`;
    } else if (p.phase === 'settle') {
      const doneS = (p.virtualMs - settleStartVirtualMs) / 1000;
      const left = estimate(
        (totals.settleMs - (p.virtualMs - settleStartVirtualMs)) / 1000,
        rate / 1000,
      );
      text = `${label}: settle: ${Math.round(doneS)}/${Math.round(totals.settleMs / 1000)} virtual s, ${p.joined} nodes${left}`;
    } else {
      const total = totals.searches;
      const left = total === undefined ? '' : estimate(total - p.resolved, rate);
      text = `${label}: search: ${p.resolved}${total === undefined ? '' : `/${total}`} resolves done${rateText(rate, 'resolves')}${left}`;
    }
    line.show(`${text} | virtual ${formatSeconds(p.virtualMs / 1000)} | ${elapsed}`, first);
  };
}

function rateText(perSecond: number, what: string): string {
  return perSecond > 0
    ? `, ${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)} ${what}/s`
    : '';
}

function estimate(remaining: number, perSecond: number): string {
  if (!(perSecond > 0) || remaining <= 0) return '';
  const s = remaining / perSecond;
  return s < 1 ? ', <1 s left' : `, ~${formatSeconds(s)} left`;
}

/**
 * `42 s`, `3 min 5 s`, `1 h 2 min`.
 * @example formatSeconds(185) // '3 min 5 s'
 */
export function formatSeconds(s: number): string {
  const total = Math.max(0, Math.round(s));
  if (total < 60) return `${total} s`;
  if (total < 3600) return `${Math.floor(total / 60)} min ${total % 60} s`;
  return `${Math.floor(total / 3600)} h ${Math.floor((total % 3600) / 60)} min`;
}
