/**
 * @module cli/lookup-options
 * The options `pnrp resolve` and `pnrp trace` share: where to look (`--bootstrap` over UDP, or
 * `--sim` in a simulated cloud), and how (criteria, result count, timeout, extended payload).
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Identity } from '../keys/identity.js';
import type { ResolveOptions } from '../pnrp/types.js';
import { fromHex } from '../util/bytes.js';
import type { ResolveCriteria } from '../wire/types.js';
import {
  bootstrapEndpoints,
  cloudOption,
  intOption,
  listOption,
  type OptionSpecs,
  parseCommandLine,
  stringOption,
} from './args.js';
import { checkPublishable, identityOption, peerNameArgument } from './publish-check.js';
import { UsageError } from './usage-error.js';

/** Flags of `resolve` and `trace`. */
export const LOOKUP_OPTIONS: OptionSpecs = {
  bootstrap: { type: 'string', multiple: true, short: 'b' },
  sim: { type: 'boolean' },
  nodes: { type: 'string' },
  seed: { type: 'string' },
  publish: { type: 'string' },
  identity: { type: 'string' },
  cloud: { type: 'string' },
  host: { type: 'string' },
  'max-results': { type: 'string' },
  criteria: { type: 'string' },
  precision: { type: 'string' },
  'service-location': { type: 'string' },
  timeout: { type: 'string' },
  'extended-payload': { type: 'boolean' },
  json: { type: 'boolean' },
};

/** The option lines of both commands' help. */
export const LOOKUP_OPTIONS_HELP = `where:
  --bootstrap HOST:PORT   a node of the cloud (host name, a.b.c.d:port or [ipv6]:port); repeatable
  --host ADDR             local address to bind (default: every interface, ephemeral port)
  --sim                   instead, build a simulated cloud in which one node publishes the name
    --nodes N             members of the simulated cloud (default 200)
    --seed S              seed of the simulation (default 1); same seed, same output
    --publish NAME        the name the simulated node publishes (default: <peer-name>)
    --identity FILE       identity owning a secured name to publish (pnrp identity new)
how:
  --criteria C            any (default) | nearest | nearest64 | none | upper-bits
  --precision BITS        bits that must match, for upper-bits
  --service-location HEX  32 hex digits, for criteria none
  --max-results N         instances wanted, 1..20 (default 1)
  --timeout MS            longest wait for the resolve (default 15000; virtual ms with --sim)
  --extended-payload      ask each owner for its extended payload
  --cloud NAME            cloud to resolve in (default Global_)
  --json                  print one JSON object
exit code 0 when found, 1 when not found or timed out (the message says which), 2 on a usage error
`;

const CRITERIA: Record<string, ResolveCriteria> = {
  any: 'any-peer-name',
  nearest: 'nearest-peer-name',
  nearest64: 'nearest64-peer-name',
  none: 'none',
  'upper-bits': 'upper-bits',
};

/** Where the lookup runs. */
export type LookupWhere =
  | {
      readonly kind: 'udp';
      readonly bootstrap: readonly (Endpoint | string)[];
      readonly host?: string;
    }
  | {
      readonly kind: 'sim';
      readonly nodes: number;
      readonly seed: number;
      readonly publish: string;
      readonly identity?: Identity;
    };

/** A parsed `resolve` / `trace` command line. */
export interface LookupArgs {
  readonly peerName: string;
  readonly cloud: string;
  readonly where: LookupWhere;
  /** The resolve options, without the cloud (set per run). */
  readonly resolve: ResolveOptions & { readonly timeoutMs: number };
  readonly json: boolean;
}

/**
 * Parses a `resolve` / `trace` command line.
 * @throws UsageError for anything missing, malformed or contradictory.
 */
export function parseLookupArgs(command: string, args: string[]): LookupArgs {
  const { values, positionals } = parseCommandLine(args, LOOKUP_OPTIONS);
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0)
    throw new UsageError(`expected exactly one peer name, e.g. pnrp ${command} 0.printer --sim`);
  const peerName = peerNameArgument(name).text;
  const bootstrapTexts = listOption(values, 'bootstrap');
  const sim = values.sim === true;
  if (sim === bootstrapTexts.length > 0)
    throw new UsageError(
      sim
        ? '--sim and --bootstrap exclude each other'
        : 'say where to resolve: --bootstrap HOST:PORT (a running pnrp node) or --sim',
    );
  const simOnly = ['nodes', 'seed', 'publish', 'identity'].filter((o) => values[o] !== undefined);
  if (!sim && simOnly.length > 0) throw new UsageError(`--${simOnly[0]} needs --sim`);
  if (sim && values.host !== undefined) throw new UsageError('--host needs --bootstrap');

  const criteriaText = stringOption(values, 'criteria') ?? 'any';
  const criteria = CRITERIA[criteriaText];
  if (criteria === undefined)
    throw new UsageError(`--criteria must be one of ${Object.keys(CRITERIA).join(', ')}`);
  const resolve: ResolveOptions & { timeoutMs: number } = {
    criteria,
    maxResults: intOption(values, 'max-results', 1, 1, 20),
    timeoutMs: intOption(values, 'timeout', 15_000, 100, 600_000),
    wantExtendedPayload: values['extended-payload'] === true,
    ...(values.precision !== undefined
      ? { precision: intOption(values, 'precision', 0, 0, 256) }
      : {}),
    ...serviceLocationOption(stringOption(values, 'service-location')),
  };
  if (criteria === 'upper-bits' && resolve.precision === undefined)
    throw new UsageError('--criteria upper-bits needs --precision BITS');
  if (criteria === 'none' && resolve.serviceLocation === undefined)
    throw new UsageError('--criteria none needs --service-location HEX');

  let where: LookupWhere;
  if (sim) {
    const identity = identityOption(stringOption(values, 'identity'));
    const publish = stringOption(values, 'publish') ?? peerName;
    checkPublishable(publish, identity);
    where = {
      kind: 'sim',
      nodes: intOption(values, 'nodes', 200, 2, 20_000),
      seed: intOption(values, 'seed', 1, 0, Number.MAX_SAFE_INTEGER),
      publish: peerNameArgument(publish).text,
      ...(identity ? { identity } : {}),
    };
  } else {
    const host = stringOption(values, 'host');
    where = {
      kind: 'udp',
      bootstrap: bootstrapEndpoints(bootstrapTexts),
      ...(host !== undefined ? { host } : {}),
    };
  }
  return {
    peerName,
    cloud: cloudOption(values),
    where,
    resolve,
    json: values.json === true,
  };
}

function serviceLocationOption(text: string | undefined): { serviceLocation?: Uint8Array } {
  if (text === undefined) return {};
  if (!/^[0-9a-fA-F]{32}$/.test(text))
    throw new UsageError('--service-location must be 32 hex digits (16 bytes)');
  return { serviceLocation: fromHex(text) };
}
