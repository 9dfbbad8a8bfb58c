#!/usr/bin/env node
/**
 * @module cli/main
 * The `pnrp` command: dispatches to one subcommand per file. Exit code 0 on success, 1 on a
 * runtime failure (or a name not found), 2 on a usage error; errors go to stderr as one readable
 * line. `pnrp <command> --help` prints the command's help.
 */
import { wantsHelp } from './args.js';
import { ID_USAGE, runIdCommand } from './id-command.js';
import { IDENTITY_USAGE, runIdentityCommand } from './identity-command.js';
import { NODE_USAGE, runNodeCommand } from './node-command.js';
import { RESOLVE_USAGE, runResolveCommand } from './resolve-command.js';
import { runSimCommand, SIM_USAGE } from './sim-command.js';
import { runTraceCommand, TRACE_USAGE } from './trace-command.js';
import { UsageError } from './usage-error.js';

const USAGE = `usage: pnrp <command> [options]    (pnrp <command> --help for its options)

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
                                          simulate a DRT cloud and measure resolves
`;

type Command = (args: string[]) => Promise<number> | number;

const COMMANDS: Record<string, { readonly run: Command; readonly usage: string }> = {
  id: { run: runIdCommand, usage: ID_USAGE },
  identity: { run: runIdentityCommand, usage: IDENTITY_USAGE },
  node: { run: runNodeCommand, usage: NODE_USAGE },
  resolve: { run: runResolveCommand, usage: RESOLVE_USAGE },
  trace: { run: runTraceCommand, usage: TRACE_USAGE },
  sim: { run: runSimCommand, usage: SIM_USAGE },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    process.stderr.write(`pnrp: unknown command "${name}"\n\n${USAGE}`);
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
      process.stderr.write(`pnrp ${name}: ${e.message}\n(see pnrp ${name} --help)\n`);
      return 2;
    }
    process.stderr.write(`pnrp ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
