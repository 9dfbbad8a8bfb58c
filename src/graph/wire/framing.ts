/**
 * @module graph/wire/framing
 * Message framing over a byte stream ([MS-PPGRH] §2.2.1.1): a frame is `[u16 Frame Size][payload]`
 * with Frame Size 1..Max Frame Size (default 16,379, never above 32,768 per §3.1.1). What frames
 * carry is a sequence of units; a unit is one message (or one security-provider unit) and always
 * begins with its own u32 big-endian total size (PEER_MESSAGE's Message Size for plain messages),
 * which is how the receiver finds its end.
 *
 * {@link UnitReader} is a push parser: stream chunks in any sizes, completed units out. It
 * streams frame payloads straight into the unit being assembled, so it holds at most one unit
 * (<= maxUnitBytes, allocated once its size is known) plus a partial frame header. A decision:
 * frame and unit boundaries need not coincide (a frame may end one unit and begin the next);
 * {@link frameUnit} never writes that, but accepting it costs nothing and bounds nothing more.
 * A zero frame size, a frame above the maximum, a unit size below 8 or above maxUnitBytes fails
 * the reader for good: the connection is to be closed (§2.2).
 */
import { type DecodeError, err, ok, type Result } from '../../util/result.js';
import { GRAPH_WIRE_ERROR as E } from './errors.js';
import { GRAPH_WIRE_LIMITS, MAX_FRAME_SIZE_CEILING } from './limits.js';

/** Smallest unit: the 8-byte PEER_MESSAGE header. */
const UNIT_MIN_BYTES = 8;

function checkFrameSize(maxFrameSize: number): number {
  if (
    !Number.isInteger(maxFrameSize) ||
    maxFrameSize < 1 ||
    maxFrameSize > MAX_FRAME_SIZE_CEILING
  ) {
    throw new RangeError(`maxFrameSize must be 1..${MAX_FRAME_SIZE_CEILING}, got ${maxFrameSize}`);
  }
  return maxFrameSize;
}

/**
 * Splits one unit into frames of at most `maxFrameSize` payload bytes. The unit must begin with
 * its own u32 big-endian size (at least 8); anything else is local misuse (`RangeError`).
 * @example socket.write(frameUnit(encodeGraphMessage(message)));
 */
export function frameUnit(
  unit: Uint8Array,
  maxFrameSize: number = GRAPH_WIRE_LIMITS.maxFrameSize,
): Uint8Array {
  checkFrameSize(maxFrameSize);
  if (!(unit instanceof Uint8Array)) throw new TypeError('unit must be a Uint8Array');
  const declared =
    unit.length >= 4
      ? ((unit[0]! << 24) | (unit[1]! << 16) | (unit[2]! << 8) | unit[3]!) >>> 0
      : -1;
  if (unit.length < UNIT_MIN_BYTES || declared !== unit.length) {
    throw new RangeError(
      `a unit begins with its own size (>= 8): length ${unit.length}, size ${declared}`,
    );
  }
  const frames = Math.ceil(unit.length / maxFrameSize);
  const out = new Uint8Array(unit.length + 2 * frames);
  let at = 0;
  for (let from = 0; from < unit.length; from += maxFrameSize) {
    const n = Math.min(maxFrameSize, unit.length - from);
    out[at] = n >> 8;
    out[at + 1] = n & 0xff;
    out.set(unit.subarray(from, from + n), at + 2);
    at += 2 + n;
  }
  return out;
}

/** Options of {@link UnitReader}. */
export interface UnitReaderOptions {
  /** Largest frame accepted (§2.2.1.1, §3.1.1). @default 16379 */
  readonly maxFrameSize?: number;
  /** Largest unit accepted; also the most the reader ever holds, plus a frame header. @default 1048576 */
  readonly maxUnitBytes?: number;
}

/**
 * Reassembles units from framed stream chunks; chunk boundaries mean nothing.
 * @example
 * const reader = new UnitReader();
 * const units = reader.push(chunk);
 * if (!units.ok) close(units.error.code); else for (const u of units.value) handle(u);
 */
export class UnitReader {
  /** Largest frame accepted. */
  readonly maxFrameSize: number;
  /** Largest unit accepted. */
  readonly maxUnitBytes: number;
  private failure: DecodeError | undefined;
  /** Frame header bytes seen so far (0..1) and the first of them. */
  private headerHave = 0;
  private headerHigh = 0;
  /** Payload bytes left in the current frame. */
  private frameLeft = 0;
  /** The unit's size prefix, while fewer than 4 bytes of it have arrived. */
  private readonly sizeBytes = new Uint8Array(4);
  private sizeHave = 0;
  /** The unit being filled, once its size is known. */
  private unit: Uint8Array | undefined;
  private unitHave = 0;

  constructor(options: UnitReaderOptions = {}) {
    this.maxFrameSize = checkFrameSize(options.maxFrameSize ?? GRAPH_WIRE_LIMITS.maxFrameSize);
    const maxUnit = options.maxUnitBytes ?? GRAPH_WIRE_LIMITS.maxUnitBytes;
    if (!Number.isSafeInteger(maxUnit) || maxUnit < UNIT_MIN_BYTES) {
      throw new RangeError(`maxUnitBytes must be an integer >= ${UNIT_MIN_BYTES}`);
    }
    this.maxUnitBytes = maxUnit;
  }

  /** The error that failed the reader, if any; a failed reader refuses every later push. */
  get error(): DecodeError | undefined {
    return this.failure;
  }

  /** Bytes held for incomplete frames and units (never above maxUnitBytes + 2). */
  get bufferedBytes(): number {
    return this.headerHave + (this.unit === undefined ? this.sizeHave : this.unit.length);
  }

  /** Feeds stream bytes; returns the units they completed, or the error that failed the stream. */
  push(chunk: Uint8Array): Result<Uint8Array[]> {
    if (this.failure !== undefined) return { ok: false, error: this.failure };
    const done: Uint8Array[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.frameLeft === 0) {
        const byte = chunk[at++]!;
        if (this.headerHave === 0) {
          this.headerHigh = byte;
          this.headerHave = 1;
          continue;
        }
        this.headerHave = 0;
        const size = (this.headerHigh << 8) | byte;
        if (size === 0) return this.fail(E.frameSizeZero, 'frame of size 0');
        if (size > this.maxFrameSize) {
          return this.fail(
            E.frameTooLarge,
            `frame of ${size} bytes (at most ${this.maxFrameSize})`,
          );
        }
        this.frameLeft = size;
        continue;
      }
      const n = Math.min(this.frameLeft, chunk.length - at);
      const problem = this.take(chunk.subarray(at, at + n), done);
      if (problem !== undefined) return { ok: false, error: problem };
      at += n;
      this.frameLeft -= n;
    }
    return ok(done);
  }

  /** Moves frame payload bytes into units. */
  private take(bytes: Uint8Array, done: Uint8Array[]): DecodeError | undefined {
    let at = 0;
    while (at < bytes.length) {
      if (this.unit === undefined) {
        this.sizeBytes[this.sizeHave++] = bytes[at++]!;
        if (this.sizeHave < 4) continue;
        const s = this.sizeBytes;
        const size = ((s[0]! << 24) | (s[1]! << 16) | (s[2]! << 8) | s[3]!) >>> 0;
        if (size < UNIT_MIN_BYTES) return this.failWith(E.unitTooSmall, `unit of ${size} bytes`);
        if (size > this.maxUnitBytes) {
          return this.failWith(
            E.unitTooLarge,
            `unit of ${size} bytes (at most ${this.maxUnitBytes})`,
          );
        }
        this.unit = new Uint8Array(size);
        this.unit.set(s);
        this.unitHave = 4;
        this.sizeHave = 0;
        continue;
      }
      const n = Math.min(this.unit.length - this.unitHave, bytes.length - at);
      this.unit.set(bytes.subarray(at, at + n), this.unitHave);
      this.unitHave += n;
      at += n;
      if (this.unitHave === this.unit.length) {
        done.push(this.unit);
        this.unit = undefined;
        this.unitHave = 0;
      }
    }
    return undefined;
  }

  private failWith(code: string, detail: string): DecodeError {
    this.failure = { code, detail };
    this.unit = undefined;
    this.sizeHave = 0;
    this.headerHave = 0;
    return this.failure;
  }

  private fail(code: string, detail: string): Result<Uint8Array[]> {
    return err(this.failWith(code, detail).code, detail);
  }
}
