import { describe, expect, it } from 'vitest';
import { formatSeconds, ProgressLine, simProgress } from '../../../src/cli/progress.js';

/** A fake terminal (or pipe) and a clock the test moves. */
function fake(isTTY: boolean) {
  const writes: string[] = [];
  let t = 0;
  const stream = { isTTY, columns: 200, write: (s: string) => writes.push(s) };
  return { writes, stream, now: () => t, advance: (ms: number) => (t += ms) };
}

const text = (w: string) => w.replace('\r\u001b[2K', '');

describe('ProgressLine', () => {
  it('draws nothing when the stream is not a terminal', () => {
    const f = fake(false);
    const line = new ProgressLine(f.stream, f.now);
    line.show('a', true);
    line.note('b');
    line.end();
    expect(line.enabled).toBe(false);
    expect(f.writes).toEqual([]);
  });

  it('redraws at most 4 times a second, clearing the line each time', () => {
    const f = fake(true);
    const line = new ProgressLine(f.stream, f.now);
    for (let i = 0; i < 100; i++) {
      line.show(`step ${i}`);
      f.advance(10); // 100 updates over 1 s
    }
    expect(f.writes.map(text)).toEqual(['step 0', 'step 25', 'step 50', 'step 75']);
    expect(f.writes.every((w) => w.startsWith('\r\u001b[2K'))).toBe(true);
    line.show('forced', true);
    expect(text(f.writes.at(-1)!)).toBe('forced');
    line.end();
    expect(f.writes.at(-1)).toBe('\r\u001b[2K');
  });

  it('cuts a line to the terminal width', () => {
    const f = fake(true);
    const line = new ProgressLine({ ...f.stream, columns: 30 }, f.now);
    line.show('x'.repeat(100));
    expect(text(f.writes[0]!)).toBe('x'.repeat(29));
  });
});

describe('simProgress', () => {
  it('shows phase, nodes joined, resolves done, rate and an estimate', () => {
    const f = fake(true);
    const line = new ProgressLine(f.stream, f.now);
    const report = simProgress(line, { nodes: 1000, searches: 500, settleMs: 30_000 });
    report({ phase: 'build', joined: 1, resolved: 0, virtualMs: 20 });
    expect(text(f.writes.at(-1)!)).toBe(
      'pnrp sim: build: 1/1000 nodes joined | virtual 0 s | 0 s elapsed',
    );
    for (let j = 2; j <= 101; j++) {
      f.advance(10); // 100 joins per second
      report({ phase: 'build', joined: j, resolved: 0, virtualMs: j * 20 });
    }
    expect(text(f.writes.at(-1)!)).toMatch(
      /^pnrp sim: build: 1\d\d\/1000 nodes joined, 100 joins\/s, ~9 s left \| virtual 2 s \| 1 s elapsed$/,
    );
    f.advance(1000);
    report({ phase: 'settle', joined: 1000, resolved: 0, virtualMs: 20_000 });
    expect(text(f.writes.at(-1)!)).toMatch(/^pnrp sim: settle: 0\/30 virtual s, 1000 nodes \|/);
    f.advance(1000);
    report({ phase: 'search', joined: 1000, resolved: 50, virtualMs: 52_000 });
    f.advance(500);
    report({ phase: 'search', joined: 1000, resolved: 100, virtualMs: 53_000 });
    expect(text(f.writes.at(-1)!)).toBe(
      'pnrp sim: search: 100/500 resolves done, 100 resolves/s, ~4 s left | virtual 53 s | 4 s elapsed',
    );
  });

  it('formats durations', () => {
    expect([
      formatSeconds(0.4),
      formatSeconds(42),
      formatSeconds(185),
      formatSeconds(3725),
    ]).toEqual(['0 s', '42 s', '3 min 5 s', '1 h 2 min']);
  });
});
