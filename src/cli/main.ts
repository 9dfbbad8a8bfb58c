#!/usr/bin/env node
/**
 * @module cli/main
 * The `pnrp` command: dispatches to one subcommand per file. Exit code 0 on success, 1 on a
 * runtime failure, 2 on a usage error; errors go to stderr as one readable line.
 */
import { runIdCommand } from './id-command.js';
import { runSimCommand } from './sim-command.js';
import { UsageError } from './usage-error.js';

const USAGE = `usage: pnrp <command> [options]

commands:
  id <peer-name> [--service-location <32 hex>]   print the P2P ID, PNRP ID and resolve target as JSON
  sim [--nodes N] [--seed S] [--scenario stable|churn] [--searches K] [--json]
                                                 simulate a DRT cloud and measure resolves
`;

type Command = (args: string[]) => Promise<void> | void;

const COMMANDS: Record<string, Command> = {
  id: runIdCommand,
  sim: runSimCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`pnrp: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    await command(rest);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`pnrp ${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`pnrp ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
