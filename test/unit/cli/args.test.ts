/**
 * The CLI's argument parsing, in process: every way `node:util` `parseArgs` can refuse a command
 * line becomes a UsageError in our words naming the option, never parseArgs's own message
 * ("argument is ambiguous", "Unknown option '--x'. ... as in '-- "--x"" with its unbalanced
 * quote); the safety net that rewrites a raw parseArgs message a command wrapped itself.
 */
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  cloudOption,
  type OptionSpecs,
  ourUsageText,
  parseArgsErrorText,
  parseCommandLine,
} from '../../../src/cli/args.js';
import { UsageError } from '../../../src/cli/usage-error.js';

const SPECS: OptionSpecs = {
  cloud: { type: 'string' },
  port: { type: 'string', short: 'p' },
  bootstrap: { type: 'string', multiple: true, short: 'b' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
};

/** parseArgs's own wording, which must never reach the user. */
const RAW =
  /argument is ambiguous|argument missing|Unknown option '|does not take an argument|'-- "|Did you forget/;

function refusal(args: string[]): string {
  try {
    parseCommandLine(args, SPECS);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const message = (e as Error).message;
    expect(message).not.toMatch(RAW);
    expect(message).not.toMatch(/\n/);
    return message;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

/** The code parseArgs itself gives, to prove each case is one of its refusals. */
function rawCode(args: string[]): unknown {
  try {
    parseArgs({ args, options: SPECS, strict: true, allowPositionals: true });
    return undefined;
  } catch (e) {
    return (e as { code?: unknown }).code;
  }
}

describe('parseCommandLine() usage errors, in our words', () => {
  const cases: [string[], RegExp, string | undefined][] = [
    [
      ['--clod', 'x'],
      /^unknown option --clod \(did you mean --cloud\?\)$/,
      'ERR_PARSE_ARGS_UNKNOWN_OPTION',
    ],
    [
      ['--frobnicate'],
      /^unknown option --frobnicate \(known options: --cloud, --port, /,
      'ERR_PARSE_ARGS_UNKNOWN_OPTION',
    ],
    [['-z'], /^unknown option -z /, 'ERR_PARSE_ARGS_UNKNOWN_OPTION'],
    [['-vz'], /^unknown option -z /, 'ERR_PARSE_ARGS_UNKNOWN_OPTION'],
    [['--cloud'], /^--cloud needs a value$/, 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'],
    [['-p'], /^-p \(--port\) needs a value$/, 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'],
    [['-vp'], /^-p \(--port\) needs a value$/, 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'],
    [
      ['--cloud', '-x'],
      /^--cloud needs a value, but "-x" looks like an option; if it is the value, write --cloud=-x$/,
      'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
    ],
    [
      ['-p', '-1'],
      /^-p \(--port\) needs a value, but "-1" .* write --port=-1$/,
      'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
    ],
    [['--json=yes'], /^--json takes no value, got "yes"$/, 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'],
    [['--cloud', 'a', '--cloud', 'b'], /^--cloud given more than once$/, undefined],
  ];
  for (const [args, message, code] of cases) {
    it(`${args.join(' ')} → ${message.source}`, () => {
      expect(rawCode(args)).toBe(code);
      expect(refusal(args)).toMatch(message);
    });
  }

  it('accepts what parseArgs accepts, values starting with "-" written inline, repeats of multiple options', () => {
    const { values, positionals } = parseCommandLine(
      ['0.x', '--cloud=-odd', '-b', '1.2.3.4:5', '--bootstrap', '[::1]:6', '-v', '--', '--y'],
      SPECS,
    );
    expect(values).toEqual({ cloud: '-odd', bootstrap: ['1.2.3.4:5', '[::1]:6'], verbose: true });
    expect(positionals).toEqual(['0.x', '--y']);
  });

  it('a command without options says so', () => {
    expect(() => parseCommandLine(['--json'], {})).toThrow(
      /^unknown option --json \(this command takes no options\)$/,
    );
  });
});

describe('parseArgsErrorText() and ourUsageText(): raw parseArgs messages in our words', () => {
  it('maps every parseArgs error code, naming the option', () => {
    const messages = [
      [['--frob'], 'unknown option --frob'],
      [['--cloud'], '--cloud needs a value'],
      [['-p'], '--port needs a value'],
      [
        ['--cloud', '-x'],
        '--cloud needs a value; to give one that starts with "-", write --cloud=-VALUE',
      ],
      [['--json=1'], '--json takes no value'],
    ] as const;
    for (const [args, ours] of messages) {
      let raw: unknown;
      try {
        parseArgs({ args: [...args], options: SPECS, strict: true, allowPositionals: true });
      } catch (e) {
        raw = e;
      }
      expect(parseArgsErrorText(raw)).toBe(ours);
      // A command that wrapped only the message gets the same words.
      expect(ourUsageText((raw as Error).message)).toBe(ours);
    }
    let positional: unknown;
    try {
      parseArgs({ args: ['x'], options: SPECS, strict: true, allowPositionals: false });
    } catch (e) {
      positional = e;
    }
    expect(parseArgsErrorText(positional)).toBe('unexpected argument "x"');
    expect(parseArgsErrorText(new Error('something else'))).toBe('cannot read the command line');
  });

  it('leaves our own messages alone', () => {
    expect(ourUsageText('--nodes must be an integer in 2..20000, got "1"')).toBe(
      '--nodes must be an integer in 2..20000, got "1"',
    );
  });
});

describe('cloudOption()', () => {
  it('defaults to Global_ and refuses an empty or blank name or control characters', () => {
    expect(cloudOption({})).toBe('Global_');
    expect(cloudOption({ cloud: 'LinkLocal_ff00::%1' })).toBe('LinkLocal_ff00::%1');
    for (const bad of ['', '   ', 'a\nb']) {
      expect(() => cloudOption({ cloud: bad })).toThrow(UsageError);
      expect(() => cloudOption({ cloud: bad })).toThrow(/^--cloud needs a cloud name/);
    }
  });
});
