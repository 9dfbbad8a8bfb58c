/**
 * The package's public API is a deliberate list: each entry of package.json `exports` exports
 * exactly the names in `public-exports.snapshot.txt` (values and types), every type its exported
 * signatures mention is exported too, and no entry or sub-directory index re-exports with
 * `export *`. Changing the API means updating the snapshot on purpose
 * (`npx vitest run test/unit/api/public-exports.test.ts -u`) and saying so in CHANGELOG.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENTRIES, type PublicApi, ROOT, readPublicApi } from './public-api.js';

let api: PublicApi;
beforeAll(() => {
  api = readPublicApi();
}, 60_000);

function snapshotText(): string {
  const parts: string[] = [];
  for (const entry of ENTRIES) {
    const names = api.exports.get(entry.subpath) ?? [];
    const values = names.filter((n) => n.kind === 'value').length;
    parts.push(
      `## ${entry.subpath} (${names.length} names: ${values} values, ${names.length - values} types)`,
      ...names.map((n) => `${n.kind} ${n.name}`),
      '',
    );
  }
  return parts.join('\n');
}

function indexFiles(dir: string): string[] {
  const found: string[] = [];
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) found.push(...indexFiles(path));
    else if (item.name === 'index.ts') found.push(path);
  }
  return found;
}

describe('public API', () => {
  it('each entry exports exactly the names of the committed snapshot', async () => {
    await expect(snapshotText()).toMatchFileSnapshot('./public-exports.snapshot.txt');
  });

  // 150 names for PNRP and the DRT; 16 more for the connection seam (issue 14): its node contract,
  // runConnectionNode and the in-memory hub, as the datagram seam has runNode and createMemoryNetwork.
  it('the root entry stays curated (at most 166 names, none of the known internals)', () => {
    const names = (api.exports.get('pnrp') ?? []).map((n) => n.name);
    expect(names.length).toBeLessThanOrEqual(166);
    for (const internal of ['bump', 'mergeCounts', 'toHex', 'endpointKey', 'HEADER_BYTES']) {
      expect(names).not.toContain(internal);
    }
  });

  it('every type used in an exported signature is exported by some entry', () => {
    expect(api.leaked).toEqual([]);
  });

  it.each(ENTRIES)('$subpath: its run-time exports are exactly its value names', async (entry) => {
    const module: Record<string, unknown> = await import(join(ROOT, entry.file));
    const values = (api.exports.get(entry.subpath) ?? [])
      .filter((n) => n.kind === 'value')
      .map((n) => n.name);
    expect(Object.keys(module).sort()).toEqual([...values].sort());
  });

  it('no entry or sub-directory index re-exports with export *', () => {
    const files = [...indexFiles(join(ROOT, 'src')), join(ROOT, 'src/peer.ts')];
    const offenders = files.filter((f) => /^export \*/m.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
