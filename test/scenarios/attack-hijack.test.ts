/**
 * Hijackers (issue 10, Build 6): 20% colluding attackers refer every LOOKUP to the target's own
 * ID at an attacker's address and answer the INQUIRE with a forged proof: their own provider's
 * record for the target key. Under the null provider, which authenticates nothing (by design,
 * like DrtCreateNullSecurityProvider), the forgery is as good as the owner's record and some
 * honest searches end at an attacker ('hijacked'). Under the signed-key provider every forgery is
 * refused and nothing is hijacked; the referrals still cost searches (see
 * attack-forged-referral.test.ts). Exact counts under the fixed seed.
 */
import { describe, expect, it } from 'vitest';
import { drtAttackRun, figures, LOADED_MACHINE_TIMEOUT_MS, SEED } from './attack-fixtures.js';

const NODES = 150;
const SEARCHES = 300;

describe(`hijack (seed ${SEED}, ${NODES} nodes, 20% attackers)`, () => {
  it(
    'null provider: forged records hijack honest searches',
    () => {
      const run = drtAttackRun({
        kind: 'hijack',
        fraction: 0.2,
        nodes: NODES,
        searches: SEARCHES,
        secured: false,
      });
      console.log(
        'hijack-null',
        JSON.stringify({
          before: figures(run.before),
          during: figures(run.during),
          counters: run.counters,
        }),
      );
      expect(run.before?.successes).toBe(SEARCHES);
      expect(figures(run.during)).toEqual(PINNED.null.during);
      expect(run.during.failures.hijacked).toBeGreaterThan(0);
      expect(run.counters.proofsForged).toBe(PINNED.null.proofsForged);
    },
    LOADED_MACHINE_TIMEOUT_MS,
  );

  it(
    'signed-key provider: every forged proof is refused, no search is hijacked',
    () => {
      const run = drtAttackRun({
        kind: 'hijack',
        fraction: 0.2,
        nodes: NODES,
        searches: SEARCHES,
        secured: true,
      });
      console.log(
        'hijack-signed',
        JSON.stringify({
          before: figures(run.before),
          during: figures(run.during),
          counters: run.counters,
        }),
      );
      expect(run.before?.successes).toBe(SEARCHES);
      expect(run.during.failures.hijacked ?? 0).toBe(0);
      expect(run.counters.proofsForged).toBe(PINNED.signed.proofsForged);
      expect(figures(run.during)).toEqual(PINNED.signed.during);
    },
    LOADED_MACHINE_TIMEOUT_MS,
  );
});

const PINNED = {
  null: {
    during: {
      successes: 246,
      avgHops: 0.866,
      messagesPerResolve: 3.8,
      failures: { hijacked: 54 },
    },
    proofsForged: 57,
  },
  signed: {
    during: {
      successes: 300,
      avgHops: 1.107,
      messagesPerResolve: 4.633,
      failures: {},
    },
    proofsForged: 149,
  },
};
