/**
 * @module gmc/x509
 * The one door to @peculiar/x509: the Reflect metadata shim is evaluated first (ES modules
 * evaluate imports in order), then the library. Every other gmc file imports x509 from here.
 */
// biome-ignore-all assist/source/organizeImports: the shim must be evaluated before @peculiar/x509
import { reflectShimInstalled } from './reflect-shim.js';
import * as x509 from '@peculiar/x509';

/**
 * Whether this package installed the Reflect metadata shim (kept as a used binding so that
 * bundlers honouring `sideEffects: false` cannot drop the shim's import).
 * @example if (x509ShimInstalled) console.debug('Reflect metadata shim installed by pnrp/gmc');
 */
export const x509ShimInstalled: boolean = reflectShimInstalled;

export { x509 };
