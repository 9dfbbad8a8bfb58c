/**
 * fileDhtStorage (src/adapters/node/file-dht-storage.ts): records survive a restart of the node
 * (written atomically, loaded again, validated again), expired ones are not loaded, the bound
 * holds, and a corrupt, foreign or oversized file starts empty with the reason, never throwing.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileDhtStorage } from '../../../src/adapters/node/file-dht-storage.js';
import { DhtNode } from '../../../src/dht/dht-node.js';
import { immutableRecord, mutableRecord } from '../../../src/dht/record.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { toHex, utf8Encode } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';

const ep = { address: new Uint8Array(16).fill(1), port: 3540 };
const alice = createIdentity(new Uint8Array(32).fill(9));

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'pnrp-dht-storage-'));
}

function quiet(warnings: string[]) {
  return (m: string) => warnings.push(m);
}

describe('fileDhtStorage', () => {
  it('a node restarted on the same file holds its records again; nothing is left half-written', async () => {
    const path = join(dir(), 'records.json');
    let wall = 1_000_000;
    const open = () => fileDhtStorage({ path, writeDelayMs: 0, nowMs: () => wall });
    const storage = open();
    const node = new DhtNode({ rng: seededRng(1), localEndpoints: [ep], storage });
    node.start(0);
    node.put(10, utf8Encode('survives'));
    node.putMutable(20, alice, { seq: 4, value: utf8Encode('m4') });
    await storage.flush();
    expect(storage.size).toBe(2);
    expect(readdirSync(join(path, '..'))).toEqual(['records.json']);
    wall += 60_000; // a minute later, in a new process
    const restarted = open();
    expect(restarted.loadProblem).toBeUndefined();
    const node2 = new DhtNode({ rng: seededRng(2), localEndpoints: [ep], storage: restarted });
    node2.start(0);
    const immutable = immutableRecord(utf8Encode('survives'), nobleCrypto);
    expect(node2.held(immutable.key)?.value).toEqual(utf8Encode('survives'));
    const mutable = mutableRecord(alice, { seq: 4, value: utf8Encode('m4') }, nobleCrypto);
    expect(node2.held(mutable.key)?.seq).toBe(4);
    // Past the lifetime (1 h by default), nothing is loaded.
    wall += 3_600_000;
    const late = new DhtNode({ rng: seededRng(3), localEndpoints: [ep], storage: open() });
    late.start(0);
    expect(late.recordCount).toBe(0);
  });

  it('a tampered record is refused at load and leaves the file', async () => {
    const path = join(dir(), 'records.json');
    const storage = fileDhtStorage({ path, writeDelayMs: 0 });
    const node = new DhtNode({ rng: seededRng(1), localEndpoints: [ep], storage });
    node.start(0);
    node.putMutable(1, alice, { seq: 1, value: utf8Encode('honest') });
    await storage.flush();
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    doc.records[0].value = toHex(utf8Encode('forged'));
    writeFileSync(path, JSON.stringify(doc));
    const reopened = fileDhtStorage({ path, writeDelayMs: 0 });
    expect(reopened.size).toBe(1);
    const node2 = new DhtNode({ rng: seededRng(2), localEndpoints: [ep], storage: reopened });
    node2.start(0);
    expect(node2.recordCount).toBe(0);
    expect(node2.stats.refused).toEqual({ 'bad-signature': 1 });
    expect(reopened.size).toBe(0);
  });

  it('keeps at most recordsMax records', () => {
    const storage = fileDhtStorage({
      path: join(dir(), 'r.json'),
      recordsMax: 2,
      onWarning: () => {},
    });
    for (const v of ['a', 'b', 'c'])
      storage.save({ record: immutableRecord(utf8Encode(v), nobleCrypto), ttlMs: 1000 });
    expect(storage.size).toBe(2);
  });

  it('starts empty with the reason for a corrupt, foreign or oversized file, never throwing', () => {
    const d = dir();
    const cases: [string, string, string][] = [
      ['garbage.json', '{"format": "pnrp-dht-stor', 'not JSON'],
      ['foreign.json', '{"hello": 1}', 'not a pnrp-dht-storage version 1 file'],
      [
        'bad-record.json',
        '{"format":"pnrp-dht-storage","version":1,"records":[{"key":"zz"}]}',
        'record 0 is malformed',
      ],
      ['big.json', 'x'.repeat(200), 'over fileBytesMax 100'],
    ];
    for (const [name, text, reason] of cases) {
      const path = join(d, name);
      writeFileSync(path, text);
      const warnings: string[] = [];
      const storage = fileDhtStorage({ path, fileBytesMax: 100, onWarning: quiet(warnings) });
      expect(storage.size).toBe(0);
      expect(storage.loadProblem).toContain(reason);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(reason);
    }
    const missing = fileDhtStorage({ path: join(d, 'none.json'), onWarning: () => {} });
    expect([missing.size, missing.loadProblem]).toEqual([0, undefined]);
  });

  it('reports a failed write to onWarning instead of throwing', async () => {
    const warnings: string[] = [];
    const storage = fileDhtStorage({
      path: join(dir(), 'no-such-dir', 'r.json'),
      writeDelayMs: 0,
      onWarning: quiet(warnings),
    });
    storage.save({ record: immutableRecord(utf8Encode('x'), nobleCrypto), ttlMs: 1000 });
    await storage.flush();
    expect(storage.writeErrors).toBe(1);
    expect(warnings[0]).toContain('write failed');
  });
});
