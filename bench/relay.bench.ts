/**
 * The relay (issue 16 Build 3), measured: (1) relay bytes: a client behind a symmetric NAT and a
 * peer behind a cone NAT exchange datagrams of MS-PNRP sizes through a `RelayServer` in the
 * virtual world of the unit tests (exact byte counts: what the relay received and sent per
 * datagram exchanged, and the overhead over the payload; the reservation's upkeep per minute);
 * (2) `RelayServer` forwarding rate in this process; (3) in the network namespaces of
 * scripts/netns/netns.sh (root only, skipped with the reason otherwise): time to reserve, to
 * resolve and to the first PONG through the relay, cone to symmetric and symmetric to cone, over
 * fresh `pnrp ping` processes. Measures; never asserts. Run: npx tsx bench/run.ts relay
 */
import { parseEndpoint } from '../src/keys/endpoint.js';
import { RelayClient } from '../src/nat/relay-client.js';
import { encodeRelayMessage } from '../src/nat/relay-codec.js';
import { RelayResponderNode } from '../src/nat/relay-peer.js';
import { RelayServer } from '../src/nat/relay-server.js';
import { drainNode } from '../src/sans-io.js';
import { seededRng } from '../src/util/rng.js';
import { netnsUnavailable, Topology } from '../test/netns/netns.js';
import { Nat, World } from '../test/unit/nat/relay-world.js';
import { median, opsPerSecond, printTable, quantile } from './table.js';

// --- (1) relay bytes per datagram ---------------------------------------------------------------

const RELAY = '203.0.113.10:3540';
const SLOT = '203.0.113.10:3541';
const EXCHANGES = 100;

function bytesRow(payloadBytes: number): (string | number)[] {
  const world = new World();
  const server = world.add(
    new RelayServer({ rng: seededRng('relay'), slots: [parseEndpoint(SLOT)] }),
    [RELAY, SLOT],
  );
  const client = world.add(
    new RelayClient({ rng: seededRng('client'), relay: parseEndpoint(RELAY) }),
    ['10.0.3.2:3540'],
    new Nat('203.0.113.31', true),
  );
  const peer = world.add(
    new RelayResponderNode(),
    ['10.0.1.2:3540'],
    new Nat('203.0.113.21', false),
  );
  world.command(client, (n, now) => n.start(now));
  world.run(1000);
  const padding = payloadBytes - 8;
  const before = {
    ...server.stats,
    received: server.stats.receivedBytes,
    sent: server.stats.sentBytes,
  };
  // The peer pings the relayed endpoint; the client's PONG (as long) comes back: 2 datagrams each.
  for (let i = 0; i < EXCHANGES; i++) {
    const ping = encodeRelayMessage({ type: 'ping', sequence: i, padding });
    world.command(peer, (n, now) => n.send(now, parseEndpoint(SLOT), ping));
    world.run(world.nowMs + 100);
  }
  const pongs = world.events(peer).length;
  const received = server.stats.receivedBytes - before.received;
  const sent = server.stats.sentBytes - before.sent;
  const datagrams = 2 * pongs;
  const payload = datagrams * payloadBytes;
  return [
    payloadBytes,
    `${pongs}/${EXCHANGES}`,
    Math.round(received / datagrams),
    Math.round(sent / datagrams),
    Math.round((received + sent) / datagrams),
    (received + sent) / payload,
    Math.round((received + sent - 2 * payload) / datagrams),
    server.stats.knocksSent,
  ];
}

printTable(
  'relay bytes per datagram exchanged',
  [
    'payload B',
    'exchanges',
    'relay in B/dgram',
    'relay out B/dgram',
    'relay total B/dgram',
    'total / payload',
    'overhead B/dgram',
    'knocks',
  ],
  [64, 200, 600, 1188].map(bytesRow),
);

// The reservation's upkeep: RESERVE (32 B) and RESERVED (28 B) every 10 s, nothing else.
{
  const world = new World();
  const server = world.add(
    new RelayServer({ rng: seededRng('relay'), slots: [parseEndpoint(SLOT)] }),
    [RELAY, SLOT],
  );
  const client = world.add(
    new RelayClient({ rng: seededRng('client'), relay: parseEndpoint(RELAY) }),
    ['10.0.3.2:3540'],
    new Nat('203.0.113.31', true),
  );
  world.command(client, (n, now) => n.start(now));
  world.run(1000);
  const start = world.delivered.length;
  world.run(61_000);
  const upkeep = world.delivered.slice(start);
  printTable(
    'relay reservation upkeep per minute',
    ['datagrams', 'bytes', 'refreshes'],
    [[upkeep.length, upkeep.reduce((s, [, , n]) => s + n, 0), server.stats.reservationsRefreshed]],
  );
}

// --- (2) forwarding rate ------------------------------------------------------------------------

{
  const server = new RelayServer({
    rng: seededRng('relay'),
    slots: [parseEndpoint(SLOT)],
    bytesPerSecond: 1e12,
    burstBytes: 1e12,
    datagramsPerSecond: 1e12,
    burstDatagrams: 1e12,
  });
  const clientEp = parseEndpoint('203.0.113.31:40000');
  const peerEp = parseEndpoint('203.0.113.21:3540');
  const sink = { transmit: () => {}, event: () => {} };
  let now = 0;
  server.handleDatagram(now, clientEp, encodeRelayMessage({ type: 'reserve', requestId: 1 }));
  let cookie: Uint8Array | undefined;
  drainNode(server, {
    transmit: (t) => {
      cookie = t.payload.slice(8, 16);
    },
    event: () => {},
  });
  server.handleDatagram(
    now,
    clientEp,
    encodeRelayMessage({ type: 'reserve', requestId: 1, cookie: cookie! }),
  );
  drainNode(server, sink);
  const datagram = new Uint8Array(600).fill(3);
  const send = encodeRelayMessage({ type: 'send', peer: peerEp, payload: datagram });
  const slot = parseEndpoint(SLOT);
  const fromPeer = opsPerSecond(() => {
    server.handleDatagram(++now, peerEp, datagram, slot);
    drainNode(server, sink);
  });
  const fromClient = opsPerSecond(() => {
    server.handleDatagram(++now, clientEp, send);
    drainNode(server, sink);
  });
  printTable(
    'relay forwarding rate (one process, 600-byte datagrams)',
    ['direction', 'datagrams/s'],
    [
      ['peer to client (DATA)', Math.round(fromPeer)],
      ['client to peer (SEND)', Math.round(fromClient)],
    ],
  );
}

// --- (3) time to the first datagram through the relay, in network namespaces ---------------------

const TRIES = Number(process.env.PNRP_RELAY_BENCH_TRIES ?? 10);
const unavailable = netnsUnavailable();
if (unavailable) {
  console.log(`\nrelay timing in network namespaces: skipped: ${unavailable}\n`);
} else {
  const topo = new Topology('pnrp-rb-');
  try {
    await netnsTimings(topo);
  } finally {
    topo.down();
  }
}

async function netnsTimings(topo: Topology): Promise<void> {
  topo.up();
  const at = (name: string): string => `${topo.addrs[name]}:3540`;
  const isEvent = (event: string, state?: string) => (l: Record<string, unknown>) =>
    l.event === event && (state === undefined || l.state === state);
  const pub = topo.pnrp('pub', 'node', '--advertise', topo.addrs.pub!, '--relay', '--json');
  await pub.waitFor(isEvent('relay', 'offering'), 60_000);
  const pub2 = topo.pnrp(
    'pub2',
    'node',
    '--advertise',
    topo.addrs.pub2!,
    '--bootstrap',
    at('pub'),
    '--json',
  );
  await pub2.waitFor(isEvent('status'), 60_000);
  const cone = topo.pnrp(
    'cone1',
    'node',
    '--bootstrap',
    at('pub'),
    '--stun',
    at('pub2'),
    '--register',
    '0.cone1',
    '--json',
  );
  const sym = topo.pnrp(
    'sym1',
    'node',
    '--bootstrap',
    at('pub'),
    '--stun',
    at('pub2'),
    '--register',
    '0.sym1',
    '--json',
  );
  await cone.waitFor(
    (l) => l.event === 'registered' && (l.endpoints as string[])[0] === at('rc1'),
    60_000,
  );
  await sym.waitFor(isEvent('registered'), 60_000);
  const rows: (string | number)[][] = [];
  for (const [from, name, extra, label] of [
    ['cone1', '0.sym1', '--no-relay', 'cone to symmetric (via its relayed endpoint)'],
    ['sym1', '0.cone1', '--use-relay', 'symmetric to cone (pinger reserves, relay KNOCKs)'],
  ] as const) {
    const results: Record<string, unknown>[] = [];
    for (let i = 0; i < TRIES; i++) {
      const p = topo.pnrp(
        from,
        'ping',
        name,
        '--bootstrap',
        at('pub'),
        '--count',
        '5',
        '--interval-ms',
        '20',
        '--json',
        extra,
      );
      results.push(await p.waitFor(isEvent('ping'), 60_000));
    }
    const ok = results.filter((r) => r.received === 5).length;
    const num = (k: string) =>
      results.map((r) => Number(r[k] ?? Number.NaN)).filter(Number.isFinite);
    const rtt = results.flatMap((r) =>
      (r.rttMs as { median: number } | null) ? [(r.rttMs as { median: number }).median] : [],
    );
    rows.push([
      label,
      `${ok}/${TRIES}`,
      median(num('reserveMs')),
      median(num('resolveMs')),
      median(num('firstPongMs')),
      quantile(num('firstPongMs'), 0.95),
      median(rtt),
    ]);
  }
  printTable(
    'relay time to first datagram (netns, ms, fresh pnrp ping processes)',
    [
      'direction',
      'all PONGs',
      'reserve p50',
      'resolve p50',
      'first PONG p50',
      'first PONG p95',
      'rtt p50',
    ],
    rows,
  );
}
