/**
 * dht/fragments: the reassembler's fair share per source is per source address, not per
 * endpoint, so one host can not take the whole reassembly buffer by sending from many ports (a
 * UDP socket per port costs nothing) and lock out every other sender's large values.
 */
import { describe, expect, it } from 'vitest';
import { DHT_FRAGMENTED_MESSAGE_BYTES_MAX } from '../../../src/dht/constants.js';
import {
  decodeFragment,
  FragmentReassembler,
  fragmentMessage,
} from '../../../src/dht/fragments.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';

const host = (n: number, port: number): Endpoint => ({
  address: Uint8Array.of(0x20, 1, 0xd, 0xb8, ...new Array(11).fill(0), n),
  port,
});
const firstFragment = (requestId: number) => {
  const d = decodeFragment(
    fragmentMessage(requestId, new Uint8Array(DHT_FRAGMENTED_MESSAGE_BYTES_MAX).fill(1))[0]!,
  );
  if (!d.ok) throw new Error(d.code);
  return d.fragment;
};

describe('FragmentReassembler fairness', () => {
  it('counts the share of one address over all its ports; another host still gets in', () => {
    const r = new FragmentReassembler(); // 2 contexts and 2 x 66,000 bytes per source, 8 x in all
    const outcomes: string[] = [];
    for (let port = 40000; port < 40016; port++)
      outcomes.push(r.add(0, host(66, port), firstFragment(port)).type);
    expect(outcomes.filter((o) => o === 'pending')).toHaveLength(2);
    expect(r.stats.rejected).toEqual({ 'fragment-source-full': 14 });
    expect(r.add(1, host(7, 3540), firstFragment(1)).type).toBe('pending');
  });
});
