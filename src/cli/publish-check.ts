/**
 * @module cli/publish-check
 * What commands that publish names share: reading `--identity FILE` (refusals as usage errors)
 * and checking that each secured name to publish belongs to that identity's authority, so the
 * user gets one clear line instead of a refusal from deep inside the node.
 */
import type { Identity } from '../keys/identity.js';
import { type PeerName, parsePeerName } from '../keys/peer-name.js';
import { peerNameOfInput } from '../pnrp/peer-name-input.js';
import { IdentityFileError, loadIdentity } from './identity-file.js';
import { UsageError } from './usage-error.js';

/**
 * The identity of `--identity FILE`, or undefined when absent. An empty FILE is a usage error
 * (exit 2); a file that cannot be read or is not a valid identity file is a failure (exit 1),
 * as for every file the CLI reads or writes.
 * @throws UsageError for an empty FILE; IdentityFileError naming the file and the problem.
 */
export function identityOption(file: string | undefined): Identity | undefined {
  if (file === undefined) return undefined;
  if (file === '') throw new UsageError('--identity needs a file name');
  try {
    return loadIdentity(file);
  } catch (e) {
    if (e instanceof IdentityFileError) throw new IdentityFileError(`--identity: ${e.message}`);
    throw e;
  }
}

/**
 * Parses a peer name given on the command line, or its `pnrp.net` host name
 * (`test.pnrp.net` is `0.test`).
 * @throws UsageError for a malformed name.
 */
export function peerNameArgument(text: string): PeerName {
  try {
    return parsePeerName(peerNameOfInput(text));
  } catch (e) {
    throw new UsageError(
      `invalid peer name "${text}": ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * Checks that `name` may be published with `identity`: `0.` names always (signed by any key);
 * secured names only with the identity whose authority they carry.
 * @throws UsageError saying what is missing or mismatched.
 */
export function checkPublishable(name: string, identity: Identity | undefined): PeerName {
  const parsed = peerNameArgument(name);
  if (!parsed.secured) return parsed;
  if (identity === undefined)
    throw new UsageError(
      `${parsed.text} is a secured name: pass --identity FILE holding the key of authority ${parsed.authority} (or publish a 0.<classifier> name)`,
    );
  if (identity.authority !== parsed.authority.toLowerCase())
    throw new UsageError(
      `${parsed.text} belongs to authority ${parsed.authority}, but --identity holds the key of ${identity.authority}`,
    );
  return parsed;
}
