/**
 * Browser test of `pnrp/webrtc`'s connection transport: builds the package if `dist/` is stale,
 * serves `dist/`, the runtime dependencies and `test/browser/` on 127.0.0.1, opens
 * connections.html in Debian chromium through playwright-core, where two peers run EchoNodes
 * through runConnectionNode over real reliable, ordered RTCDataChannels (loopback ICE, no STUN):
 * several connections each carry seeded random bytes in random chunk sizes there and back, then
 * one is closed and the far peer shuts down. Skipped, with the reason printed, without chromium.
 * (The build and server helpers repeat webrtc.test.ts's: importing that file would run its tests.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
const SEED = Number(process.env.PNRP_SEED ?? 20261203);
const CONNECTIONS = 3;
const BYTES_PER_CONNECTION = 300_000;

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

function ensureBuilt(): void {
  const marker = join(ROOT, 'dist/adapters/webrtc/webrtc-connections.js');
  if (existsSync(marker) && statSync(marker).mtimeMs >= newestMtimeMs(join(ROOT, 'src'))) return;
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: ROOT, stdio: 'pipe' },
    );
  } catch {
    // tsc exits non-zero on any type error but still emits; the check below decides.
  }
  if (!existsSync(marker)) throw new Error('npm run build did not produce dist/');
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.map': 'application/json',
};

function serve(): Promise<Server> {
  const allowed = [
    '/dist/',
    '/node_modules/@noble/',
    '/node_modules/punycode.js/',
    '/test/browser/',
  ];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = normalize(url.pathname);
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

interface Result {
  echoes: { conn: number; bytes: number; identical: boolean }[];
  eventsA: string[];
  eventsB: string[];
  statsA: { peersOffered: number; connectsSucceeded: number; overflows: number };
  statsB: { peersAnswered: number; accepted: number };
  loopA: { staleReports: number; transportErrors: number };
}

describe.skipIf(!hasChromium)('pnrp/webrtc in chromium: connections on reliable channels', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let result: Result;
  const errors: string[] = [];

  beforeAll(async () => {
    console.log(`browser connections test seed ${SEED} (replay with PNRP_SEED=${SEED})`);
    ensureBuilt();
    server = await serve();
    const { port } = server.address() as AddressInfo;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 20_000 });
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/test/browser/connections.html`);
    await page.waitForFunction(() => 'pnrpConnectionsTest' in window, undefined, {
      timeout: 10_000,
    });
    result = (await page.evaluate(
      (options) =>
        (
          window as unknown as {
            pnrpConnectionsTest: { runConnections(o: object): Promise<unknown> };
          }
        ).pnrpConnectionsTest.runConnections(options),
      {
        seed: SEED,
        connections: CONNECTIONS,
        bytesPerConnection: BYTES_PER_CONNECTION,
        timeoutMs: 30_000,
      },
    )) as Result;
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  });

  it('echoes every byte of every connection, whole and in order', () => {
    expect(errors).toEqual([]);
    expect(result.echoes.map((e) => e.conn).sort()).toEqual([1, 2, 3]);
    for (const echo of result.echoes) {
      expect(echo.bytes).toBe(BYTES_PER_CONNECTION);
      expect(echo.identical, `connection ${echo.conn}`).toBe(true);
    }
    expect(result.statsA).toMatchObject({ peersOffered: 1, connectsSucceeded: 3, overflows: 0 });
    expect(result.statsB).toMatchObject({ peersAnswered: 1, accepted: 3 });
    expect(result.loopA).toMatchObject({ staleReports: 0, transportErrors: 0 });
  });

  it('a close reaches the peer as closed; a shut-down peer ends the other connections', () => {
    expect(result.eventsB.slice(0, 3).sort()).toEqual([
      'accepted -1',
      'accepted -2',
      'accepted -3',
    ]);
    expect(result.eventsB.slice(3)).toEqual(['closed -1 closed']);
    expect(result.eventsA.slice(0, 3).sort()).toEqual([
      'connected 1',
      'connected 2',
      'connected 3',
    ]);
    expect(result.eventsA.slice(3).sort()).toEqual(['closed 2 closed', 'closed 3 closed']);
  });
});
