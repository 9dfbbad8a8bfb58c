/** IPv6 zone IDs and host names in endpoint text (issue 12). */
import { describe, expect, it } from 'vitest';
import {
  endpointKey,
  endpointsEqual,
  formatEndpoint,
  isLinkLocal,
  parseAddress,
  parseEndpoint,
  splitHostPort,
} from '../../../src/keys/endpoint.js';

describe('zone IDs', () => {
  it('parseEndpoint() keeps the zone of a link-local address and formatEndpoint() prints it back', () => {
    const ep = parseEndpoint('[fe80::1%eth0]:3540');
    expect(ep).toEqual({ address: parseAddress('fe80::1'), port: 3540, zone: 'eth0' });
    expect(formatEndpoint(ep)).toBe('[fe80::1%eth0]:3540');
    expect(parseEndpoint('[fe80::abcd%3]:4000').zone).toBe('3');
    expect(formatEndpoint(parseEndpoint('[fe80::1]:3540'))).toBe('[fe80::1]:3540');
  });

  it('the zone is a transport hint: keys and equality ignore it', () => {
    const a = parseEndpoint('[fe80::1%eth0]:3540');
    const b = parseEndpoint('[fe80::1]:3540');
    expect(endpointKey(a)).toBe(endpointKey(b));
    expect(endpointsEqual(a, b)).toBe(true);
  });

  it('refuses a zone on a global address, an empty or odd zone', () => {
    expect(() => parseEndpoint('[2001:db8::1%eth0]:3540')).toThrow(/link-local/);
    expect(() => parseEndpoint('[fe80::1%]:3540')).toThrow(RangeError);
    expect(() => parseEndpoint('[fe80::1%eth/0]:3540')).toThrow(/bad zone ID/);
    expect(() => parseEndpoint('[fe80::1%a%b]:3540')).toThrow(RangeError);
  });

  it('isLinkLocal() is true for fe80::/10 only', () => {
    expect(isLinkLocal(parseAddress('fe80::1'))).toBe(true);
    expect(isLinkLocal(parseAddress('febf::1'))).toBe(true);
    expect(isLinkLocal(parseAddress('fec0::1'))).toBe(false);
    expect(isLinkLocal(parseAddress('::1'))).toBe(false);
  });
});

describe('splitHostPort()', () => {
  it('splits host names and leaves IP literals to parseEndpoint', () => {
    expect(splitHostPort('localhost:3540')).toEqual({ host: 'localhost', port: 3540 });
    expect(splitHostPort('seed-1.example.net:80')).toEqual({
      host: 'seed-1.example.net',
      port: 80,
    });
    expect(splitHostPort('127.0.0.1:3540')).toBeUndefined();
    expect(splitHostPort('[::1]:3540')).toBeUndefined();
    expect(splitHostPort('-bad.example:3540')).toBeUndefined();
    expect(splitHostPort('localhost')).toBeUndefined();
    expect(() => splitHostPort('localhost:70000')).toThrow(/bad port/);
  });
});
