/**
 * The amplification bound (issue 10 item 3, drt/address-proof.ts), fast-check, seeded: for any
 * sequence of datagrams from one source that never proved its address (valid messages of all
 * eight types with hostile field choices: the node's own key, route entries naming the source,
 * 20-address entries, every INQUIRE flag, fragments; and arbitrary or mutated bytes), the bytes the
 * node transmits to that source, until its timers settle, are at most the bytes it received from
 * it. Two targets: a DRT key with 4 KB of app data (null provider), and the same in membership
 * mode (every LOOKUP, INQUIRE and REQUEST signed, the attacker holding a valid credential).
 * Seed: PNRP_SEED, else a fixed default; printed on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/drt/events.js';
import { withMembership } from '../../src/drt/membership.js';
import { DrtNode } from '../../src/drt/node.js';
import { DEFAULT_WALL_CLOCK_MS } from '../../src/drt/options.js';
import {
  type MembershipSecurity,
  nullSecurityProvider,
  type SecurityProvider,
} from '../../src/drt/security-provider.js';
import { nobleCrypto } from '../../src/keys/crypto-backend.js';
import { type Endpoint, endpointsEqual, parseEndpoint } from '../../src/keys/endpoint.js';
import { keyFromBigInt } from '../../src/keys/key256.js';
import type { Output } from '../../src/sans-io.js';
import { seededRng } from '../../src/util/rng.js';
import { encodeDatagrams, type Message, type RouteEntry } from '../../src/wire/index.js';
import type { InquireMessage, LookupMessage, RequestMessage } from '../../src/wire/types.js';

const seed = Number(process.env.PNRP_SEED ?? 20261202);
const VERSION = { major: 6, minor: 101 };
const A = parseEndpoint('[2001:db8::a]:3540');
const S = parseEndpoint('[2001:db8::5]:4000');
const KEY = keyFromBigInt(1000n);
const NEIGHBOUR = keyFromBigInt(5000n);
const TOKEN = new TextEncoder().encode('member');

function toySign(data: Uint8Array): Uint8Array {
  return nobleCrypto.sha256(new Uint8Array([...TOKEN, ...data]));
}

const membership: MembershipSecurity = {
  credential: () => TOKEN,
  sign: toySign,
  verify: () => ({ ok: true }),
};

function address(i: number): Uint8Array {
  const a = new Uint8Array(16);
  a[0] = 0x20;
  a[1] = 0x01;
  a[14] = i >> 8;
  a[15] = i & 0xff;
  return a;
}

function target(security: SecurityProvider): DrtNode {
  const n = new DrtNode({ rng: seededRng(9), localEndpoints: [A], security });
  n.registerKey(0, KEY, new Uint8Array(4096).fill(3));
  n.seedCache(0, [
    { id: NEIGHBOUR, port: 5000, addresses: Array.from({ length: 20 }, (_, i) => address(i + 1)) },
    { id: keyFromBigInt(900n), port: 5001, addresses: [address(99)] },
  ]);
  for (let o = n.poll(); o.type !== 'timeout'; o = n.poll());
  return n;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const key = fc.oneof(
  fc.constant(KEY),
  fc.constant(NEIGHBOUR),
  fc.constant(keyFromBigInt(1001n)),
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
);
const bytes16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const endpoint: fc.Arbitrary<Endpoint> = fc.oneof(
  fc.constant(S),
  fc.constant(A),
  fc.record({ address: bytes16, port: fc.integer({ min: 1025, max: 65535 }) }),
);
const routeEntry: fc.Arbitrary<RouteEntry> = fc.oneof(
  // The source's own entry, as a registrant or a solicitor would send it.
  key.map((id) => ({ id, port: S.port, addresses: [S.address] })),
  fc.record({
    id: key,
    port: fc.constantFrom(S.port, 5000, 40_000),
    addresses: fc.array(fc.oneof(fc.constant(S.address), bytes16), { minLength: 1, maxLength: 20 }),
  }),
);
const header = { messageId: u32, version: fc.constant(VERSION) };

const lookup = fc.record({
  type: fc.constant('lookup' as const),
  ...header,
  controls: fc.record({
    acceptAny: fc.boolean(),
    precision: fc.integer({ min: 0, max: 256 }),
    resolveCriteria: fc.constantFrom('none', 'any-peer-name', 'nearest-peer-name', 'upper-bits'),
    reasonCode: fc.constantFrom('app-request', 'registration', 'cache-maintenance'),
  }),
  target: key,
  validateId: key,
  bestMatch: fc.option(routeEntry, { nil: undefined }),
  flaggedPath: fc.array(endpoint, { minLength: 1, maxLength: 3 }),
});
const inquire = fc.record({
  type: fc.constant('inquire' as const),
  ...header,
  flags: fc.record({
    wantCpa: fc.boolean(),
    wantExtendedPayload: fc.boolean(),
    wantCertChain: fc.boolean(),
  }),
  validateId: key,
  nonce: fc.option(bytes16, { nil: undefined }),
});
const solicit = fc.record({
  type: fc.constant('solicit' as const),
  ...header,
  routeEntry: fc.option(routeEntry, { nil: undefined }),
  hashedNonce: fc.uint8Array({ minLength: 20, maxLength: 20 }),
});
const request = fc.record({
  type: fc.constant('request' as const),
  ...header,
  nonce: bytes16,
  ids: fc.array(key, { maxLength: 5 }),
});
const flood = fc.record({
  type: fc.constant('flood' as const),
  ...header,
  dontAck: fc.boolean(),
  validateId: key,
  routeEntry: fc.option(routeEntry, { nil: undefined }),
  alreadyFlooded: fc.array(endpoint, { maxLength: 3 }),
});
const advertise = fc.record({
  type: fc.constant('advertise' as const),
  ...header,
  ackedMessageId: u32,
  ids: fc.array(key, { maxLength: 5 }),
  hashedNonce: fc.uint8Array({ minLength: 20, maxLength: 20 }),
});
const ack = fc.record({
  type: fc.constant('ack' as const),
  ...header,
  ackedMessageId: u32,
  notRegistered: fc.boolean(),
});
const authority = fc.record({
  type: fc.constant('authority' as const),
  ...header,
  ackedMessageId: u32,
  buffer: fc.record({
    flags: fc.record({ suspicious: fc.boolean(), busy: fc.boolean(), notRegistered: fc.boolean() }),
    routeEntry: fc.option(routeEntry, { nil: undefined }),
    validateCpa: fc.option(fc.uint8Array({ maxLength: 3000 }), { nil: undefined }),
  }),
});
const message = fc.oneof(
  lookup,
  inquire,
  solicit,
  request,
  flood,
  advertise,
  ack,
  authority,
) as fc.Arbitrary<Message>;

function strip<T extends object>(m: T): T {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as T;
}

function datagrams(signed: boolean): fc.Arbitrary<Uint8Array[]> {
  const valid = message.map((m) => {
    let msg = strip(m);
    if (signed && (msg.type === 'lookup' || msg.type === 'inquire' || msg.type === 'request')) {
      // Signed for the node under test (A) at its wall-clock time, so the membership check
      // passes and the answering code runs (a replay of the same bytes is refused as replayed).
      const secured = msg as LookupMessage | InquireMessage | RequestMessage;
      msg = withMembership(secured, membership, A, DEFAULT_WALL_CLOCK_MS);
    }
    return encodeDatagrams(msg);
  });
  const mutated = fc
    .tuple(valid, fc.nat(), fc.integer({ min: 0, max: 255 }))
    .map(([ds, at, b]) =>
      ds.map((d) => Uint8Array.from(d, (x, i) => (i === at % d.length ? b : x))),
    );
  const noise = fc.uint8Array({ minLength: 1, maxLength: 600 }).map((d) => [d]);
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 2, arbitrary: mutated },
    { weight: 1, arbitrary: noise },
  );
}

/** Bytes in and out toward S: feeds the datagrams, then runs timers for 60 s. */
function run(security: SecurityProvider, steps: readonly { gapMs: number; ds: Uint8Array[] }[]) {
  const n = target(security);
  let now = 10;
  let bytesIn = 0;
  let bytesOut = 0;
  const drain = (): number => {
    for (let o: Output<NodeEvent> = n.poll(); ; o = n.poll()) {
      if (o.type === 'timeout') return o.atMs;
      if (o.type === 'transmit' && endpointsEqual(o.to, S)) bytesOut += o.payload.length;
    }
  };
  for (const step of steps) {
    now += step.gapMs;
    for (const d of step.ds) {
      bytesIn += d.length;
      n.handleDatagram(now, S, d);
    }
    drain();
  }
  const end = now + 60_000;
  for (let at = drain(); at <= end; at = drain()) {
    now = Math.max(now, at);
    n.handleTimeout(now);
  }
  return { bytesIn, bytesOut, stats: n.stats };
}

function check(signed: boolean, numRuns: number): void {
  const security: SecurityProvider = signed
    ? { ...nullSecurityProvider(), membership }
    : nullSecurityProvider();
  const steps = fc.array(
    fc.record({ gapMs: fc.integer({ min: 0, max: 3000 }), ds: datagrams(signed) }),
    { minLength: 1, maxLength: 6 },
  );
  try {
    fc.assert(
      fc.property(steps, (s) => {
        const { bytesIn, bytesOut } = run(security, s);
        expect(bytesOut).toBeLessThanOrEqual(bytesIn);
      }),
      { seed, numRuns },
    );
  } catch (e) {
    console.error(`amplification property failed; replay with PNRP_SEED=${seed}`);
    throw e;
  }
}

describe('amplification toward an unproven source (bytes out / bytes in <= 1)', () => {
  it('DRT key with 4 KB of app data', () => check(false, 300));
  it('the same in membership mode (signed LOOKUP, INQUIRE, REQUEST)', () => check(true, 150));

  it('the hostile inputs reach the answering code (not just the decoder)', () => {
    // The same seed's first runs must include answered INQUIREs and LOOKUPs and challenges, or
    // the property above would hold vacuously.
    const sample = fc.sample(
      fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 3000 }), ds: datagrams(false) }), {
        minLength: 1,
        maxLength: 6,
      }),
      { seed, numRuns: 100 },
    );
    let answered = 0;
    let challenges = 0;
    let out = 0;
    for (const s of sample) {
      const r = run(nullSecurityProvider(), s);
      answered += r.stats.lookupsAnswered + r.stats.inquiresAnswered;
      challenges += r.stats.addressChallenges;
      out += r.bytesOut;
    }
    expect(answered).toBeGreaterThan(50);
    expect(challenges).toBeGreaterThan(10);
    expect(out).toBeGreaterThan(1000);
  });
});
