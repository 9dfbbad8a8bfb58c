/**
 * The signing budget (drt/budget.ts): token buckets on injected time, at most N fresh proofs per
 * window for one source and for the whole node; a throttled proven requester gets a B-flag
 * AUTHORITY under its own message ID and no signature is made.
 */
import { describe, expect, it } from 'vitest';
import { SigningBudget } from '../../../src/drt/budget.js';
import type { NodeEvent } from '../../../src/drt/events.js';
import { DrtNode } from '../../../src/drt/node.js';
import { nullSecurityProvider } from '../../../src/drt/security-provider.js';
import { parseEndpoint } from '../../../src/keys/endpoint.js';
import { keyFromBigInt } from '../../../src/keys/key256.js';
import type { Output } from '../../../src/sans-io.js';
import { seededRng } from '../../../src/util/rng.js';
import { decodeMessage, encodeMessage } from '../../../src/wire/index.js';
import type { AuthorityMessage, InquireMessage } from '../../../src/wire/types.js';

const A = parseEndpoint('[2001:db8::a]:3540');
const sources = [1, 2, 3, 4].map((i) => parseEndpoint(`[2001:db8::${i}0]:4000`));
const KEY = keyFromBigInt(1000n);

describe('SigningBudget', () => {
  const limits = {
    signaturesPerSecond: 1,
    signatureBurst: 5,
    sourceSignaturesPerSecond: 1,
    sourceSignatureBurst: 2,
    signingSourcesMax: 2,
  };

  it('grants at most the source burst per source and the node burst in all', () => {
    const hits: Record<string, number> = {};
    const budget = new SigningBudget(limits, hits);
    const grants = (ep: (typeof sources)[number]) =>
      [0, 0, 0].map(() => budget.take(0, ep)).filter(Boolean).length;
    expect(grants(sources[0]!)).toBe(2);
    expect(grants(sources[1]!)).toBe(2);
    // The node bucket has one token left for the third source.
    expect(grants(sources[2]!)).toBe(1);
    expect(hits['signing-source']).toBe(2);
    expect(hits['signing-node']).toBe(2);
    // The per-source table holds two sources: the third evicted the first.
    expect(hits['signing-sources']).toBe(1);
    // One second later the node bucket has one more token.
    expect(budget.take(1_000, sources[3]!)).toBe(true);
    expect(budget.take(1_000, sources[3]!)).toBe(false);
  });

  it('forgets a source once its bucket has refilled, which changes no answer', () => {
    const hits: Record<string, number> = {};
    const budget = new SigningBudget({ ...limits, signingSourcesMax: 4 }, hits);
    expect(budget.take(0, sources[0]!)).toBe(true);
    expect(budget.take(0, sources[0]!)).toBe(true);
    expect(budget.take(0, sources[1]!)).toBe(true);
    expect(budget.sourceCount).toBe(2);
    // Source 0 holds 1.99 tokens at 1,990 ms: kept, and throttled after one more.
    budget.prune(1_990);
    expect(budget.sourceCount).toBe(2);
    // At 2,000 ms source 0 is full again: dropped; source 1 (full since 1,000 ms) follows.
    budget.prune(2_000);
    expect(budget.sourceCount).toBe(0);
    expect([0, 0, 0].map(() => budget.take(2_000, sources[0]!))).toEqual([true, true, false]);
    expect(hits['signing-sources']).toBeUndefined();
  });
});

describe('the signing budget in DrtNode', () => {
  function answers(n: DrtNode): AuthorityMessage[] {
    const out: AuthorityMessage[] = [];
    for (let o: Output<NodeEvent> = n.poll(); o.type !== 'timeout'; o = n.poll()) {
      if (o.type !== 'transmit') continue;
      const d = decodeMessage(o.payload);
      if (d.ok && d.value.type === 'authority') out.push(d.value);
    }
    return out;
  }

  it('signs N proofs per window per source and per node; the rest get B under their own ID', () => {
    let signed = 0;
    const base = nullSecurityProvider();
    const n = new DrtNode({
      rng: seededRng(1),
      localEndpoints: [A],
      security: {
        ...base,
        secureRecord: (r, now) => {
          signed++;
          return base.secureRecord(r, now);
        },
      },
      sourceSignatureBurst: 3,
      sourceSignaturesPerSecond: 1,
      signatureBurst: 5,
      signaturesPerSecond: 1,
    });
    n.registerKey(0, KEY);
    answers(n);
    const inquire = (id: number): Uint8Array =>
      encodeMessage({
        type: 'inquire',
        messageId: id,
        version: { major: 6, minor: 101 },
        flags: { wantCpa: true, wantExtendedPayload: false, wantCertChain: false },
        validateId: KEY,
        nonce: new Uint8Array(16).fill(id & 0xff),
      } satisfies InquireMessage);
    // Each source proves its address by echoing its challenge's cookie.
    for (const ep of sources.slice(0, 2)) {
      n.handleDatagram(1, ep, inquire(7));
      const [challenge] = answers(n);
      expect(challenge!.buffer.flags.busy).toBe(true);
      n.handleDatagram(1, ep, inquire(challenge!.messageId));
      expect(answers(n)[0]!.buffer.validateCpa).toBeDefined();
    }
    expect(signed).toBe(2);
    // Source 0 has 2 tokens left, source 1 too, the node 3.
    const outcome = (ep: (typeof sources)[number], id: number): string => {
      n.handleDatagram(2, ep, inquire(id));
      const [a] = answers(n);
      if (a!.buffer.validateCpa) return 'proof';
      return a!.messageId === id && a!.buffer.flags.busy ? 'throttled' : 'other';
    };
    expect([10, 11, 12].map((id) => outcome(sources[0]!, id))).toEqual([
      'proof',
      'proof',
      'throttled',
    ]);
    expect([20, 21].map((id) => outcome(sources[1]!, id))).toEqual(['proof', 'throttled']);
    expect(signed).toBe(5);
    expect(n.stats.boundHits['signing-source']).toBe(1);
    expect(n.stats.boundHits['signing-node']).toBe(1);
    // Time refills both buckets.
    n.handleDatagram(2_000, sources[1]!, inquire(30));
    expect(answers(n)[0]!.buffer.validateCpa).toBeDefined();
    expect(signed).toBe(6);
  });

  it('an INQUIRE asking only for the extended payload (X) spends a signing token too', () => {
    const n = new DrtNode({
      rng: seededRng(2),
      localEndpoints: [A],
      sourceSignatureBurst: 2,
      sourceSignaturesPerSecond: 1,
    });
    n.registerKey(0, KEY);
    answers(n);
    const inquire = (id: number): Uint8Array =>
      encodeMessage({
        type: 'inquire',
        messageId: id,
        version: { major: 6, minor: 101 },
        flags: { wantCpa: false, wantExtendedPayload: true, wantCertChain: false },
        validateId: KEY,
      } satisfies InquireMessage);
    const ep = sources[0]!;
    n.handleDatagram(1, ep, inquire(7));
    const [challenge] = answers(n);
    n.handleDatagram(1, ep, inquire(challenge!.messageId)); // proven; one token spent
    expect(answers(n)[0]!.buffer.flags.busy).toBe(false);
    const busy = [10, 11].map((id) => {
      n.handleDatagram(2, ep, inquire(id));
      return answers(n)[0]!.buffer.flags.busy;
    });
    expect(busy).toEqual([false, true]);
    expect(n.stats.boundHits['signing-source']).toBe(1);
  });
});
