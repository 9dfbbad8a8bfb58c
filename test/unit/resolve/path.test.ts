import { describe, expect, it } from 'vitest';
import { ADDRESS_FLAGS, describeAddressFlags } from '../../../src/resolve/path.js';

describe('search path flags', () => {
  it('ADDRESS_FLAGS has the DRT_ADDRESS_FLAGS values of drt.h', () => {
    expect(ADDRESS_FLAGS).toEqual({
      accepted: 0x01,
      rejected: 0x02,
      unreachable: 0x04,
      loop: 0x08,
      tooBusy: 0x10,
      badValidateId: 0x20,
      suspectUnregisteredId: 0x40,
      inquire: 0x80,
    });
  });

  it('describeAddressFlags() names the flags set, in flag order', () => {
    expect(describeAddressFlags(0)).toEqual([]);
    expect(describeAddressFlags(0x81)).toEqual(['accepted', 'inquire']);
    expect(describeAddressFlags(0x22)).toEqual(['rejected', 'badValidateId']);
    expect(describeAddressFlags(0xff)).toEqual([
      'accepted',
      'rejected',
      'unreachable',
      'loop',
      'tooBusy',
      'badValidateId',
      'suspectUnregisteredId',
      'inquire',
    ]);
    expect(describeAddressFlags(0x100)).toEqual([]);
  });
});
