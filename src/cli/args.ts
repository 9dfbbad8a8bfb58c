/**
 * @module cli/args
 * What every subcommand shares to read its arguments: `parseArgs` whose mistakes become
 * {@link UsageError}s, bounded integers, bootstrap endpoints and `--help`.
 */
import { parseArgs } from 'node:util';
import { type Endpoint, parseEndpoint, splitHostPort } from '../keys/endpoint.js';
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
 * Parses `args` strictly; every mistake is a {@link UsageError} in our words naming the option
 * (never `parseArgs`'s own message): an unknown option (with the closest known one), a value
 * missing or looking like an option (`--cloud -x`: write `--cloud=-x`), a value given to a flag,
 * or an option that takes one value given twice.
 * @example const { values, positionals } = parseCommandLine(args, { json: { type: 'boolean' } });
 */
export function parseCommandLine(args: string[], options: OptionSpecs): ParsedArgs {
  // Lenient first, to see every token with its option name; then our own checks; then strict.
  const { tokens } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    options,
    tokens: true,
  });
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const spec = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (spec === undefined) throw new UsageError(unknownOptionText(t.rawName, options));
    const flag = optionLabel(t.rawName, t.name);
    if (spec.type === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`${flag} takes no value, got "${t.value}"`);
    } else if (t.value === undefined) {
      throw new UsageError(`${flag} needs a value`);
    } else if (!t.inlineValue && t.value.startsWith('-') && t.value.length > 1) {
      throw new UsageError(
        `${flag} needs a value, but "${t.value}" looks like an option; if it is the value, write --${t.name}=${t.value}`,
      );
    }
    if (spec.multiple !== true && seen.has(t.name))
      throw new UsageError(`--${t.name} given more than once`);
    seen.add(t.name);
  }
  try {
    const parsed = parseArgs({ args, strict: true, allowPositionals: true, options });
    return { values: parsed.values as OptionValues, positionals: parsed.positionals };
  } catch (e) {
    throw new UsageError(parseArgsErrorText(e));
  }
}

/** `--port` or `-p (--port)`. */
function optionLabel(rawName: string, name: string): string {
  return rawName === `--${name}` ? rawName : `${rawName} (--${name})`;
}

/** `unknown option --clo (did you mean --cloud?)`. */
function unknownOptionText(rawName: string, options: OptionSpecs): string {
  const typed = rawName.replace(/^-+/, '');
  const names = Object.keys(options);
  const close = rawName.startsWith('--')
    ? names.filter((n) => n.startsWith(typed) || typed.startsWith(n) || editDistance(n, typed) <= 2)
    : [];
  const hint =
    close.length > 0
      ? ` (did you mean ${close.map((n) => `--${n}`).join(' or ')}?)`
      : names.length > 0
        ? ` (known options: ${names.map((n) => `--${n}`).join(', ')})`
        : ' (this command takes no options)';
  return `unknown option ${rawName}${hint}`;
}

/** Levenshtein distance, for "did you mean" (option names are short). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + cost));
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * Our words for an error `node:util` `parseArgs` threw, by its code (or, for a message some
 * command wrapped without the code, by the message's shape), naming the option when known.
 * @example parseArgsErrorText(e) // 'unknown option --foo'
 */
export function parseArgsErrorText(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  const option = /'(-[^' ,]*)(?:, (--[^' ]+))?/.exec(message);
  const name = option === null ? 'an option' : (option[2] ?? option[1]);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || /^Unknown option '/.test(message))
    return `unknown option ${name}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' || /^Unexpected argument '/.test(message)) {
    const arg = /'([^']*)'/.exec(message)?.[1];
    return arg === undefined ? 'unexpected argument' : `unexpected argument "${arg}"`;
  }
  if (/does not take an argument/.test(message)) return `${name} takes no value`;
  if (/argument is ambiguous/.test(message))
    return `${name} needs a value; to give one that starts with "-", write ${name}=-VALUE`;
  if (/argument missing/.test(message)) return `${name} needs a value`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `bad value for ${name}`;
  return 'cannot read the command line';
}

/**
 * Our words for a usage message that may be a raw `parseArgs` message wrapped by a command
 * that does not use {@link parseCommandLine}; any other message is returned as is.
 * @example ourUsageText("Option '--nodes <value>' argument missing") // '--nodes needs a value'
 */
export function ourUsageText(message: string): string {
  return /^(Unknown option '|Unexpected argument '|Option '-)/.test(message)
    ? parseArgsErrorText(new Error(message))
    : message;
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
 * Bootstrap endpoints from `--bootstrap` values; each may also hold a comma-separated list. IP
 * literals (`[fe80::1%eth0]:3540` with a zone) are parsed here; host names are kept as text for
 * createPeer's resolver.
 * @example bootstrapEndpoints(['127.0.0.1:3540', '[::1]:3541', 'localhost:3542'])
 */
export function bootstrapEndpoints(
  texts: readonly string[],
  option = 'bootstrap',
): (Endpoint | string)[] {
  const out: (Endpoint | string)[] = [];
  for (const text of texts.flatMap((t) => t.split(','))) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    let port: number;
    try {
      const host = splitHostPort(trimmed);
      const ep = host === undefined ? parseEndpoint(trimmed) : undefined;
      out.push(ep ?? trimmed);
      port = ep?.port ?? host!.port;
    } catch (e) {
      const zone = trimmed.includes('%') && e instanceof RangeError ? ` (${e.message})` : '';
      throw new UsageError(
        `bad --${option} "${trimmed}": expected HOST:PORT, a.b.c.d:port or [ipv6]:port, e.g. 127.0.0.1:3540${zone}`,
      );
    }
    if (port === 0) throw new UsageError(`bad --${option} "${trimmed}": port 0`);
  }
  return out;
}

/**
 * The `--cloud` option, or `Global_` when absent; checked here, before any socket is bound.
 * @example cloudOption(values) // 'Global_'
 */
export function cloudOption(values: OptionValues): string {
  const cloud = stringOption(values, 'cloud');
  if (cloud === undefined) return 'Global_';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing C0 controls and DEL
  if (cloud.trim() === '' || /[\u0000-\u001f\u007f]/.test(cloud))
    throw new UsageError(
      `--cloud needs a cloud name such as Global_, got ${JSON.stringify(cloud)}`,
    );
  return cloud;
}
