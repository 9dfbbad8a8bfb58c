/**
 * @module gmc/delegation
 * Classifier delegation ([MS-PNRP] §2.2.3.5.1.5.1): an empty delegator list allows anything;
 * Admin and Inviting Member may take a classifier equal to or beginning with one of the
 * delegator's; Member only an exact one. A delegate's own empty list ("every classifier") is legal
 * only when the delegator's list is empty, or the role is Admin / Inviting Member and the
 * delegator's list holds the empty classifier.
 */
import type { GmcRole } from './constants.js';

/**
 * Whether `delegator` (undefined or empty = every classifier) may delegate `classifiers` with `role`.
 * @example classifiersDelegated(['fish', 'cheese'], 'admin', ['fish food']) // true
 */
export function classifiersDelegated(
  delegator: readonly string[] | undefined,
  role: GmcRole,
  classifiers: readonly string[],
): boolean {
  if (delegator === undefined || delegator.length === 0) return true;
  const prefixOk = role === 'admin' || role === 'inviting-member';
  if (classifiers.length === 0) return prefixOk && delegator.includes('');
  return classifiers.every((c) =>
    prefixOk ? delegator.some((d) => c.startsWith(d)) : delegator.includes(c),
  );
}

/**
 * Whether a certificate's classifier list (undefined or empty = every one) covers `classifier`.
 * @example classifierAllowed(['participant'], 'participant') // true
 */
export function classifierAllowed(
  list: readonly string[] | undefined,
  classifier: string,
): boolean {
  return list === undefined || list.length === 0 || list.includes(classifier);
}
