/**
 * nat-types (issue 16): verifies the emulated NATs of scripts/netns/netns.sh with a prober that is
 * independent of the code under test (scripts/netns/udp-probe.mjs). From one socket inside each
 * NATed namespace, UDP probes go to two public reflectors on different hosts; each reflector
 * answers with the source it saw. Behind a cone NAT both see the same public address and port
 * (endpoint-independent mapping); behind the symmetric NAT the ports differ (address-and-port-
 * dependent mapping). Filtering is checked too: a public host the NATed node never sent to cannot
 * reach the mapping. The mapping lifetime is read from conntrack (the rate keep-alives need).
 * Skipped, with the reason, when namespaces cannot be made (not root, no `ip netns`, nftables or
 * conntrack). Real time: nothing asserts a duration of ours.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsUnavailable, ROOT, Topology } from './netns.js';

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`nat-types: skipped: ${unavailable}`);

const PROBE = 'scripts/netns/udp-probe.mjs';
const topo = unavailable ? undefined : new Topology('pnrp-nt-');

function waitReady(child: ReturnType<Topology['spawn']>): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    child.on('close', (code) => reject(new Error(`reflector exited ${code}`)));
  });
}

/** Observed `address:port` per reflector, probing from `name` out of local port `port`. */
function probe(name: string, port: number, targets: string[]): Record<string, string> {
  const r = spawnSync(
    'ip',
    [
      'netns',
      'exec',
      `pnrp-nt-${name}`,
      process.execPath,
      PROBE,
      'probe',
      String(port),
      ...targets,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, string>);
}

describe.skipIf(unavailable !== undefined)('nat-types: the emulated NATs behave as named', () => {
  beforeAll(async () => {
    topo!.up();
    await Promise.all(
      ['pub', 'pub2'].map((n) =>
        waitReady(topo!.spawn(n, process.execPath, [PROBE, 'serve', '4000'])),
      ),
    );
  });
  afterAll(() => topo?.down());

  const reflectors = (): string[] => [`${topo!.addrs.pub}:4000`, `${topo!.addrs.pub2}:4000`];

  it.each([
    ['cone1', 'rc1'],
    ['cone2', 'rc2'],
  ])(
    '%s: endpoint-independent mapping (one public endpoint for two destinations)',
    (name, router) => {
      const seen = probe(name, 5000, reflectors());
      const [a, b] = reflectors().map((t) => seen[t]);
      expect(a).toBeDefined();
      expect(a).toBe(b);
      expect(a!.startsWith(`${topo!.addrs[router]}:`)).toBe(true);
    },
  );

  it('sym1: address-and-port-dependent mapping (a new public port per destination)', () => {
    const seen = probe('sym1', 5000, reflectors());
    const [a, b] = reflectors().map((t) => seen[t]);
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a!.split(':')[0]).toBe(topo!.addrs.rs1);
    expect(b!.split(':')[0]).toBe(topo!.addrs.rs1);
    expect(a).not.toBe(b);
  });

  it('cone1: filtering is address-and-port dependent (only hosts it sent to get in)', async () => {
    // cone1 keeps talking to pub only while pub2 aims datagrams at the mapping pub sees.
    const mapped = probe('cone1', 5001, [`${topo!.addrs.pub}:4000`])[`${topo!.addrs.pub}:4000`];
    expect(mapped).toBeDefined();
    const listener = topo!.spawn('cone1', process.execPath, [
      PROBE,
      'listen',
      '5001',
      '3000',
      `${topo!.addrs.pub}:4000`,
    ]);
    let out = '';
    listener.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const closed = new Promise((resolve) => listener.on('close', resolve));
    const sent = spawnSync(
      'ip',
      ['netns', 'exec', 'pnrp-nt-pub2', process.execPath, '-e', SEND_FIVE, mapped!],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(sent.status, sent.stderr).toBe(0);
    await closed;
    const counts = JSON.parse(out) as Record<string, number>;
    expect(counts[`${topo!.addrs.pub}:4000`]).toBeGreaterThan(0); // the listener works
    expect(Object.keys(counts)).toEqual([`${topo!.addrs.pub}:4000`]); // pub2 got nothing through
  });

  it('mapping lifetime: 30 s after the last datagram, 120 s once replies came more than 2 s apart', async () => {
    const flow = (): string =>
      topo!
        .exec('rc1', 'conntrack', '-L', '-p', 'udp', '--orig-port-src', '5002')
        .split('\n')
        .find((l) => l.includes('sport=5002'))!;
    probe('cone1', 5002, [`${topo!.addrs.pub}:4000`]);
    const fresh = flow();
    expect(Number(fresh.split(/\s+/)[2])).toBeLessThanOrEqual(30);
    expect(fresh).not.toContain('ASSURED');
    await new Promise((r) => setTimeout(r, 2_500));
    probe('cone1', 5002, [`${topo!.addrs.pub}:4000`]);
    const assured = flow();
    expect(assured).toContain('[ASSURED]');
    expect(Number(assured.split(/\s+/)[2])).toBeGreaterThan(30);
    expect(Number(assured.split(/\s+/)[2])).toBeLessThanOrEqual(120);
  });
});

/** Sends five datagrams, 100 ms apart, to the `address:port` in argv[1]. */
const SEND_FIVE = `const s = require('node:dgram').createSocket('udp4');
const [h, p] = process.argv[1].split(':');
let n = 0;
const t = setInterval(() => { s.send('x', Number(p), h); if (++n === 5) { clearInterval(t); setTimeout(() => s.close(), 50); } }, 100);`;
