/**
 * @module graph/wire/internal-records
 * The payloads of the four internal record types ([MS-PPGRH] §2.2.3): graph info (§2.2.3.1),
 * signature (§2.2.3.2), contact (§2.2.3.3) and presence (§2.2.3.4). Integers are big-endian
 * (§2.2), strings counted UTF-16LE like PEER_RECORD's, addresses PEER_ADDRESS (§2.2.1.5). Each
 * payload must fill its record's Payload Data exactly. Graph info's D flag (Deferred Expiration)
 * is 0x00000002 and its I flag (0x00000001) is written 0 and ignored; its ranges are enforced
 * both ways: scope 1..3, presence lifetime 0 or >= 300 s, max record size 0 or 1024..62914560.
 */

import { ByteReader, decodeWith, fail } from '../../util/byte-reader.js';
import { ByteWriter } from '../../util/byte-writer.js';
import type { Result } from '../../util/result.js';
import type { GraphAddress, NodeId } from '../model.js';
import { GRAPH_WIRE_ERROR as E } from './errors.js';
import { type GraphWireLimits, resolveGraphWireLimits, SPEC_MAX_RECORD_SIZE } from './limits.js';
import {
  checkU32,
  PEER_ADDRESS_BYTES,
  readPeerAddress,
  readU64be,
  readUtf16Counted,
  writePeerAddress,
  writeU64be,
  writeUtf16Counted,
} from './primitives.js';
import { RECORD_ID_CHARS_MAX } from './record.js';

/** Graph scopes of §2.2.3.1. */
export type GraphScope = 'global' | 'site-local' | 'link-local';

/** PEER_GRAPH_SCOPE_* values (§2.2.3.1). */
export const GRAPH_SCOPE: { readonly [K in GraphScope]: number } = {
  global: 1,
  'site-local': 2,
  'link-local': 3,
} as const;

/** The graph info record's payload (§2.2.3.1). */
export interface GraphInfo {
  /** D: records expire only while connected to at least one other node. */
  readonly deferExpiration: boolean;
  readonly scope: GraphScope;
  readonly graphId: string;
  readonly creatorId: string;
  /** Empty: absent. */
  readonly friendlyName: string;
  /** Empty: absent; at most 511 characters. */
  readonly comment: string;
  /** Presence record lifetime in seconds: 0 (meaning 300) or >= 300. */
  readonly presenceLifetimeS: number;
  /** 0: none unless asked; 0xFFFFFFFF: everyone; otherwise the most to publish. */
  readonly maxPresenceRecords: number;
  /** 0 (meaning 60 MiB) or 1024..62914560. */
  readonly maxRecordSize: number;
}

/** The contact record's payload (§2.2.3.3). */
export interface ContactPayload {
  /** The graph signature when the record was published. */
  readonly signature: NodeId;
  readonly nodeId: NodeId;
  readonly addresses: readonly GraphAddress[];
}

/** The presence record's payload (§2.2.3.4). */
export interface PresencePayload {
  readonly nodeId: NodeId;
  /** Node attributes (§2.2.3.5 XML), or empty. */
  readonly attributes: string;
  readonly addresses: readonly GraphAddress[];
}

/** Smallest Presence Lifetime other than 0, in seconds (§2.2.3.1). */
export const PRESENCE_LIFETIME_MIN_S = 300;
/** Smallest Max Record Size other than 0 (§2.2.3.1). */
export const MAX_RECORD_SIZE_MIN = 1024;
/** Most characters of the graph info comment, with the null (§2.2.3.1). */
const COMMENT_CHARS_MAX = 512;
const FLAG_DEFER = 0x02;

/** Why graph info ranges are broken, or undefined. */
function graphInfoRangeProblem(info: GraphInfo): string | undefined {
  if (!Object.hasOwn(GRAPH_SCOPE, info.scope)) return `scope ${String(info.scope)}`;
  const lifetime = info.presenceLifetimeS;
  if (lifetime !== 0 && lifetime < PRESENCE_LIFETIME_MIN_S) return `presence lifetime ${lifetime}`;
  const max = info.maxRecordSize;
  if (max !== 0 && (max < MAX_RECORD_SIZE_MIN || max > SPEC_MAX_RECORD_SIZE)) {
    return `max record size ${max}`;
  }
  return undefined;
}

/**
 * Encodes a graph info payload; out-of-range values throw `RangeError`.
 * @example const payload = encodeGraphInfo(info);
 */
export function encodeGraphInfo(info: GraphInfo): Uint8Array {
  const problem = graphInfoRangeProblem(info);
  if (problem !== undefined) throw new RangeError(`graph info: ${problem}`);
  const w = new ByteWriter(256);
  w.u32be(0); // Size, patched below
  w.u32be(info.deferExpiration ? FLAG_DEFER : 0).u32be(GRAPH_SCOPE[info.scope]);
  writeUtf16Counted(w, info.graphId, 'Graph ID', RECORD_ID_CHARS_MAX, false);
  writeUtf16Counted(w, info.creatorId, 'Creator ID', RECORD_ID_CHARS_MAX, false);
  writeUtf16Counted(w, info.friendlyName, 'Friendly Name', RECORD_ID_CHARS_MAX, true);
  writeUtf16Counted(w, info.comment, 'Comment', COMMENT_CHARS_MAX, true);
  w.u32be(checkU32(info.presenceLifetimeS, 'presence lifetime'));
  w.u32be(checkU32(info.maxPresenceRecords, 'max presence records'));
  w.u32be(checkU32(info.maxRecordSize, 'max record size'));
  const out = w.finish();
  new DataView(out.buffer).setUint32(0, out.length, false);
  return out;
}

/**
 * Decodes a graph info payload (Size must equal the payload's length). Never throws.
 * @example const info = decodeGraphInfo(record.payload);
 */
export function decodeGraphInfo(bytes: Uint8Array): Result<GraphInfo> {
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    const size = r.u32be();
    if (size !== bytes.length)
      fail(E.sizeMismatch, `graph info Size ${size}, payload ${bytes.length}`);
    const flags = r.u32be(); // Reserved and I: ignored
    const scopeCode = r.u32be();
    const scope = (Object.keys(GRAPH_SCOPE) as GraphScope[]).find(
      (k) => GRAPH_SCOPE[k] === scopeCode,
    );
    if (scope === undefined) fail(E.badPayload, `graph scope ${scopeCode}`);
    const info: GraphInfo = {
      deferExpiration: (flags & FLAG_DEFER) !== 0,
      scope,
      graphId: readUtf16Counted(r, 'Graph ID', RECORD_ID_CHARS_MAX, false),
      creatorId: readUtf16Counted(r, 'Creator ID', RECORD_ID_CHARS_MAX, false),
      friendlyName: readUtf16Counted(r, 'Friendly Name', RECORD_ID_CHARS_MAX, true),
      comment: readUtf16Counted(r, 'Comment', COMMENT_CHARS_MAX, true),
      presenceLifetimeS: r.u32be(),
      maxPresenceRecords: r.u32be(),
      maxRecordSize: r.u32be(),
    };
    if (r.remaining !== 0) fail(E.trailingBytes, `${r.remaining} bytes after graph info`);
    const problem = graphInfoRangeProblem(info);
    if (problem !== undefined) fail(E.badPayload, `graph info ${problem}`);
    return info;
  });
}

/**
 * Encodes a signature payload: the publishing node's ID (§2.2.3.2).
 * @example encodeSignature(nodeId) // 8 bytes
 */
export function encodeSignature(signature: NodeId): Uint8Array {
  const w = new ByteWriter(8);
  writeU64be(w, signature, 'signature');
  return w.finish();
}

/**
 * Decodes a signature payload (exactly 8 bytes). Never throws.
 * @example const sig = decodeSignature(record.payload);
 */
export function decodeSignature(bytes: Uint8Array): Result<NodeId> {
  return decodeWith(() => {
    if (bytes.length !== 8) fail(E.badPayload, `signature payload of ${bytes.length} bytes`);
    return readU64be(new ByteReader(bytes));
  });
}

function writeAddressList(w: ByteWriter, addresses: readonly GraphAddress[]): void {
  w.u32be(checkU32(addresses.length, 'Number of Addresses'));
  for (const a of addresses) writePeerAddress(w, a);
}

function readAddressList(r: ByteReader, limits: GraphWireLimits): GraphAddress[] {
  const count = r.u32be();
  if (count > limits.maxAddresses) fail(E.limitExceeded, `${count} addresses`);
  if (count * PEER_ADDRESS_BYTES > r.remaining) fail(E.truncated, `${count} addresses`);
  const out: GraphAddress[] = [];
  for (let i = 0; i < count; i++) out.push(readPeerAddress(r));
  return out;
}

/**
 * Encodes a contact payload (§2.2.3.3).
 * @example const payload = encodeContact({ signature, nodeId, addresses });
 */
export function encodeContact(contact: ContactPayload): Uint8Array {
  const w = new ByteWriter(20 + contact.addresses.length * PEER_ADDRESS_BYTES);
  writeU64be(w, contact.signature, 'signature');
  writeU64be(w, contact.nodeId, 'node ID');
  writeAddressList(w, contact.addresses);
  return w.finish();
}

/**
 * Decodes a contact payload. Never throws.
 * @example const contact = decodeContact(record.payload);
 */
export function decodeContact(
  bytes: Uint8Array,
  limits?: Partial<GraphWireLimits>,
): Result<ContactPayload> {
  const resolved = resolveGraphWireLimits(limits);
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    const signature = readU64be(r);
    const nodeId = readU64be(r);
    const addresses = readAddressList(r, resolved);
    if (r.remaining !== 0) fail(E.trailingBytes, `${r.remaining} bytes after contact`);
    return { signature, nodeId, addresses };
  });
}

/**
 * Encodes a presence payload (§2.2.3.4).
 * @example const payload = encodePresence({ nodeId, attributes: '', addresses });
 */
export function encodePresence(presence: PresencePayload): Uint8Array {
  const w = new ByteWriter(64 + presence.addresses.length * PEER_ADDRESS_BYTES);
  writeU64be(w, presence.nodeId, 'node ID');
  writeUtf16Counted(w, presence.attributes, 'Attributes', 0xffffffff, true);
  writeAddressList(w, presence.addresses);
  return w.finish();
}

/**
 * Decodes a presence payload. The attributes string is returned as is; check it with
 * `parseAttributes`. Never throws.
 * @example const presence = decodePresence(record.payload);
 */
export function decodePresence(
  bytes: Uint8Array,
  limits?: Partial<GraphWireLimits>,
): Result<PresencePayload> {
  const resolved = resolveGraphWireLimits(limits);
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    const nodeId = readU64be(r);
    const attributes = readUtf16Counted(r, 'Attributes', 0xffffffff, true);
    const addresses = readAddressList(r, resolved);
    if (r.remaining !== 0) fail(E.trailingBytes, `${r.remaining} bytes after presence`);
    return { nodeId, attributes, addresses };
  });
}
