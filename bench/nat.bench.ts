/**
 * NAT traversal in the namespaces of scripts/netns/netns.sh (issue 16), measured with the
 * scenario of test/netns/punch-setup.ts: `pnrp connect --punch` from behind one cone NAT to a
 * node registered behind the other (and the reverse), BENCH_NAT_TRIES tries each (default 100),
 * each from a fresh UDP port so both NATs map it afresh. Reports per direction: tries connected
 * directly, the time from the resolver's first datagram to the target (its INQUIRE, which starts
 * the punch) to the first datagram from the target (median, p95, max), the whole resolve, and the
 * pings' round trip over the punched path. Plus the symmetric NAT: tries from `sym1`, where the
 * punch fails (a relay's case). NAT types covered: cone = endpoint-independent mapping with
 * address-and-port-dependent filtering ("port-restricted cone", nftables masquerade); symmetric =
 * address-and-port-dependent mapping (masquerade random). Needs root (network namespaces);
 * otherwise prints why and skips. Run: npx tsx bench/run.ts nat
 */
import { netnsUnavailable } from '../test/netns/netns.js';
import { type ConnectLine, startPunchScenario } from '../test/netns/punch-setup.js';
import { median, printTable, quantile } from './table.js';

const TRIES = Number(process.env.BENCH_NAT_TRIES ?? 100);
const SYMMETRIC_TRIES = Number(process.env.BENCH_NAT_SYMMETRIC_TRIES ?? 5);

const unavailable = netnsUnavailable();
if (unavailable) {
  console.log(`nat bench skipped: ${unavailable}`);
} else {
  const s = await startPunchScenario('pnrp-bn-', ['cone1', 'cone2']);
  try {
    const rows: (string | number)[][] = [];
    const row = (label: string, nat: string, tries: ConnectLine[]): void => {
      const ok = tries.filter((t) => t.event === 'connected');
      const first = ok.map((t) => t.firstDirectMs!);
      const resolve = ok.map((t) => t.resolveMs!);
      const rtt = ok.flatMap((t) => t.pongs!.map((p) => p.rttMs));
      rows.push([
        label,
        nat,
        `${ok.length}/${tries.length}`,
        ok.length ? median(first) : '-',
        ok.length ? quantile(first, 0.95) : '-',
        ok.length ? Math.max(...first) : '-',
        ok.length ? median(resolve) : '-',
        ok.length ? quantile(resolve, 0.95) : '-',
        rtt.length ? median(rtt) : '-',
      ]);
    };
    row(
      'cone1 -> cone2',
      'cone / cone',
      await s.connect('cone1', '0.cone2', '--punch', '--tries', String(TRIES)),
    );
    row(
      'cone2 -> cone1',
      'cone / cone',
      await s.connect('cone2', '0.cone1', '--punch', '--tries', String(TRIES)),
    );
    row(
      'sym1 -> cone2',
      'symmetric / cone',
      await s.connect(
        'sym1',
        '0.cone2',
        '--punch',
        '--timeout',
        '6000',
        '--tries',
        String(SYMMETRIC_TRIES),
      ),
    );
    printTable(
      'nat hole punching in namespaces',
      [
        'direction',
        'NATs (initiator / target)',
        'connected directly',
        'first direct datagram median ms',
        'p95 ms',
        'max ms',
        'resolve median ms',
        'resolve p95 ms',
        'ping rtt median ms',
      ],
      rows,
    );
  } finally {
    s.down();
  }
}
