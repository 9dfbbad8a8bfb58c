/**
 * Browser test of `pnrp/webrtc`: builds the package if `dist/` is stale, serves `dist/`, the
 * `@noble/*` packages and `test/browser/` on 127.0.0.1, opens the page in Debian chromium through
 * playwright-core, and has several DrtNodes in one page find each other's keys over real
 * RTCDataChannels (loopback ICE, no STUN). Skipped, with the reason printed, without chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';

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

/** Serves /dist, /node_modules/@noble and /test/browser; nothing else. */
function serve(): Promise<Server> {
  const allowed = ['/dist/', '/node_modules/@noble/', '/test/browser/'];
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

interface CloudResult {
  outcomes: {
    from: string;
    to: string;
    failure: string | null;
    found: boolean;
    endpointPeer: string | null;
  }[];
  registrations: string[];
  openPeers: number[];
  transportStats: { datagramsSent: number; datagramsReceived: number; channelsOpened: number }[];
  signals: number;
}

describe.skipIf(!hasChromium)('pnrp/webrtc in chromium', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  });

  it(`${PEERS} DrtNodes on RTCDataChannels in one page resolve each other's keys`, {
    timeout: 60_000,
  }, async () => {
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
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'pnrpTest' in window, undefined, { timeout: 10_000 });
    const result = (await page.evaluate(
      (count) =>
        (
          window as unknown as { pnrpTest: { runCloud(o: object): Promise<unknown> } }
        ).pnrpTest.runCloud({
          count,
          settleMs: 15_000,
          searchTimeoutMs: 8_000,
          nodeOptions: { maintenanceIntervalMs: 3_000 },
        }),
      PEERS,
    )) as CloudResult;
    expect(errors).toEqual([]);
    expect(result.openPeers.every((n) => n > 0)).toBe(true);
    expect(result.transportStats.every((s) => s.datagramsReceived > 0)).toBe(true);
    const failed = result.outcomes.filter((o) => !o.found || o.endpointPeer !== o.to);
    expect(result.outcomes).toHaveLength(PEERS * (PEERS - 1));
    console.log(
      `webrtc cloud: ${result.outcomes.length - failed.length}/${result.outcomes.length} resolved, registrations ${result.registrations.join(',')}, open channels ${result.openPeers.join(',')}, ${result.signals} signals`,
    );
    expect(failed).toEqual([]);
  });
});
