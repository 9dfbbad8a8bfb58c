/**
 * @module gmc/x509
 * The one door to @peculiar/x509, an optional peer dependency that only `pnrp/gmc` needs (users
 * of `pnrp`, `pnrp/sim`, `pnrp/node` and `pnrp/webrtc` never install it). The Reflect metadata
 * shim is evaluated first (ES modules evaluate static imports in order), then the library is
 * loaded with a top-level `import()` so that a missing install fails at once with an error that
 * says what to install, instead of a bare ERR_MODULE_NOT_FOUND. The load is not deferred past
 * import time: certificate parsing and chain encoding are synchronous (remote input is checked
 * inside the sans-I/O node), so the library must be ready when `pnrp/gmc` is. Every other gmc
 * file imports x509 from here.
 */
// biome-ignore-all assist/source/organizeImports: the shim must be evaluated before @peculiar/x509
import { reflectShimInstalled } from './reflect-shim.js';
import type * as X509 from '@peculiar/x509';

/**
 * The message `pnrp/gmc` fails with when @peculiar/x509 is not installed.
 * @example if (e instanceof Error && e.message === X509_MISSING_MESSAGE) console.error(e.message);
 */
export const X509_MISSING_MESSAGE: string =
  'pnrp/gmc needs @peculiar/x509, an optional peer dependency that is not installed: ' +
  'run `npm install @peculiar/x509@^2.2.0` (pnrp, pnrp/sim, pnrp/node and pnrp/webrtc do not need it)';

/**
 * Whether `error` says that @peculiar/x509 itself could not be found (Node's
 * ERR_MODULE_NOT_FOUND or a bundler's "Cannot find module"), as opposed to a failure inside it.
 * @example isX509Missing(new Error("Cannot find package '@peculiar/x509'")) // true
 */
export function isX509Missing(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /cannot find (module|package)|failed to resolve/i.test(error.message);
  return notFound && error.message.includes('@peculiar/x509');
}

async function load(): Promise<typeof X509> {
  try {
    return await import('@peculiar/x509');
  } catch (e) {
    if (isX509Missing(e)) throw new Error(X509_MISSING_MESSAGE, { cause: e });
    throw e;
  }
}

const x509: typeof X509 = await load();

/**
 * Whether this package installed the Reflect metadata shim (kept as a used binding so that
 * bundlers honouring `sideEffects: false` cannot drop the shim's import).
 * @example if (x509ShimInstalled) console.debug('Reflect metadata shim installed by pnrp/gmc');
 */
export const x509ShimInstalled: boolean = reflectShimInstalled;

export { x509 };
