/**
 * address-discovery (issue 16): `pnrp node` processes in the namespaces of scripts/netns/netns.sh.
 * Two public nodes (`pub`, the bootstrap, and `pub2`) advertise their addresses. A node in `cone1`
 * bootstraps from `pub` alone: `pub` reports its NAT'd address, nobody else is named, so once
 * joined the node asks the nodes of its cache, and `pub2`'s dial-back probe reaches it there: the
 * address is confirmed and the node registers with it. A node in `sym1` names `pub2` with --stun
 * too, but its NAT maps per destination: the probe is dropped, the address stays unconfirmed
 * (endpoint-dependent-mapping) and the node says so.
 * A node in `cone2` is confirmed, then its NAT starts mapping to another port (the rule is
 * replaced and the mappings flushed): the next refresh round sees the change, the new address is
 * confirmed and the node re-registers with it.
 * Skipped, with the reason, when namespaces cannot be made. Real time: no duration is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LineProcess, netnsUnavailable, Topology } from './netns.js';

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`address-discovery: skipped: ${unavailable}`);

const topo = unavailable ? undefined : new Topology('pnrp-ad-');
const WAIT_MS = 60_000;

const isEvent =
  (event: string, fields: Record<string, unknown> = {}) =>
  (line: Record<string, unknown>): boolean =>
    line.event === event && Object.entries(fields).every(([k, v]) => line[k] === v);

describe.skipIf(unavailable !== undefined)('address-discovery: pnrp node behind NATs', () => {
  let pub: LineProcess;
  let pub2: LineProcess;
  const at = (name: string): string => `${topo!.addrs[name]}:3540`;

  beforeAll(async () => {
    topo!.up();
    pub = topo!.pnrp('pub', 'node', '--port', '3540', '--advertise', topo!.addrs.pub!, '--json');
    await pub.waitFor(isEvent('listening'), WAIT_MS);
    pub2 = topo!.pnrp(
      'pub2',
      'node',
      '--port',
      '3540',
      '--advertise',
      topo!.addrs.pub2!,
      '--bootstrap',
      at('pub'),
      '--json',
    );
    await pub2.waitFor(isEvent('status', { status: 'active' }), WAIT_MS);
  });
  afterAll(() => topo?.down());

  it('cone1: learns its NAT address, confirmed by a dial-back from a node of the cloud, and registers with it', async () => {
    // Only the bootstrap is named: pub2, learned from the cloud, dials back.
    const node = topo!.pnrp(
      'cone1',
      'node',
      '--port',
      '3540',
      '--bootstrap',
      at('pub'),
      '--register',
      '0.cone1',
      '--json',
    );
    const confirmed = await node.waitFor(isEvent('address', { state: 'confirmed' }), WAIT_MS);
    expect(confirmed).toMatchObject({
      endpoint: `${topo!.addrs.rc1}:3540`, // the router's public address; Linux kept the port
      reportedBy: at('pub'),
      confirmedBy: at('pub2'),
      natted: true,
    });
    const registered = await node.waitFor(
      (l) => isEvent('registered')(l) && (l.endpoints as string[])[0] !== '127.0.0.1:3540',
      WAIT_MS,
    );
    expect(registered).toMatchObject({
      peerName: '0.cone1',
      endpoints: [`${topo!.addrs.rc1}:3540`],
    });
  });

  it('sym1: the address stays unconfirmed (symmetric NAT) and the node says so', async () => {
    const node = topo!.pnrp(
      'sym1',
      'node',
      '--port',
      '3540',
      '--bootstrap',
      at('pub'),
      '--stun',
      at('pub2'),
      '--register',
      '0.sym1',
      '--json',
    );
    const unconfirmed = await node.waitFor(isEvent('address', { state: 'unconfirmed' }), WAIT_MS);
    expect(unconfirmed).toMatchObject({ reason: 'endpoint-dependent-mapping' });
    const observed = unconfirmed.observed as { server: string; mapped: string }[];
    expect(new Set(observed.map((o) => o.mapped)).size).toBe(2);
    for (const o of observed) expect(o.mapped.startsWith(`${topo!.addrs.rs1}:`)).toBe(true);
    await node.waitFor(isEvent('registered'), WAIT_MS);
    expect(node.json().some(isEvent('address', { state: 'confirmed' }))).toBe(false);
  });

  it('cone2: a changed NAT mapping is noticed, confirmed and re-registered', async () => {
    const node = topo!.pnrp(
      'cone2',
      'node',
      '--port',
      '3540',
      '--bootstrap',
      at('pub'),
      '--stun',
      at('pub2'),
      '--register',
      '0.cone2',
      '--json',
    );
    const first = `${topo!.addrs.rc2}:3540`;
    await node.waitFor(isEvent('registered'), WAIT_MS);
    expect(node.json().find(isEvent('address', { state: 'confirmed' }))).toMatchObject({
      endpoint: first,
    });
    // The NAT now maps every flow to public port 45000 (still endpoint-independent).
    topo!.exec('rc2', 'nft', 'flush', 'chain', 'ip', 'nat', 'postrouting');
    const rule = `oifname "wan" meta l4proto udp snat to ${topo!.addrs.rc2}:45000`;
    topo!.exec('rc2', 'nft', `add rule ip nat postrouting ${rule}`);
    topo!.exec('rc2', 'conntrack', '-F');
    const moved = `${topo!.addrs.rc2}:45000`;
    const changed = await node.waitFor(
      isEvent('address', { state: 'confirmed', endpoint: moved }),
      2 * WAIT_MS,
    );
    expect(changed.previous).toBe(first);
    await node.waitFor(isEvent('address', { state: 'changed', endpoint: moved }), WAIT_MS);
    const registered = await node.waitFor(
      (l) => isEvent('registered')(l) && (l.endpoints as string[])[0] === moved,
      WAIT_MS,
    );
    expect(registered).toMatchObject({ peerName: '0.cone2', endpoints: [moved] });
  });
});
