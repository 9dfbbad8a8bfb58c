/**
 * @module sim/attack-setup
 * Planting a share of colluding attackers (`sim/adversaries`) in a `DrtCloud` or `PnrpCloud`:
 * the `adversaryOf` and `wrapNode` options and the shared {@link Colluders}. Which members are
 * attackers is a pure function of the join order: member `i` is one when `floor((i + 1) * f) >
 * floor(i * f)`, so exactly `round-down(n * f)` of the first `n` members are attackers, spread
 * evenly (keys are random, so this is a uniform sample of the ID space), joiners under churn
 * included. Attackers' Rng streams are forks of their node's own (`'adversary'`), so planting
 * them leaves every other stream of the run unchanged.
 */
import type { DrtNode } from '../drt/node.js';
import { nullSecurityProvider } from '../drt/security-provider.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { PnrpNode } from '../pnrp/pnrp-node.js';
import { type AdversaryOptions, type AttackKind, plantAdversary } from './adversaries.js';
import { Colluders } from './colluders.js';
import type { CloudNodeInfo } from './drt-cloud.js';
import type { PnrpNodeInfo } from './pnrp-cloud.js';

/**
 * An attack to plant: which behaviour, and the share of members that collude in it.
 * @example const plan: AttackPlan = { kind: 'eclipse', fraction: 0.2 };
 */
export interface AttackPlan {
  readonly kind: AttackKind;
  /** Share of members that are attackers, in [0, 1). */
  readonly fraction: number;
  /**
   * When the attackers turn: `'build'`, from the first join (they shape the victims' caches as
   * they fill), or `'scenario'`, once the cloud is built (they were cached as honest nodes).
   * @default 'build' for eclipse (its point is to fill caches), 'scenario' for the others
   */
  readonly from?: 'build' | 'scenario';
}

/**
 * When `plan` arms its attackers.
 * @example armsFrom({ kind: 'eclipse', fraction: 0.2 }) // 'build'
 */
export function armsFrom(plan: AttackPlan): 'build' | 'scenario' {
  const from = plan.from ?? (plan.kind === 'eclipse' ? 'build' : 'scenario');
  if (from !== 'build' && from !== 'scenario') {
    throw new RangeError(`attack plan from must be 'build' or 'scenario', got ${String(from)}`);
  }
  return from;
}

/**
 * The cloud options that plant the attack, and the colluders to arm (`colluders.armed = true`)
 * once the cloud is built.
 * @example const a = drtAttack({ kind: 'drop', fraction: 0.2 }); new DrtCloud({ seed, ...a.options });
 */
export interface PlantedAttack<N, I> {
  readonly colluders: Colluders;
  /** When to call `arm`: before building the cloud, or after. */
  readonly from: 'build' | 'scenario';
  /** Arms the attackers; `sim` tells which of them still run (dead ones are not referred to). */
  arm(sim: AliveLookup): void;
  /** The cloud options that plant the attackers. */
  readonly options: {
    /** True for the members that misbehave. */
    readonly adversaryOf: (memberIndex: number) => boolean;
    /** Wraps an attacker's node in its misbehaviour. */
    readonly wrapNode: (node: N, info: I) => N;
  };
}

/** What `arm` needs of a simulation. */
export interface AliveLookup {
  /** The simulated node at `endpoint`, with whether it still runs. */
  handleOf(endpoint: Endpoint): { readonly alive: boolean } | undefined;
}

function armer(colluders: Colluders): (sim: AliveLookup) => void {
  return (sim) => {
    colluders.isAlive = (ep) => sim.handleOf(ep)?.alive ?? false;
    colluders.armed = true;
  };
}

/**
 * Member `i` is an attacker when `floor((i + 1) f) > floor(i f)`.
 * @example [0, 1, 2, 3, 4].map(evenShare(0.2)) // [false, false, false, false, true]
 */
export function evenShare(fraction: number): (memberIndex: number) => boolean {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new RangeError(`the attackers' share must be in [0, 1), got ${fraction}`);
  }
  return (i) => Math.floor((i + 1) * fraction + 1e-9) > Math.floor(i * fraction + 1e-9);
}

/**
 * Plants `plan` in a DrtCloud. A hijacker's forged proof is its own provider's record for the
 * target key (valid under the null provider, refused by a securing one).
 * @example const a = drtAttack({ kind: 'hijack', fraction: 0.1 }); const cloud = new DrtCloud({ seed: 1, ...a.options });
 */
export function drtAttack(plan: AttackPlan): PlantedAttack<DrtNode, CloudNodeInfo> {
  const adversaryOf = evenShare(plan.fraction);
  const colluders = new Colluders();
  const wrapNode = (node: DrtNode, info: CloudNodeInfo): DrtNode => {
    if (!info.adversary) return node;
    const { ctx } = info;
    const security = info.options.security ?? nullSecurityProvider();
    const options: AdversaryOptions = {
      kind: plan.kind,
      colluders,
      endpoint: ctx.endpoint,
      rng: ctx.rng.fork('adversary'),
      ownKeys: () => node.localKeys(),
      forgeProof: (target, nonce) =>
        security.secureRecord(
          {
            key: target,
            appData: new Uint8Array(0),
            endpoints: [ctx.endpoint],
            nonce,
            revoke: false,
          },
          ctx.wallClock.nowMs(),
        ),
    };
    return plantAdversary(node, options);
  };
  return {
    colluders,
    from: armsFrom(plan),
    arm: armer(colluders),
    options: { adversaryOf, wrapNode },
  };
}

/**
 * Plants `plan` in a PnrpCloud. A hijacker's forged proof is its own CPA signed afresh for the
 * INQUIRE's nonce: a genuine signature, but for the attacker's PNRP ID, not the target's.
 * @example const a = pnrpAttack({ kind: 'eclipse', fraction: 0.2 }); new PnrpCloud({ seed: 1, ...a.options });
 */
export function pnrpAttack(plan: AttackPlan): PlantedAttack<PnrpNode, PnrpNodeInfo> {
  const adversaryOf = evenShare(plan.fraction);
  const colluders = new Colluders();
  const wrapNode = (node: PnrpNode, info: PnrpNodeInfo): PnrpNode => {
    if (!info.adversary) return node;
    const { ctx } = info;
    const ownKeys = () => node.registered().map((r) => r.pnrpId);
    const options: AdversaryOptions = {
      kind: plan.kind,
      colluders,
      endpoint: ctx.endpoint,
      rng: ctx.rng.fork('adversary'),
      ownKeys,
      forgeProof: (_target, nonce) => {
        const own = ownKeys()[0];
        const cloud = node.cloudNames[0];
        if (own === undefined || cloud === undefined) return undefined;
        return node.securityOf(cloud).secureRecord(
          {
            key: own,
            appData: new Uint8Array(0),
            endpoints: [ctx.endpoint],
            nonce,
            revoke: false,
          },
          ctx.wallClock.nowMs(),
        );
      },
    };
    return plantAdversary(node, options);
  };
  return {
    colluders,
    from: armsFrom(plan),
    arm: armer(colluders),
    options: { adversaryOf, wrapNode },
  };
}
