/**
 * Browser test of a peer group over data channels (issue 14): builds the package if `dist/` is
 * stale, serves `dist/`, the runtime dependencies (with @peculiar/x509 and its own, which
 * `pnrp/gmc` needs) and `test/browser/` on 127.0.0.1, and opens group.html in two pages of one
 * Debian chromium through playwright-core. Page A starts a group (`startGroup`) whose graph
 * connections are reliable RTCDataChannels (`createWebRtcConnections`, loopback ICE, no STUN)
 * and publishes a record; page B makes a key pair, A invites it, B joins with the invitation
 * (mutual GMC authentication, sealed connection, sync) and sees A's record as history; both
 * publish and each sees the other's records; then B leaves and A sees it go. The pages signal
 * over a BroadcastChannel. Skipped, with the reason printed, without chromium.
 * (The build and server helpers repeat connections.test.ts's, plus a resolver for the
 * extensionless relative imports of the asn1 and tsyringe ES builds.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
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
const STEP_TIMEOUT_MS = 30_000;

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
  const marker = join(ROOT, 'dist/gmc/group.js');
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
  '.mjs': 'text/javascript',
  '.html': 'text/html',
  '.map': 'application/json',
};

const isFile = (file: string): boolean => existsSync(file) && statSync(file).isFile();

/**
 * The file an extensionless relative import means (`./foo` for `foo.js` or `foo/index.js`), as
 * a bundler or Node's CommonJS resolver would find it; the browser is redirected there so that
 * the module's own relative imports resolve against its real URL.
 */
function resolveModule(path: string): string | undefined {
  for (const candidate of [`${path}.js`, `${path}/index.js`])
    if (isFile(join(ROOT, candidate))) return candidate;
  return undefined;
}

function serve(): Promise<Server> {
  const allowed = [
    '/dist/',
    '/node_modules/@noble/',
    '/node_modules/punycode.js/',
    '/node_modules/@peculiar/',
    '/node_modules/asn1js/',
    '/node_modules/pvtsutils/',
    '/node_modules/pvutils/',
    '/node_modules/tslib/',
    '/node_modules/tsyringe/',
    '/test/browser/',
  ];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = normalize(url.pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204).end(); // asked for by every page; not an error of the test
      return;
    }
    if (!allowed.some((p) => path.startsWith(p))) {
      res.writeHead(404).end();
      return;
    }
    const file = join(ROOT, path);
    if (!isFile(file)) {
      const real = path.startsWith('/node_modules/') ? resolveModule(path) : undefined;
      if (real) res.writeHead(302, { location: real }).end();
      else res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

interface PlainRecord {
  id: string;
  type: string;
  text: string;
  attributes: string;
  creatorId: string;
}
interface Change {
  change: string;
  local: boolean;
  record: PlainRecord;
}
interface MemberEvent {
  type: string;
  peerId: string;
  self: boolean;
}
interface Joined {
  graphId: string;
  peerId: string;
  roles: string[];
}

/** Calls `window.pnrpGroupTest[step](arg)` in the page. */
function call<T>(page: Page, step: string, arg?: object): Promise<T> {
  return page.evaluate(
    ([s, a]) =>
      (window as unknown as { pnrpGroupTest: Record<string, (a: unknown) => unknown> })
        .pnrpGroupTest[s as string]!(a),
    [step, arg] as const,
  ) as Promise<T>;
}

describe.skipIf(!hasChromium)(
  'pnrp/gmc in chromium: two pages share a group over data channels',
  () => {
    let server: Server | undefined;
    let browser: Browser | undefined;
    const errors: string[] = [];
    let alice: Joined & { roles: string[] };
    let bob: Joined & { historyAtJoin: PlainRecord[] };
    let atAlice: { records: PlainRecord[]; changes: Change[] };
    let atBob: { records: PlainRecord[]; changes: Change[] };
    let aliceSawBob: { memberEvents: MemberEvent[] };
    let aliceSawBobLeave: { memberEvents: MemberEvent[]; members: { peerId: string }[] };
    let statsA: { peersAnswered: number; accepted: number };
    let visibility: string[];

    beforeAll(async () => {
      ensureBuilt();
      server = await serve();
      const { port } = server.address() as AddressInfo;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 20_000 });
      // One context: the pages share an origin and its BroadcastChannel (their signalling).
      const context = await browser.newContext();
      const open = async (name: string): Promise<Page> => {
        const page = await context.newPage();
        page.on('pageerror', (e) => errors.push(`${name}: ${String(e)}`));
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(`${name} console: ${m.text()}`);
        });
        page.on('requestfailed', (r) => errors.push(`${name} request failed: ${r.url()}`));
        page.on('response', (r) => {
          if (r.status() >= 400) errors.push(`${name} HTTP ${r.status()}: ${r.url()}`);
        });
        await page.goto(`http://127.0.0.1:${port}/test/browser/group.html`);
        await page
          .waitForFunction(() => 'pnrpGroupTest' in window, undefined, { timeout: 20_000 })
          .catch((e: unknown) => {
            throw new Error(`${name}: the page did not load pnrp/gmc: ${errors.join('; ')}`, {
              cause: e,
            });
          });
        return page;
      };
      const [a, b] = [await open('A'), await open('B')];
      visibility = [await call<string>(a, 'visibility'), await call<string>(b, 'visibility')];
      const t = { timeoutMs: STEP_TIMEOUT_MS };

      alice = await call(a, 'start', { peerId: 'alice', text: 'hello from alice', ...t });
      const publicKeyHex = await call<string>(b, 'identity');
      const invitation = await call<string>(a, 'invite', { publicKeyHex });
      bob = await call(b, 'join', {
        invitation,
        peerId: 'bob',
        hostPeerId: 'alice',
        text: 'hi from bob',
        ...t,
      });
      await call(a, 'publish', { text: 'alice again' });
      const all = ['hello from alice', 'hi from bob', 'alice again'];
      atAlice = await call(a, 'waitForRecords', { texts: all, ...t });
      atBob = await call(b, 'waitForRecords', { texts: all, ...t });
      aliceSawBob = await call(a, 'waitForMember', { peerId: bob.peerId, type: 'joined', ...t });
      statsA = await call(a, 'stats');
      await call(b, 'leave');
      aliceSawBobLeave = await call(a, 'waitForMember', { peerId: bob.peerId, type: 'left', ...t });
      await call(a, 'leave');
    }, 150_000);

    afterAll(async () => {
      await browser?.close().catch(() => {});
      await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
    });

    it('the pages load pnrp/gmc (@peculiar/x509 through an import map) without errors', () => {
      expect(errors).toEqual([]);
      expect(visibility).toEqual(['visible', 'visible']);
    });

    it('bob joins alice’s group over data channels with the invitation she issued for his key', () => {
      expect(alice.roles).toEqual(['admin']);
      expect(bob.graphId).toBe(alice.graphId);
      expect(bob.graphId).toMatch(/^[0-9a-f]{40}\.browsers$/);
      expect(bob.roles).toEqual(['member']);
      expect(bob.peerId).not.toBe(alice.peerId);
      expect(statsA).toMatchObject({ peersAnswered: 1 });
      expect(statsA.accepted).toBeGreaterThanOrEqual(1);
    });

    it('bob gets the history at join; each sees the other’s records with their creators', () => {
      expect(bob.historyAtJoin.map((r) => [r.text, r.creatorId])).toEqual([
        ['hello from alice', alice.peerId],
      ]);
      const byText = (records: PlainRecord[]) =>
        Object.fromEntries(records.map((r) => [r.text, r.creatorId]));
      const expected = {
        'hello from alice': alice.peerId,
        'hi from bob': bob.peerId,
        'alice again': alice.peerId,
      };
      expect(byText(atAlice.records)).toEqual(expected);
      expect(byText(atBob.records)).toEqual(expected);
      // The same records, by ID, at both.
      expect(atBob.records.map((r) => r.id).sort()).toEqual(
        atAlice.records.map((r) => r.id).sort(),
      );
      // Bob's replayed history came as `added`, not local; his own record as local.
      expect(atBob.changes).toContainEqual(
        expect.objectContaining({
          change: 'added',
          local: false,
          record: expect.objectContaining({ text: 'hello from alice' }),
        }),
      );
      expect(atBob.changes).toContainEqual(
        expect.objectContaining({
          change: 'added',
          local: true,
          record: expect.objectContaining({ text: 'hi from bob' }),
        }),
      );
      expect(atAlice.changes).toContainEqual(
        expect.objectContaining({
          change: 'added',
          local: false,
          record: expect.objectContaining({ text: 'hi from bob' }),
        }),
      );
    });

    it('alice sees bob join and, after he closes, leave', () => {
      expect(aliceSawBob.memberEvents).toContainEqual({
        type: 'joined',
        peerId: bob.peerId,
        self: false,
      });
      const bobs = aliceSawBobLeave.memberEvents.filter((e) => e.peerId === bob.peerId);
      expect(bobs.map((e) => e.type)).toEqual(['joined', 'left']);
      expect(aliceSawBobLeave.members.map((m) => m.peerId)).not.toContain(bob.peerId);
    });
  },
);
