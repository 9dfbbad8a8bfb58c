/**
 * @module cli/lookup-command
 * The body `pnrp resolve` and `pnrp trace` share: parse, resolve over UDP or in the simulator,
 * print (the traceroute first for `trace`), and turn the outcome into an exit code: 0 when found,
 * 1 when not found, timed out or alone, with a message on stderr saying which.
 */
import { parseLookupArgs } from './lookup-options.js';
import {
  failureText,
  type LookupOutcome,
  outcomeJson,
  outcomeLines,
  traceText,
} from './lookup-output.js';
import { simLookup } from './sim-lookup.js';
import { udpLookup } from './udp-lookup.js';

/** Runs `resolve` or `trace`; returns the exit code. */
export async function runLookup(command: 'resolve' | 'trace', args: string[]): Promise<number> {
  const parsed = parseLookupArgs(command, args);
  let outcome: LookupOutcome;
  let extra: Record<string, unknown>;
  const lines: string[] = [];
  if (parsed.where.kind === 'sim') {
    const run = simLookup(parsed, parsed.where);
    outcome = run.outcome;
    extra = { mode: 'sim', sim: run.sim };
    const s = run.sim;
    lines.push(
      `simulated cloud ${parsed.cloud}: ${s.nodes} nodes, seed ${s.seed}; node ${s.publisher} publishes ${s.published}, node ${s.resolver} resolves ${parsed.peerName}`,
    );
  } else {
    outcome = await udpLookup(parsed, parsed.where);
    extra = { mode: 'udp' };
  }
  if (parsed.json) {
    process.stdout.write(`${JSON.stringify(outcomeJson(outcome, command, extra))}\n`);
  } else {
    if (command === 'trace') lines.push(traceText(outcome), '');
    if (outcome.failure === undefined) lines.push(...outcomeLines(outcome));
    process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  }
  if (outcome.failure === undefined) return 0;
  process.stderr.write(`pnrp ${command}: ${outcome.peerName}: ${failureText(outcome.failure)}\n`);
  return 1;
}
