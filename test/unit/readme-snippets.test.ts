/**
 * Every ```ts block of README.md compiles against the sources (issue 12, "README"): the package
 * entries (`pnrp`, `pnrp/node`, ...) map to `src/`, the compiler options are tsconfig.json's
 * (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes). A block may be preceded by
 * `<!-- readme-check: ... -->` holding the declarations it assumes (`declare const x: T;`,
 * `import type ...`), or `<!-- readme-check: skip (reason) -->`. A deliberately wrong snippet (the
 * run loop's old `timers.arm(out.atMs)`) must fail, so the check cannot pass vacuously.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

interface Snippet {
  readonly line: number;
  readonly context: string;
  readonly code: string;
  readonly skip: boolean;
}

function snippetsOf(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') continue;
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = /^<!--\s*readme-check:(.*)-->$/.exec(lines[before]?.trim() ?? '');
    const context = marker?.[1]?.trim() ?? '';
    out.push({
      line: i + 1,
      context: context.startsWith('skip') ? '' : context,
      code: lines.slice(i + 1, end).join('\n'),
      skip: context.startsWith('skip'),
    });
    i = end;
  }
  return out;
}

const ENTRIES: Record<string, string> = {
  pnrp: 'src/index.ts',
  'pnrp/sim': 'src/sim/index.ts',
  'pnrp/node': 'src/adapters/node/index.ts',
  'pnrp/webrtc': 'src/adapters/webrtc/index.ts',
  'pnrp/gmc': 'src/gmc/index.ts',
  'pnrp/dht': 'src/dht/index.ts',
};

/** Diagnostics of each virtual file, compiled together in one program. */
function compile(files: Record<string, string>): Map<string, string[]> {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    isolatedDeclarations: false,
    baseUrl: ROOT,
    paths: Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, [v]])),
  };
  const virtual = new Map(Object.entries(files).map(([name, text]) => [join(ROOT, name), text]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, language, ...rest) => {
    const text = virtual.get(f);
    return text !== undefined
      ? ts.createSourceFile(f, text, language, true)
      : getSourceFile.call(host, f, language, ...rest);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const result = new Map<string, string[]>();
  for (const [path] of virtual) {
    const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(path));
    result.set(
      path.slice(ROOT.length + 1),
      diagnostics.map((d) => {
        const at =
          d.file && d.start !== undefined
            ? d.file.getLineAndCharacterOfPosition(d.start)
            : undefined;
        return `${at ? `${at.line + 1}:${at.character + 1} ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
  }
  return result;
}

const BROKEN_RUN_LOOP = `
import type { SansIoNode, Timers } from 'pnrp';
declare const node: SansIoNode<unknown>;
declare const timers: Timers;
const out = node.poll();
if (out.type === 'timeout') timers.arm(out.atMs);
export {};
`;

describe('README.md', () => {
  const snippets = snippetsOf(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  it('has TypeScript snippets, most of them checked', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(4);
    expect(snippets.filter((s) => !s.skip).length).toBeGreaterThanOrEqual(3);
  });

  it('every checked ```ts snippet compiles against the sources; a broken one does not', () => {
    const files: Record<string, string> = { '.readme-broken.ts': BROKEN_RUN_LOOP };
    for (const s of snippets) {
      if (!s.skip) files[`.readme-line-${s.line}.ts`] = `${s.context}\n${s.code}\nexport {};\n`;
    }
    const diagnostics = compile(files);
    expect(diagnostics.get('.readme-broken.ts')?.join('\n')).toMatch(/Expected 2 arguments/);
    diagnostics.delete('.readme-broken.ts');
    const failing = Object.fromEntries([...diagnostics].filter(([, d]) => d.length > 0));
    expect(failing).toEqual({});
  }, 180_000);
});
