/**
 * Runs the `pnrp` CLI from source (through tsx) and captures its exit code and output: `pnrp`
 * waits for it, `pnrpAsync` lets several run at once, `startPnrp` keeps a long-running one
 * (`pnrp node`) and reads its output line by line.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../..');
const ENTRY = ['--import', 'tsx', 'src/cli/main.ts'];

/** What a finished run printed. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function pnrp(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [...ENTRY, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI without blocking, so several can run at once. */
export function pnrpAsync(...args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [...ENTRY, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A running CLI process whose stdout lines can be awaited. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  stderr(): string;
  /** Resolves with the first line (already printed or to come) that `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Resolves with the exit code once the process ended. */
  exited(): Promise<number | null>;
  /** SIGKILLs the process if it still runs (for afterAll). */
  kill(): void;
}

export function startPnrp(...args: string[]): CliProcess {
  const child = spawn(process.execPath, [...ENTRY, ...args], { cwd: ROOT });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let exitCode: number | null | undefined;
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  child.on('close', (code) => {
    if (partial !== '') lines.push(partial);
    partial = '';
    exitCode = code;
    wake();
  });
  const describe = (): string => `\n--- stdout ---\n${lines.join('\n')}\n--- stderr ---\n${stderr}`;
  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLine(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const line = lines.find(match);
          if (line !== undefined) {
            done();
            resolve(line);
          } else if (exitCode !== undefined) {
            done();
            reject(new Error(`pnrp ${args.join(' ')} exited (${exitCode})${describe()}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`pnrp ${args.join(' ')}: no such line in ${timeoutMs} ms${describe()}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    exited() {
      if (exitCode !== undefined) return Promise.resolve(exitCode);
      return new Promise((resolve) => child.once('close', (code) => resolve(code)));
    },
    kill() {
      if (exitCode === undefined && child.exitCode === null && child.signalCode === null)
        child.kill('SIGKILL');
    },
  };
}
