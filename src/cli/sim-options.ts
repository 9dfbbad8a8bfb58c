/**
 * @module cli/sim-options
 * The command line of `pnrp sim`: sizes, seed, scenario, and the attack (issue 10, Build 6):
 * `--malicious FRACTION --attack forged-referral|hijack|drop|eclipse [--secured]`.
 */
import { parseArgs } from 'node:util';
import { ATTACK_KINDS, type AttackKind } from '../sim/adversaries.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp sim`. */
export const SIM_USAGE: string = `usage: pnrp sim [--nodes N] [--seed S] [--scenario stable|churn] [--searches K]
                [--malicious FRACTION --attack KIND] [--secured] [--baseline kad] [--json]

Builds a simulated DRT cloud through real joins (virtual time), runs the scenario and prints a
summary with the traceroute of one resolve.
  --nodes N        nodes (default 2000)
  --seed S         seed (default 1); same seed, same run
  --scenario       stable (default), or churn: 20% vanish, 10% leave, 10% join while searching
  --searches K     searches to measure (default 5000)
  --malicious F    share of colluding attackers, 0 <= F < 1 (default 0); they join honestly and
                   turn once the cloud is built. Searches start on honest nodes, for keys of
                   honest nodes; a result at another endpoint than the owner's is a failure
  --attack KIND    what the attackers do (default forged-referral):
                     forged-referral  answer every LOOKUP with the target's own ID at an
                                      attacker's address, and its INQUIRE without a proof
                     hijack           the same referrals, and a forged proof for the target
                     drop             swallow every LOOKUP and INQUIRE (black hole)
                     eclipse          refer every LOOKUP, ADVERTISE and FLOOD to attackers only
  --secured        every node holds an Ed25519 key pair and registers SHA-256 of its public key,
                   proofs are signed (the signed-key provider); default: the null provider,
                   under which anyone may claim any key
  --baseline kad   also run the scenario on a Kademlia cloud (k = 20, alpha = 3) over the same
                   node set, network and churn, and print both side by side
  --json           print one JSON object
`;

/** What `pnrp sim` was asked to do. */
export interface SimArgs {
  readonly nodes: number;
  readonly seed: number;
  readonly scenario: 'stable' | 'churn';
  readonly searches: number;
  readonly malicious: number;
  readonly attack: AttackKind;
  readonly secured: boolean;
  /** Run the scenario on this baseline too and print both side by side. */
  readonly baseline: 'kad' | undefined;
  readonly json: boolean;
}

/**
 * Parses the arguments of `pnrp sim`; mistakes are {@link UsageError}s.
 * @example parseSimArgs(['--nodes', '400', '--malicious', '0.2', '--attack', 'drop'])
 */
export function parseSimArgs(args: string[]): SimArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      strict: true,
      options: {
        nodes: { type: 'string' },
        seed: { type: 'string' },
        scenario: { type: 'string' },
        searches: { type: 'string' },
        malicious: { type: 'string' },
        attack: { type: 'string' },
        secured: { type: 'boolean' },
        baseline: { type: 'string' },
        json: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const int = (name: string, dflt: number, min: number, max: number): number => {
    const raw = values[name];
    const v = raw === undefined ? dflt : Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new UsageError(`--${name} must be an integer in ${min}..${max}`);
    }
    return v;
  };
  const scenario = (values.scenario as string | undefined) ?? 'stable';
  if (scenario !== 'stable' && scenario !== 'churn') {
    throw new UsageError('--scenario must be stable or churn');
  }
  const rawShare = values.malicious as string | undefined;
  const malicious = rawShare === undefined ? 0 : Number(rawShare);
  if (rawShare !== undefined && (rawShare.trim() === '' || !(malicious >= 0 && malicious < 1))) {
    throw new UsageError(`--malicious must be a fraction in [0, 1), e.g. 0.2, got "${rawShare}"`);
  }
  const attack = (values.attack as string | undefined) ?? 'forged-referral';
  if (!(ATTACK_KINDS as readonly string[]).includes(attack)) {
    throw new UsageError(`--attack must be one of ${ATTACK_KINDS.join(', ')}`);
  }
  if (values.attack !== undefined && rawShare === undefined) {
    throw new UsageError('--attack needs --malicious FRACTION');
  }
  const baseline = values.baseline as string | undefined;
  if (baseline !== undefined && baseline !== 'kad') throw new UsageError('--baseline must be kad');
  if (baseline !== undefined && (rawShare !== undefined || values.secured === true)) {
    throw new UsageError(
      '--baseline runs honest, unsecured clouds: drop --malicious and --secured',
    );
  }
  return {
    nodes: int('nodes', 2000, 2, 200_000),
    seed: int('seed', 1, 0, Number.MAX_SAFE_INTEGER),
    scenario,
    searches: int('searches', 5000, 1, 10_000_000),
    malicious,
    attack: attack as AttackKind,
    secured: values.secured === true,
    baseline,
    json: values.json === true,
  };
}
