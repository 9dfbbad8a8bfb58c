/**
 * readable(): endpoints as text, addresses as text, other bytes as hex, errors as their message;
 * toJSON and the inspect hook are non-enumerable and the object keeps its fields.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ipv4Mapped, parseEndpoint } from '../../../src/keys/endpoint.js';
import { readable, readableValue } from '../../../src/util/readable.js';

describe('readableValue()', () => {
  it('turns endpoints, addresses and bytes into text', () => {
    const value = {
      v6: parseEndpoint('[::1]:3540'),
      v4: { address: ipv4Mapped(192, 0, 2, 1), port: 3540 },
      app: { address: parseEndpoint('[fe80::1]:80').address, port: 80, protocol: 6 },
      addresses: [ipv4Mapped(10, 0, 0, 1)],
      id: new Uint8Array([0xab, 0xcd]),
      expires: 133_500_000_000_000_000n,
      nested: [{ error: new RangeError('too long') }],
      skipped: () => 1,
    };
    expect(readableValue(value)).toEqual({
      v6: '[::1]:3540',
      v4: '192.0.2.1:3540',
      app: { address: 'fe80::1', port: 80, protocol: 6 },
      addresses: ['10.0.0.1'],
      id: 'abcd',
      expires: '133500000000000000',
      nested: [{ error: 'RangeError: too long' }],
    });
  });

  it('stops at a cycle instead of recursing forever', () => {
    const loop: { self?: unknown } = {};
    loop.self = loop;
    expect(JSON.stringify(readableValue(loop))).toContain('"..."');
  });
});

describe('readable()', () => {
  it('prints through JSON.stringify and util.inspect, and adds no enumerable key', () => {
    const result = readable({ endpoint: parseEndpoint('[::1]:3540'), port: 1 });
    expect(JSON.stringify(result)).toBe('{"endpoint":"[::1]:3540","port":1}');
    expect(inspect(result)).toBe("{ endpoint: '[::1]:3540', port: 1 }");
    expect(Object.keys(result)).toEqual(['endpoint', 'port']);
    expect(result.endpoint.address).toBeInstanceOf(Uint8Array);
  });
});
