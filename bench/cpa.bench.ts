/**
 * CPA costs beside the raw Ed25519 operations they wrap, measured in the same run so the ratio
 * means something on a shared machine: createCpa is one sign plus encoding, verifyCpa one verify
 * plus decoding and a few SHA-1s, and a memoized backend answers repeated bytes with one SHA-256.
 * Run: npx tsx bench/run.ts cpa
 */
import {
  createCpa,
  createExtendedPayload,
  decodeCpa,
  encodeCpa,
  verifyCpa,
  verifyExtendedPayload,
} from '../src/cpa/index.js';
import { createIdentity, memoizeVerify, nobleCrypto, pnrpIdOf } from '../src/keys/index.js';
import { opsPerSecond, printTable } from './table.js';

const RUN_MS = 250;
const RUNS = 5;
const nowWallMs = 1_767_225_600_000;
const alice = createIdentity(new Uint8Array(32).fill(0xa1));
const peerName = `${alice.authority}.bench`;
const serviceLocation = new Uint8Array(16).fill(0x42);
const nonce = new Uint8Array(16).fill(0x17);
const params = {
  peerName,
  serviceLocation,
  notAfterMs: nowWallMs + 86_400_000,
  nonce,
  serviceEndpoints: [
    { address: new Uint8Array(16).fill(1), port: 3540 },
    { address: new Uint8Array(16).fill(2), port: 3540 },
  ],
  appEndpoints: [{ address: new Uint8Array(16).fill(3), port: 443, protocol: 6 }],
  friendlyName: 'benchmark peer',
};
const { cpa, encoded } = createCpa(params, alice);
const expectations = { nowWallMs, nonce, pnrpId: pnrpIdOf(peerName, serviceLocation), peerName };
const span = encoded.subarray(0, encoded.length - 72);
const signature = nobleCrypto.ed25519Sign(span, alice.secretKey);
const memo = memoizeVerify(nobleCrypto);
const ext = createExtendedPayload(
  {
    pnrpId: expectations.pnrpId,
    notAfterMs: params.notAfterMs,
    nonce,
    payload: { type: 'binary', bytes: new Uint8Array(1024).fill(9) },
  },
  alice,
).encoded;
const extExpect = { publicKey: alice.publicKey, pnrpId: expectations.pnrpId, nonce, nowWallMs };

function must(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark setup broken: ${what}`);
}
must(verifyCpa(encoded, expectations).ok, 'verifyCpa');
must(verifyExtendedPayload(ext, extExpect).ok, 'verifyExtendedPayload');

const measure = (fn: () => void): number => opsPerSecond(fn, RUN_MS, RUNS);
const rawSign = measure(() => nobleCrypto.ed25519Sign(span, alice.secretKey));
const rawVerify = measure(() => nobleCrypto.ed25519Verify(signature, span, alice.publicKey));
const results: [string, number, number | undefined][] = [
  ['noble Ed25519 sign (raw, CPA-sized message)', rawSign, rawSign],
  ['createCpa (sign + encode)', measure(() => createCpa(params, alice)), rawSign],
  ['noble Ed25519 verify (raw, CPA-sized message)', rawVerify, rawVerify],
  ['verifyCpa (all checks, noble)', measure(() => verifyCpa(encoded, expectations)), rawVerify],
  [
    'verifyCpa (memoized, same bytes again)',
    measure(() => verifyCpa(encoded, expectations, memo)),
    rawVerify,
  ],
  [
    'verifyExtendedPayload (1 KiB binary, noble)',
    measure(() => verifyExtendedPayload(ext, extExpect)),
    rawVerify,
  ],
  ['decodeCpa (no crypto)', measure(() => decodeCpa(encoded)), undefined],
  ['encodeCpa (no crypto)', measure(() => encodeCpa(cpa)), undefined],
];

printTable(
  'cpa',
  ['operation', 'ops/s', 'µs/op', 'vs raw Ed25519 of the same kind'],
  results.map(([name, ops, raw]) => [
    name,
    Math.round(ops),
    (1e6 / ops).toFixed(1),
    raw === undefined ? '—' : `${(ops / raw).toFixed(2)}×`,
  ]),
);
console.log(
  `memo: ${memo.verifyHits} hits, ${memo.verifyMisses} misses; CPA ${encoded.length} bytes, signed span ${span.length}`,
);
