/**
 * @module cli/trace-command
 * `pnrp trace <peer-name> (--bootstrap HOST:PORT ... | --sim) [...]`: resolves a peer name and
 * prints its path hop by hop in the shape of `netsh p2p pnrp peer traceroute`, then what was found.
 */
import { runLookup } from './lookup-command.js';
import { LOOKUP_OPTIONS_HELP } from './lookup-options.js';

/** Help text of `pnrp trace`. */
export const TRACE_USAGE: string = `usage: pnrp trace <peer-name> (--bootstrap HOST:PORT ... | --sim [--nodes N] [--seed S]) [--json]

Resolves <peer-name> (or its pnrp.net host name, e.g. test.pnrp.net) and prints the route hop
by hop, like netsh p2p pnrp peer traceroute:
  [address]:port, (bits shared with the target), (round trip), Accepted | Rejected (why)
The owner appears twice: found, then proving the name (Accepted (Inquire)).
${LOOKUP_OPTIONS_HELP}`;

/** Runs `pnrp trace`; returns the exit code. */
export function runTraceCommand(args: string[]): Promise<number> {
  return runLookup('trace', args);
}
