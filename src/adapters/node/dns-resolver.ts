/**
 * @module adapters/node/dns-resolver
 * A {@link HostResolver} on `node:dns` for bootstrap lists with host names (issue 12): every
 * address `dns.lookup` finds (the system resolver, `/etc/hosts` included), IPv6 first, as the
 * core's 16-byte form (IPv4 as `::ffff:a.b.c.d`).
 */
import { lookup } from 'node:dns/promises';
import type { HostResolver } from '../../peer/host-bootstrap.js';
import { parseHostAddress } from './udp-transport.js';

/**
 * Looks a host name up with `dns.lookup` (all addresses).
 * @example createPeer({ transport, bootstrap: ['seed.example.net:3540'], resolveHost: dnsResolver })
 */
export const dnsResolver: HostResolver = async (hostName) => {
  const found = await lookup(hostName, { all: true, order: 'ipv6first' });
  const out: Uint8Array[] = [];
  for (const { address } of found) {
    const bytes = parseHostAddress(address);
    if (bytes !== undefined) out.push(bytes);
  }
  return out;
};
