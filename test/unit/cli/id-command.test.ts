import { describe, expect, it } from 'vitest';
import vectors from '../../vectors/ids.json' with { type: 'json' };
import { pnrp } from './run-cli.js';

describe('pnrp id', () => {
  it('prints the IDs of a peer name as JSON', () => {
    const v = vectors.names.find((n) => n.peerName === '0.test')!;
    const r = pnrp('id', '0.test', '--service-location', v.serviceLocation);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      peerName: '0.test',
      secured: false,
      p2pId: v.p2pId,
      pnrpId: v.pnrpId,
      resolveTarget: `${v.p2pId}00000000000000008000000000000000`,
    });
  });

  it('prints a clear error and exits non-zero for a bad peer name', () => {
    const r = pnrp('id', 'NoDot');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid peer name "NoDot": .*no "\."/);
    expect(r.stdout).toBe('');
  });

  it('refuses a malformed service location and unknown commands', () => {
    expect(pnrp('id', '0.x', '--service-location', 'abc').code).toBe(2);
    expect(pnrp('frobnicate').code).toBe(2);
  });
});
