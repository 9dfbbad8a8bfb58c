/**
 * @module graph/wire/limits
 * The bounds the [MS-PPGRH] codec enforces on remote bytes, beyond the specification's own field
 * ranges: the frame size of §2.2.1.1 and §3.1.1, how large one reassembled unit may grow, and how
 * many array entries one message may carry. Every count the wire allows (u8, u16, u32) is checked
 * against these before anything is allocated.
 */

/** Bounds applied while framing and decoding [MS-PPGRH] units, messages and records. */
export interface GraphWireLimits {
  /**
   * Largest frame payload accepted and produced, [MS-PPGRH] §2.2 and §3.1.1 (Max Frame Size; never
   * above 32,768).
   * @default 16379
   */
  readonly maxFrameSize: number;
  /**
   * Largest unit (one message, or one security-provider unit) reassembled from frames. A decision:
   * the specification sets none; 1 MiB holds a FLOOD of the largest record we accept
   * ({@link GraphWireLimits.maxRecordSize}) with room for IDs and security data.
   * @default 1048576
   */
  readonly maxUnitBytes: number;
  /** Most PEER_IN6_ADDRESS / PEER_ADDRESS entries in one message or payload (the wire's u8 allows 255). @default 255 */
  readonly maxAddresses: number;
  /** Most HASH_INFO_ENTRYs in one SOLICIT_HASH (and HASH_ENTRY_BOUNDARYs in one ADVERTISE). @default 16384 */
  readonly maxHashEntries: number;
  /** Most RECORD_ABSTRACTs in one ADVERTISE or REQUEST. @default 32768 */
  readonly maxAbstracts: number;
  /** Most record ACKs in one ACK. @default 4096 */
  readonly maxAcks: number;
  /**
   * Largest record, counted as §3.1.7.27 does (payload bytes + attributes characters × 2). The
   * specification allows 60 MiB (§2.2.3.1); our default is lower so one FLOOD fits in one unit.
   * @default 983040
   */
  readonly maxRecordSize: number;
}

/** The default {@link GraphWireLimits}. */
export const GRAPH_WIRE_LIMITS: GraphWireLimits = Object.freeze({
  maxFrameSize: 16379,
  maxUnitBytes: 1024 * 1024,
  maxAddresses: 255,
  maxHashEntries: 16384,
  maxAbstracts: 32768,
  maxAcks: 4096,
  maxRecordSize: 960 * 1024,
});

/** The largest Max Frame Size [MS-PPGRH] §3.1.1 allows. */
export const MAX_FRAME_SIZE_CEILING = 32768;

/** The largest Max Record Size [MS-PPGRH] §2.2.3.1 allows (60 MiB); 0 in a graph info means this. */
export const SPEC_MAX_RECORD_SIZE = 62914560;

/**
 * Fills in defaults and validates a partial set of limits (local input: throws `RangeError`).
 * @example const limits = resolveGraphWireLimits({ maxAddresses: 10 });
 */
export function resolveGraphWireLimits(partial?: Partial<GraphWireLimits>): GraphWireLimits {
  if (partial === undefined) return GRAPH_WIRE_LIMITS;
  const limits = { ...GRAPH_WIRE_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`GraphWireLimits.${key} must be a non-negative integer, got ${value}`);
    }
  }
  if (limits.maxFrameSize < 1 || limits.maxFrameSize > MAX_FRAME_SIZE_CEILING) {
    throw new RangeError(`maxFrameSize must be 1..${MAX_FRAME_SIZE_CEILING}`);
  }
  if (limits.maxUnitBytes < 8) throw new RangeError('maxUnitBytes must be at least 8');
  return limits;
}
