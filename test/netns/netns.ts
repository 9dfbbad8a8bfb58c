/**
 * Helpers of the namespace tests (issue 16): the topology of scripts/netns/netns.sh under a prefix
 * of the test file's own (files run in parallel), whether it can be made here (root, `ip netns`,
 * nftables), and processes started inside a namespace that are always killed afterwards.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT: string = join(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/netns/netns.sh');

/** Why the topology cannot be made here, or undefined when it can. */
export function netnsUnavailable(): string | undefined {
  if (process.env.PNRP_NETNS_SKIP) return 'PNRP_NETNS_SKIP is set';
  if (process.platform !== 'linux') return `network namespaces need Linux (${process.platform})`;
  const r = spawnSync('bash', [SCRIPT, 'check'], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  return (r.stdout + r.stderr).trim() || `netns.sh check exited ${r.status}`;
}

/** The topology under one prefix. */
export class Topology {
  private readonly children: ChildProcess[] = [];
  readonly addrs: Record<string, string>;

  constructor(readonly prefix: string) {
    this.addrs = JSON.parse(this.script('addrs')) as Record<string, string>;
  }

  private script(...args: string[]): string {
    const r = spawnSync('bash', [SCRIPT, ...args], {
      encoding: 'utf8',
      env: { ...process.env, PNRP_NETNS_PREFIX: this.prefix },
    });
    if (r.status !== 0) throw new Error(`netns.sh ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  up(): void {
    this.script('up');
  }

  /** Kills every process started here, then deletes the namespaces. */
  down(): void {
    for (const c of this.children)
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    this.script('down');
  }

  /** Runs `command args` inside namespace `name` to completion; throws when it fails. */
  exec(name: string, command: string, ...args: string[]): string {
    const r = spawnSync('ip', ['netns', 'exec', `${this.prefix}${name}`, command, ...args], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`${name}: ${command} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** Starts the `pnrp` CLI from source inside namespace `name`; its stdout lines can be awaited. */
  pnrp(name: string, ...args: string[]): LineProcess {
    return new LineProcess(
      this.spawn(name, process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args]),
      `${name}: pnrp ${args.join(' ')}`,
    );
  }

  /** Starts `command args` inside namespace `name` (killed by `down`). */
  spawn(name: string, command: string, args: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', `${this.prefix}${name}`, command, ...args], {
      cwd: ROOT,
    });
    this.children.push(child);
    return child;
  }
}

/** A process whose stdout lines are kept and can be awaited. */
export class LineProcess {
  readonly lines: string[] = [];
  private stderrText = '';
  private partial = '';
  private exitCode: number | null | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly child: ChildProcess,
    private readonly label: string,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const parts = (this.partial + d).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
      this.wake();
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderrText += d;
    });
    child.on('close', (code) => {
      this.exitCode = code;
      this.wake();
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** The JSON objects printed so far (`--json` lines). */
  json(): Record<string, unknown>[] {
    return this.lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** Resolves with the first JSON line `match` accepts; rejects on exit or after `timeoutMs`. */
  waitFor(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const describe = (): string =>
        `\n--- stdout ---\n${this.lines.join('\n')}\n--- stderr ---\n${this.stderrText}`;
      const check = (): void => {
        const found = this.json().find(match);
        if (found) {
          done();
          resolve(found);
        } else if (this.exitCode !== undefined) {
          done();
          reject(new Error(`${this.label} exited (${this.exitCode})${describe()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.label}: no such line in ${timeoutMs} ms${describe()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}
