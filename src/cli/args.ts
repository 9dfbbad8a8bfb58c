/**
 * @module cli/args
 * What every subcommand shares to read its arguments: `parseArgs` whose mistakes become
 * {@link UsageError}s, bounded integers, bootstrap endpoints and `--help`.
 */
import { parseArgs } from 'node:util';
import { type Endpoint, parseEndpoint } from '../keys/endpoint.js';
import { UsageError } from './usage-error.js';

/** Option specifications in the shape `node:util` `parseArgs` takes. */
export type OptionSpecs = Record<
  string,
  { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
>;

/** Parsed options: a string, a boolean or repeated strings, by option name. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** Parsed command line. */
export interface ParsedArgs {
  readonly values: OptionValues;
  readonly positionals: string[];
}

/**
 * Parses `args` strictly; an unknown flag or a missing value is a {@link UsageError}.
 * @example const { values, positionals } = parseCommandLine(args, { json: { type: 'boolean' } });
 */
export function parseCommandLine(args: string[], options: OptionSpecs): ParsedArgs {
  try {
    const parsed = parseArgs({ args, strict: true, allowPositionals: true, options });
    return { values: parsed.values as OptionValues, positionals: parsed.positionals };
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/** True when the command line asks for help (`--help` or `-h` anywhere). */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/**
 * A string option, or undefined when absent.
 * @example stringOption(values, 'cloud') ?? 'Global_'
 */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The values of a repeatable string option (empty when absent).
 * @example listOption(values, 'bootstrap')
 */
export function listOption(values: OptionValues, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

/**
 * An integer option in `min..max`, or `dflt` when absent.
 * @example intOption(values, 'port', 3540, 0, 65535)
 */
export function intOption(
  values: OptionValues,
  name: string,
  dflt: number,
  min: number,
  max: number,
): number {
  const raw = stringOption(values, name);
  const v = raw === undefined ? dflt : /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new UsageError(`--${name} must be an integer in ${min}..${max}, got "${raw}"`);
  }
  return v;
}

/**
 * Bootstrap endpoints from `--bootstrap` values; each may also hold a comma-separated list.
 * @example bootstrapEndpoints(['127.0.0.1:3540', '[::1]:3541'])
 */
export function bootstrapEndpoints(texts: readonly string[]): Endpoint[] {
  const out: Endpoint[] = [];
  for (const text of texts.flatMap((t) => t.split(','))) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    try {
      out.push(parseEndpoint(trimmed));
    } catch {
      throw new UsageError(
        `bad --bootstrap "${trimmed}": expected a.b.c.d:port or [ipv6]:port, e.g. 127.0.0.1:3540`,
      );
    }
    if (out[out.length - 1]!.port === 0)
      throw new UsageError(`bad --bootstrap "${trimmed}": port 0`);
  }
  return out;
}
