/**
 * @module cli/dht-options
 * The command lines of `pnrp put` and `pnrp get` (issue 15 Build 6): what to store or look up,
 * where (`--bootstrap` nodes of a DHT over UDP, or `--sim`, a simulated cloud in this process),
 * and how (mutable values, timeout, JSON). Every usage error is found here, before any socket.
 */
import { readFileSync } from 'node:fs';
import { DHT_SALT_BYTES_MAX, DHT_VALUE_BYTES_MAX } from '../dht/constants.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Identity } from '../keys/identity.js';
import { fromHex, utf8Encode } from '../util/bytes.js';
import {
  bootstrapEndpoints,
  intOption,
  listOption,
  type OptionSpecs,
  parseCommandLine,
  stringOption,
} from './args.js';
import { identityOption } from './publish-check.js';
import { UsageError } from './usage-error.js';

const COMMON: OptionSpecs = {
  bootstrap: { type: 'string', multiple: true, short: 'b' },
  host: { type: 'string' },
  sim: { type: 'boolean' },
  nodes: { type: 'string' },
  seed: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
};

const WHERE_HELP = `  --bootstrap HOST:PORT  a node of the DHT (pnrp node --dht prints its DHT endpoint);
                         repeatable. This command joins as a client: it holds nothing
  --host ADDR            local address to bind (default: every interface)
  --sim                  instead, build a simulated DHT cloud in this process
  --nodes N              nodes of the simulated cloud (default 50, 5..2000)
  --seed S               seed of the simulated cloud (default 1)
  --timeout MS           longest wait, joining included (default 30000; virtual ms with --sim)
  --json                 print one JSON object`;

/** Help text of `pnrp put`. */
export const PUT_USAGE: string = `usage: pnrp put (VALUE | --file F) (--bootstrap HOST:PORT ... | --sim [--nodes N] [--seed S])
                [--mutable --identity FILE [--salt TEXT] [--seq N]] [--timeout MS] [--json]

Stores a value in the DHT and prints its key. An immutable value's key is the SHA-256 of the
value; a mutable value (--mutable) is signed by --identity and its key is the SHA-256 of the
public key and the salt, so later puts replace it (a higher sequence number wins).
  VALUE                  the value as text (UTF-8), at most ${DHT_VALUE_BYTES_MAX} bytes
  --file F               the value is the content of file F
  --mutable              store a signed mutable value
  --identity FILE        the writer's identity file (pnrp identity new)
  --salt TEXT            several mutable values per identity (at most ${DHT_SALT_BYTES_MAX} bytes)
  --seq N                sequence number (default: one more than the stored one)
${WHERE_HELP}
exit code 0 when stored, 1 when refused (the DHT's reason) or timed out, 2 on a usage error
`;

/** Help text of `pnrp get`. */
export const GET_USAGE: string = `usage: pnrp get KEY (--bootstrap HOST:PORT ... | --sim [--put VALUE] [--nodes N] [--seed S])
                [--out FILE] [--timeout MS] [--json]

Looks up KEY (64 hex digits, as pnrp put prints it) and prints the value: as text when it is
UTF-8, else as hex. With --sim the simulated cloud starts empty: --put VALUE first stores VALUE
through another node (KEY may then be omitted: the value's own key is looked up).
  --out FILE             write the value's bytes to FILE instead
  --put VALUE            (--sim) store VALUE first
${WHERE_HELP}
exit code 0 when found, 1 when not found (or deleted) or timed out, 2 on a usage error
`;

/** Where the command runs. */
export type DhtWhere =
  | {
      readonly kind: 'udp';
      readonly bootstrap: readonly (Endpoint | string)[];
      readonly host?: string;
    }
  | { readonly kind: 'sim'; readonly nodes: number; readonly seed: number };

/** A parsed `pnrp put`. */
export interface PutArgs {
  readonly value: Uint8Array;
  readonly mutable:
    | { readonly identity: Identity; readonly salt: Uint8Array; readonly seq?: number }
    | undefined;
  readonly where: DhtWhere;
  readonly timeoutMs: number;
  readonly json: boolean;
}

/** A parsed `pnrp get`. */
export interface GetArgs {
  readonly key: Uint8Array | undefined;
  readonly put: Uint8Array | undefined;
  readonly out: string | undefined;
  readonly where: DhtWhere;
  readonly timeoutMs: number;
  readonly json: boolean;
}

function whereOf(values: Record<string, unknown>): DhtWhere {
  const v = values as Parameters<typeof stringOption>[0];
  const bootstrap = listOption(v, 'bootstrap');
  const sim = v.sim === true;
  if (sim === bootstrap.length > 0)
    throw new UsageError(
      sim
        ? '--sim and --bootstrap exclude each other'
        : 'say where: --bootstrap HOST:PORT (a pnrp node --dht) or --sim',
    );
  const simOnly = ['nodes', 'seed', 'put'].filter((o) => v[o] !== undefined);
  if (!sim && simOnly.length > 0) throw new UsageError(`--${simOnly[0]} needs --sim`);
  if (sim) {
    if (v.host !== undefined) throw new UsageError('--host needs --bootstrap');
    return {
      kind: 'sim',
      nodes: intOption(v, 'nodes', 50, 5, 2000),
      seed: intOption(v, 'seed', 1, 0, 2 ** 31),
    };
  }
  const host = stringOption(v, 'host');
  return { kind: 'udp', bootstrap: bootstrapEndpoints(bootstrap), ...(host ? { host } : {}) };
}

function valueBytes(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length > DHT_VALUE_BYTES_MAX)
    throw new UsageError(`${what} is ${bytes.length} bytes; at most ${DHT_VALUE_BYTES_MAX}`);
  return bytes;
}

/**
 * Parses `pnrp put`.
 * @throws UsageError for anything missing, malformed or contradictory.
 */
export function parsePutArgs(args: string[]): PutArgs {
  const { values, positionals } = parseCommandLine(args, {
    ...COMMON,
    file: { type: 'string' },
    mutable: { type: 'boolean' },
    identity: { type: 'string' },
    salt: { type: 'string' },
    seq: { type: 'string' },
  });
  const file = stringOption(values, 'file');
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  if ((positionals.length === 1) === (file !== undefined))
    throw new UsageError('give the value either as VALUE or as --file F');
  const where = whereOf(values);
  let value: Uint8Array;
  if (file !== undefined) {
    if (file === '') throw new UsageError('--file needs a file name');
    try {
      value = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new Error(`--file ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else value = utf8Encode(positionals[0]!);
  value = valueBytes(value, file !== undefined ? `--file ${file}` : 'VALUE');
  const mutable = values.mutable === true;
  const mutableOnly = ['identity', 'salt', 'seq'].filter((o) => values[o] !== undefined);
  if (!mutable && mutableOnly.length > 0)
    throw new UsageError(`--${mutableOnly[0]} needs --mutable`);
  let m: PutArgs['mutable'];
  if (mutable) {
    const identityFile = stringOption(values, 'identity');
    if (identityFile === undefined) throw new UsageError('--mutable needs --identity FILE');
    const salt = utf8Encode(stringOption(values, 'salt') ?? '');
    if (salt.length > DHT_SALT_BYTES_MAX)
      throw new UsageError(`--salt is ${salt.length} bytes; at most ${DHT_SALT_BYTES_MAX}`);
    const seq =
      values.seq === undefined
        ? undefined
        : intOption(values, 'seq', 0, 0, Number.MAX_SAFE_INTEGER);
    m = { identity: identityOption(identityFile)!, salt, ...(seq !== undefined ? { seq } : {}) };
  }
  return {
    value,
    mutable: m,
    where,
    timeoutMs: intOption(values, 'timeout', 30_000, 1, 3_600_000),
    json: values.json === true,
  };
}

/**
 * Parses `pnrp get`.
 * @throws UsageError for anything missing, malformed or contradictory.
 */
export function parseGetArgs(args: string[]): GetArgs {
  const { values, positionals } = parseCommandLine(args, {
    ...COMMON,
    out: { type: 'string' },
    put: { type: 'string' },
  });
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const where = whereOf(values);
  const text = positionals[0];
  if (text !== undefined && !/^[0-9a-fA-F]{64}$/.test(text))
    throw new UsageError(`KEY must be 64 hex digits, got "${text}"`);
  const putText = stringOption(values, 'put');
  if (text === undefined && putText === undefined)
    throw new UsageError(
      'expected KEY (64 hex digits), e.g. pnrp get <key> --bootstrap 127.0.0.1:3541',
    );
  const out = stringOption(values, 'out');
  if (out === '') throw new UsageError('--out needs a file name');
  return {
    key: text === undefined ? undefined : fromHex(text.toLowerCase()),
    put: putText === undefined ? undefined : valueBytes(utf8Encode(putText), '--put'),
    out,
    where,
    timeoutMs: intOption(values, 'timeout', 30_000, 1, 3_600_000),
    json: values.json === true,
  };
}
