/**
 * Browser test of `pnrp/webrtc` (issue 5): builds the package if `dist/` is stale, serves `dist/`,
 * the `@noble/*` packages and `test/browser/` on 127.0.0.1, opens the page in Debian chromium
 * through playwright-core, and has several PnrpNodes in one page (page.js) publish secured peer
 * names with friendly names and 3,000-byte extended payloads and resolve each other over real
 * RTCDataChannels (loopback ICE, no STUN), each AUTHORITY reply crossing as several fragments.
 * Identities and payloads are derived here from the seed, and every reported result is checked
 * here: name, secured flag, friendly name, the exact payload bytes, and the CPA verified again
 * with node:crypto. Tampered and unknown names, and AUTHORITY fragments corrupted in transit,
 * must fail cleanly. Skipped, with the reason printed, without chromium.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/adapters/node/index.js';
import { decodeCpa, pnrpIdOfCpa, verifyCpa } from '../../src/cpa/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PEERS = 5;

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`browser test skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when a source is newer than it. Type errors elsewhere do not stop tsc emitting. */
function ensureBuilt(): void {
  const marker = join(ROOT, 'dist/adapters/webrtc/index.js');
  if (existsSync(marker) && statSync(marker).mtimeMs >= newestMtimeMs(join(ROOT, 'src'))) return;
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        stdio: 'pipe',
      },
    );
  } catch {
    // tsc exits non-zero on any type error but still emits; the check below decides.
  }
  if (!existsSync(marker) || !existsSync(join(ROOT, 'dist/index.js')))
    throw new Error('npm run build did not produce dist/');
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.map': 'application/json',
};

/** Serves /dist, /node_modules/@noble, /node_modules/punycode.js and /test/browser; nothing else. */
function serve(): Promise<Server> {
  const allowed = [
    '/dist/',
    '/node_modules/@noble/',
    '/node_modules/punycode.js/',
    '/test/browser/',
  ];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname === '/' ? '/test/browser/index.html' : normalize(url.pathname);
    const file = join(ROOT, path);
    if (!allowed.some((p) => path.startsWith(p)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** What the page reports for one verified `resolve-result`. */
interface ResultData {
  peerName: string;
  secured: boolean;
  friendlyName: string | null;
  hasExtendedPayload: boolean;
  extendedPayload: { type: 'binary'; hex: string } | { type: 'string'; text: string } | null;
  pnrpId: string;
  publisherPeers: (string | null)[];
  cpa: string;
}

/** What the page reports for one resolve (`resolve-done` plus its results). */
interface ResolveData {
  from: string;
  name: string;
  failure: string | null;
  resultsCounted: number;
  results: ResultData[];
}

interface Counters {
  validations: number;
  rejected: Record<string, number>;
}

interface TamperedData extends ResolveData {
  mode: string;
  datagramsTampered: number;
  before: Counters;
  after: Counters;
}

interface CloudResult {
  peerNames: string[];
  outcomes: (ResolveData & { to: string })[];
  failures: { tamperedName: ResolveData; unknownName: ResolveData; unknownClassifier: ResolveData };
  tampered: { extendedPayload: TamperedData; cpaSignature: TamperedData; control: ResolveData };
  registrations: string[];
  openPeers: number[];
  transportStats: { datagramsSent: number; datagramsReceived: number; channelsOpened: number }[];
  /** Each peer's CPA provider counters right after the resolves between peers. */
  security: Counters[];
  signals: number;
}

const SEED = Number(process.env.PNRP_SEED ?? 20261121);
/** Extended payload of each peer: over two 1,188-byte AUTHORITY fragments' worth. */
const PAYLOAD_BYTES = 3_000;

/** `length` deterministic bytes: SHA-256 in counter mode over `label`. */
function bytesOf(label: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i * 32 < length; i++) {
    const block = createHash('sha256').update(`${label}:${i}`).digest();
    out.set(block.subarray(0, Math.min(32, length - i * 32)), i * 32);
  }
  return out;
}

/** The raw Ed25519 public key of a 32-byte seed, through node:crypto (not the package's code). */
function ed25519PublicKeyOf(seed: Uint8Array): Uint8Array {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

const peers = Array.from({ length: PEERS }, (_, i) => {
  const identitySeed = bytesOf(`${SEED}:identity:${i}`, 32);
  const publicKey = ed25519PublicKeyOf(identitySeed);
  const authority = createHash('sha1').update(publicKey).digest('hex');
  return {
    peerId: `peer-${i}`,
    peerName: `${authority}.browser`,
    publicKey,
    friendlyName: `Browser peer ${i} · ${'é'.repeat(i)}`,
    identitySeed: toHex(identitySeed),
    extendedPayload: toHex(bytesOf(`${SEED}:payload:${i}`, PAYLOAD_BYTES)),
  };
});

/** Asserts a resolve found exactly `peer`'s registration, every field checked. */
function expectResolvedTo(outcome: ResolveData, peer: (typeof peers)[number]): void {
  expect(outcome.failure, `${outcome.from} -> ${peer.peerId}`).toBeNull();
  expect(outcome.results).toHaveLength(1);
  expect(outcome.resultsCounted).toBe(1);
  const result = outcome.results[0]!;
  expect(result.peerName).toBe(peer.peerName);
  expect(result.secured).toBe(true);
  expect(result.friendlyName).toBe(peer.friendlyName);
  expect(result.hasExtendedPayload).toBe(true);
  expect(result.extendedPayload).toEqual({ type: 'binary', hex: peer.extendedPayload });
  expect(result.publisherPeers).toEqual([peer.peerId]);
  // The CPA the node accepted verifies again here, with node:crypto instead of @noble.
  const verdict = verifyCpa(
    fromHex(result.cpa),
    { nowWallMs: Date.now(), peerName: peer.peerName },
    nodeCrypto,
  );
  expect(verdict.ok ? 'ok' : `${verdict.reason}: ${verdict.detail}`).toBe('ok');
  const cpa = decodeCpa(fromHex(result.cpa));
  if (!cpa.ok) throw new Error(cpa.error.detail);
  expect(toHex(cpa.value.publicKey)).toBe(toHex(peer.publicKey));
  expect(cpa.value.revoke).toBe(false);
  expect(cpa.value.hasExtendedPayload).toBe(true);
  expect(toHex(pnrpIdOfCpa(cpa.value, nodeCrypto))).toBe(result.pnrpId);
}

/** Asserts a resolve ended in a failure without reporting any instance. */
function expectFailedCleanly(outcome: ResolveData): void {
  expect(outcome.failure, outcome.name).toMatch(/^(not-found|timeout)$/);
  expect(outcome.results).toEqual([]);
  expect(outcome.resultsCounted).toBe(0);
}

/** Rejections counted by the CPA provider between two snapshots, by reason. */
function rejectedBetween(before: Counters, after: Counters): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [reason, n] of Object.entries(after.rejected)) {
    const delta = n - (before.rejected[reason] ?? 0);
    if (delta > 0) out[reason] = delta;
  }
  return out;
}

describe.skipIf(!hasChromium)('pnrp/webrtc in chromium: PnrpNodes on RTCDataChannels', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let result: CloudResult;
  const errors: string[] = [];

  beforeAll(async () => {
    console.log(`browser test seed ${SEED} (replay with PNRP_SEED=${SEED})`);
    ensureBuilt();
    server = await serve();
    const { port } = server.address() as AddressInfo;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // playwright gives every launch a fresh temporary --user-data-dir of its own
      args: FLAGS,
      timeout: 20_000,
    });
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'pnrpTest' in window, undefined, { timeout: 10_000 });
    result = (await page.evaluate(
      (options) =>
        (
          window as unknown as { pnrpTest: { runCloud(o: object): Promise<unknown> } }
        ).pnrpTest.runCloud(options),
      {
        seed: SEED,
        members: peers.map(({ identitySeed, friendlyName, extendedPayload }) => ({
          identitySeed,
          friendlyName,
          extendedPayload,
        })),
        settleMs: 15_000,
        resolveTimeoutMs: 8_000,
        failTimeoutMs: 4_000,
        drt: { maintenanceIntervalMs: 3_000 },
      },
    )) as CloudResult;
    const resolved = result.outcomes.filter((o) => o.failure === null).length;
    console.log(
      `webrtc cloud: ${resolved}/${result.outcomes.length} secured names resolved, registrations ${result.registrations.join(',')}, open channels ${result.openPeers.join(',')}, ${result.signals} signals`,
    );
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  });

  it('the page ran without errors and every peer connected over RTCDataChannels', () => {
    expect(errors).toEqual([]);
    expect(result.peerNames).toEqual(peers.map((p) => p.peerName));
    expect(result.registrations).toEqual(peers.map(() => 'resolvable'));
    expect(result.openPeers.every((n) => n > 0)).toBe(true);
    expect(result.transportStats.every((s) => s.datagramsReceived > 0)).toBe(true);
  });

  it(`each of ${PEERS} PnrpNodes resolves every other's secured name with its extended payload`, () => {
    expect(result.outcomes).toHaveLength(PEERS * (PEERS - 1));
    for (const outcome of result.outcomes) {
      const peer = peers.find((p) => p.peerId === outcome.to)!;
      expect(outcome.name).toBe(peer.peerName);
      expectResolvedTo(outcome, peer);
    }
    // Every resolver validated the CPAs and extended payloads it reported, and refused none.
    for (const counters of result.security) {
      expect(counters.validations).toBeGreaterThanOrEqual(PEERS - 1);
      expect(counters.rejected).toEqual({});
    }
  });

  it('a tampered authority, an unknown authority and an unknown classifier fail cleanly', () => {
    const { tamperedName, unknownName, unknownClassifier } = result.failures;
    expect(tamperedName.name).not.toBe(peers[0]!.peerName);
    expect(tamperedName.name.slice(1)).toBe(peers[0]!.peerName.slice(1));
    expectFailedCleanly(tamperedName);
    expectFailedCleanly(unknownName);
    expectFailedCleanly(unknownClassifier);
  });

  it('a corrupted extended payload or CPA signature in transit is refused, and the honest reply is accepted', () => {
    const { extendedPayload, cpaSignature, control } = result.tampered;
    for (const tampered of [extendedPayload, cpaSignature]) {
      expect(tampered.datagramsTampered, tampered.mode).toBeGreaterThan(0);
      expectFailedCleanly(tampered);
    }
    expect(Object.keys(rejectedBetween(extendedPayload.before, extendedPayload.after))).toEqual([
      expect.stringMatching(/^extended-payload/),
    ]);
    expect(Object.keys(rejectedBetween(cpaSignature.before, cpaSignature.after))).toEqual([
      'bad-signature',
    ]);
    expectResolvedTo(control, peers[0]!);
  });
});
