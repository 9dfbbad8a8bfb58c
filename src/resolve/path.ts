/**
 * @module resolve/path
 * The path of a search, hop by hop, as DRT reports it (DRT_ADDRESS: socket address, flags,
 * nearness = common prefix bits with the target, latency) and as `netsh p2p pnrp peer traceroute`
 * prints it. Flag values are those of DRT_ADDRESS_FLAGS in drt.h.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';

/** DRT_ADDRESS_FLAGS. */
export const ADDRESS_FLAGS = {
  accepted: 0x01,
  rejected: 0x02,
  unreachable: 0x04,
  loop: 0x08,
  tooBusy: 0x10,
  badValidateId: 0x20,
  suspectUnregisteredId: 0x40,
  inquire: 0x80,
} as const;

/** One hop of a search path. */
export interface PathHop {
  /** Where the message went. */
  readonly endpoint: Endpoint;
  /** The key the resolver believed this node publishes. */
  readonly key: Key;
  /** Leading bits `key` shares with the target. */
  readonly nearness: number;
  /** Round-trip time in ms; undefined when no answer came. */
  readonly rttMs: number | undefined;
  /** Sum of DRT_ADDRESS_FLAGS values (`describeAddressFlags` names them). */
  readonly flags: number;
  /** True when the hop answered but had nothing closer (the resolver backtracked). */
  readonly deadEnd: boolean;
}

/**
 * Names of the flags set in `flags`, in flag order.
 * @example describeAddressFlags(0x81) // ['accepted', 'inquire']
 */
export function describeAddressFlags(flags: number): (keyof typeof ADDRESS_FLAGS)[] {
  return (Object.keys(ADDRESS_FLAGS) as (keyof typeof ADDRESS_FLAGS)[]).filter(
    (name) => (flags & ADDRESS_FLAGS[name]) !== 0,
  );
}
