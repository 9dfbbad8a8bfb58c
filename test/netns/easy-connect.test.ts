/**
 * Easy Connect (issue 16 target): `pnrp easy-connect` processes in different namespaces of
 * scripts/netns/netns.sh. A bootstrap `pnrp node` runs on `pub`; the offerer runs on the public
 * host `pub2` (a public address: this test does not use hole punching or relays); accepters run
 * behind NATs. From `cone2` (cone NAT) a wrong password is refused (exit 1, WRONG_PASSWORD) and
 * the offer counts it; from `cone1` (cone NAT) the right password connects: both print the same
 * confirmation, the accepter names the offerer's public endpoint and the offerer names the
 * accepter's NAT'd endpoint (the router's public address). A second offer is accepted from
 * `sym1`, behind the symmetric NAT, since the accepter only sends to the public offerer.
 * Offerers behind NATs: test/netns/easy-connect-nat.test.ts.
 * Skipped, with the reason, when namespaces cannot be made. Real time: no duration is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LineProcess, netnsUnavailable, Topology } from './netns.js';

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`easy-connect: skipped: ${unavailable}`);

const topo = unavailable ? undefined : new Topology('pnrp-ec-');
const WAIT_MS = 60_000;
const PASSWORD = 'blue tulip 7';

const isEvent =
  (event: string) =>
  (line: Record<string, unknown>): boolean =>
    line.event === event;

/** Runs `pnrp args` in namespace `name` to its end; its exit code and JSON lines. */
async function run(
  name: string,
  ...args: string[]
): Promise<{ code: number | null; json: Record<string, unknown>[] }> {
  const p = topo!.pnrp(name, ...args);
  const code = await new Promise<number | null>((resolve) => p.child.on('close', resolve));
  return { code, json: p.json() };
}

describe.skipIf(unavailable !== undefined)(
  'easy-connect: processes in different namespaces',
  () => {
    const bootstrap = (): string => `${topo!.addrs.pub}:3540`;

    beforeAll(async () => {
      topo!.up();
      const pub = topo!.pnrp(
        'pub',
        'node',
        '--port',
        '3540',
        '--advertise',
        topo!.addrs.pub!,
        '--json',
      );
      await pub.waitFor(isEvent('listening'), WAIT_MS);
    });
    afterAll(() => topo?.down());

    function offer(port: string): LineProcess {
      return topo!.pnrp(
        'pub2',
        'easy-connect',
        'offer',
        '--password',
        PASSWORD,
        '--host',
        topo!.addrs.pub2!,
        '--port',
        port,
        '--bootstrap',
        bootstrap(),
        '--json',
      );
    }

    const accept = (name: string, code: string, password: string) =>
      run(
        name,
        'easy-connect',
        'accept',
        code,
        '--password',
        password,
        '--bootstrap',
        bootstrap(),
        '--json',
      );

    it('offer on pub2; cone2 with a wrong password is refused; cone1 with the right one connects', async () => {
      const o = offer('3541');
      const { code, endpoints } = (await o.waitFor(isEvent('offer'), WAIT_MS)) as {
        code: string;
        endpoints: string[];
      };
      expect(endpoints).toEqual([`${topo!.addrs.pub2}:3541`]);

      const wrong = await accept('cone2', code, 'red tulip 7');
      expect(wrong.code).toBe(1);
      expect(wrong.json).toEqual([
        expect.objectContaining({ event: 'failed', code: 'WRONG_PASSWORD' }),
      ]);
      const failed = await o.waitFor(isEvent('attempt-failed'), WAIT_MS);
      expect(failed).toMatchObject({ reason: 'wrong-password', failures: 1 });
      expect(String(failed.from)).toMatch(new RegExp(`^${topo!.addrs.rc2}:\\d+$`));

      const right = await accept('cone1', code, PASSWORD);
      expect(right.code).toBe(0);
      const accepted = right.json.find(isEvent('connected'))!;
      const offered = await o.waitFor(isEvent('connected'), WAIT_MS);
      expect(accepted).toMatchObject({ peer: `${topo!.addrs.pub2}:3541` });
      expect(accepted.confirmation).toBe(offered.confirmation);
      expect(String(offered.peer)).toMatch(new RegExp(`^${topo!.addrs.rc1}:\\d+$`));
    });

    it('an accepter behind the symmetric NAT connects to a public offerer too', async () => {
      const o = offer('3542');
      const { code } = (await o.waitFor(isEvent('offer'), WAIT_MS)) as { code: string };
      const right = await accept('sym1', code, PASSWORD);
      expect(right.code).toBe(0);
      const offered = await o.waitFor(isEvent('connected'), WAIT_MS);
      expect(right.json.find(isEvent('connected'))!.confirmation).toBe(offered.confirmation);
      expect(String(offered.peer)).toMatch(new RegExp(`^${topo!.addrs.rs1}:\\d+$`));
    });
  },
);
