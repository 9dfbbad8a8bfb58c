/**
 * The [MC-DRT] membership-mode hook of the security provider, with a toy provider (credential =
 * a fixed token, signature = SHA-256 of a shared secret and the data): a node with the hook signs
 * every LOOKUP, INQUIRE and REQUEST it sends over the message without its security elements, bound
 * to the receiver and its wall clock, and drops unanswered, counting why, those that arrive
 * unsigned, with a foreign credential, with a bad signature, for another receiver, outside the
 * time window or a second time; a node without the hook neither signs nor checks (resolve mode).
 */
import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../../src/drt/events.js';
import {
  MEMBERSHIP_FRESHNESS,
  MembershipReplayGuard,
  membershipSignedBytes,
} from '../../../src/drt/membership.js';
import { DrtNode } from '../../../src/drt/node.js';
import { DEFAULT_WALL_CLOCK_MS } from '../../../src/drt/options.js';
import {
  type MembershipSecurity,
  nullSecurityProvider,
  type SecurityProvider,
} from '../../../src/drt/security-provider.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { parseEndpoint } from '../../../src/keys/endpoint.js';
import { keyFromBigInt } from '../../../src/keys/key256.js';
import type { Output } from '../../../src/sans-io.js';
import { ByteWriter } from '../../../src/util/byte-writer.js';
import { equalBytes } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import { decodeMessage, encodeMessage } from '../../../src/wire/index.js';
import type {
  InquireMessage,
  LookupMessage,
  Message,
  RequestMessage,
} from '../../../src/wire/types.js';

const A = parseEndpoint('[2001:db8::a]:3540');
const B = parseEndpoint('[2001:db8::b]:3540');
const VERSION = { major: 6, minor: 101 };
const TOKEN = new TextEncoder().encode('member');
const SECRET = new TextEncoder().encode('group secret');

function toySign(data: Uint8Array, secret = SECRET): Uint8Array {
  const framed = new Uint8Array(secret.length + data.length);
  framed.set(secret);
  framed.set(data, secret.length);
  return nobleCrypto.sha256(framed);
}

function toyMembership(): MembershipSecurity & { checks: number } {
  const m = {
    checks: 0,
    credential: () => TOKEN,
    keyIdentifier: () => new Uint8Array([1, 2, 3]),
    sign: (data: Uint8Array) => toySign(data),
    verify(input: Parameters<MembershipSecurity['verify']>[0]) {
      m.checks++;
      if (!equalBytes(input.credential, TOKEN))
        return { ok: false, reason: 'bad-credential', detail: 'unknown token' } as const;
      if (!equalBytes(input.signature, toySign(input.data)))
        return { ok: false, reason: 'bad-signature', detail: 'wrong signature' } as const;
      return { ok: true } as const;
    },
  };
  return m;
}

function makeNode(security: SecurityProvider): DrtNode {
  const n = new DrtNode({ rng: seededRng(3), localEndpoints: [A], security });
  n.registerKey(0, keyFromBigInt(1000n));
  n.seedCache(0, [{ id: keyFromBigInt(5000n), port: B.port, addresses: [B.address] }]);
  return n;
}

function transmits(n: DrtNode): Message[] {
  const out: Message[] = [];
  for (let o: Output<NodeEvent> = n.poll(); o.type !== 'timeout'; o = n.poll()) {
    if (o.type !== 'transmit') continue;
    const d = decodeMessage(o.payload);
    if (d.ok && d.value.type !== 'authority-fragment') out.push(d.value);
  }
  return out;
}

const lookup: LookupMessage = {
  type: 'lookup',
  messageId: 77,
  version: VERSION,
  controls: {
    acceptAny: true,
    precision: 0,
    resolveCriteria: 'none',
    reasonCode: 'app-request',
  },
  target: keyFromBigInt(4000n),
  validateId: keyFromBigInt(1000n),
  flaggedPath: [B],
};
const inquire: InquireMessage = {
  type: 'inquire',
  messageId: 78,
  version: VERSION,
  flags: { wantCpa: true, wantExtendedPayload: false, wantCertChain: false },
  validateId: keyFromBigInt(1000n),
  nonce: new Uint8Array(16).fill(9),
};
const request: RequestMessage = {
  type: 'request',
  messageId: 79,
  version: VERSION,
  nonce: new Uint8Array(16).fill(4),
  ids: [keyFromBigInt(5000n)],
};

const WALL = DEFAULT_WALL_CLOCK_MS;

/** The SIGNATURE element: time | receiver | provider signature (drt/membership.ts). */
function element(signature: Uint8Array, to = A, at = WALL): Uint8Array {
  return new ByteWriter()
    .u32be(Math.floor(at / 0x100000000))
    .u32be(at % 0x100000000)
    .bytes(to.address)
    .u16be(to.port)
    .bytes(signature)
    .finish();
}

function signed<M extends LookupMessage | InquireMessage | RequestMessage>(
  m: M,
  overrides: { credential?: Uint8Array; signature?: Uint8Array; to?: typeof A; at?: number } = {},
): M {
  const to = overrides.to ?? A;
  const at = overrides.at ?? WALL;
  return {
    ...m,
    security: {
      credential: overrides.credential ?? TOKEN,
      signature: element(overrides.signature ?? toySign(membershipSignedBytes(m, to, at)), to, at),
    },
  };
}

describe('membership mode (SECURE_MEMBERSHIP) in DrtNode', () => {
  it('signs every LOOKUP and INQUIRE it sends over the message without its security elements', () => {
    const n = makeNode({ ...nullSecurityProvider(), membership: toyMembership() });
    transmits(n);
    n.search(10, keyFromBigInt(5000n));
    let sent = transmits(n);
    // Answer the LOOKUP with the target itself so the search goes on to INQUIRE it.
    n.handleTimeout(1_500);
    sent = [...sent, ...transmits(n)];
    const secured = sent.filter((m) => m.type === 'lookup' || m.type === 'inquire');
    expect(secured.length).toBeGreaterThan(0);
    for (const m of secured) {
      expect(m.security).toBeDefined();
      expect(m.security!.credential).toEqual(TOKEN);
      expect(m.security!.keyIdentifier).toEqual(new Uint8Array([1, 2, 3]));
      expect(m.security!.signature).toEqual(element(toySign(membershipSignedBytes(m, B, WALL)), B));
    }
  });

  it('drops unsigned, foreign and badly signed LOOKUP/INQUIRE/REQUEST unanswered, by reason', () => {
    const membership = toyMembership();
    const n = makeNode({ ...nullSecurityProvider(), membership });
    transmits(n);
    let t = 1;
    for (const m of [lookup, inquire, request]) {
      n.handleDatagram(t++, B, encodeMessage(m));
      n.handleDatagram(t++, B, encodeMessage(signed(m, { credential: new Uint8Array([7]) })));
      n.handleDatagram(t++, B, encodeMessage(signed(m, { signature: new Uint8Array(32) })));
      // A genuine signature of another message (here: another message ID) does not carry over.
      const other = { ...m, messageId: m.messageId + 1000 };
      const replayed = signed(m, { signature: toySign(membershipSignedBytes(other, A, WALL)) });
      n.handleDatagram(t++, B, encodeMessage(replayed));
    }
    expect(transmits(n)).toEqual([]);
    expect(n.stats.dropped).toEqual({
      unauthenticated: 3,
      'bad-credential': 3,
      'bad-signature': 6,
    });
    expect(n.stats.received).toEqual({});
    expect(n.stats.lookupsAnswered + n.stats.inquiresAnswered).toBe(0);
    expect(membership.checks).toBe(9);
  });

  it('answers properly signed LOOKUP, INQUIRE and REQUEST', () => {
    const n = makeNode({ ...nullSecurityProvider(), membership: toyMembership() });
    transmits(n);
    n.handleDatagram(1, B, encodeMessage(signed(lookup)));
    n.handleDatagram(2, B, encodeMessage(signed(inquire)));
    expect(transmits(n).filter((m) => m.type === 'authority')).toHaveLength(2);
    // A joining conversation: SOLICIT (unsecured in every mode), ADVERTISE, signed REQUEST, FLOOD.
    const solicit: Message = {
      type: 'solicit',
      messageId: 80,
      version: VERSION,
      hashedNonce: nobleCrypto.sha1(request.nonce),
    };
    n.handleDatagram(3, B, encodeMessage(solicit));
    // B has not proven its address: the answer is a cookie in an ACK, echoed as the message ID.
    const challenge = transmits(n).find((m) => m.type === 'ack');
    n.handleDatagram(3, B, encodeMessage({ ...solicit, messageId: challenge?.messageId ?? 0 }));
    const advertise = transmits(n).find((m) => m.type === 'advertise');
    expect(advertise?.type === 'advertise' && advertise.ids.length).toBeGreaterThan(0);
    const ids = advertise?.type === 'advertise' ? advertise.ids : [];
    n.handleDatagram(4, B, encodeMessage(signed({ ...request, ids })));
    expect(transmits(n).filter((m) => m.type === 'flood').length).toBeGreaterThan(0);
    expect(n.stats.dropped).toEqual({});
    expect(n.stats.received).toEqual({ lookup: 1, inquire: 1, solicit: 2, request: 1 });
  });

  it('without the hook (resolve mode) nothing is signed and security elements are ignored', () => {
    const n = makeNode(nullSecurityProvider());
    transmits(n);
    n.handleDatagram(1, B, encodeMessage(lookup));
    n.handleDatagram(2, B, encodeMessage(signed(inquire, { signature: new Uint8Array(5) })));
    expect(transmits(n).filter((m) => m.type === 'authority')).toHaveLength(2);
    expect(n.stats.dropped).toEqual({});
    n.search(10, keyFromBigInt(5000n));
    const sent = transmits(n).filter((m) => m.type === 'lookup' || m.type === 'inquire');
    expect(sent.length).toBeGreaterThan(0);
    for (const m of sent) expect(m.security).toBeUndefined();
  });

  it('the signed bytes are a prefix (tag, receiver, time) and the message without its security elements', () => {
    const plain = encodeMessage(lookup);
    const bytes = membershipSignedBytes(lookup, A, WALL);
    expect(bytes.subarray(8 + 26)).toEqual(plain);
    expect(bytes.subarray(8, 24)).toEqual(A.address);
    expect(membershipSignedBytes(signed(lookup), A, WALL)).toEqual(bytes);
    expect(membershipSignedBytes(lookup, B, WALL)).not.toEqual(bytes);
    expect(membershipSignedBytes(lookup, A, WALL + 1)).not.toEqual(bytes);
    expect(membershipSignedBytes(signed(request), A, WALL).subarray(34)).toEqual(
      encodeMessage(request),
    );
  });

  it('refuses a genuine signature replayed, made for another receiver, or outside the window', () => {
    const membership = toyMembership();
    const n = makeNode({ ...nullSecurityProvider(), membership });
    transmits(n);
    let t = 1;
    // Each of the three, once, is answered; the same bytes again are refused as replayed.
    for (const m of [lookup, inquire, request]) {
      const good = encodeMessage(signed(m));
      n.handleDatagram(t++, B, good);
      n.handleDatagram(t++, B, good);
      // Signed (validly) for node B, replayed to A.
      n.handleDatagram(t++, B, encodeMessage(signed(m, { to: B })));
      // Signed too long ago and too far ahead.
      const window = MEMBERSHIP_FRESHNESS.windowMs;
      n.handleDatagram(t++, B, encodeMessage(signed(m, { at: WALL - window - 1 })));
      n.handleDatagram(t++, B, encodeMessage(signed(m, { at: WALL + window + 1 })));
    }
    expect(n.stats.dropped).toEqual({
      replayed: 3,
      'wrong-receiver': 3,
      'stale-signature': 6,
      // The one accepted REQUEST passed membership; it then fails as any unsolicited REQUEST.
      'bad-request-nonce': 1,
    });
    expect(n.stats.received).toEqual({ lookup: 1, inquire: 1, request: 1 });
    // Refused before the provider was asked: only the three genuine first copies were verified.
    expect(membership.checks).toBe(3);
  });
});

describe('MembershipReplayGuard', () => {
  it('a sender whose clock runs ahead cannot lift the floor more than 2 s above the clock', () => {
    const guard = new MembershipReplayGuard(30_000, 8);
    const now = 1_000_000;
    // A clock 29 s ahead is refused outright (at most 2 s ahead is accepted).
    expect(guard.refusal('fast', now + 29_000, now)).toBe('stale-signature');
    // Twice the set's size of signatures up to 2 s ahead: the floor rises to at most now + 2 s ...
    for (let i = 0; i < 16; i++) {
      expect(guard.refusal(`ahead-${i}`, now + 1_000 + 60 * i, now)).toBeUndefined();
      guard.remember(`ahead-${i}`, now + 1_000 + 60 * i, now);
    }
    expect([guard.size, guard.evictions]).toEqual([8, 8]);
    // ... so an honest member signing 2 s later is accepted (a 29 s floor locked it out for 29 s),
    expect(guard.refusal('honest', now + 2_001, now + 2_001)).toBeUndefined();
    guard.remember('honest', now + 2_001, now + 2_001);
    // and evictions take the earliest time first: the honest signature stays held.
    expect(guard.refusal('honest', now + 2_001, now + 2_001)).toBe('replayed');
    // A replay of an evicted signature stays refused (at or below the floor).
    expect(guard.refusal('ahead-0', now + 1_000, now + 2_001)).toBe('stale-signature');
  });
});
