/**
 * @module adapters/node/dns-bootstrap
 * A DNS bootstrap provider, like the DRT's DrtCreateDnsBootstrapResolver (issue 16 Build 5): the
 * nodes of a cloud are found under one DNS name. {@link dnsBootstrap} looks up the name's
 * addresses (A and AAAA through `dns.lookup`, so `/etc/hosts` counts) with a fixed port, and with
 * `srv: true` first the SRV records `_pnrp._udp.<name>` (RFC 2782: each target's addresses with
 * the record's port, lowest priority first, then highest weight).
 *
 * The DRT asks its provider synchronously (drt/bootstrap-provider.ts): the provider answers with
 * the endpoints of its last lookup and looks up again in the background once they are older than
 * `refreshMs`; when a lookup ends `createPeer` is asked to solicit again (the same `bindPeer` hook
 * as `peerNameBootstrap`). Bounded: one lookup in flight, at most `endpointsMax` endpoints, at
 * most {@link SRV_TARGETS_MAX} SRV targets. Call `refresh()` before `createPeer` to join at once.
 */
import { lookup, resolveSrv } from 'node:dns/promises';
import type { BootstrapProvider } from '../../drt/bootstrap-provider.js';
import { type Endpoint, endpointKey } from '../../keys/endpoint.js';
import { parseHostAddress } from './udp-transport.js';

/** One SRV record, as `dns.resolveSrv` returns it. */
export interface DnsSrvRecord {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/** The lookups a DNS bootstrap makes; tests inject their own. */
export interface DnsBootstrapResolver {
  /** Addresses of a host name as text (IPv4 or IPv6); `[]` or a rejection when none. */
  lookup(hostName: string): Promise<readonly string[]>;
  /** SRV records of a name (only with `srv: true`). */
  resolveSrv(name: string): Promise<readonly DnsSrvRecord[]>;
}

/** Options of {@link dnsBootstrap}. */
export interface DnsBootstrapOptions {
  /** Look up `_pnrp._udp.<hostName>` SRV records first; fall back to the name itself. @default false */
  readonly srv?: boolean;
  /** Minimum time between two lookups. @default 60000 */
  readonly refreshMs?: number;
  /** Most endpoints kept from one lookup, 1..64. @default 16 */
  readonly endpointsMax?: number;
  /** @default `node:dns` (`lookup` with all addresses, `resolveSrv`) */
  readonly resolver?: DnsBootstrapResolver;
}

/** A bootstrap provider backed by DNS. */
export interface DnsBootstrap extends BootstrapProvider {
  readonly hostName: string;
  /** The endpoints of the last successful lookup. */
  readonly known: readonly Endpoint[];
  /** Why the last lookup failed, if it did. */
  readonly lastError: unknown;
  /** Looks up now (or joins the lookup in flight) and returns the endpoints found. */
  refresh(): Promise<readonly Endpoint[]>;
  /** Called by `createPeer`: how to solicit again once a lookup found endpoints. */
  bindPeer(peer: unknown, rejoin: () => void): void;
}

/** Most SRV targets looked up per refresh. */
export const SRV_TARGETS_MAX = 8;

const nodeResolver: DnsBootstrapResolver = {
  async lookup(hostName) {
    const found = await lookup(hostName, { all: true, order: 'ipv6first' });
    return found.map((a) => a.address);
  },
  resolveSrv: (name) => resolveSrv(name),
};

/**
 * A provider that finds bootstrap nodes under a DNS name.
 * @example
 * const bootstrap = dnsBootstrap('seeds.example.net', 3540, { srv: true });
 * await bootstrap.refresh();
 * const peer = createPeer({ transport, bootstrap });
 */
export function dnsBootstrap(
  hostName: string,
  port: number,
  options: DnsBootstrapOptions = {},
): DnsBootstrap {
  if (typeof hostName !== 'string' || hostName.length === 0 || hostName.length > 253)
    throw new TypeError('hostName must be a DNS name of 1..253 characters');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new RangeError(`port must be an integer in 1..65535, got ${port}`);
  const refreshMs = options.refreshMs ?? 60_000;
  if (!Number.isFinite(refreshMs) || refreshMs < 0)
    throw new RangeError('refreshMs must be a finite number >= 0');
  const endpointsMax = options.endpointsMax ?? 16;
  if (!Number.isInteger(endpointsMax) || endpointsMax < 1 || endpointsMax > 64)
    throw new RangeError('endpointsMax must be an integer in 1..64');
  const resolver = options.resolver ?? nodeResolver;
  let known: Endpoint[] = [];
  let lastError: unknown;
  let lastLookupMs = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<readonly Endpoint[]> | undefined;
  let rejoin: (() => void) | undefined;

  const addressesOf = async (name: string, p: number, out: Map<string, Endpoint>) => {
    for (const text of await resolver.lookup(name)) {
      const address = parseHostAddress(text);
      if (address === undefined || out.size >= endpointsMax) continue;
      const ep = { address, port: p };
      out.set(endpointKey(ep), ep);
    }
  };

  const lookUp = async (): Promise<Endpoint[]> => {
    const out = new Map<string, Endpoint>();
    if (options.srv) {
      let records: readonly DnsSrvRecord[] = [];
      try {
        records = await resolver.resolveSrv(`_pnrp._udp.${hostName}`);
      } catch {
        records = []; // no SRV records: the name itself
      }
      const ordered = [...records]
        .filter((r) => Number.isInteger(r.port) && r.port > 0 && r.port <= 65535)
        .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
        .slice(0, SRV_TARGETS_MAX);
      for (const r of ordered) {
        try {
          await addressesOf(r.name, r.port, out);
        } catch (e) {
          lastError = e;
        }
      }
      if (out.size > 0) return [...out.values()];
    }
    await addressesOf(hostName, port, out);
    return [...out.values()];
  };

  const refresh = (): Promise<readonly Endpoint[]> => {
    if (inFlight) return inFlight;
    inFlight = lookUp()
      .then(
        (found) => {
          if (found.length === 0) {
            lastError = new Error(`${hostName} has no address`);
            return known;
          }
          const changed =
            found.length !== known.length ||
            found.some((ep, i) => endpointKey(ep) !== endpointKey(known[i]!));
          known = found;
          lastError = undefined;
          try {
            if (changed) rejoin?.();
          } catch (e) {
            lastError = e;
          }
          return known;
        },
        (e: unknown) => {
          lastError = e;
          return known;
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    hostName,
    get known() {
      return known;
    },
    get lastError() {
      return lastError;
    },
    refresh,
    bindPeer(_peer, rejoinCloud) {
      if (rejoin)
        throw new RangeError(`dnsBootstrap(${hostName}) serves one cloud; create one per cloud`);
      rejoin = rejoinCloud;
    },
    endpoints(nowMs) {
      if (nowMs - lastLookupMs >= refreshMs) {
        lastLookupMs = nowMs;
        // Looking up is asynchronous: answer with what is known, solicit again when it ends.
        queueMicrotask(() => void refresh());
      }
      return known;
    },
  };
}
