/**
 * @module cli/identity-command
 * `pnrp identity new --out FILE [--force] [--json]`: creates an Ed25519 key pair, writes it as
 * an identity file (mode 0600; see `identity-file.ts`) and prints the secured authority it owns.
 * `pnrp identity show FILE [--json]`: checks an identity file and prints its authority.
 */
import { toHex } from '../util/bytes.js';
import { parseCommandLine, stringOption } from './args.js';
import { loadIdentity, saveNewIdentity } from './identity-file.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp identity`. */
export const IDENTITY_USAGE = `usage: pnrp identity new --out FILE [--force] [--json]
       pnrp identity show FILE [--json]

  new    create an Ed25519 key pair and write it to FILE (JSON, mode 0600); prints the secured
         authority it owns: publish secured names as <authority>.<classifier> with --identity FILE
         --out FILE   where to write (required)
         --force      replace an existing FILE
  show   check FILE and print its authority and public key
  --json print one JSON object
exit code 1 when FILE cannot be read or written (or is not a valid identity file), 2 on a usage
error
`;

/** Runs `pnrp identity ...`; returns the exit code. */
export function runIdentityCommand(args: string[]): number {
  const [sub, ...rest] = args;
  if (sub === 'new') return identityNew(rest);
  if (sub === 'show') return identityShow(rest);
  throw new UsageError(
    sub === undefined
      ? 'expected a subcommand: new or show (see pnrp identity --help)'
      : `unknown subcommand "${sub}": expected new or show`,
  );
}

function identityNew(args: string[]): number {
  const { values, positionals } = parseCommandLine(args, {
    out: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const out = stringOption(values, 'out');
  if (out === undefined || out === '') throw new UsageError('--out FILE is required');
  const identity = saveNewIdentity(out, { force: values.force === true });
  const example = `${identity.authority}.chat`;
  if (values.json === true) {
    const doc = {
      file: out,
      authority: identity.authority,
      publicKey: toHex(identity.publicKey),
      example,
    };
    process.stdout.write(`${JSON.stringify(doc)}\n`);
  } else {
    process.stdout.write(
      [
        `wrote a new Ed25519 identity to ${out} (mode 0600; keep it secret)`,
        `authority: ${identity.authority}`,
        `secured peer names: ${identity.authority}.<classifier>, e.g. ${example}`,
        `publish one with: pnrp node --identity ${out} --register ${example}`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}

function identityShow(args: string[]): number {
  const { values, positionals } = parseCommandLine(args, { json: { type: 'boolean' } });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0)
    throw new UsageError('expected exactly one identity file, e.g. pnrp identity show me.json');
  // A file that cannot be read or is not an identity is a failure (exit 1), not a usage error.
  const identity = loadIdentity(file);
  if (values.json === true) {
    const doc = { file, authority: identity.authority, publicKey: toHex(identity.publicKey) };
    process.stdout.write(`${JSON.stringify(doc)}\n`);
  } else {
    process.stdout.write(
      `authority: ${identity.authority}\npublic key: ${toHex(identity.publicKey)}\n`,
    );
  }
  return 0;
}
