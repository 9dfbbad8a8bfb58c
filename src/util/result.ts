/**
 * @module util/result
 * The result shape every decoder and verifier returns for remote input (docs/design.md §4): remote
 * bytes never throw, they produce `{ ok: false, error: { code, detail } }`.
 */

/** Why a piece of remote input was refused: a stable kebab-case `code` and a human `detail`. */
export interface DecodeError {
  readonly code: string;
  readonly detail: string;
}

/** Either a decoded value or the reason it could not be decoded. */
export type Result<T, E = DecodeError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/**
 * Wraps a value as a successful result.
 * @example ok(42) // { ok: true, value: 42 }
 */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/**
 * Builds a failed result with a code and detail.
 * @example err('truncated', 'need 12 bytes, have 3')
 */
export function err(
  code: string,
  detail: string,
): { readonly ok: false; readonly error: DecodeError } {
  return { ok: false, error: { code, detail } };
}
