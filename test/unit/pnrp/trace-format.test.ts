import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../src/keys/endpoint.js';
import { formatHop, formatTrace, hopStatus } from '../../../src/pnrp/trace-format.js';
import { ADDRESS_FLAGS as F, type PathHop } from '../../../src/resolve/path.js';

function hop(flags: number, deadEnd = false): PathHop {
  return {
    endpoint: { address: parseAddress('2001:db8::7'), port: 3540 },
    key: new Uint8Array(32),
    nearness: 34,
    rttMs: 12,
    flags,
    deadEnd,
  };
}

describe('formatTrace()', () => {
  it('hopStatus() names every status netsh prints', () => {
    expect(hopStatus(hop(F.accepted))).toBe('Accepted');
    expect(hopStatus(hop(F.rejected))).toBe('Rejected');
    expect(hopStatus(hop(F.rejected | F.unreachable))).toBe('Rejected (Unreachable)');
    expect(hopStatus(hop(F.accepted, true))).toBe('Rejected (Dead end)');
    expect(hopStatus(hop(F.rejected | F.loop))).toBe('Rejected (Loop)');
    expect(hopStatus(hop(F.rejected | F.tooBusy))).toBe('Rejected (Too busy)');
    expect(hopStatus(hop(F.rejected | F.badValidateId))).toBe('Rejected (Bad validate ID)');
    expect(hopStatus(hop(F.rejected | F.suspectUnregisteredId))).toBe(
      'Rejected (Suspect unregistered ID)',
    );
    expect(hopStatus(hop(F.inquire | F.accepted))).toBe('Accepted (Inquire)');
    expect(hopStatus(hop(F.inquire | F.rejected))).toBe('Rejected (Invalid proof)');
  });

  it('formatHop() prints [address]:port, (nearness), (rtt ms), status', () => {
    expect(formatHop(hop(F.accepted))).toBe('[2001:db8::7]:3540, (34), (12 ms), Accepted');
    expect(formatHop({ ...hop(F.rejected | F.unreachable), rttMs: undefined })).toBe(
      '[2001:db8::7]:3540, (34), (- ms), Rejected (Unreachable)',
    );
    const v4 = { address: parseAddress('192.0.2.7'), port: 3541 };
    expect(formatHop({ ...hop(F.accepted), endpoint: v4 })).toBe(
      '192.0.2.7:3541, (34), (12 ms), Accepted',
    );
  });

  it('formatTrace() prints a heading and one indented line per hop, the owner twice', () => {
    const text = formatTrace([hop(F.accepted), hop(F.accepted), hop(F.inquire | F.accepted)], {
      heading: 'Tracing route to 0.test',
    });
    expect(text.split('\n')).toEqual([
      'Tracing route to 0.test',
      '  [2001:db8::7]:3540, (34), (12 ms), Accepted',
      '  [2001:db8::7]:3540, (34), (12 ms), Accepted',
      '  [2001:db8::7]:3540, (34), (12 ms), Accepted (Inquire)',
    ]);
  });

  it('formatTrace() prints the owner found before its INQUIRE even when no LOOKUP reached it', () => {
    const owner = { address: parseAddress('2001:db8::9'), port: 3541 };
    const text = formatTrace([
      { ...hop(F.accepted), rttMs: 7 },
      { ...hop(F.inquire | F.accepted), endpoint: owner, nearness: 128, rttMs: 20 },
    ]);
    expect(text.split('\n')).toEqual([
      '  [2001:db8::7]:3540, (34), (7 ms), Accepted',
      '  [2001:db8::9]:3541, (128), (7 ms), Accepted',
      '  [2001:db8::9]:3541, (128), (20 ms), Accepted (Inquire)',
    ]);
    // An owner whose INQUIRE failed is still shown as found, then rejected.
    const bad = formatTrace([
      { ...hop(F.inquire | F.rejected), endpoint: owner, rttMs: undefined },
    ]);
    expect(bad.split('\n')).toEqual([
      '  [2001:db8::9]:3541, (34), (- ms), Accepted',
      '  [2001:db8::9]:3541, (34), (- ms), Rejected (Invalid proof)',
    ]);
  });
});
