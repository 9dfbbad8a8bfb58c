/**
 * @module gmc/group-session-records
 * `GroupSession.records`: adds, updates and deletes go through the node's commands (the node
 * secures and floods them), refusals become `PnrpError`s (`RECORD_REFUSED` with the node's reason,
 * `NOT_FOUND`, `CLOSED`, `INVALID_ARGUMENT`), reads skip deleted and internal records. A record
 * without a lifetime lives one day, or less when the member's certificate ends sooner (the
 * grouping provider refuses a record that outlives its signer's credential).
 */
import type { GraphNode } from '../graph/node.js';
import type { RecordRefusal } from '../graph/records.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import { asPnrpError, PnrpError } from '../peer/error.js';
import type { WallClock } from '../sans-io.js';
import {
  isInternalType,
  payloadBytes,
  recordIdOf,
  recordTypeOf,
  toGroupRecord,
} from './group-records.js';
import type {
  GroupRecord,
  GroupRecordOptions,
  GroupRecords,
  GroupRecordType,
} from './group-types.js';

/** Default record lifetime: one day (capped by the member's certificate). */
const RECORD_LIFETIME_MS = 86_400_000;

/** What the record operations need from their session. */
export interface RecordsHost {
  /** Runs a node command (throws `CLOSED` after close). */
  command<T>(fn: (node: GraphNode, nowMs: number) => T): T;
  readonly node: GraphNode;
  readonly crypto: CryptoBackend;
  readonly wallClock: WallClock;
  /** Earliest notAfter along the member's chain (wall-clock ms). */
  readonly notAfterMs: number;
}

function refusal(reason: RecordRefusal, what: string): PnrpError {
  if (reason === 'closed') return new PnrpError('CLOSED', 'the group session was closed');
  if (reason === 'not-found' || reason === 'deleted')
    return new PnrpError('NOT_FOUND', `${what}: no such record`, { reason });
  return new PnrpError('RECORD_REFUSED', `${what} refused: ${reason}`, { reason });
}

function lifetime(host: RecordsHost, options: GroupRecordOptions): number {
  if (options.lifetimeMs !== undefined) return options.lifetimeMs;
  const left = host.notAfterMs - host.wallClock.nowMs() - 60_000;
  return Math.max(1, Math.min(RECORD_LIFETIME_MS, left));
}

/**
 * The record operations of a session over its node (see the module header).
 * @example this.records = groupRecords({ command, node, crypto, wallClock, notAfterMs });
 */
export function groupRecords(host: RecordsHost): GroupRecords {
  const guarded = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw asPnrpError(e);
    }
  };
  const live = (r: GroupRecord['raw'] | undefined): GroupRecord | undefined =>
    r && !r.deleted && !isInternalType(r.type) ? toGroupRecord(r) : undefined;
  return {
    add: (type: GroupRecordType, payload: Uint8Array | string, options = {}) =>
      guarded(() => {
        const input = {
          type: recordTypeOf(type, host.crypto),
          payload: payloadBytes(payload),
          lifetimeMs: lifetime(host, options),
          ...(options.attributes !== undefined ? { attributes: options.attributes } : {}),
        };
        const r = host.command((n, now) => n.addRecord(now, input));
        if (!r.ok) throw refusal(r.reason, 'add');
        return toGroupRecord(r.record);
      }),
    update: (id, changes) =>
      guarded(() => {
        const input = {
          ...(changes.payload !== undefined ? { payload: payloadBytes(changes.payload) } : {}),
          ...(changes.attributes !== undefined ? { attributes: changes.attributes } : {}),
          ...(changes.lifetimeMs !== undefined ? { lifetimeMs: changes.lifetimeMs } : {}),
        };
        const guid = recordIdOf(id);
        const r = host.command((n, now) => n.updateRecord(now, guid, input));
        if (!r.ok) throw refusal(r.reason, `update of ${id}`);
        return toGroupRecord(r.record);
      }),
    delete: (id) =>
      guarded(() => {
        const guid = recordIdOf(id);
        const r = host.command((n, now) => n.deleteRecord(now, guid));
        if (!r.ok) throw refusal(r.reason, `delete of ${id}`);
      }),
    get: (id) => guarded(() => live(host.node.getRecord(recordIdOf(id)))),
    query: (type) =>
      guarded(() => {
        const guid = type === undefined ? undefined : recordTypeOf(type, host.crypto);
        return host.node.records(guid).flatMap((r) => live(r) ?? []);
      }),
  };
}
