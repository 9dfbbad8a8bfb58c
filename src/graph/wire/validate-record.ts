/**
 * @module graph/wire/validate-record
 * The checks [MS-PPGRH] §3.1.7.27 makes on a received record before the graph security provider
 * sees it: record ID bound to the creator (except the fixed IDs of the graph info and signature
 * records, §2.2.3.1-2, which §3.1.7.2 exempts from the derivation), string lengths, times
 * (expiration > last modification >= creation), deleted ⇒ empty payload, graph ID, size
 * (payload + Attributes Length × 2 <= Max Record Size), Last Modified By ID empty exactly when the
 * record was never modified, and the attributes syntax of §2.2.3.5.
 *
 * Decision on "Last Modified By": §3.1.7.27 only says identical times ⇒ empty; §2.2.1.9 says
 * modification time equals creation time for a record never modified, and §3.1.7.8 fills Last
 * Modified By on update, so we check both directions (empty iff modifiedAt == createdAt).
 */

import { equalBytes } from '../../util/bytes.js';
import { err, ok, type Result } from '../../util/result.js';
import type { GraphRecord } from '../model.js';
import { FIXED_RECORD_ID, RECORD_TYPE } from '../model.js';
import { parseAttributes } from './attributes.js';
import { GRAPH_WIRE_ERROR as E } from './errors.js';
import { SPEC_MAX_RECORD_SIZE } from './limits.js';
import { RECORD_ID_CHARS_MAX, recordSizeForLimit } from './record.js';
import { recordIdMatchesCreator } from './record-id.js';

/** What {@link validateRecord} checks a record against. */
export interface RecordValidationContext {
  /** The local graph's ID. */
  readonly graphId: string;
  /** The graph's Max Record Size (§2.2.3.1); 0 means the specification's 60 MiB. */
  readonly maxRecordSize: number;
}

function hasFixedId(record: GraphRecord): boolean {
  return (
    (equalBytes(record.type, RECORD_TYPE.graphInfo) &&
      equalBytes(record.id, FIXED_RECORD_ID.graphInfo)) ||
    (equalBytes(record.type, RECORD_TYPE.signature) &&
      equalBytes(record.id, FIXED_RECORD_ID.signature))
  );
}

function checkLength(text: string, what: string, allowEmpty: boolean): string | undefined {
  if (text.length === 0 && allowEmpty) return undefined;
  if (text.length < 1 || text.length + 1 > RECORD_ID_CHARS_MAX) {
    return `${what} of ${text.length} characters`;
  }
  return undefined;
}

/**
 * Applies §3.1.7.27 to a decoded record. Returns the record, or the first rule it breaks with a
 * {@link GRAPH_WIRE_ERROR} code. Never throws.
 * @example const v = validateRecord(record, { graphId, maxRecordSize: 0 });
 */
export function validateRecord(
  record: GraphRecord,
  context: RecordValidationContext,
): Result<GraphRecord> {
  const lengthProblem =
    checkLength(record.creatorId, 'Creator ID', false) ??
    checkLength(record.modifiedById, 'Last Modified By ID', true) ??
    checkLength(record.graphId, 'Graph ID', false);
  if (lengthProblem !== undefined) return err(E.badStringLength, lengthProblem);
  if (!hasFixedId(record) && !recordIdMatchesCreator(record.id, record.creatorId)) {
    return err(E.recordIdMismatch, 'record ID not derived from the creator ID');
  }
  if (record.expiresAt <= record.modifiedAt) {
    return err(E.recordTimes, 'expiration time not after last modification time');
  }
  if (record.modifiedAt < record.createdAt) {
    return err(E.recordTimes, 'last modification time before creation time');
  }
  if (record.graphId !== context.graphId) {
    return err(E.graphIdMismatch, `record of graph "${record.graphId.slice(0, 64)}"`);
  }
  if (record.deleted && record.payload.length > 0) {
    return err(E.deletedWithPayload, 'deleted record with payload');
  }
  const max = context.maxRecordSize === 0 ? SPEC_MAX_RECORD_SIZE : context.maxRecordSize;
  const size = recordSizeForLimit(record);
  if (size > max) return err(E.recordTooLarge, `record size ${size} above ${max}`);
  const modified = record.modifiedAt !== record.createdAt;
  if (modified !== record.modifiedById.length > 0) {
    return err(
      E.modifiedBy,
      modified
        ? 'modified record without Last Modified By ID'
        : 'unmodified record with Last Modified By ID',
    );
  }
  if (record.attributes.length > 0) {
    const parsed = parseAttributes(record.attributes);
    if (!parsed.ok) return err(E.badAttributes, parsed.error.detail);
  }
  return ok(record);
}
