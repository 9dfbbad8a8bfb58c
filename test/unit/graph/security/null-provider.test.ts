import { describe, expect, it } from 'vitest';
import type { GraphRecord } from '../../../../src/graph/model.js';
import { nullGraphSecurityProvider } from '../../../../src/graph/security/null-provider.js';
import { wrapUnit } from '../../../../src/graph/security/units.js';

/** A message as the graph codec frames it: u32 BE size first. */
function message(body: number[]): Uint8Array {
  return wrapUnit(new Uint8Array(body));
}

const RECORD: GraphRecord = {
  type: new Uint8Array(16).fill(9),
  id: new Uint8Array(16).fill(1),
  version: 1,
  deleted: false,
  creatorId: 'alice',
  modifiedById: '',
  securityData: new Uint8Array(0),
  createdAt: 1n,
  expiresAt: 2n,
  modifiedAt: 1n,
  graphId: 'g',
  payload: new Uint8Array([1, 2, 3]),
  attributes: '',
};

describe('nullGraphSecurityProvider', () => {
  it('authenticates both sides at once with nothing to send, counting each connection once', () => {
    const p = nullGraphSecurityProvider();
    const a = p.connection('initiator', 'bob');
    const b = p.connection('responder', 'alice');
    expect(a.start(0)).toEqual({ send: [], state: 'authenticated' });
    expect(b.start(0)).toEqual({ send: [], state: 'authenticated' });
    expect(a.start(1).state).toBe('authenticated');
    expect(p.stats.handshakes.ok).toBe(2);
    expect(a.peerId).toBe('bob');
    expect(b.peerId).toBe('alice');
  });

  it('receive() also authenticates, ignores the unit and counts it', () => {
    const p = nullGraphSecurityProvider();
    const b = p.connection('responder', undefined);
    expect(b.receive(0, message([1]))).toEqual({ send: [], state: 'authenticated' });
    expect(p.stats.units.refused['unexpected-handshake-unit']).toBe(1);
    expect(p.stats.handshakes.ok).toBe(1);
    expect(b.peerId).toBeUndefined();
  });

  it('seal and open are the identity both ways', () => {
    const p = nullGraphSecurityProvider();
    const a = p.connection('initiator', 'bob');
    const b = p.connection('responder', 'alice');
    const m = message([0x10, 1, 2, 3, 4]);
    const unit = a.seal(m);
    expect(unit).toEqual(m);
    expect(b.open(unit)).toEqual({ ok: true, message: m });
    expect(a.open(b.seal(m))).toEqual({ ok: true, message: m });
    expect(p.stats.units).toMatchObject({ sealed: 2, opened: 2 });
  });

  it('open() refuses a unit whose leading size disagrees with its length', () => {
    const p = nullGraphSecurityProvider();
    const b = p.connection('responder', 'alice');
    const m = message([1, 2, 3]);
    expect(b.open(m.subarray(0, m.length - 1))).toEqual({ ok: false, reason: 'bad-unit-size' });
    expect(b.open(new Uint8Array([0, 0]))).toEqual({ ok: false, reason: 'bad-unit-size' });
    const longer = new Uint8Array(m.length + 1);
    longer.set(m);
    expect(b.open(longer)).toEqual({ ok: false, reason: 'bad-unit-size' });
    expect(p.stats.units.refused['bad-unit-size']).toBe(3);
  });

  it('seal() throws on a message that is not framed by its size (local misuse)', () => {
    const a = nullGraphSecurityProvider().connection('initiator', 'bob');
    expect(() => a.seal(new Uint8Array([0, 0, 0, 9, 1]))).toThrow(RangeError);
  });

  it('records get empty security data and every record is valid', () => {
    const p = nullGraphSecurityProvider();
    expect(p.secureRecord(RECORD)).toEqual({ ok: true, securityData: new Uint8Array(0) });
    expect(p.validateRecord({ ...RECORD, securityData: new Uint8Array([1]) })).toEqual({
      kind: 'valid',
    });
    expect(p.stats.secured.ok).toBe(1);
    expect(p.stats.records.valid).toBe(1);
  });

  it('does not reach src/gmc (the browser core imports it)', async () => {
    const { readFileSync } = await import('node:fs');
    const dir = new URL('../../../../src/graph/security/', import.meta.url);
    for (const file of ['null-provider.ts', 'stats.ts', 'units.ts', 'index.ts']) {
      const code = readFileSync(new URL(file, dir), 'utf8');
      expect(code).not.toMatch(/from '[^']*gmc\//);
      expect(code).not.toMatch(/from '@peculiar\//);
    }
  });
});
