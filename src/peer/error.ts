/**
 * @module peer/error
 * The one error type of the async facade (docs/design.md §4): `PnrpError` with a code modelled on the
 * DRT_E_* / PEER_E_* HRESULTs, so callers branch on `error.code` instead of parsing messages.
 */
import type { SearchFailure } from '../drt/events.js';
import { SearchOptionsError } from '../resolve/search-spec.js';

/**
 * Why an operation of a `Peer` failed.
 * - `NOT_FOUND`: the cloud answered, but no verified instance of the name (PEER_E_NOT_FOUND).
 * - `TIMEOUT`: the operation's deadline passed (DRT_E_TIMEOUT).
 * - `CANCELLED`: its `AbortSignal` fired, or the caller stopped iterating.
 * - `CLOSED`: the peer was closed first.
 * - `ALONE`: the node knows no other node of the cloud (DRT_E_NO_ADDRESSES_AVAILABLE: bootstrap);
 *   also when bootstrap nodes answered the join but advertised no other node (`endpoints` names them).
 * - `NO_BOOTSTRAP_ANSWER`: joining, no bootstrap node answered a SOLICIT (`endpoints` names the
 *   endpoints tried): wrong address or port, a firewall, or the node is down.
 * - `BOOTSTRAP_UNRESOLVED`: a bootstrap host name did not resolve to an address.
 * - `BUSY`: too many searches at once (DRT_E_MAX_SEARCHES... in spirit; retry later).
 * - `INVALID_SEARCH_RANGE`, `INVALID_MAX_ENDPOINTS`, `INVALID_SEARCH_INFO`: refused search options.
 * - `INVALID_ARGUMENT`: any other refused argument (bad peer name, identity mismatch, ...).
 *
 * Groups (`pnrp/gmc`: `startGroup`, `joinGroup`), with the detail in `reason`:
 * - `GROUP_NOT_FOUND`: no live member of the group could be found or reached.
 * - `NOT_MEMBER`: the group refused our credential, or we refused its members' (`reason`: the
 *   authentication failure, e.g. `auth:chain-foreign-root`, `auth:refused-by-peer`).
 * - `INVALID_INVITATION`: the invitation is malformed, not for this identity, or its cloud
 *   signature does not verify (`reason`: the parser's or the chain's code, e.g. `wrong-key`).
 * - `INVITATION_EXPIRED`: the invitation's certificates are expired or not yet valid.
 * - `RECORD_REFUSED`: a record was refused (`reason`, e.g. `security:role-forbidden`).
 * - `ACCESS_DENIED`: the local credential's role does not allow the operation (inviting).
 *
 * DHT values (`openDht`, `peer.dht`), with the detail in `reason`:
 * - `VALUE_NOT_FOUND`: the key's replicas answered, and none holds a value for it.
 * - `VALUE_REFUSED`: a node refused to store the value (`reason`: the DHT's refusal, e.g.
 *   `stale-seq`, `cas-mismatch`, `writer-quota`, `oversized`, `bad-signature`).
 */
export type PnrpErrorCode =
  | 'NOT_FOUND'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'CLOSED'
  | 'ALONE'
  | 'NO_BOOTSTRAP_ANSWER'
  | 'BOOTSTRAP_UNRESOLVED'
  | 'BUSY'
  | 'INVALID_SEARCH_RANGE'
  | 'INVALID_MAX_ENDPOINTS'
  | 'INVALID_SEARCH_INFO'
  | 'INVALID_ARGUMENT'
  | 'GROUP_NOT_FOUND'
  | 'NOT_MEMBER'
  | 'INVALID_INVITATION'
  | 'INVITATION_EXPIRED'
  | 'RECORD_REFUSED'
  | 'ACCESS_DENIED'
  | 'VALUE_NOT_FOUND'
  | 'VALUE_REFUSED';

/**
 * An operation of the async facade failed; `code` says why, `cause` keeps the original error.
 * @example try { await peer.resolve('0.printer'); } catch (e) { if (e instanceof PnrpError && e.code === 'NOT_FOUND') ... }
 */
export class PnrpError extends Error {
  readonly code: PnrpErrorCode;
  /** The endpoints the failure concerns, as text (the bootstrap endpoints tried when joining). */
  readonly endpoints: readonly string[];
  /** The machine-readable detail of a refusal (a record's or an authentication's reason code). */
  readonly reason: string | undefined;
  constructor(
    code: PnrpErrorCode,
    message: string,
    options?: { cause?: unknown; endpoints?: readonly string[]; reason?: string },
  ) {
    super(message, options);
    this.code = code;
    this.name = 'PnrpError';
    this.endpoints = options?.endpoints ?? [];
    this.reason = options?.reason;
  }
}

const FAILURE_CODES: Record<SearchFailure, PnrpErrorCode> = {
  'not-found': 'NOT_FOUND',
  timeout: 'TIMEOUT',
  cancelled: 'CANCELLED',
  busy: 'BUSY',
  alone: 'ALONE',
};

/**
 * The error for a search or resolve that ended with `failure`.
 * @example failureError('timeout', 'resolve of 0.printer')
 */
export function failureError(failure: SearchFailure, what: string): PnrpError {
  const code = FAILURE_CODES[failure];
  return new PnrpError(code, `${what} failed: ${failure}`);
}

/**
 * Wraps what a synchronous command threw: search option errors keep their DRT code, other
 * `RangeError`/`TypeError`s become `INVALID_ARGUMENT`; anything else is returned unchanged.
 * @example catch (e) { throw asPnrpError(e); }
 */
export function asPnrpError(error: unknown): unknown {
  if (error instanceof PnrpError) return error;
  if (error instanceof SearchOptionsError)
    return new PnrpError(error.code as PnrpErrorCode, error.message, { cause: error });
  if (error instanceof RangeError || error instanceof TypeError)
    return new PnrpError('INVALID_ARGUMENT', error.message, { cause: error });
  return error;
}

/**
 * The error for an aborted signal, keeping its reason as `cause`.
 * @example if (signal.aborted) throw abortError(signal);
 */
export function abortError(signal: AbortSignal): PnrpError {
  return new PnrpError('CANCELLED', 'the operation was aborted', { cause: signal.reason });
}
