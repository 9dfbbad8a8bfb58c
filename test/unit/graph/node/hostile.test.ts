import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphEvent } from '../../../../src/graph/events.js';
import type { GraphMessage, GraphRecord } from '../../../../src/graph/model.js';
import { GraphNode, type GraphNodeOptions } from '../../../../src/graph/node.js';
import { nullGraphSecurityProvider } from '../../../../src/graph/security/index.js';
import { encodeGraphMessage, frameUnit, newRecordId } from '../../../../src/graph/wire/index.js';
import type { LogEvent } from '../../../../src/log.js';
import type { ConnectionOutput, Output } from '../../../../src/sans-io.js';
import { seededRng } from '../../../../src/util/rng.js';
import { addressOf, WALL_BASE_MS } from './harness.js';

const FROM = { address: addressOf(99).address, port: 40000 };

function listeningNode(extra: Partial<GraphNodeOptions> = {}): GraphNode {
  const node = new GraphNode({
    graphId: 'test-graph',
    peerId: 'server',
    rng: seededRng(7),
    wallClock: { nowMs: () => WALL_BASE_MS },
    security: nullGraphSecurityProvider(),
    listenAddresses: [addressOf(0)],
    ...extra,
  });
  node.create(0, { maxPresenceRecords: 0 });
  drain(node);
  return node;
}

function drain(node: GraphNode): (Output<GraphEvent> | ConnectionOutput)[] {
  const out: (Output<GraphEvent> | ConnectionOutput)[] = [];
  for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) out.push(o);
  return out;
}

function framed(m: GraphMessage): Uint8Array {
  return frameUnit(encodeGraphMessage(m));
}

const AUTH: GraphMessage = {
  type: 'auth-info',
  connectionType: 'neighbor',
  graphId: 'test-graph',
  sourcePeerId: 'client',
  destinationPeerId: '',
};
const CONNECT: GraphMessage = {
  type: 'connect',
  update: false,
  direct: false,
  wantNeighbors: true,
  nodeId: 77n,
  addresses: [],
  friendlyName: '',
};

const SOLICIT_HASH: GraphMessage = {
  type: 'solicit-hash',
  filter: { mode: 'all', types: [] },
  entries: [{ hash: new Uint8Array(16), modifiedAt: 0n, id: new Uint8Array(16) }],
};

function record(i: number): GraphRecord {
  const t = 134_116_992_000_000_000n;
  return {
    type: Uint8Array.from([0xa0, ...new Array(15).fill(6)]),
    id: newRecordId(
      'client',
      Uint8Array.from({ length: 16 }, (_, k) => (k + i) & 0xff),
    ),
    version: 1,
    deleted: false,
    creatorId: 'client',
    modifiedById: '',
    securityData: new Uint8Array(0),
    createdAt: t,
    expiresAt: t + 36_000_000_000n,
    modifiedAt: t,
    graphId: 'test-graph',
    payload: Uint8Array.of(i),
    attributes: '',
  };
}

function feed(node: GraphNode, ...chunks: Uint8Array[]): (Output<GraphEvent> | ConnectionOutput)[] {
  node.handleAccepted(1, -1, FROM);
  for (const c of chunks) node.handleReceived(1, -1, c);
  return drain(node);
}

function closed(out: readonly (Output<GraphEvent> | ConnectionOutput)[]): boolean {
  return out.some((o) => o.type === 'close' && o.conn === -1);
}

describe('GraphNode: hostile input ends the connection with a counted reason', () => {
  const cases: [string, Uint8Array[], string][] = [
    ['a first message that is not AUTH_INFO', [framed(CONNECT)], 'out-of-state'],
    ['AUTH_INFO for another graph', [framed({ ...AUTH, graphId: 'other' })], 'wrong-graph'],
    [
      'AUTH_INFO naming another destination',
      [framed({ ...AUTH, destinationPeerId: 'x' })],
      'wrong-peer',
    ],
    ['a frame of size zero', [Uint8Array.of(0, 0, 1)], 'framing:'],
    [
      'a WELCOME sent to the responder',
      [
        framed(AUTH),
        framed({
          type: 'welcome',
          nodeId: 1n,
          peerTime: 0n,
          addresses: [],
          peerId: 'c',
          friendlyName: '',
        }),
      ],
      'out-of-state',
    ],
    [
      'a FLOOD before CONNECT',
      [framed(AUTH), framed({ type: 'flood', record: record(1) })],
      'out-of-state',
    ],
    ['a second AUTH_INFO', [framed(AUTH), framed(AUTH)], 'out-of-state'],
    [
      'an ADVERTISE with no hash sync running',
      [framed(AUTH), framed(CONNECT), framed({ type: 'advertise', boundaries: [], abstracts: [] })],
      'out-of-state',
    ],
    [
      'a second SOLICIT_HASH while the first is answered',
      [framed(AUTH), framed(CONNECT), framed(SOLICIT_HASH), framed(SOLICIT_HASH)],
      'out-of-state',
    ],
    [
      'a REQUEST with no SOLICIT_HASH before it',
      [framed(AUTH), framed(CONNECT), framed({ type: 'request', abstracts: [] })],
      'out-of-state',
    ],
  ];
  for (const [what, chunks, reason] of cases) {
    it(`${what}: ${reason}`, () => {
      const node = listeningNode();
      const out = feed(node, ...chunks);
      expect(closed(out)).toBe(true);
      const reasons = Object.keys(node.stats.terminated);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]!.startsWith(reason)).toBe(true);
      expect(node.connectionCount).toBe(0);
    });
  }

  it('the logger hears the status and every connection the node ends', () => {
    const logs: LogEvent[] = [];
    const node = listeningNode({ logger: (e) => logs.push(e) });
    feed(node, framed(CONNECT));
    expect(logs).toContainEqual({ type: 'status', cloud: 'test-graph', status: 'listening' });
    expect(logs).toContainEqual(
      expect.objectContaining({ type: 'drop', reason: 'graph:out-of-state' }),
    );
  });

  it('an unknown message type after authentication is malformed', () => {
    const node = listeningNode();
    const bad = encodeGraphMessage({ type: 'sync-end' });
    bad[5] = 0x3f;
    feed(node, framed(AUTH), frameUnit(bad));
    expect(Object.keys(node.stats.terminated)[0]).toMatch(/^malformed:/);
  });

  it('random bytes on an accepted connection never throw (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }),
        fc.boolean(),
        (chunks, authFirst) => {
          const node = listeningNode();
          const out = feed(node, ...(authFirst ? [framed(AUTH), framed(CONNECT)] : []), ...chunks);
          const ended = Object.values(node.stats.terminated).reduce((a, b) => a + b, 0);
          expect(ended).toBeLessThanOrEqual(1);
          expect(closed(out)).toBe(ended === 1);
          expect(node.connectionCount).toBe(1 - ended);
        },
      ),
      { numRuns: 300, seed: 1401 },
    );
  });

  it('random messages after CONNECT never throw and never corrupt the database (property)', () => {
    const arb = fc.oneof(
      fc.constant<GraphMessage>({ type: 'sync-end' }),
      fc.constant<GraphMessage>({ type: 'ack', acks: [{ id: new Uint8Array(16), useful: true }] }),
      fc
        .integer({ min: 0, max: 50 })
        .map<GraphMessage>((i) => ({ type: 'flood', record: record(i) })),
      fc.constant<GraphMessage>({ type: 'solicit-new', filter: { mode: 'all', types: [] } }),
      fc.constant<GraphMessage>({ type: 'disconnect', reason: 1, addresses: [] }),
    );
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 12 }), (messages) => {
        const node = listeningNode();
        feed(node, framed(AUTH), framed(CONNECT), ...messages.map(framed));
        for (const r of node.records()) expect(r.graphId).toBe('test-graph');
      }),
      { numRuns: 100, seed: 1402 },
    );
  });
});

describe('GraphNode: bounded tables', () => {
  it('accepted connections beyond the handshaking bound are closed at once', () => {
    const node = listeningNode({ limits: { acceptedPendingMax: 3 } });
    for (let i = 1; i <= 5; i++) node.handleAccepted(1, -i, FROM);
    const out = drain(node);
    expect(node.connectionCount).toBe(3);
    expect(out.filter((o) => o.type === 'close')).toHaveLength(2);
    expect(node.stats.terminated['accepted-pending-max']).toBe(2);
  });

  it('a node that does not listen closes accepted connections', () => {
    const node = new GraphNode({
      graphId: 'test-graph',
      peerId: 'joiner',
      rng: seededRng(8),
      wallClock: { nowMs: () => WALL_BASE_MS },
      security: nullGraphSecurityProvider(),
    });
    node.open(0);
    node.handleAccepted(1, -1, FROM);
    expect(drain(node).some((o) => o.type === 'close')).toBe(true);
    expect(node.stats.terminated['not-listening']).toBe(1);
  });

  it('the Referral List keeps the 100 most recent referrals', () => {
    const node = listeningNode();
    const conn = node.connect(1, FROM);
    node.handleConnected(2, conn);
    drain(node);
    const addresses = Array.from({ length: 150 }, (_, i) => ({
      address: addressOf(200 + i).address,
      port: 3000,
    }));
    node.handleReceived(3, conn, framed({ type: 'refuse', code: 1, addresses }));
    drain(node);
    expect(node.referralCount).toBe(100);
    expect(node.stats.boundHits.referrals).toBe(50);
  });

  it('the Deferred Record List drops its oldest record beyond its bound', () => {
    const security = {
      ...nullGraphSecurityProvider(),
      validateRecord: () => ({ kind: 'defer' as const, reason: 'later' }),
    };
    const node = listeningNode({ security, limits: { deferredRecordsMax: 3 } });
    feed(
      node,
      framed(AUTH),
      framed(CONNECT),
      ...[1, 2, 3, 4, 5].map((i) => framed({ type: 'flood', record: record(i) })),
    );
    expect(node.deferredCount).toBe(3);
    expect(node.stats.boundHits['deferred-records']).toBe(2);
    expect(node.stats.recordsDeferred).toBe(5);
  });
});
