/**
 * @module dht/fragments
 * Values above one datagram (issue 15 Build 3): a DHT message whose record value is longer than
 * `DHT_VALUE_BYTES_MAX` (1000) travels as FRAGMENT datagrams, the way [MS-PNRP] §2.2.2.6 splits
 * AUTHORITY (wire/reassembler.ts): fixed-size slices at fixed offsets, any order, reassembled per
 * source in a bounded buffer, then decoded as one message. A FRAGMENT, most significant byte
 * first (at most 1200 bytes):
 *
 *     0  magic 'DH'  2  version 1  3  type 8  4  request ID of the whole message (u32)
 *     8  total length of the whole message (u32, at most 66,000)
 *    12  index (u16)  14  count (u16, = ceil(total / 1184))  16  data (1184 bytes; the last: the rest)
 *
 * The reassembler keys a message by (source endpoint, request ID); each context reserves its full
 * total length on its first fragment. Bounds: `partialsMax` contexts in all, `partialsPerSourceMax`
 * per source, `bytesMax` reserved in all and `bytesPerSourceMax` per source (a fair share: one
 * source can not hold the buffer; a source is an address, whatever its ports, since a host can
 * send from as many ports as it likes), and a context lives `expireAfterMs` from its first fragment
 * (time from `nowMs`). Every refusal is a reason code for the node's `dropped` counters. The
 * whole message is checked like any other (its record's validator: immutable key = SHA-256 of the
 * value, mutable signature) before anything is stored, and the answer rules stay: a VALUE is
 * compared, whole, with its FIND_VALUE's size toward an unproven asker (dht/cookies.ts).
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { toHex } from '../util/bytes.js';
import {
  DHT_FRAGMENT_DATA_BYTES,
  DHT_FRAGMENT_HEADER_BYTES,
  DHT_FRAGMENTED_MESSAGE_BYTES_MAX,
  DHT_MAGIC,
  DHT_MESSAGE_TYPE,
  DHT_VALUE_BYTES_MAX,
  DHT_VERSION,
} from './constants.js';

/** One decoded FRAGMENT datagram. */
export interface DhtFragment {
  readonly requestId: number;
  readonly totalBytes: number;
  readonly index: number;
  readonly count: number;
  readonly data: Uint8Array;
}

/**
 * True when `message` must travel in fragments: it carries a record whose value exceeds one
 * datagram's {@link DHT_VALUE_BYTES_MAX}.
 * @example needsFragments({ type: 'cookie', requestId: 1, cookie: 2 }) // false
 */
export function needsFragments(message: object): boolean {
  const record = (message as { readonly record?: { readonly value?: unknown } }).record;
  return record?.value instanceof Uint8Array && record.value.length > DHT_VALUE_BYTES_MAX;
}

/**
 * True when a DHT datagram is a FRAGMENT (its type byte is 8).
 * @example isFragmentDatagram(fragmentMessage(7, bigPayload)[0]!) // true
 */
export function isFragmentDatagram(payload: Uint8Array): boolean {
  return (
    payload.length >= 4 &&
    payload[0] === DHT_MAGIC[0] &&
    payload[1] === DHT_MAGIC[1] &&
    payload[3] === DHT_MESSAGE_TYPE.fragment
  );
}

/**
 * Cuts one encoded message into FRAGMENT datagrams. Throws RangeError when `message` is longer
 * than {@link DHT_FRAGMENTED_MESSAGE_BYTES_MAX} (a programmer error: encoders bound values).
 * @example const datagrams = fragmentMessage(requestId, encodeDhtMessage(store));
 */
export function fragmentMessage(requestId: number, message: Uint8Array): Uint8Array[] {
  if (message.length > DHT_FRAGMENTED_MESSAGE_BYTES_MAX || message.length === 0)
    throw new RangeError(`a fragmented message is 1..${DHT_FRAGMENTED_MESSAGE_BYTES_MAX} bytes`);
  const count = Math.ceil(message.length / DHT_FRAGMENT_DATA_BYTES);
  const out: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const data = message.subarray(
      index * DHT_FRAGMENT_DATA_BYTES,
      Math.min(message.length, (index + 1) * DHT_FRAGMENT_DATA_BYTES),
    );
    const d = new Uint8Array(DHT_FRAGMENT_HEADER_BYTES + data.length);
    const v = new DataView(d.buffer);
    d[0] = DHT_MAGIC[0];
    d[1] = DHT_MAGIC[1];
    d[2] = DHT_VERSION;
    d[3] = DHT_MESSAGE_TYPE.fragment;
    v.setUint32(4, requestId >>> 0);
    v.setUint32(8, message.length);
    v.setUint16(12, index);
    v.setUint16(14, count);
    d.set(data, DHT_FRAGMENT_HEADER_BYTES);
    out.push(d);
  }
  return out;
}

/**
 * Decodes one FRAGMENT datagram; never throws. Fails with a reason code: `fragment-truncated`,
 * `fragment-bad-header`, `fragment-oversized`, `fragment-bad-count`, `fragment-bad-index`,
 * `fragment-bad-length`.
 * @example const r = decodeFragment(bytes); if (r.ok) reassembler.add(now, from, r.fragment);
 */
export function decodeFragment(
  payload: Uint8Array,
):
  | { readonly ok: true; readonly fragment: DhtFragment }
  | { readonly ok: false; readonly code: string } {
  if (!(payload instanceof Uint8Array) || payload.length < DHT_FRAGMENT_HEADER_BYTES)
    return { ok: false, code: 'fragment-truncated' };
  if (!isFragmentDatagram(payload) || payload[2] !== DHT_VERSION)
    return { ok: false, code: 'fragment-bad-header' };
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const requestId = v.getUint32(4);
  const totalBytes = v.getUint32(8);
  const index = v.getUint16(12);
  const count = v.getUint16(14);
  if (totalBytes === 0 || totalBytes > DHT_FRAGMENTED_MESSAGE_BYTES_MAX)
    return { ok: false, code: 'fragment-oversized' };
  if (count !== Math.ceil(totalBytes / DHT_FRAGMENT_DATA_BYTES))
    return { ok: false, code: 'fragment-bad-count' };
  if (index >= count) return { ok: false, code: 'fragment-bad-index' };
  const expected =
    index < count - 1
      ? DHT_FRAGMENT_DATA_BYTES
      : totalBytes - (count - 1) * DHT_FRAGMENT_DATA_BYTES;
  if (payload.length - DHT_FRAGMENT_HEADER_BYTES !== expected)
    return { ok: false, code: 'fragment-bad-length' };
  const data = payload.subarray(DHT_FRAGMENT_HEADER_BYTES);
  return { ok: true, fragment: { requestId, totalBytes, index, count, data } };
}

/** Bounds of a {@link FragmentReassembler}; every one optional. */
export interface FragmentLimits {
  /** Reassemblies in progress at once. @default 32 */
  readonly partialsMax?: number;
  /** Reassemblies in progress from one source address (all its ports). @default 2 */
  readonly partialsPerSourceMax?: number;
  /** Bytes reserved by all reassemblies (each reserves its total length). @default 528000 */
  readonly bytesMax?: number;
  /** Bytes reserved by one source address's reassemblies (its fair share). @default 132000 */
  readonly bytesPerSourceMax?: number;
  /** A reassembly is dropped this long after its first fragment. @default 5000 */
  readonly expireAfterMs?: number;
}

/** What {@link FragmentReassembler.add} did with a fragment. */
export type FragmentOutcome =
  | { readonly type: 'complete'; readonly message: Uint8Array }
  | { readonly type: 'pending' }
  | { readonly type: 'rejected'; readonly code: string };

interface Partial {
  readonly source: string;
  readonly totalBytes: number;
  readonly buffer: Uint8Array;
  readonly have: Uint8Array;
  received: number;
  readonly count: number;
  readonly expiresAtMs: number;
}

const DEFAULTS = {
  partialsMax: 32,
  partialsPerSourceMax: 2,
  bytesMax: 8 * DHT_FRAGMENTED_MESSAGE_BYTES_MAX,
  bytesPerSourceMax: 2 * DHT_FRAGMENTED_MESSAGE_BYTES_MAX,
  expireAfterMs: 5000,
} as const;

/**
 * Bounded reassembly of FRAGMENT datagrams, keyed by (source, request ID). Sans-I/O: time is
 * the `nowMs` passed in; expired contexts are dropped on each `add`.
 * @example
 * const r = new FragmentReassembler();
 * const out = r.add(now, from, fragment);
 * if (out.type === 'complete') handle(decodeDhtMessage(out.message, DHT_LARGE_VALUE_BYTES_MAX));
 */
export class FragmentReassembler {
  /** Fragments seen, completed messages and refusals by code (never reset). */
  readonly stats = {
    fragments: 0,
    completed: 0,
    expired: 0,
    rejected: {} as Record<string, number>,
  };
  private readonly limits: Required<FragmentLimits>;
  private readonly partials = new Map<string, Partial>();
  private readonly perSource = new Map<string, { partials: number; bytes: number }>();
  private bytes = 0;

  constructor(limits: FragmentLimits = {}) {
    const l = { ...DEFAULTS, ...limits };
    for (const [name, value] of Object.entries(l))
      if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`${name} must be a positive integer, got ${value}`);
    this.limits = l;
  }

  /** Reassemblies in progress. */
  get size(): number {
    return this.partials.size;
  }

  /** Bytes reserved by reassemblies in progress. */
  get bytesReserved(): number {
    return this.bytes;
  }

  /** Adds one fragment from `from`; a `complete` outcome hands back the whole message. */
  add(nowMs: number, from: Endpoint, fragment: DhtFragment): FragmentOutcome {
    this.stats.fragments++;
    this.expire(nowMs);
    const source = toHex(from.address); // the fair share is per address, over all its ports
    const id = `${endpointKey(from)}|${fragment.requestId}`;
    let p = this.partials.get(id);
    if (p !== undefined && p.totalBytes !== fragment.totalBytes)
      return this.reject('fragment-inconsistent');
    if (p === undefined) {
      const refusal = this.room(source, fragment.totalBytes);
      if (refusal !== undefined) return this.reject(refusal);
      p = {
        source,
        totalBytes: fragment.totalBytes,
        buffer: new Uint8Array(fragment.totalBytes),
        have: new Uint8Array(fragment.count),
        received: 0,
        count: fragment.count,
        expiresAtMs: nowMs + this.limits.expireAfterMs,
      };
      this.partials.set(id, p);
      this.reserve(source, fragment.totalBytes, 1);
    }
    if (p.have[fragment.index] === 1) return this.reject('fragment-duplicate');
    p.have[fragment.index] = 1;
    p.received++;
    p.buffer.set(fragment.data, fragment.index * DHT_FRAGMENT_DATA_BYTES);
    if (p.received < p.count) return { type: 'pending' };
    this.remove(id, p);
    this.stats.completed++;
    return { type: 'complete', message: p.buffer };
  }

  /** Drops the contexts whose time is up at `nowMs`. */
  expire(nowMs: number): void {
    for (const [id, p] of this.partials) {
      if (nowMs < p.expiresAtMs) continue;
      this.remove(id, p);
      this.stats.expired++;
    }
  }

  private room(source: string, totalBytes: number): string | undefined {
    const mine = this.perSource.get(source) ?? { partials: 0, bytes: 0 };
    if (mine.partials >= this.limits.partialsPerSourceMax) return 'fragment-source-full';
    if (mine.bytes + totalBytes > this.limits.bytesPerSourceMax) return 'fragment-source-full';
    if (this.partials.size >= this.limits.partialsMax) return 'fragment-buffer-full';
    if (this.bytes + totalBytes > this.limits.bytesMax) return 'fragment-buffer-full';
    return undefined;
  }

  private reserve(source: string, bytes: number, partials: number): void {
    const mine = this.perSource.get(source) ?? { partials: 0, bytes: 0 };
    mine.partials += partials;
    mine.bytes += bytes;
    this.bytes += bytes;
    if (mine.partials <= 0) this.perSource.delete(source);
    else this.perSource.set(source, mine);
  }

  private remove(id: string, p: Partial): void {
    this.partials.delete(id);
    this.reserve(p.source, -p.totalBytes, -1);
  }

  private reject(code: string): FragmentOutcome {
    this.stats.rejected[code] = (this.stats.rejected[code] ?? 0) + 1;
    return { type: 'rejected', code };
  }
}
