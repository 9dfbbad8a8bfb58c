/**
 * @module pnrp/cache-snapshot
 * Rejoining from nodes a node knew, like PNRP's LocalOOB bootstrap ([MS-PNRP] §3.2.3.1): a
 * running node exports the endpoints of its cache as a small JSON document; after a restart,
 * {@link cacheSnapshotBootstrap} hands them to the DRT as bootstrap endpoints. The entries are
 * never trusted: each is SOLICITed and proves itself like any other bootstrap node. A snapshot
 * is hostile input once it has been on disk, so {@link decodeCacheSnapshot} returns a result.
 */
import type { BootstrapProvider } from '../drt/bootstrap-provider.js';
import type { DrtNode } from '../drt/node.js';
import { type Endpoint, endpointKey, formatEndpoint, parseEndpoint } from '../keys/endpoint.js';
import { err, ok, type Result } from '../util/result.js';

/** Endpoints a snapshot holds at most. */
export const CACHE_SNAPSHOT_ENDPOINTS_MAX = 64;
/** Longest snapshot text accepted, in characters. */
export const CACHE_SNAPSHOT_TEXT_MAX = 16_384;
/** Endpoints the DRT solicits per bootstrap attempt; the provider rotates by this much. */
const SOLICIT_WINDOW = 5;

/**
 * A cloud's cache endpoints, closest to the node's home key first.
 * @example { version: 1, cloud: 'Global_', endpoints: ['[2001:db8::7]:3540'] }
 */
export interface CacheSnapshot {
  readonly version: 1;
  readonly cloud: string;
  readonly endpoints: readonly Endpoint[];
}

/**
 * Takes a snapshot of a DRT's cache (at most `max` endpoints, nearest to its home key first).
 * @example const snap = cacheSnapshotOf('Global_', node.drtOf('Global_'));
 */
export function cacheSnapshotOf(
  cloud: string,
  drt: DrtNode,
  max: number = CACHE_SNAPSHOT_ENDPOINTS_MAX,
): CacheSnapshot {
  if (!Number.isInteger(max) || max < 1 || max > CACHE_SNAPSHOT_ENDPOINTS_MAX)
    throw new RangeError(`max must be 1..${CACHE_SNAPSHOT_ENDPOINTS_MAX}, got ${max}`);
  const endpoints: Endpoint[] = [];
  const seen = new Set<string>();
  const cache = drt.cache;
  for (const entry of cache.closest(cache.homeKey, cache.size)) {
    for (const address of entry.addresses) {
      const ep = { address: address.slice(), port: entry.port };
      const key = endpointKey(ep);
      if (seen.has(key)) continue;
      seen.add(key);
      endpoints.push(ep);
      if (endpoints.length >= max) return { version: 1, cloud, endpoints };
    }
  }
  return { version: 1, cloud, endpoints };
}

/**
 * The snapshot as JSON text (endpoints as `[address]:port`).
 * @example writeFileSync('cache.json', encodeCacheSnapshot(peer.exportCache()));
 */
export function encodeCacheSnapshot(snapshot: CacheSnapshot): string {
  return JSON.stringify({
    version: snapshot.version,
    cloud: snapshot.cloud,
    endpoints: snapshot.endpoints.map(formatEndpoint),
  });
}

/**
 * Parses snapshot text; never throws. Refuses text over 16 KB, another version, more than 64
 * endpoints, or an endpoint that is not an `address:port` literal with a port above 1024.
 * @example const r = decodeCacheSnapshot(text); if (r.ok) bootstrap = cacheSnapshotBootstrap(r.value);
 */
export function decodeCacheSnapshot(text: string): Result<CacheSnapshot> {
  if (typeof text !== 'string') return err('malformed', 'a snapshot is text');
  if (text.length > CACHE_SNAPSHOT_TEXT_MAX)
    return err('too-long', `a snapshot is at most ${CACHE_SNAPSHOT_TEXT_MAX} characters`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return err('malformed', 'a snapshot is JSON');
  }
  if (typeof raw !== 'object' || raw === null) return err('malformed', 'a snapshot is an object');
  const { version, cloud, endpoints } = raw as Record<string, unknown>;
  if (version !== 1) return err('unsupported-version', `snapshot version ${String(version)}`);
  if (typeof cloud !== 'string' || cloud.length === 0 || cloud.length > 256)
    return err('malformed', 'cloud must be a name of 1..256 characters');
  if (!Array.isArray(endpoints)) return err('malformed', 'endpoints must be a list');
  if (endpoints.length > CACHE_SNAPSHOT_ENDPOINTS_MAX)
    return err('too-many', `at most ${CACHE_SNAPSHOT_ENDPOINTS_MAX} endpoints`);
  const list: Endpoint[] = [];
  for (const [i, text] of endpoints.entries()) {
    if (typeof text !== 'string') return err('malformed', `endpoint ${i} is not text`);
    let ep: Endpoint;
    try {
      ep = parseEndpoint(text);
    } catch (e) {
      return err('bad-endpoint', `endpoint ${i}: ${(e as Error).message}`);
    }
    if (ep.port <= 1024) return err('bad-endpoint', `endpoint ${i}: port ${ep.port} is reserved`);
    list.push(ep);
  }
  return ok({ version: 1, cloud, endpoints: list });
}

/**
 * Bootstraps from a snapshot's endpoints, then from `fallback`'s. Each attempt offers the next
 * five snapshot endpoints (the DRT solicits five at a time), so dead entries do not hide the rest.
 * @example cacheSnapshotBootstrap(snapshot, staticBootstrap([seed]))
 */
export function cacheSnapshotBootstrap(
  snapshot: CacheSnapshot,
  fallback?: BootstrapProvider,
): BootstrapProvider {
  const list = [...snapshot.endpoints];
  let offset = 0;
  return {
    endpoints(nowMs) {
      const window: Endpoint[] = [];
      for (let i = 0; i < Math.min(SOLICIT_WINDOW, list.length); i++)
        window.push(list[(offset + i) % list.length]!);
      if (list.length > 0) offset = (offset + SOLICIT_WINDOW) % list.length;
      return [...window, ...(fallback?.endpoints(nowMs) ?? [])];
    },
    register: (endpoints) => fallback?.register?.(endpoints),
    unregister: () => fallback?.unregister?.(),
  };
}
