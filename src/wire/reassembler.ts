/**
 * @module wire/reassembler
 * Reassembly of fragmented AUTHORITY messages ([MS-PNRP] §2.2.2.6, §3.1.5.6): fragments are
 * keyed by (message ID, source), may arrive in any order, and are refused when they overlap,
 * leave the buffer, disagree on Size, exceed 37,348 bytes or start off a 1,188-byte boundary.
 * Sans-I/O: the caller passes `nowMs` and calls `expire(nowMs)` (or just keeps adding); contexts
 * live `expireAfterMs` (a hop's 2 s budget by default) and the spec's "discard when the LOOKUP or
 * INQUIRE times out" is `discard(messageId, sourceKey)`. Bounded by `contextsMax` and `bytesMax`,
 * and per source by `contextsPerSourceMax` (issue 10: one source sending fragments under many
 * message IDs held every slot; a DrtNode also refuses fragments that answer no LOOKUP or INQUIRE
 * it sent, before they reach this class); every refusal is counted by reason in `stats`.
 */
import { type DecodeError, err } from '../util/result.js';
import { decodeAuthorityBuffer } from './authority-buffer.js';
import { type AuthorityFragment, type AuthorityMessage, WIRE_LIMITS } from './types.js';

const FRAGMENT = WIRE_LIMITS.authorityFragmentBytes;

/**
 * Options of an {@link AuthorityReassembler}; all optional, validated once.
 * @example new AuthorityReassembler({ contextsMax: 16, bytesMax: 256 * 1024, expireAfterMs: 2000 })
 */
export interface AuthorityReassemblerOptions {
  /**
   * Reassemblies in progress at once; a fragment that would start one more is refused.
   * @default 64
   */
  readonly contextsMax?: number;
  /**
   * Reassemblies in progress from one source at once (a source key, as passed to `add`); a
   * fragment that would start one more from that source is refused as `source-full`.
   * @default 8
   */
  readonly contextsPerSourceMax?: number;
  /**
   * Total buffer bytes reserved by the contexts in progress (each reserves its full Size).
   * @default 1_048_576
   */
  readonly bytesMax?: number;
  /**
   * A context is dropped this long after its first fragment.
   * @default 2000
   */
  readonly expireAfterMs?: number;
}

/**
 * Why a fragment was refused (besides a reassembled buffer that does not decode).
 * @example if (r.type === 'rejected' && r.error.code === 'overlap') duplicates++;
 */
export type ReassemblyRejectCode =
  | 'oversized'
  | 'misaligned'
  | 'out-of-bounds'
  | 'bad-length'
  | 'overlap'
  | 'size-mismatch'
  | 'inconsistent'
  | 'contexts-full'
  | 'source-full'
  | 'bytes-full'
  | 'undecodable';

/**
 * Every reject code, for counters.
 * @example for (const code of REASSEMBLY_REJECT_CODES) console.log(code, stats.rejected[code]);
 */
export const REASSEMBLY_REJECT_CODES: readonly ReassemblyRejectCode[] = [
  'oversized',
  'misaligned',
  'out-of-bounds',
  'bad-length',
  'overlap',
  'size-mismatch',
  'inconsistent',
  'contexts-full',
  'source-full',
  'bytes-full',
  'undecodable',
];

/**
 * Result of {@link AuthorityReassembler.add}.
 * @example if (result.type === 'complete') handleAuthority(result.message);
 */
export type ReassemblyResult =
  | { readonly type: 'pending' }
  | { readonly type: 'complete'; readonly message: AuthorityMessage }
  | { readonly type: 'rejected'; readonly error: DecodeError };

/**
 * Counters of an {@link AuthorityReassembler}; never reset.
 * @example reassembler.stats.rejected.overlap // duplicates refused so far
 */
export interface ReassemblerStats {
  fragmentsAccepted: number;
  messagesCompleted: number;
  contextsExpired: number;
  contextsDiscarded: number;
  /** Refused fragments by reason; `undecodable` = complete buffer that failed to decode. */
  readonly rejected: Record<ReassemblyRejectCode, number>;
}

interface Context {
  readonly messageId: number;
  readonly sourceKey: string;
  readonly ackedMessageId: number;
  readonly major: number;
  readonly minor: number;
  readonly size: number;
  readonly buffer: Uint8Array;
  readonly received: Uint8Array;
  receivedCount: number;
  readonly expiresAtMs: number;
}

const PENDING: ReassemblyResult = { type: 'pending' };

/**
 * Puts fragmented AUTHORITY messages back together.
 * @example
 * const reassembler = new AuthorityReassembler();
 * const decoded = decodeMessage(payload);
 * if (decoded.ok && decoded.value.type === 'authority-fragment') {
 *   const r = reassembler.add(nowMs, endpointKey(from), decoded.value);
 *   if (r.type === 'complete') handleAuthority(r.message);
 * }
 */
export class AuthorityReassembler {
  readonly contextsMax: number;
  readonly contextsPerSourceMax: number;
  readonly bytesMax: number;
  readonly expireAfterMs: number;
  readonly stats: ReassemblerStats;
  private readonly contexts = new Map<string, Context>();
  /** Contexts in progress per source key. */
  private readonly perSource = new Map<string, number>();
  private bytesReserved = 0;
  private lastNowMs = Number.NEGATIVE_INFINITY;

  constructor(options: AuthorityReassemblerOptions = {}) {
    this.contextsMax = positiveInteger(options.contextsMax, 64, 'contextsMax');
    this.contextsPerSourceMax = positiveInteger(
      options.contextsPerSourceMax,
      8,
      'contextsPerSourceMax',
    );
    this.bytesMax = positiveInteger(options.bytesMax, 1_048_576, 'bytesMax');
    const expire = options.expireAfterMs ?? 2000;
    if (typeof expire !== 'number' || !Number.isFinite(expire) || expire <= 0) {
      throw new RangeError(`expireAfterMs must be a positive finite number, got ${expire}`);
    }
    this.expireAfterMs = expire;
    const rejected = {} as Record<ReassemblyRejectCode, number>;
    for (const code of REASSEMBLY_REJECT_CODES) rejected[code] = 0;
    this.stats = {
      fragmentsAccepted: 0,
      messagesCompleted: 0,
      contextsExpired: 0,
      contextsDiscarded: 0,
      rejected,
    };
  }

  /** Reassemblies in progress. */
  get contextCount(): number {
    return this.contexts.size;
  }

  /** Buffer bytes reserved by the reassemblies in progress. */
  get bytesInUse(): number {
    return this.bytesReserved;
  }

  /**
   * Adds one fragment from `sourceKey` (any string naming the sender's address and port, such as
   * `endpointKey(from)`). Expires stale contexts first. Throws `RangeError` if `nowMs` decreases.
   * @example const r = reassembler.add(nowMs, endpointKey(from), fragment);
   */
  add(nowMs: number, sourceKey: string, fragment: AuthorityFragment): ReassemblyResult {
    this.expire(nowMs);
    const { size, offset, data } = fragment;
    const length = data.length;
    if (size > WIRE_LIMITS.authorityBufferMax) {
      return this.reject('oversized', `Size ${size} is over ${WIRE_LIMITS.authorityBufferMax}`);
    }
    if (offset % FRAGMENT !== 0) {
      return this.reject('misaligned', `Offset ${offset} is not a multiple of ${FRAGMENT}`);
    }
    if (offset + length > size || (offset >= size && size > 0)) {
      return this.reject('out-of-bounds', `slice ${offset}+${length} leaves a ${size}-byte buffer`);
    }
    if (length === 0 || length !== Math.min(FRAGMENT, size - offset)) {
      return this.reject('bad-length', `a slice at ${offset} of ${size} cannot be ${length} bytes`);
    }
    const key = `${fragment.messageId}/${sourceKey}`;
    let ctx = this.contexts.get(key);
    if (ctx === undefined) {
      if (this.contexts.size >= this.contextsMax) {
        return this.reject('contexts-full', `${this.contextsMax} reassemblies in progress`);
      }
      const held = this.perSource.get(sourceKey) ?? 0;
      if (held >= this.contextsPerSourceMax) {
        return this.reject('source-full', `${held} reassemblies in progress from this source`);
      }
      if (this.bytesReserved + size > this.bytesMax) {
        return this.reject('bytes-full', `${size} more bytes would pass bytesMax ${this.bytesMax}`);
      }
      ctx = {
        messageId: fragment.messageId,
        sourceKey,
        ackedMessageId: fragment.ackedMessageId,
        major: fragment.version.major,
        minor: fragment.version.minor,
        size,
        buffer: new Uint8Array(size),
        received: new Uint8Array(Math.ceil(size / FRAGMENT)),
        receivedCount: 0,
        expiresAtMs: nowMs + this.expireAfterMs,
      };
      this.contexts.set(key, ctx);
      this.perSource.set(sourceKey, held + 1);
      this.bytesReserved += size;
    } else if (ctx.size !== size) {
      return this.reject('size-mismatch', `Size ${size}, earlier fragments said ${ctx.size}`);
    } else if (
      ctx.ackedMessageId !== fragment.ackedMessageId ||
      ctx.major !== fragment.version.major ||
      ctx.minor !== fragment.version.minor
    ) {
      return this.reject('inconsistent', 'acked message ID or version differs between fragments');
    }
    const index = offset / FRAGMENT;
    if (ctx.received[index] !== 0) {
      return this.reject('overlap', `bytes ${offset}..${offset + length} already received`);
    }
    ctx.buffer.set(data, offset);
    ctx.received[index] = 1;
    ctx.receivedCount++;
    this.stats.fragmentsAccepted++;
    if (ctx.receivedCount < ctx.received.length) return PENDING;
    this.remove(key, ctx);
    const decoded = decodeAuthorityBuffer(ctx.buffer);
    if (!decoded.ok) {
      this.stats.rejected.undecodable++;
      return { type: 'rejected', error: decoded.error };
    }
    this.stats.messagesCompleted++;
    const message: AuthorityMessage = {
      type: 'authority',
      messageId: ctx.messageId,
      version: { major: ctx.major, minor: ctx.minor },
      ackedMessageId: ctx.ackedMessageId,
      buffer: decoded.value,
    };
    return { type: 'complete', message };
  }

  /**
   * Drops every context whose time is up at `nowMs`; returns how many. Throws `RangeError` if
   * `nowMs` is not finite or goes backwards.
   * @example reassembler.expire(nowMs);
   */
  expire(nowMs: number): number {
    if (typeof nowMs !== 'number' || !Number.isFinite(nowMs) || nowMs < this.lastNowMs) {
      throw new RangeError(`nowMs must be finite and never decrease (got ${nowMs})`);
    }
    this.lastNowMs = nowMs;
    let expired = 0;
    // Contexts are created with non-decreasing nowMs, so Map order is expiry order.
    for (const [key, ctx] of this.contexts) {
      if (ctx.expiresAtMs > nowMs) break;
      this.remove(key, ctx);
      expired++;
    }
    this.stats.contextsExpired += expired;
    return expired;
  }

  /**
   * When the next context expires, or `undefined` if none is in progress (for the caller's timer).
   * @example const at = reassembler.nextExpiryMs();
   */
  nextExpiryMs(): number | undefined {
    for (const ctx of this.contexts.values()) return ctx.expiresAtMs;
    return undefined;
  }

  /**
   * Drops the reassembly of `messageId` from `sourceKey` (say, because its LOOKUP timed out).
   * Returns whether there was one.
   * @example reassembler.discard(authorityMessageId, endpointKey(from));
   */
  discard(messageId: number, sourceKey: string): boolean {
    const key = `${messageId}/${sourceKey}`;
    const ctx = this.contexts.get(key);
    if (ctx === undefined) return false;
    this.remove(key, ctx);
    this.stats.contextsDiscarded++;
    return true;
  }

  /**
   * Drops every reassembly from `sourceKey` that answers the request `ackedMessageId`: what a
   * resolver knows when its LOOKUP or INQUIRE times out. Returns how many were dropped.
   * @example reassembler.discardReplies(lookup.messageId, endpointKey(hop));
   */
  discardReplies(ackedMessageId: number, sourceKey: string): number {
    let dropped = 0;
    for (const [key, ctx] of this.contexts) {
      if (ctx.ackedMessageId !== ackedMessageId || ctx.sourceKey !== sourceKey) continue;
      this.remove(key, ctx);
      dropped++;
    }
    this.stats.contextsDiscarded += dropped;
    return dropped;
  }

  private remove(key: string, ctx: Context): void {
    this.contexts.delete(key);
    const held = (this.perSource.get(ctx.sourceKey) ?? 1) - 1;
    if (held > 0) this.perSource.set(ctx.sourceKey, held);
    else this.perSource.delete(ctx.sourceKey);
    this.bytesReserved -= ctx.size;
  }

  private reject(code: ReassemblyRejectCode, detail: string): ReassemblyResult {
    this.stats.rejected[code]++;
    return { type: 'rejected', error: err(code, detail).error };
  }
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${v}`);
  }
  return v;
}
