/**
 * Forged referrals (issue 10, Build 6 and the second row of its table): 20% colluding attackers
 * answer every LOOKUP with the target's own ID at an attacker's address and its INQUIRE without a
 * proof. DRT keys under the signed-key provider and PNRP secured names; honest searches for
 * honest keys; exact counts under the fixed seed.
 *
 * On main 49d5d3c the resolver tracked candidates and failures by ID alone, so a refused forgery
 * also marked the genuine owner failed: 262 of 300 DRT searches succeeded here. With candidates
 * as (ID, endpoint) pairs, liars flagged and disjoint alternative walks (resolve/walk.ts), every
 * honest search finds its owner; the pins below are those figures.
 */
import { describe, expect, it } from 'vitest';
import {
  drtAttackRun,
  figures,
  LOADED_MACHINE_TIMEOUT_MS,
  pnrpAttackRun,
  SEED,
} from './attack-fixtures.js';

describe(`forged referrals (seed ${SEED}, 20% attackers)`, () => {
  it(
    'DRT keys under the signed-key provider (150 nodes)',
    () => {
      const run = drtAttackRun({
        kind: 'forged-referral',
        fraction: 0.2,
        nodes: 150,
        searches: 300,
        secured: true,
      });
      console.log(
        'fr-drt',
        JSON.stringify({
          before: figures(run.before),
          during: figures(run.during),
          counters: run.counters,
        }),
      );
      expect(run.before?.successes).toBe(300);
      expect(figures(run.during)).toEqual(PINNED.drt.during);
      expect(run.counters).toMatchObject(PINNED.drt.counters);
    },
    LOADED_MACHINE_TIMEOUT_MS,
  );

  it(
    'PNRP secured names (100 nodes)',
    () => {
      const run = pnrpAttackRun({
        kind: 'forged-referral',
        fraction: 0.2,
        nodes: 100,
        resolves: 200,
      });
      console.log(
        'fr-pnrp',
        JSON.stringify({
          before: figures(run.before),
          during: figures(run.during),
          counters: run.counters,
        }),
      );
      expect(run.attackers).toBe(20);
      expect(figures(run.before)).toEqual(PINNED.pnrp.before);
      expect(figures(run.during)).toEqual(PINNED.pnrp.during);
      expect(run.counters).toMatchObject(PINNED.pnrp.counters);
    },
    LOADED_MACHINE_TIMEOUT_MS,
  );
});

const PINNED = {
  drt: {
    during: {
      successes: 300,
      avgHops: 1.107,
      messagesPerResolve: 4.633,
      failures: {},
    },
    counters: { lookupsForged: 135, inquiresRefused: 149 },
  },
  pnrp: {
    before: { successes: 200, avgHops: 0.76, messagesPerResolve: 3.52, failures: {} },
    during: { successes: 200, avgHops: 0.895, messagesPerResolve: 4.11, failures: {} },
    counters: { lookupsForged: 30, inquiresRefused: 30 },
  },
};
