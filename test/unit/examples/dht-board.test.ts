/**
 * examples/dht-board, run for real: four DHT nodes on loopback UDP in one process; an immutable
 * notice read back through another node, and a mutable status followed with listen through
 * its update and deletion, ending VALUE_NOT_FOUND (deleted).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('examples/dht-board', () => {
  it('pins, reads, follows and deletes values on a DHT over loopback UDP', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/dht-board/board.ts'], {
      cwd: join(import.meta.dirname, '../../..'),
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.replace(/notice [0-9a-f]{16}/, 'notice <key>')).toBe(
      [
        'pinned notice <key>...',
        'read notice: meeting at noon',
        'status seq 1: status: in',
        'status seq 2: status: out',
        'status seq 3: (deleted)',
        'status now: VALUE_NOT_FOUND (deleted)',
        '',
      ].join('\n'),
    );
  }, 120_000);
});
