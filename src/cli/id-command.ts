/**
 * @module cli/id-command
 * `pnrp id <peer-name> [--service-location <32 hex>]`: the identifiers of a peer name as JSON
 * (DESIGN.md §5): P2P ID, PNRP ID (with the given service location, or zero), resolve target.
 */
import { parseArgs } from 'node:util';
import { p2pIdOf, parsePeerName, pnrpIdOf, resolveTargetOf } from '../keys/index.js';
import { fromHex, toHex } from '../util/bytes.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp id`. */
export const ID_USAGE: string = `usage: pnrp id <peer-name> [--service-location <32 hex>]

Prints the identifiers of a peer name as JSON: P2P ID, PNRP ID (with the given service location,
or zero) and the resolve target.
`;

/** Runs the `id` subcommand, printing one JSON object to stdout. */
export function runIdCommand(args: string[]): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined || extra.length > 0) {
    throw new UsageError('expected exactly one peer name, e.g. pnrp id 0.MyApplication');
  }
  let peerName: ReturnType<typeof parsePeerName>;
  try {
    peerName = parsePeerName(name);
  } catch (e) {
    throw new UsageError(`invalid peer name: ${e instanceof Error ? e.message : String(e)}`);
  }
  const slText = parsed.values['service-location'] ?? '0'.repeat(32);
  if (!/^[0-9a-fA-F]{32}$/.test(slText)) {
    throw new UsageError('--service-location must be 32 hex digits (16 bytes)');
  }
  const serviceLocation = fromHex(slText);
  const out = {
    peerName: peerName.text,
    secured: peerName.secured,
    p2pId: toHex(p2pIdOf(peerName)),
    serviceLocation: toHex(serviceLocation),
    pnrpId: toHex(pnrpIdOf(peerName, serviceLocation)),
    resolveTarget: toHex(resolveTargetOf(peerName)),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { 'service-location': { type: 'string' } },
  });
}
