/**
 * Shared set-up of the attack scenarios (issue 10, Build 6): a DRT or PNRP cloud at CI size
 * with a share of colluding attackers (sim/attack-setup), searched once before the attackers are
 * armed (the baseline of the same cloud) and once after. Honest searches only, for honest keys.
 */
import { nodeCrypto } from '../../src/adapters/node/node-crypto.js';
import { memoizeVerify } from '../../src/keys/crypto-backend.js';
import {
  type AdversaryCounters,
  type AttackKind,
  DrtCloud,
  drtAttack,
  PnrpCloud,
  type PnrpResolveReport,
  pnrpAttack,
  type SearchReport,
  signedKeyCloud,
} from '../../src/sim/index.js';

/**
 * Each attack test builds a cloud of 100-150 nodes (about 20-40 s on an idle 2-core machine);
 * five times that leaves room for a loaded one. Synchronous runs can not be interrupted anyway.
 */
export const LOADED_MACHINE_TIMEOUT_MS = 300_000;

export const SEED: number = Number(process.env.PNRP_SEED ?? 7);

/** What one attacked cloud produced. */
export interface AttackRun<R> {
  /** Honest searches before the attackers turn (undefined when they were armed from the build). */
  readonly before: R | undefined;
  /** Honest searches with the attackers armed. */
  readonly during: R;
  readonly counters: AdversaryCounters;
  readonly attackers: number;
}

/** A DRT cloud of `nodes` under the null or the signed-key provider with `fraction` attackers. */
export function drtAttackRun(options: {
  readonly kind: AttackKind;
  readonly fraction: number;
  readonly nodes: number;
  readonly searches: number;
  readonly secured: boolean;
  readonly seed?: number;
}): AttackRun<SearchReport> {
  const seed = options.seed ?? SEED;
  const attack = drtAttack({ kind: options.kind, fraction: options.fraction });
  const cloud = new DrtCloud({
    seed,
    settleMs: 15_000,
    ...(options.secured
      ? signedKeyCloud({ seed, crypto: memoizeVerify(nodeCrypto, { entriesMax: 16_384 }) })
      : {}),
    ...attack.options,
  });
  if (attack.from === 'build') attack.arm(cloud.sim);
  cloud.build(options.nodes);
  const before = attack.from === 'scenario' ? cloud.runSearches(options.searches) : undefined;
  attack.arm(cloud.sim);
  const during = cloud.runSearches(options.searches);
  return {
    before,
    during,
    counters: { ...attack.colluders.counters },
    attackers: cloud.members.filter((m) => m.adversary).length,
  };
}

/** A PNRP cloud of `nodes` secured names with `fraction` attackers. */
export function pnrpAttackRun(options: {
  readonly kind: AttackKind;
  readonly fraction: number;
  readonly nodes: number;
  readonly resolves: number;
  readonly seed?: number;
}): AttackRun<PnrpResolveReport> {
  const attack = pnrpAttack({ kind: options.kind, fraction: options.fraction });
  const cloud = new PnrpCloud({
    seed: options.seed ?? SEED,
    crypto: nodeCrypto,
    settleMs: 15_000,
    ...attack.options,
  });
  if (attack.from === 'build') attack.arm(cloud.sim);
  cloud.build(options.nodes);
  const before = attack.from === 'scenario' ? cloud.runResolves(options.resolves) : undefined;
  attack.arm(cloud.sim);
  const during = cloud.runResolves(options.resolves);
  return {
    before,
    during,
    counters: { ...attack.colluders.counters },
    attackers: cloud.members.filter((m) => m.adversary).length,
  };
}

/** The figures a test pins. */
export interface Figures {
  readonly successes: number;
  readonly avgHops: number;
  readonly messagesPerResolve: number;
  readonly failures: Readonly<Record<string, number>>;
}

/** The figures a test pins, rounded so they print and compare exactly. */
export function figures(r: SearchReport | PnrpResolveReport | undefined): Figures | undefined {
  if (!r) return undefined;
  return {
    successes: r.successes,
    avgHops: Math.round(r.avgHops * 1000) / 1000,
    messagesPerResolve: Math.round(r.messagesPerResolve * 1000) / 1000,
    failures: r.failures,
  };
}
