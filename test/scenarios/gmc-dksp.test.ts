/**
 * A DRT cloud secured by the derived-key security provider: every node holds a GMC under one
 * group root and registers the key derived from it. Searches succeed; an intruder whose
 * certificate comes from a foreign root cannot register through a provider trusting the group,
 * and when it publishes anyway (trusting its own root) no resolver returns it; no node can
 * register a key other than its derived one. Certificates are issued before the simulation,
 * since issuance is async (WebCrypto).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DrtNode } from '../../src/drt/node.js';
import {
  CertificateCache,
  type DerivedKeySecurityProvider,
  derivedKeySecurityProvider,
  type GmcCredential,
} from '../../src/gmc/index.js';
import { memoizeVerify, nobleCrypto } from '../../src/keys/crypto-backend.js';
import { DrtCloud } from '../../src/sim/drt-cloud.js';
import { seededRng } from '../../src/util/rng.js';
import { makeGroupCloudFixture } from './gmc-fixtures.js';

const SEED = Number(process.env.PNRP_SEED ?? 11);
const MEMBERS = 200;

describe(`DKSP cloud (seed ${SEED}, ${MEMBERS} members + 1 intruder)`, () => {
  let root: Uint8Array;
  let credentials: readonly GmcCredential[];
  let intruder: GmcCredential;
  let intruderRoot: Uint8Array;

  beforeAll(async () => {
    const f = await makeGroupCloudFixture(SEED, MEMBERS);
    ({ root, credentials } = f);
    intruder = f.foreigner;
    intruderRoot = f.foreignRoot;
  });

  it('searches succeed, and the intruder publishing under its own root is never returned', () => {
    const crypto = memoizeVerify(nobleCrypto, { entriesMax: 8192 });
    // One process, so the nodes may share parsed certificates (each still verifies every record).
    const cache = new CertificateCache(4096);
    const providers: DerivedKeySecurityProvider[] = [];
    const providerOf = (index: number): DerivedKeySecurityProvider => {
      if (providers[index] === undefined) {
        providers[index] =
          index < MEMBERS
            ? derivedKeySecurityProvider({ root, credential: credentials[index]!, crypto, cache })
            : derivedKeySecurityProvider({
                root: intruderRoot,
                credential: intruder,
                crypto,
                cache,
              });
      }
      return providers[index]!;
    };
    const cloud = new DrtCloud({
      seed: SEED,
      settleMs: 15_000,
      nodeOptions: (index) => ({ security: providerOf(index), crypto }),
      keyOf: (index) => providerOf(index).derivedKey,
    });
    cloud.build(MEMBERS);
    const intruderMember = cloud.join();
    cloud.sim.runFor(5_000);
    // The intruder stays in the cloud but is neither a searcher nor a target of runSearches.
    intruderMember.live = false;
    expect(providers.slice(0, MEMBERS).every((p) => p.credentialProblem === undefined)).toBe(true);

    const report = cloud.runSearches(500);
    expect(report.resolves).toBe(500);
    expect(report.failures).toEqual({});
    expect(report.successRate).toBe(1);

    // Twenty members look for the intruder's key: no result, ever.
    let returned = 0;
    for (let i = 0; i < 20; i++) {
      const outcome = cloud.searchOnce(cloud.members[i * 7]!, intruderMember.key);
      returned += outcome.results.filter((r) =>
        r.key.every((b, j) => b === intruderMember.key[j]),
      ).length;
    }
    expect(returned).toBe(0);
    const refusedChains = providers
      .slice(0, MEMBERS)
      .reduce((n, p) => n + (p.refusals['chain-foreign-root'] ?? 0), 0);
    expect(refusedChains).toBeGreaterThan(0);
  }, 120_000);

  it('a node whose certificate comes from a foreign root cannot register through a provider trusting the group', () => {
    const provider = derivedKeySecurityProvider({ root, credential: intruder });
    expect(provider.credentialProblem).toMatch(/^foreign-root/);
    expect(provider.checkRegistration(provider.derivedKey, new Uint8Array(0))).toMatch(
      /no valid certificate/,
    );
    const node = new DrtNode({
      rng: seededRng(SEED),
      localEndpoints: [{ address: new Uint8Array(16).fill(1), port: 4000 }],
      security: provider,
    });
    expect(() => node.registerKey(0, provider.derivedKey)).toThrow(RangeError);
  });

  it('a member cannot register a key other than its derived one', () => {
    const provider = derivedKeySecurityProvider({ root, credential: credentials[0]! });
    expect(provider.checkRegistration(provider.derivedKey, new Uint8Array(0))).toBeUndefined();
    const other = derivedKeySecurityProvider({ root, credential: credentials[1]! }).derivedKey;
    expect(provider.checkRegistration(other, new Uint8Array(0))).toMatch(/only the key derived/);
    const node = new DrtNode({
      rng: seededRng(SEED),
      localEndpoints: [{ address: new Uint8Array(16).fill(1), port: 4000 }],
      security: provider,
    });
    expect(() => node.registerKey(0, other)).toThrow(RangeError);
    expect(() => node.registerKey(0, provider.derivedKey)).not.toThrow();
  });
});
