/**
 * Group security costs (issue "Group security", benchmark): GMC chain validations per second for
 * chains of 1, 3 and 10 certificates, cold (every certificate parsed by @peculiar/x509 and every
 * signature checked) and warm (a CertificateCache remembers parsed certificates and verified
 * signatures), with the noble backend and, when `src/adapters/node/` provides it, the node:crypto
 * backend; then the cost of a resolve in a DKSP cloud versus the null provider (hops, messages,
 * Ed25519 verifications and signatures, wall time), in resolve mode and in [MC-DRT] membership
 * mode (every LOOKUP, INQUIRE and REQUEST signed by its sender and verified by its receiver).
 * Also (issue 11) the cost of refusing hostile membership credentials: a 25-certificate chain
 * under a foreign root (target: under 0.1 ms), our root followed by a forged certificate (one
 * parse, one signature check), garbage, and byte-different envelopes of a member's chain (memo
 * hits, not cold checks). Run: `npx tsx bench/run.ts gmc`. Measures; never asserts.
 */
import { DEFAULT_WALL_CLOCK_MS } from '../src/drt/options.js';
import {
  CertificateCache,
  createDkspMembership,
  derivedKeySecurityProvider,
  encodeChainPkcs7,
  validateChain,
} from '../src/gmc/index.js';
import { createGroup, type GmcCredential, issueGmc } from '../src/gmc/issue.js';
import { type CryptoBackend, nobleCrypto } from '../src/keys/crypto-backend.js';
import { createIdentity } from '../src/keys/identity.js';
import { DrtCloud } from '../src/sim/drt-cloud.js';
import { seededRng } from '../src/util/rng.js';
import { envelope, longChain } from '../test/unit/gmc/hostile.js';
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

{
  // Hostile membership credentials against one receiver (noble backend, default budgets off).
  const ours = await chainOf(2);
  const ourRoot = ours.chain[0]!;
  const foreign = await createGroup({ classifier: 'bench', nowWallMs: T0, seed: rng.bytes(32) });
  const hostile = await longChain(foreign.root, 25, T0);
  const forgedLeaf = ours.chain[1]!.slice();
  forgedLeaf[forgedLeaf.length - 1]! ^= 1;
  const data = new Uint8Array(64);
  const { membership } = createDkspMembership({
    root: ourRoot,
    credential: ours,
    crypto: nobleCrypto,
    cache: new CertificateCache(1024),
    memoEntriesMax: 1024,
  });
  const signature = nobleCrypto.ed25519Sign(data, ours.identity.secretKey);
  let salt = 0;
  const cases: [string, () => Uint8Array][] = [
    ['25 certificates, foreign root', () => envelope(hostile.chain, salt++)],
    ['our root + forged certificate', () => envelope([ourRoot, forgedLeaf], salt++)],
    ['600 bytes of garbage', () => rng.bytes(600)],
    ["a member's chain, new envelope", () => envelope(ours.chain, salt++)],
    ['reference: the member, same bytes', () => encodeChainPkcs7(ours.chain)],
  ];
  const hostileRows: (string | number)[][] = [];
  for (const [label, make] of cases) {
    const inputs = Array.from({ length: 200 }, make);
    let i = 0;
    const perSecond = opsPerSecond(
      () => {
        membership.verify({
          credential: inputs[i++ % inputs.length]!,
          signature,
          data,
          nowWallMs: NOW,
        });
      },
      300,
      3,
    );
    hostileRows.push([label, Math.round(perSecond), (1000 / perSecond).toFixed(4)]);
  }
  printTable(
    'membership credential refusals (one receiver, noble)',
    ['credential', 'checks/s', 'ms each'],
    hostileRows,
  );
}

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
