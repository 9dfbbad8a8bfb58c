/**
 * @module cli/resolve-command
 * `pnrp resolve <peer-name> (--bootstrap HOST:PORT ... | --sim) [...]`: resolves a peer name and
 * prints each verified instance (peer name, endpoints, friendly name, secured flag, PNRP ID,
 * extended payload). See `lookup-options.ts` for the flags.
 */
import { runLookup } from './lookup-command.js';
import { LOOKUP_OPTIONS_HELP } from './lookup-options.js';

/** Help text of `pnrp resolve`. */
export const RESOLVE_USAGE: string = `usage: pnrp resolve <peer-name> (--bootstrap HOST:PORT ... | --sim [--nodes N] [--seed S])
                    [--criteria C] [--max-results N] [--timeout MS] [--extended-payload] [--json]

Resolves <peer-name> (0.<classifier> or <authority>.<classifier>, or its pnrp.net host name
such as test.pnrp.net or chat.p<authority>.pnrp.net) and prints every verified
instance: over UDP from a short-lived peer that bootstraps from running nodes (pnrp node), or
in a simulated cloud where another node publishes the name.
${LOOKUP_OPTIONS_HELP}`;

/** Runs `pnrp resolve`; returns the exit code. */
export function runResolveCommand(args: string[]): Promise<number> {
  return runLookup('resolve', args);
}
