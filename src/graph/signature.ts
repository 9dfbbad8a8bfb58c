/**
 * @module graph/signature
 * The graph signature ([MS-PPGRH] §1.3.2.1): the lowest node ID in the graph, published in the
 * signature record by the signature node. Signature calculation (§3.1.7.11) arms the Signature
 * Timer (§3.1.6.4), whose firing publishes our node ID when the record is absent, deleted or holds
 * a higher ID; an expired signature record restarts the calculation (§3.1.7.19); the signature
 * node deletes the record when it closes (§3.1.4.12).
 *
 * Decision: the back-off formula of §3.1.7.11 is an image missing from our copy; what survives says
 * it grows exponentially with N, the top 8 bits of the node ID. We wait `2^(N/32)` seconds (1 s for
 * the lowest IDs up to about 250 s for the highest), and 0.1 s when the record holds a higher ID.
 * Contacts and partition detection (§3.1.7.12-13) are not implemented yet.
 */
import type { GraphCore } from './core.js';
import { sameBytes } from './core.js';
import { FIXED_RECORD_ID, type GraphRecord, type NodeId, RECORD_TYPE } from './model.js';
import { ticksToMs } from './peer-time.js';
import type { Records } from './records.js';
import { decodeSignature, encodeSignature } from './wire/index.js';

/** Signature record lifetime (§3.1.7.6). */
export const SIGNATURE_LIFETIME_MS = 300_000;
/** Delay when the record holds a higher node ID (§3.1.7.11). */
const HIGHER_DELAY_MS = 100;

/**
 * The back-off before publishing a missing signature (module header).
 * @example signatureDelayMs(0n) // 1000
 */
export function signatureDelayMs(nodeId: NodeId): number {
  const n = Number(nodeId >> 56n);
  return Math.round(1000 * 2 ** (n / 32));
}

/** Signature calculation and the Signature Timer. */
export class Signature {
  private timerAtMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly core: GraphCore,
    private readonly records: Records,
  ) {}

  /** The signature in the database, or undefined when absent or deleted. */
  current(): NodeId | undefined {
    const r = this.core.db.get(FIXED_RECORD_ID.signature);
    if (!r || r.deleted) return undefined;
    const d = decodeSignature(r.payload);
    return d.ok ? d.value : undefined;
  }

  /** §3.1.7.11. */
  calculate(): void {
    if (!this.core.flags.open) return;
    const sig = this.current();
    if (sig !== undefined && sig <= this.core.nodeId) {
      this.timerAtMs = Number.POSITIVE_INFINITY;
      return;
    }
    const delay = sig === undefined ? signatureDelayMs(this.core.nodeId) : HIGHER_DELAY_MS;
    this.timerAtMs = Math.min(this.timerAtMs, this.core.nowMs() + delay);
  }

  /** The Signature Timer. */
  deadline(): number {
    return this.timerAtMs;
  }

  /** §3.1.6.4. */
  onTimeout(nowMs: number): void {
    if (this.timerAtMs > nowMs) return;
    this.timerAtMs = nowMs + this.core.timers.signatureRefreshMs;
    const sig = this.current();
    if (sig !== undefined && sig <= this.core.nodeId) return;
    const payload = encodeSignature(this.core.nodeId);
    const existing = this.core.db.get(FIXED_RECORD_ID.signature);
    if (existing && !existing.deleted) {
      const left = ticksToMs(existing.expiresAt - this.core.clock.now());
      this.records.update(
        existing.id,
        { payload, lifetimeMs: Math.max(SIGNATURE_LIFETIME_MS, left + 1) },
        { internal: true, autorefresh: true },
      );
    } else {
      this.records.create(
        { type: RECORD_TYPE.signature, payload, lifetimeMs: SIGNATURE_LIFETIME_MS },
        { internal: true, id: FIXED_RECORD_ID.signature, autorefresh: true },
      );
    }
  }

  /** §3.1.7.19. */
  onExpired(record: GraphRecord): void {
    if (sameBytes(record.type, RECORD_TYPE.signature)) this.calculate();
  }

  /** §3.1.4.12: the signature node deletes the signature record before leaving. */
  withdraw(): void {
    if (this.current() === this.core.nodeId)
      this.records.remove(FIXED_RECORD_ID.signature, { internal: true });
    this.timerAtMs = Number.POSITIVE_INFINITY;
  }
}
