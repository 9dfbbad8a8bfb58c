/**
 * @module graph/database-filter
 * The record type filters of SOLICIT_NEW, SOLICIT_TIME and SOLICIT_HASH ([MS-PPGRH] §2.2.2.6,
 * §2.2.2.7, §2.2.2.8): a filter includes or excludes a list of record types; no types (or mode
 * `all`) selects every record. Types are compared by their {@link guidKey}.
 */
import type { RecordTypeFilter } from './model.js';
import { guidKey } from './record-order.js';

/**
 * The type keys of an `include` filter that lists types, or undefined for any other filter.
 * @example includedTypes({ mode: 'include', types: [t] }) // Set { guidKey(t) }
 */
export function includedTypes(filter: RecordTypeFilter | undefined): Set<string> | undefined {
  if (filter === undefined || filter.mode !== 'include' || filter.types.length === 0)
    return undefined;
  return new Set(filter.types.map(guidKey));
}

/**
 * Whether a type key passes `filter` (§2.2.2.6): no filter, `all` or no types pass everything;
 * `include` passes the listed types; `exclude` all others.
 * @example typePredicate({ mode: 'exclude', types: [t] })(guidKey(t)) // false
 */
export function typePredicate(filter: RecordTypeFilter | undefined): (typeKey: string) => boolean {
  if (filter === undefined || filter.mode === 'all' || filter.types.length === 0) return () => true;
  const listed = new Set(filter.types.map(guidKey));
  return filter.mode === 'include' ? (k) => listed.has(k) : (k) => !listed.has(k);
}
