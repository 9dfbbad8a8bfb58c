#!/usr/bin/env node
/**
 * @module cli/main
 * The `pnrp` command: dispatches to one subcommand per file. `pnrp <command> --help` prints the
 * command's help, `pnrp --version` the package version. Errors go to stderr as one readable line.
 *
 * Exit codes (a decision the commands share, see {@link EXIT_CODES_HELP}):
 * - 0: success;
 * - 1: a failure while running: a name not found, a timeout, a file that cannot be read or
 *   written or is not a valid identity file, a port in use;
 * - 2: a usage error: an unknown or repeated option, a missing or malformed value, a bad peer
 *   name, contradictory options. Every usage error is found before any side effect (no socket
 *   bound, no file written) and is printed in our words, never `parseArgs`'s.
 */
import { readFileSync } from 'node:fs';
import { ourUsageText, parseCommandLine, wantsHelp } from './args.js';
import { CONNECT_USAGE, runConnectCommand } from './connect-command.js';
import { GET_USAGE, PUT_USAGE, runGetCommand, runPutCommand } from './dht-command.js';
import { EASY_CONNECT_USAGE, runEasyConnectCommand } from './easy-connect-command.js';
import { GROUP_USAGE } from './group-usage.js';
import { ID_USAGE, runIdCommand } from './id-command.js';
import { IDENTITY_USAGE, runIdentityCommand } from './identity-command.js';
import { NODE_USAGE, runNodeCommand } from './node-command.js';
import { PING_USAGE, runPingCommand } from './ping-command.js';
import { RESOLVE_USAGE, runResolveCommand } from './resolve-command.js';
import { runSimCommand, SIM_USAGE } from './sim-command.js';
import { runTraceCommand, TRACE_USAGE } from './trace-command.js';
import { UsageError } from './usage-error.js';

/** The exit-code lines every help ends with. */
const EXIT_CODES_HELP = `exit codes: 0 success; 1 failure (not found, timed out, a file that cannot be read or
written, a port in use); 2 usage error (bad option or value), reported before anything runs
`;

const USAGE = `usage: pnrp <command> [options]    (pnrp <command> --help for its options)
       pnrp --version

commands:
  id <peer-name>                          the P2P ID, PNRP ID and resolve target as JSON
  identity new --out FILE [--force]       create a key pair for secured names (<authority>.<classifier>)
  identity show FILE                      check an identity file and print its authority
  node [--port P] [--bootstrap HOST:PORT] [--register NAME] [--identity FILE]
                                          run a node over UDP until Ctrl-C
  resolve <peer-name> (--bootstrap HOST:PORT | --sim)
                                          resolve a peer name and print what was found
  trace <peer-name> (--bootstrap HOST:PORT | --sim)
                                          print a resolve's route hop by hop
  sim [--nodes N] [--seed S] [--scenario stable|churn] [--searches K] [--json]
      [--malicious F --attack forged-referral|hijack|drop|eclipse] [--secured]
      [--plot FILE.svg] [--interval S]    simulate a DRT cloud and measure resolves
  ping <peer-name> --bootstrap HOST:PORT  resolve a name and exchange PING/PONG datagrams with it
                                          (through a relay when behind a symmetric NAT)
  group create|invite|join|records        peer groups: create one, invite members, run a member over
                                          TCP (found through PNRP), print the records (needs the
                                          optional @peculiar/x509)
  version                                 print the version of pnrp (also --version)
  put (VALUE | --file F) (--bootstrap HOST:PORT | --sim) [--mutable --identity FILE]
                                          store a value in the DHT and print its key
  get KEY (--bootstrap HOST:PORT | --sim) look a DHT key up and print its value
  connect <peer-name> --bootstrap HOST:PORT [--punch] [--tries N]
                                          resolve a peer and reach it directly, punching a
                                          hole through its NAT
  easy-connect offer|accept [CODE] --password P [--bootstrap HOST:PORT]
                                          connect two people by a 12-character code and a password

every command takes --json to print JSON instead of text.
${EXIT_CODES_HELP}`;

/**
 * The version in the package.json beside the code: `../../package.json` from both
 * `src/cli/main.ts` and `dist/cli/main.js`, read at run time so the built file needs no copy.
 */
function packageVersion(): string {
  try {
    const doc: unknown = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    );
    const version = (doc as { version?: unknown } | null)?.version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function runVersion(args: string[]): number {
  const { values, positionals } = parseCommandLine(args, { json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const json = values.json === true;
  const version = packageVersion();
  process.stdout.write(
    json ? `${JSON.stringify({ name: 'pnrp', version })}\n` : `pnrp ${version}\n`,
  );
  return 0;
}

const VERSION_USAGE = `usage: pnrp version [--json]    (or pnrp --version)

Prints the version of pnrp.
`;

type Command = (args: string[]) => Promise<number> | number;

const COMMANDS: Record<string, { readonly run: Command; readonly usage: string }> = {
  id: { run: runIdCommand, usage: ID_USAGE },
  identity: { run: runIdentityCommand, usage: IDENTITY_USAGE },
  node: { run: runNodeCommand, usage: NODE_USAGE },
  resolve: { run: runResolveCommand, usage: RESOLVE_USAGE },
  trace: { run: runTraceCommand, usage: TRACE_USAGE },
  sim: { run: runSimCommand, usage: SIM_USAGE },
  version: { run: runVersion, usage: VERSION_USAGE },
  group: { run: runGroup, usage: GROUP_USAGE },
  put: { run: runPutCommand, usage: PUT_USAGE },
  get: { run: runGetCommand, usage: GET_USAGE },
  connect: { run: runConnectCommand, usage: CONNECT_USAGE },
  ping: { run: runPingCommand, usage: PING_USAGE },
  'easy-connect': { run: runEasyConnectCommand, usage: EASY_CONNECT_USAGE },
};

/**
 * `pnrp group` needs `pnrp/gmc` (and so the optional peer @peculiar/x509): it is loaded only when
 * that command runs, so every other command works without x509 installed.
 */
async function runGroup(args: string[]): Promise<number> {
  const { runGroupCommand } = await import('./group-command.js');
  return runGroupCommand(args);
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const name = first === '--version' || first === '-V' ? 'version' : first;
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    const what = name.startsWith('-')
      ? `unknown option ${name} before the command`
      : `unknown command "${name}"`;
    process.stderr.write(`pnrp: ${what}\n\n${USAGE}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`pnrp ${name}: ${ourUsageText(e.message)}\n(see pnrp ${name} --help)\n`);
      return 2;
    }
    process.stderr.write(`pnrp ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
