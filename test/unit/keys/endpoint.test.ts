import { describe, expect, it } from 'vitest';
import { endpointKey } from '../../../src/keys/endpoint.js';
import {
  endpointsEqual,
  formatAddress,
  formatEndpoint,
  ipv4Mapped,
  parseAddress,
  parseEndpoint,
} from '../../../src/keys/index.js';

describe('endpoints', () => {
  it('endpointKey() of the same object follows its bytes and port (the one-entry memo)', () => {
    const address = parseAddress('10.0.0.1');
    const ep = { address, port: 3540 };
    const first = endpointKey(ep);
    expect(endpointKey(ep)).toBe(first);
    expect(endpointKey({ address: address.slice(), port: 3540 })).toBe(first);
    address[15] = 2; // mutated in place: a different endpoint now
    const second = endpointKey(ep);
    expect(second).not.toBe(first);
    expect(second).toBe(endpointKey({ address: parseAddress('10.0.0.2'), port: 3540 }));
    expect(endpointKey({ address, port: 3541 })).not.toBe(second);
  });

  it('formats IPv6 in RFC 5952 form and IPv4-mapped as dotted quads', () => {
    expect(formatAddress(parseAddress('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatAddress(parseAddress('::1'))).toBe('::1');
    expect(formatAddress(new Uint8Array(16))).toBe('::');
    expect(formatAddress(ipv4Mapped(10, 1, 2, 3))).toBe('10.1.2.3');
    expect(formatEndpoint({ address: parseAddress('fe80::1'), port: 3540 })).toBe('[fe80::1]:3540');
    expect(formatEndpoint({ address: ipv4Mapped(127, 0, 0, 1), port: 3540 })).toBe(
      '127.0.0.1:3540',
    );
  });

  it('parses endpoints and refuses malformed text', () => {
    const ep = parseEndpoint('[2001:db8::7]:4000');
    expect(ep.port).toBe(4000);
    expect(formatAddress(ep.address)).toBe('2001:db8::7');
    expect(formatEndpoint(parseEndpoint('192.168.0.1:3540'))).toBe('192.168.0.1:3540');
    expect(() => parseEndpoint('2001:db8::7:4000')).toThrow(RangeError);
    expect(() => parseAddress('1:2:3')).toThrow(RangeError);
    expect(() => parseAddress('1::2::3')).toThrow(RangeError);
    expect(() => parseAddress('300.1.1.1')).toThrow(RangeError);
    expect(() => parseEndpoint('[::1]:70000')).toThrow(RangeError);
  });

  it('endpointKey() is equal exactly when the endpoints are equal', () => {
    const a = { address: parseAddress('::1'), port: 1 };
    const b = { address: parseAddress('::1'), port: 1 };
    const c = { address: parseAddress('::1'), port: 2 };
    expect(endpointKey(a)).toBe(endpointKey(b));
    expect(endpointKey(a)).not.toBe(endpointKey(c));
    expect(endpointsEqual(a, b)).toBe(true);
    expect(endpointsEqual(a, c)).toBe(false);
  });
});
