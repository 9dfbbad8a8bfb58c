/**
 * @module peer/host-bootstrap
 * Bootstrap lists given as text (issue 12): `[ipv6]:port`, `[fe80::1%eth0]:port`, `a.b.c.d:port`
 * and `host.name:port`. IP literals become endpoints at once; host names are looked up through
 * an injected {@link HostResolver} (`dnsResolver` in `pnrp/node` uses `node:dns`; the core has
 * none), and the addresses found join the list when the lookup ends, after which the peer
 * solicits again.
 */
import type { BootstrapProvider } from '../drt/bootstrap-provider.js';
import { type Endpoint, type HostPort, parseEndpoint, splitHostPort } from '../keys/endpoint.js';

/**
 * Looks a host name up: its addresses, 16 bytes each (IPv4 as `::ffff:a.b.c.d`). Rejects or
 * returns `[]` when the name does not resolve.
 * @example const resolveHost: HostResolver = async (name) => name === 'seed.lan' ? [parseAddress('fd00::1')] : [];
 */
export type HostResolver = (hostName: string) => Promise<readonly Uint8Array[]>;

/** A bootstrap list whose host names are still to be looked up. */
export interface HostBootstrap {
  readonly provider: BootstrapProvider;
  /** Host names to look up, with their ports and text. */
  readonly hosts: readonly HostPort[];
  /** Adds the endpoints a lookup found. */
  add(endpoints: readonly Endpoint[]): void;
}

/**
 * Splits a bootstrap list into endpoints and host names; throws `TypeError` when a host name is
 * given without a resolver, `RangeError` for text that is neither.
 * @example hostBootstrapOf(['127.0.0.1:3540', 'seed.lan:3540'], dnsResolver)
 */
export function hostBootstrapOf(
  list: readonly (Endpoint | string)[],
  resolveHost: HostResolver | undefined,
): HostBootstrap {
  const endpoints: Endpoint[] = [];
  const hosts: HostPort[] = [];
  for (const item of list) {
    if (typeof item !== 'string') {
      endpoints.push(item);
      continue;
    }
    const host = splitHostPort(item);
    if (host === undefined) {
      endpoints.push(parseEndpoint(item));
      continue;
    }
    if (resolveHost === undefined)
      throw new TypeError(
        `bootstrap "${item}" is a host name: pass createPeer's resolveHost (e.g. dnsResolver from pnrp/node)`,
      );
    hosts.push(host);
  }
  return {
    provider: { endpoints: () => endpoints },
    hosts,
    add(found) {
      for (const ep of found) endpoints.push(ep);
    },
  };
}
