/**
 * Link-local IPv6 with a zone ID over real UDP (issue 12): a datagram sent to
 * `[fe80::...%<interface>]:port` arrives and the receiver sees the sender's zone (which the
 * transport remembers for replies to the zone-less address a route entry carries; on one host the
 * kernel delivers those locally either way, so that part is not observable here). Needs an
 * interface with a link-local address; without one (some containers) it is skipped.
 */
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createUdpTransport, type UdpTransport } from '../../../src/adapters/node/index.js';
import { type Endpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { waitUntil } from './udp-cloud.js';

function linkLocal(): { address: string; zone: string } | undefined {
  for (const [name, addresses] of Object.entries(networkInterfaces()))
    for (const a of addresses ?? [])
      if (a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:'))
        return { address: a.address.replace(/%.*$/, ''), zone: name };
  return undefined;
}

const ll = linkLocal();
const open: UdpTransport[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

describe.skipIf(ll === undefined)(
  `UDP on a link-local address (${ll?.address}%${ll?.zone})`,
  () => {
    it('sends to [fe80::...%zone]:port, and the receiver sees the zone of the source', async () => {
      const a = await createUdpTransport({ host: '::', port: 0, ipv6Only: true });
      const b = await createUdpTransport({ host: '::', port: 0, ipv6Only: true });
      open.push(a, b);
      const got: { at: string; from: Endpoint }[] = [];
      a.attach({ datagram: (from) => got.push({ at: 'a', from }), sendError: () => {} });
      b.attach({ datagram: (from) => got.push({ at: 'b', from }), sendError: () => {} });
      const toB = parseEndpoint(`[${ll!.address}%${ll!.zone}]:${b.port}`);
      a.send(toB, new Uint8Array([1, 2, 3]));
      await waitUntil(() => got.length >= 1, 5_000);
      expect(got[0]!.at).toBe('b');
      expect(got[0]!.from.zone).toBe(ll!.zone);
      expect(b.stats.sendErrors).toBe(0);
    });
  },
);
