/**
 * The group the DKSP scenarios (gmc-dksp, gmc-membership) build their clouds on: `members`
 * holders of a member GMC under one group root, and one outsider holding a member GMC of a
 * foreign group, every key and root seeded from the scenario's seed and issued a day before the
 * nodes' default wall clock. Issued before the simulation, since issuance is async (WebCrypto).
 */
import { DEFAULT_WALL_CLOCK_MS } from '../../src/drt/options.js';
import type { GmcCredential } from '../../src/gmc/index.js';
import { createGroup, type Group, issueGmc } from '../../src/gmc/issue.js';
import { createIdentity } from '../../src/keys/identity.js';
import { seededRng } from '../../src/util/rng.js';

/** When the scenario certificates are issued: a day before `DEFAULT_WALL_CLOCK_MS`. */
export const ISSUED_AT: number = DEFAULT_WALL_CLOCK_MS - 86_400_000;

/** 32 bytes drawn from `seed`, `label` and `index`: the same bytes for the same three. */
export function seedBytes(seed: number, label: string, index: number): Uint8Array {
  return seededRng(`${seed}:${label}:${index}`).bytes(32);
}

/** A group root, its members' credentials, and an outsider under a foreign root. */
export interface GroupCloudFixture {
  /** The group root certificate (DER) every member's provider trusts. */
  readonly root: Uint8Array;
  /** The group itself (its root credential signs revocations). */
  readonly group: Group;
  readonly credentials: readonly GmcCredential[];
  /** The root certificate of the foreign group. */
  readonly foreignRoot: Uint8Array;
  /** A member of the foreign group, not of ours. */
  readonly foreigner: GmcCredential;
}

/** Issues the group, `members` member GMCs and the foreigner, all seeded from `seed`. */
export async function makeGroupCloudFixture(
  seed: number,
  members: number,
): Promise<GroupCloudFixture> {
  const group = await createGroup({
    classifier: 'drt',
    nowWallMs: ISSUED_AT,
    seed: seedBytes(seed, 'group', 0),
  });
  const credentials: GmcCredential[] = [];
  for (let i = 0; i < members; i++) {
    credentials.push(await memberOf(group, createIdentity(seedBytes(seed, 'member', i))));
  }
  const foreign = await createGroup({
    classifier: 'drt',
    nowWallMs: ISSUED_AT,
    seed: seedBytes(seed, 'foreign', 0),
  });
  return {
    root: group.root.chain[0]!,
    group,
    credentials,
    foreignRoot: foreign.root.chain[0]!,
    foreigner: await memberOf(foreign, createIdentity(seedBytes(seed, 'intruder', 0))),
  };
}

async function memberOf(group: Group, identity: GmcCredential['identity']): Promise<GmcCredential> {
  const chain = await issueGmc({
    issuer: group.root,
    subjectPublicKey: identity.publicKey,
    role: 'member',
    nowWallMs: ISSUED_AT,
  });
  return { identity, chain };
}
