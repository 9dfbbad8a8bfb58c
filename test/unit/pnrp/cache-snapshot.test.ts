/**
 * Cache snapshots (LocalOOB-style rejoin): encode/decode round trips, every refusal with its
 * code, hostile text never throwing, and the provider rotating through the endpoints five at a
 * time before its fallback.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { staticBootstrap } from '../../../src/drt/bootstrap-provider.js';
import {
  type Endpoint,
  formatEndpoint,
  ipv4Mapped,
  parseEndpoint,
} from '../../../src/keys/endpoint.js';
import {
  CACHE_SNAPSHOT_ENDPOINTS_MAX,
  type CacheSnapshot,
  cacheSnapshotBootstrap,
  decodeCacheSnapshot,
  encodeCacheSnapshot,
} from '../../../src/pnrp/cache-snapshot.js';

const SEED = Number(process.env.PNRP_SEED ?? 5);
const ep = (i: number): Endpoint => parseEndpoint(`[2001:db8::${i.toString(16)}]:3540`);

describe(`cache snapshots (seed ${SEED})`, () => {
  it('round-trips IPv6 and IPv4 endpoints', () => {
    const snapshot: CacheSnapshot = {
      version: 1,
      cloud: 'Global_',
      endpoints: [ep(1), { address: ipv4Mapped(192, 0, 2, 7), port: 40_000 }],
    };
    const text = encodeCacheSnapshot(snapshot);
    expect(JSON.parse(text).endpoints).toEqual(['[2001:db8::1]:3540', '192.0.2.7:40000']);
    const back = decodeCacheSnapshot(text);
    expect(back.ok && back.value.endpoints.map(formatEndpoint)).toEqual([
      '[2001:db8::1]:3540',
      '192.0.2.7:40000',
    ]);
  });

  it('refuses what is not a snapshot, each with its code', () => {
    const code = (text: string): string | undefined => {
      const r = decodeCacheSnapshot(text);
      return r.ok ? undefined : r.error.code;
    };
    const doc = (o: object): string =>
      JSON.stringify({ version: 1, cloud: 'Global_', endpoints: [], ...o });
    expect(code('{')).toBe('malformed');
    expect(code('null')).toBe('malformed');
    expect(code(doc({ version: 2 }))).toBe('unsupported-version');
    expect(code(doc({ cloud: '' }))).toBe('malformed');
    expect(code(doc({ endpoints: 'x' }))).toBe('malformed');
    expect(code(doc({ endpoints: [7] }))).toBe('malformed');
    expect(code(doc({ endpoints: ['example.com:3540'] }))).toBe('bad-endpoint');
    expect(code(doc({ endpoints: ['[::1]:80'] }))).toBe('bad-endpoint');
    const many = Array.from({ length: CACHE_SNAPSHOT_ENDPOINTS_MAX + 1 }, (_, i) =>
      formatEndpoint(ep(i + 1)),
    );
    expect(code(doc({ endpoints: many }))).toBe('too-many');
    expect(code(doc({ endpoints: many.slice(0, CACHE_SNAPSHOT_ENDPOINTS_MAX) }))).toBeUndefined();
    expect(code(' '.repeat(20_000))).toBe('too-long');
  });

  it('never throws on hostile text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .record({ version: fc.anything(), cloud: fc.anything(), endpoints: fc.anything() })
            .map((o) => JSON.stringify(o) ?? ''),
        ),
        (text) => {
          const r = decodeCacheSnapshot(text);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('the provider offers five snapshot endpoints per attempt, rotating, then the fallback', () => {
    const snapshot: CacheSnapshot = {
      version: 1,
      cloud: 'Global_',
      endpoints: [1, 2, 3, 4, 5, 6, 7].map(ep),
    };
    const provider = cacheSnapshotBootstrap(snapshot, staticBootstrap([ep(99)]));
    const names = (list: readonly Endpoint[]): string[] => list.map(formatEndpoint);
    expect(names(provider.endpoints(0))).toEqual(
      [1, 2, 3, 4, 5, 99].map((i) => formatEndpoint(ep(i))),
    );
    expect(names(provider.endpoints(1))).toEqual(
      [6, 7, 1, 2, 3, 99].map((i) => formatEndpoint(ep(i))),
    );
    expect(names(cacheSnapshotBootstrap({ ...snapshot, endpoints: [] }).endpoints(0))).toEqual([]);
  });
});
