/**
 * @module cli/sim-options
 * The command line of `pnrp sim`: sizes, seed, scenario, the attack (issue 10, Build 6):
 * `--malicious FRACTION --attack forged-referral|hijack|drop|eclipse [--secured]`, and what to
 * draw (issue 13, Build 5): `--plot FILE.svg`, `--interval SECONDS` of the time series.
 */
import { ATTACK_KINDS, type AttackKind } from '../sim/adversaries.js';
import { intOption, type OptionSpecs, parseCommandLine, stringOption } from './args.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp sim`. */
export const SIM_USAGE: string = `usage: pnrp sim [--nodes N] [--seed S] [--scenario stable|churn|group|dht] [--searches K]
                [--malicious FRACTION --attack KIND] [--secured] [--baseline kad] [--json]
                [--plot FILE.svg] [--interval SECONDS]
       pnrp sim --scenario group [--nodes N] [--records R] [--churn] [--seed S] [--json]
       pnrp sim --scenario dht [--nodes N] [--values V] [--seed S] [--baseline kad] [--json]

Builds a simulated DRT cloud through real joins (virtual time), runs the scenario and prints a
summary with the traceroute of one resolve.
  --nodes N        nodes (default 2000)
  --seed S         seed (default 1); same seed, same run
  --scenario       stable (default), or churn: 20% vanish, 10% leave, 10% join while searching;
                   or group: a [MS-PPGRH] group of graph nodes (default 200 members) publishing
                   --records R records (default 100), with --churn under the same churn shares;
                   prints delivery times, traffic and duplicates per record, and sync bytes;
                   or dht: a DHT of DhtNodes (warm start, default 200 nodes) stores --values V
                   values (default 1000, a fifth mutable) and reads them back through an hour
                   of the same churn; prints lost values, get success, stale reads, messages per
                   put and per get; with --baseline kad, beside a Kademlia DHT (k = 20) on the
                   same nodes, values and churn
  --searches K     searches to measure (default 5000)
  --values V       values the dht scenario writes and reads back (default 1000)
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
  --json           print one JSON object, with the hop histogram and the time series
  --plot FILE.svg  also draw the run (success and hops per interval, hop histogram) as SVG
                   (needs the optional packages vega and vega-lite)
  --interval S     seconds of virtual time per point of the time series (default 60)

Progress (phase, nodes joined, resolves done, rate, estimate) goes to stderr when it is a
terminal, and nowhere otherwise.
`;

/** What `pnrp sim` was asked to do. */
export interface SimArgs {
  readonly nodes: number;
  readonly seed: number;
  readonly scenario: 'stable' | 'churn';
  /** `--scenario group`: a graph group instead of a DRT cloud (`scenario` is then `stable`). */
  readonly group: boolean;
  /** Records a group publishes (`--scenario group`). */
  readonly records: number;
  /** The group runs under churn (`--scenario group --churn`). */
  readonly churn: boolean;
  /** `--scenario dht`: the DHT scenario instead of a DRT cloud (`scenario` is then `churn`). */
  readonly dht: boolean;
  /** Values the DHT scenario writes (`--scenario dht`). */
  readonly values: number;
  readonly searches: number;
  readonly malicious: number;
  readonly attack: AttackKind;
  readonly secured: boolean;
  /** Run the scenario on this baseline too and print both side by side. */
  readonly baseline: 'kad' | undefined;
  readonly json: boolean;
  /** Where to write the run's plot, if asked. */
  readonly plot: string | undefined;
  /** Seconds of virtual time per point of the time series. */
  readonly intervalS: number;
}

/** The options `pnrp sim` takes. */
const SIM_OPTIONS: OptionSpecs = {
  nodes: { type: 'string' },
  seed: { type: 'string' },
  scenario: { type: 'string' },
  searches: { type: 'string' },
  malicious: { type: 'string' },
  attack: { type: 'string' },
  secured: { type: 'boolean' },
  baseline: { type: 'string' },
  json: { type: 'boolean' },
  plot: { type: 'string' },
  interval: { type: 'string' },
  records: { type: 'string' },
  churn: { type: 'boolean' },
  values: { type: 'string' },
};

/**
 * Parses the arguments of `pnrp sim` with the project's own {@link parseCommandLine}; every
 * mistake is a {@link UsageError} in our words.
 * @example parseSimArgs(['--nodes', '400', '--malicious', '0.2', '--attack', 'drop'])
 */
export function parseSimArgs(args: string[]): SimArgs {
  const { values, positionals } = parseCommandLine(args, SIM_OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const scenario = stringOption(values, 'scenario') ?? 'stable';
  if (scenario !== 'stable' && scenario !== 'churn' && scenario !== 'group' && scenario !== 'dht') {
    throw new UsageError(`--scenario must be stable, churn, group or dht, got "${scenario}"`);
  }
  const group = scenario === 'group';
  const dht = scenario === 'dht';
  if (!dht && values.values !== undefined)
    throw new UsageError('--values belongs to --scenario dht');
  if (dht) {
    for (const o of [
      'searches',
      'malicious',
      'attack',
      'secured',
      'plot',
      'interval',
      'records',
      'churn',
    ])
      if (values[o] !== undefined) throw new UsageError(`--${o} does not apply to --scenario dht`);
  }
  if (!group && !dht && (values.records !== undefined || values.churn !== undefined)) {
    throw new UsageError('--records and --churn belong to --scenario group');
  }
  if (group) {
    for (const o of ['searches', 'malicious', 'attack', 'secured', 'baseline', 'plot', 'interval'])
      if (values[o] !== undefined)
        throw new UsageError(`--${o} does not apply to --scenario group`);
  }
  const rawShare = stringOption(values, 'malicious');
  const malicious = rawShare === undefined ? 0 : Number(rawShare);
  if (rawShare !== undefined && (rawShare.trim() === '' || !(malicious >= 0 && malicious < 1))) {
    throw new UsageError(`--malicious must be a fraction in [0, 1), e.g. 0.2, got "${rawShare}"`);
  }
  const attack = stringOption(values, 'attack') ?? 'forged-referral';
  if (!(ATTACK_KINDS as readonly string[]).includes(attack)) {
    throw new UsageError(`--attack must be one of ${ATTACK_KINDS.join(', ')}, got "${attack}"`);
  }
  if (values.attack !== undefined && rawShare === undefined) {
    throw new UsageError('--attack needs --malicious FRACTION');
  }
  const baseline = stringOption(values, 'baseline');
  if (baseline !== undefined && baseline !== 'kad') {
    throw new UsageError(`--baseline must be kad, got "${baseline}"`);
  }
  if (baseline !== undefined && (rawShare !== undefined || values.secured === true)) {
    throw new UsageError(
      '--baseline runs honest, unsecured clouds: drop --malicious and --secured',
    );
  }
  if (baseline !== undefined && values.plot !== undefined) {
    throw new UsageError('--plot draws one cloud: drop --baseline (npm run plots draws both)');
  }
  const plot = stringOption(values, 'plot');
  if (plot !== undefined && !/\.svg$/i.test(plot)) {
    throw new UsageError(`--plot writes SVG: give a file name ending in .svg, got "${plot}"`);
  }
  return {
    nodes: intOption(values, 'nodes', group || dht ? 200 : 2000, 2, group ? 20_000 : 200_000),
    seed: intOption(values, 'seed', 1, 0, Number.MAX_SAFE_INTEGER),
    scenario: group ? 'stable' : dht ? 'churn' : scenario,
    group,
    dht,
    values: intOption(values, 'values', 1000, 1, 10_000_000),
    records: intOption(values, 'records', 100, 1, 1_000_000),
    churn: values.churn === true,
    searches: intOption(values, 'searches', 5000, 1, 10_000_000),
    malicious,
    attack: attack as AttackKind,
    secured: values.secured === true,
    baseline,
    json: values.json === true,
    plot,
    intervalS: intOption(values, 'interval', 60, 1, 86_400),
  };
}
