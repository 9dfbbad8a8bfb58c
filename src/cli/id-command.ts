/**
 * @module cli/id-command
 * `pnrp id <peer-name> [--service-location <32 hex>] [--json]`: the identifiers of a peer name
 * as JSON (docs/design.md §5): P2P ID, PNRP ID (with the given service location, or zero), resolve
 * target. Its output has always been JSON (indented); `--json`, which every command takes,
 * prints the same object on one line, as the other commands do.
 */
import { p2pIdOf, pnrpIdOf, resolveTargetOf } from '../keys/index.js';
import { fromHex, toHex } from '../util/bytes.js';
import { parseCommandLine, stringOption } from './args.js';
import { peerNameArgument } from './publish-check.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp id`. */
export const ID_USAGE: string = `usage: pnrp id <peer-name> [--service-location <32 hex>] [--json]

Prints the identifiers of a peer name as JSON: P2P ID, PNRP ID (with the given service location,
or zero) and the resolve target. The name is NFC-normalized first, so every Unicode spelling of
a classifier gives the same IDs; peerName shows the normalized name.
  --json   print the object on one line
`;

/** Runs the `id` subcommand, printing one JSON object to stdout. */
export function runIdCommand(args: string[]): number {
  const { values, positionals } = parseCommandLine(args, {
    'service-location': { type: 'string' },
    json: { type: 'boolean' },
  });
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) {
    throw new UsageError('expected exactly one peer name, e.g. pnrp id 0.MyApplication');
  }
  const peerName = peerNameArgument(name);
  const slText = stringOption(values, 'service-location') ?? '0'.repeat(32);
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
  const text = values.json === true ? JSON.stringify(out) : JSON.stringify(out, null, 2);
  process.stdout.write(`${text}\n`);
  return 0;
}
