import { describe, expect, it } from 'vitest';
import { type Endpoint, endpointKey } from '../../../src/keys/endpoint.js';
import { seededRng } from '../../../src/util/rng.js';

/** The key endpointKey documents: 8 big-endian address words and the port, as UTF-16 units. */
function reference(ep: Endpoint): string {
  const a = ep.address;
  let s = '';
  for (let i = 0; i < 16; i += 2) s += String.fromCharCode((a[i]! << 8) | a[i + 1]!);
  return s + String.fromCharCode(ep.port);
}

describe('endpointKey cache', () => {
  it('keys tens of thousands of endpoints (more than its slots) exactly, asked in any order', () => {
    const rng = seededRng(3);
    const eps: Endpoint[] = [];
    for (let i = 0; i < 20_000; i++) {
      const address = new Uint8Array(16);
      address[0] = 0xfd;
      address[12] = i >>> 8;
      address[13] = i & 0xff;
      address[15] = rng.nextInt(4);
      eps.push({ address, port: 1025 + rng.nextInt(8) });
    }
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < eps.length; k++) {
        const ep = eps[rng.nextInt(eps.length)]!;
        expect(endpointKey(ep)).toBe(reference(ep));
      }
    }
  });

  it('follows an address mutated in place and a copy of the same endpoint', () => {
    const ep = { address: new Uint8Array(16).fill(7), port: 4000 };
    const before = endpointKey(ep);
    expect(endpointKey({ address: ep.address.slice(), port: 4000 })).toBe(before);
    ep.address[3] = 8;
    expect(endpointKey(ep)).toBe(reference(ep));
    expect(endpointKey(ep)).not.toBe(before);
    expect(endpointKey({ ...ep, port: 4001 })).toBe(reference({ ...ep, port: 4001 }));
  });
});
