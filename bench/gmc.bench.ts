/**
 * Group security costs (issue "Group security", benchmark): GMC chain validations per second for
 * chains of 1, 3 and 10 certificates, cold (every certificate parsed by @peculiar/x509 and every
 * signature checked) and warm (a CertificateCache remembers parsed certificates and verified
 * signatures), with the noble backend and, when `src/adapters/node/` provides it, the node:crypto
 * backend; then the cost of a resolve in a DKSP cloud versus the null provider (hops, messages,
 * Ed25519 verifications and signatures, wall time), in resolve mode and in [MC-DRT] membership
 * mode (every LOOKUP, INQUIRE and REQUEST signed by its sender and verified by its receiver). Run: `npx tsx bench/run.ts gmc`. Measures; never asserts.
 */
import { DEFAULT_WALL_CLOCK_MS } from '../src/drt/options.js';
import { CertificateCache, derivedKeySecurityProvider, validateChain } from '../src/gmc/index.js';
import { createGroup, type GmcCredential, issueGmc } from '../src/gmc/issue.js';
import { type CryptoBackend, nobleCrypto } from '../src/keys/crypto-backend.js';
import { createIdentity } from '../src/keys/identity.js';
import { DrtCloud } from '../src/sim/drt-cloud.js';
import { seededRng } from '../src/util/rng.js';
import { opsPerSecond, printTable } from './table.js';

const T0 = DEFAULT_WALL_CLOCK_MS - 86_400_000;
const NOW = DEFAULT_WALL_CLOCK_MS;
const rng = seededRng('gmc-bench');

async function chainOf(length: number): Promise<GmcCredential> {
  const group = await createGroup({ classifier: 'bench', nowWallMs: T0, seed: rng.bytes(32) });
  let credential: GmcCredential = group.root;
  for (let i = 1; i < length; i++) {
    const identity = createIdentity(rng.bytes(32));
    const role = i === length - 1 ? 'member' : 'inviting-member';
    const chain = await issueGmc({
      issuer: credential,
      subjectPublicKey: identity.publicKey,
      role,
      nowWallMs: T0,
    });
    credential = { identity, chain };
  }
  return credential;
}

async function nodeBackend(): Promise<CryptoBackend | undefined> {
  const path = '../src/adapters/node/node-crypto.js';
  try {
    const mod = (await import(path)) as { nodeCrypto?: CryptoBackend };
    return mod.nodeCrypto;
  } catch {
    return undefined;
  }
}

const backends: CryptoBackend[] = [nobleCrypto];
const native = await nodeBackend();
if (native) backends.push(native);
else console.log('(no node:crypto backend in src/adapters/node/ yet: noble only)');

const rows: (string | number)[][] = [];
for (const length of [1, 3, 10]) {
  const credential = await chainOf(length);
  const root = credential.chain[0]!;
  for (const crypto of backends) {
    const check = (cache?: CertificateCache) => {
      const v = validateChain(credential.chain, {
        nowWallMs: NOW,
        root,
        crypto,
        ...(cache ? { cache } : {}),
      });
      if (!v.ok) throw new Error(`bench chain invalid: ${v.reason}`);
    };
    const cold = opsPerSecond(() => check(), 300, 3);
    const cache = new CertificateCache(64);
    const warm = opsPerSecond(() => check(cache), 300, 3);
    rows.push([length, crypto.name, Math.round(cold), Math.round(cold * length), Math.round(warm)]);
  }
}
printTable(
  'gmc chain validation',
  ['certificates', 'backend', 'cold chains/s', 'cold certificates/s', 'warm chains/s'],
  rows,
);

/** A backend that counts Ed25519 verifications and signatures. */
function counting(inner: CryptoBackend): CryptoBackend & { verifies: number; signs: number } {
  const counter = {
    ...inner,
    name: inner.name,
    verifies: 0,
    signs: 0,
    ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
      counter.verifies++;
      return inner.ed25519Verify(signature, message, publicKey);
    },
    ed25519Sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
      counter.signs++;
      return inner.ed25519Sign(message, secretKey);
    },
  };
  return counter;
}

const NODES = 100;
const SEARCHES = 300;
const credentials: GmcCredential[] = [];
const group = await createGroup({ classifier: 'bench', nowWallMs: T0, seed: rng.bytes(32) });
for (let i = 0; i < NODES; i++) {
  const identity = createIdentity(rng.bytes(32));
  const chain = await issueGmc({
    issuer: group.root,
    subjectPublicKey: identity.publicKey,
    role: 'member',
    nowWallMs: T0,
  });
  credentials.push({ identity, chain });
}
const cloudRows: (string | number)[][] = [];
for (const mode of ['null', 'dksp', 'dksp-membership'] as const) {
  const crypto = counting(backends[backends.length - 1]!);
  const providers = credentials.map((credential) =>
    derivedKeySecurityProvider({
      root: group.root.chain[0]!,
      credential,
      crypto,
      mode: mode === 'dksp-membership' ? 'membership' : 'resolve',
    }),
  );
  const cloud = new DrtCloud({
    seed: 'gmc-bench',
    ...(mode !== 'null'
      ? {
          nodeOptions: (i: number) => ({ security: providers[i]!, crypto }),
          keyOf: (i: number) => providers[i]!.derivedKey,
        }
      : { node: { crypto } }),
  });
  const started = performance.now();
  cloud.build(NODES);
  const verifiesBefore = crypto.verifies;
  const signsBefore = crypto.signs;
  const searchStart = performance.now();
  const report = cloud.runSearches(SEARCHES);
  const searchMs = performance.now() - searchStart;
  cloudRows.push([
    mode,
    crypto.name,
    report.successRate,
    report.avgHops,
    report.messagesPerResolve,
    (crypto.verifies - verifiesBefore) / SEARCHES,
    (crypto.signs - signsBefore) / SEARCHES,
    searchMs / SEARCHES,
    Math.round(searchStart - started),
  ]);
}
printTable(
  `gmc resolve cost, ${NODES} nodes`,
  [
    'provider',
    'backend',
    'success',
    'hops',
    'messages/resolve',
    'verifies/resolve',
    'signs/resolve',
    'ms/resolve',
    'build ms',
  ],
  cloudRows,
);
