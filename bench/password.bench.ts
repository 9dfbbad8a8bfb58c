/**
 * Password costs (issue 11 item 7): offline guesses per second per core against a captured
 * joiner proof, for the [MS-PPSEC] scheme (two SHA-1 runs per guess, gmc/password.ts) and the
 * strong mode (one scrypt run per guess, gmc/password-strong.ts) at N = 2^15..2^17, each with the
 * noble code the library runs and with node:crypto (native code, closer to what an attacker
 * runs); then what a legitimate joiner pays to open a strong invitation at the default cost, and
 * the cost of one mutual authentication (gmc/auth.ts, noble). Single-threaded, so every figure is
 * per core. Run: `npx tsx bench/run.ts password`. Measures; never asserts.
 */
import { createHash, scryptSync } from 'node:crypto';
import { DEFAULT_WALL_CLOCK_MS } from '../src/drt/options.js';
import {
  createGroup,
  createKdfParams,
  createPasswordInvitation,
  derivePasswordSecret,
  GroupAuthSession,
  issueGmc,
  openPasswordInvitation,
  PASSWORD_KDF_LIMITS,
  parseInvitation,
  passwordHashString,
  passwordProof,
  strongPasswordProof,
} from '../src/gmc/index.js';
import { createIdentity } from '../src/keys/identity.js';
import { seededRng } from '../src/util/rng.js';
import { median, opsPerSecond, printTable } from './table.js';

const group = `${'c'.repeat(40)}.chat`;
const joiner = `${'a'.repeat(40)}.alice`;
const rng = seededRng('password-bench');

/** Median milliseconds of `fn` over `runs` runs (after one warm-up). */
function msPerRun(fn: () => void, runs = 3): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

const rows: (string | number)[][] = [];
let guess = 0;
const legacyNoble = opsPerSecond(() => {
  passwordProof(passwordHashString(`guess-${guess++}`), joiner);
});
const legacyNative = opsPerSecond(() => {
  const pw = Buffer.from(`guess-${guess++}\0MS P2P Grouping\0`, 'utf16le');
  const hash = createHash('sha1').update(pw).digest();
  createHash('sha1')
    .update(hash)
    .update(Buffer.from(`${joiner}\0`, 'utf16le'))
    .digest();
});
rows.push(['MS-PPSEC SHA-1 (interoperable)', 'noble', legacyNoble, 1000 / legacyNoble]);
rows.push(['MS-PPSEC SHA-1 (interoperable)', 'node:crypto', legacyNative, 1000 / legacyNative]);

const ctx = { joinerPeerName: joiner, nonceMember: rng.bytes(32), nonceJoiner: rng.bytes(32) };
for (const logN of [15, 16, 17]) {
  const params = createKdfParams(rng, { logN });
  const label = `scrypt N=2^${logN} r=8 p=1${logN === PASSWORD_KDF_LIMITS.logNDefault ? ' (default)' : ''}`;
  const noble = msPerRun(() => {
    strongPasswordProof(derivePasswordSecret(`guess-${guess++}`, group, params), ctx);
  });
  const native = msPerRun(() => {
    scryptSync(`guess-${guess++}`, params.salt, 32, { N: 2 ** logN, r: 8, p: 1, maxmem: 2 ** 30 });
  });
  rows.push([label, 'noble', 1000 / noble, noble]);
  rows.push([label, 'node:crypto', 1000 / native, native]);
}
printTable('password-guessing', ['scheme', 'code', 'guesses/s per core', 'ms per guess'], rows);

// What a legitimate joiner pays: open a strong invitation (one scrypt, one HMAC) and prove.
const params = createKdfParams(rng);
const secret = derivePasswordSecret('correct horse battery staple', group, params);
const xml = createPasswordInvitation({ groupPeerName: group, groupFriendlyName: 'Chat', secret });
const parsed = parseInvitation(xml);
if (!parsed.ok) throw new Error(parsed.error.detail);
const joinMs = msPerRun(() => {
  const opened = openPasswordInvitation(parsed.value, 'correct horse battery staple');
  if (!opened.ok || opened.value.mode !== 'strong') throw new Error('open failed');
  strongPasswordProof(opened.value.secret, ctx);
});

// One mutual authentication (5 messages, 2 chain validations, 2 signatures, X25519, HKDF).
const T0 = DEFAULT_WALL_CLOCK_MS - 86_400_000;
const g = await createGroup({ classifier: 'bench', nowWallMs: T0, seed: rng.bytes(32) });
const credentialOf = async (seed: Uint8Array) => {
  const identity = createIdentity(seed);
  const chain = await issueGmc({
    issuer: g.root,
    subjectPublicKey: identity.publicKey,
    role: 'member',
    nowWallMs: T0,
  });
  return { identity, chain };
};
const a = await credentialOf(rng.bytes(32));
const b = await credentialOf(rng.bytes(32));
let run = 0;
const authMs = msPerRun(() => {
  const r = seededRng(`auth-${run++}`);
  const j = new GroupAuthSession({
    side: 'joiner',
    credential: a,
    root: g.root.chain[0]!,
    rng: r.fork('j'),
  });
  const m = new GroupAuthSession({
    side: 'member',
    credential: b,
    root: g.root.chain[0]!,
    rng: r.fork('m'),
  });
  j.start(DEFAULT_WALL_CLOCK_MS);
  for (let moved = true; moved; ) {
    moved = false;
    for (const [from, to] of [
      [j, m],
      [m, j],
    ] as const) {
      for (let out = from.poll(); out.type !== 'idle'; out = from.poll()) {
        moved = true;
        if (out.type === 'send') to.handleMessage(DEFAULT_WALL_CLOCK_MS, out.payload);
      }
    }
  }
  if (j.state !== 'authenticated' || m.state !== 'authenticated') throw new Error('auth failed');
}, 10);
printTable(
  'password-join',
  ['step', 'ms'],
  [
    [`open a strong invitation and prove (scrypt N=2^${params.logN}, noble)`, joinMs],
    ['mutual authentication, both sides, noble, cold chain cache', authMs],
  ],
);
