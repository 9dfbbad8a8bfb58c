/**
 * Progress of benchmark runs on stderr when it is a terminal (issue 13, Build 6), through the
 * same `cli/progress` line as `pnrp sim`: silent in pipes, files and CI.
 */
import { ProgressLine, simProgress } from '../src/cli/progress.js';
import type { DrtCloudOptions } from '../src/sim/drt-cloud.js';

/** Options to spread into a `DrtCloud`'s, and `end()` to clear the line once the run is done. */
export interface BenchProgress {
  readonly options: Pick<DrtCloudOptions, 'progress'>;
  end(): void;
}

/**
 * Progress of one simulated cloud's build and searches, labelled `label`.
 * @example const p = benchProgress('stable 2000', 2000, 5000); new DrtCloud({ seed, ...p.options }); p.end();
 */
export function benchProgress(label: string, nodes: number, searches?: number): BenchProgress {
  const line = new ProgressLine(process.stderr);
  if (!line.enabled) return { options: {}, end: () => {} };
  line.show(`${label}: starting`, true);
  return {
    options: {
      progress: simProgress(
        line,
        { nodes, settleMs: 30_000, ...(searches === undefined ? {} : { searches }) },
        label,
      ),
    },
    end: () => line.end(),
  };
}
