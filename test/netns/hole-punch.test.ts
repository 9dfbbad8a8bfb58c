/**
 * hole-punch (issue 16): cone to cone through the cloud, in the namespaces of
 * scripts/netns/netns.sh (test/netns/punch-setup.ts). `pub` is the bootstrap and the only public
 * node of the cloud; `cone2` registers `0.cone2` behind its cone NAT (endpoint-independent mapping,
 * port-restricted filtering) and keeps its mapping with `pub` alive. From `cone1`, behind the other
 * cone NAT, `pnrp connect 0.cone2 --punch` resolves and reaches it directly, PNRP_PUNCH_TRIES times
 * (default 100; each try from a fresh UDP port, so both NATs map it afresh): at least 99% of the
 * tries connect, and the datagrams went directly: the pongs come from cone2's NAT (not from pub),
 * and cone2 saw each try's probes from cone1's NAT at the try's own port. Controls: without
 * --punch the resolve cannot reach the target (its INQUIRE is filtered); 40 s after cone2
 * registered, pub still relays to it (it counts a mapping live 30 s after its last proven
 * keep-alive, so only cone2's keep-alives keep it); from behind the symmetric NAT the punch fails
 * (timeout): that case needs a relay.
 * Skipped, with the reason, when namespaces cannot be made. Real time: no duration is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsUnavailable } from './netns.js';
import { type PunchScenario, startPunchScenario } from './punch-setup.js';

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`hole-punch: skipped: ${unavailable}`);

const TRIES = Number(process.env.PNRP_PUNCH_TRIES ?? 100);

describe.skipIf(unavailable !== undefined)('hole-punch: cone to cone through the cloud', () => {
  let s: PunchScenario;
  let registeredAt = 0;

  beforeAll(async () => {
    s = await startPunchScenario('pnrp-hp-');
    registeredAt = performance.now();
  }, 120_000);
  afterAll(() => s?.down());

  it(`cone1 -> cone2: resolve, punch and exchange datagrams directly in >= 99% of ${TRIES} tries`, async () => {
    const tries = await s.connect('cone1', '0.cone2', '--punch', '--tries', String(TRIES));
    expect(tries).toHaveLength(TRIES);
    const connected = tries.filter((t) => t.event === 'connected');
    expect(connected.length).toBeGreaterThanOrEqual(Math.ceil(0.99 * TRIES));
    const rc1 = s.topo.addrs.rc1!;
    const cone2At = `${s.topo.addrs.rc2}:3540`;
    for (const t of connected) {
      expect(t.endpoint).toBe(cone2At);
      expect(t.punched).toBe(true);
      expect(t.pongs!.length).toBe(3);
      for (const p of t.pongs!) expect(p.from).toBe(cone2At); // not pub's address
    }
    // cone2 saw each try's probes from cone1's NAT, at the port of that try (kept by the NAT).
    const seen = new Set(
      s.nodes
        .cone2!.json()
        .filter((l) => l.event === 'punch' && l.state === 'open' && l.role === 'target')
        .map((l) => l.peer as string),
    );
    for (const t of connected) expect(seen.has(`${rc1}:${t.local}`)).toBe(true);
  }, 170_000);

  it('without --punch the resolve cannot reach cone2 (the NAT filters its INQUIRE)', async () => {
    const [t] = await s.connect('cone1', '0.cone2', '--timeout', '8000');
    expect(t!.event).toBe('failed');
    expect(t!.code).toBe('NOT_FOUND');
  }, 60_000);

  it('keep-alives: 40 s after registering (the rendezvous forgets a mapping 30 s after its last proof) pub still forwards', async () => {
    const wait = registeredAt + 40_000 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const [t] = await s.connect('cone1', '0.cone2', '--punch');
    expect(t!.event).toBe('connected');
    expect(t!.endpoint).toBe(`${s.topo.addrs.rc2}:3540`);
  }, 60_000);

  it('sym1 -> cone2: the punch fails behind the symmetric NAT (a relay is needed)', async () => {
    const [t] = await s.connect('sym1', '0.cone2', '--punch', '--timeout', '8000');
    expect(t!.event).toBe('failed');
    const reasons = t!.punchFailures!.filter((f) => f.peer === `${s.topo.addrs.rc2}:3540`);
    expect(reasons.map((f) => f.reason)).toContain('timeout');
    expect(reasons[0]!.replies).toEqual([`${s.at('pub')} forwarded`]);
  }, 60_000);
});
