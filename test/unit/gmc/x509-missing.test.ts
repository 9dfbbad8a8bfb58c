/**
 * `pnrp/gmc` without its optional peer dependency @peculiar/x509 (issue 12, "Package"): the
 * failure must name what to install. The real resolution error comes from a module in a temporary
 * directory, where no node_modules can provide x509; the packed-consumer check
 * (`scripts/check-consumer.mjs`) imports `pnrp/gmc` from a real install without x509.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isX509Missing, X509_MISSING_MESSAGE, x509 } from '../../../src/gmc/x509.js';

const dir = mkdtempSync(join(tmpdir(), 'pnrp-x509-missing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The error Node gives for `import(specifier)` from a directory without node_modules, rebuilt from
 * a child process (vitest resolves dynamic imports itself, from the project root).
 */
function importErrorOf(specifier: string): Error {
  const probe = join(dir, 'probe.mjs');
  writeFileSync(
    probe,
    `import(${JSON.stringify(specifier)}).then(() => console.log('null'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));\n`,
  );
  const out = JSON.parse(execFileSync(process.execPath, [probe], { cwd: dir, encoding: 'utf8' }));
  expect(out).not.toBeNull();
  return Object.assign(new Error(out.message), { code: out.code });
}

describe('gmc/x509', () => {
  it('loads @peculiar/x509 when it is installed', () => {
    expect(typeof x509.X509Certificate).toBe('function');
  });

  it('recognizes the resolution error of a missing @peculiar/x509', () => {
    const error = importErrorOf('@peculiar/x509');
    expect((error as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
    expect(isX509Missing(error)).toBe(true);
  });

  it('does not mistake another missing module or a failure inside x509 for a missing x509', () => {
    expect(isX509Missing(importErrorOf('some-other-package'))).toBe(false);
    expect(isX509Missing(new TypeError('bad certificate from @peculiar/x509'))).toBe(false);
    expect(isX509Missing('Cannot find package @peculiar/x509')).toBe(false);
  });

  it('the message names the package and the install command', () => {
    expect(X509_MISSING_MESSAGE).toContain('npm install @peculiar/x509@^2.2.0');
    expect(X509_MISSING_MESSAGE).toContain('pnrp/gmc');
  });
});
