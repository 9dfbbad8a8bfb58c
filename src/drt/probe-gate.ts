/**
 * @module drt/probe-gate
 * Issue 10 item 4: route entries that arrive in a SOLICIT, LOOKUP or FLOOD name endpoints the
 * sender chose, and each one offered to the return-routability check ([MS-PNRP] §3.2.5.1) makes
 * this node send an INQUIRE (and a retransmit) there. So a spoofer could aim our INQUIREs at any
 * address and port above 1024, and fill the pending-add table with checks of dead addresses. The
 * gate decides, for each new admission check started while a datagram is being handled, whether
 * it may start:
 * - per-source share: one source holds at most `pendingAddsPerSourceMax` of the `pendingAddsMax`
 *   checks in flight. A proven source is its endpoint (address and port: nodes behind one NAT or
 *   on one host keep their own shares). All unproven sources together are ONE source: a spoofer
 *   can forge any number of addresses, in any prefix, so no per-address or per-prefix grouping
 *   bounds it; counted as one group, spoofers hold at most one share however they vary the
 *   address, and the rest of the table stays for proven peers and maintenance.
 * - rate: when the source has not proven its address (see outstanding.ts), a check takes a token
 *   from one node-wide bucket (`probeRatePerSecond`, `probeBurst`, on the injected clock). Answers
 *   to our own LOOKUPs and INQUIREs come from proven endpoints and pass freely, so resolution and
 *   joining through a solicited publisher are never throttled.
 * A refused check is counted (`boundHits['pending-adds-source']` or `boundHits['probe-rate']`)
 * and the entry is simply not learned from that datagram; it can arrive again later. Maintenance
 * probes of cached entries and checks started outside datagram handling are not gated.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { TokenBucket } from '../util/token-bucket.js';
import type { OutstandingRequests } from './outstanding.js';
import type { DrtStats } from './stats.js';

/** The group every unproven source's checks are counted in. */
const UNPROVEN = 'unproven';

import { bump } from './stats.js';

/** Options the gate reads. */
export interface ProbeGateOptions {
  readonly pendingAddsPerSourceMax: number;
  readonly probeRatePerSecond: number;
  readonly probeBurst: number;
}

/** Admission-check gate of one node. */
export class ProbeGate {
  private readonly options: ProbeGateOptions;
  private readonly outstanding: OutstandingRequests;
  private readonly stats: DrtStats;
  private readonly bucket: TokenBucket;
  /** Source of the datagram being handled, if any. */
  source: Endpoint | undefined;

  constructor(options: ProbeGateOptions, outstanding: OutstandingRequests, stats: DrtStats) {
    this.options = options;
    this.outstanding = outstanding;
    this.stats = stats;
    this.bucket = new TokenBucket({
      ratePerSecond: options.probeRatePerSecond,
      burst: options.probeBurst,
    });
  }

  /**
   * Whether an admission check may start now. `held(sourceKey)` counts the checks in flight that
   * the same source started. Returns the source key to tag the check with (undefined outside
   * datagram handling), or false when refused (counted).
   */
  admit(nowMs: number, held: (sourceKey: string) => number): string | undefined | false {
    const source = this.source;
    if (source === undefined) return undefined;
    const proven = this.outstanding.isProven(source);
    // Unproven sources can forge any number of endpoints, so together they are one source.
    const key = proven ? endpointKey(source) : UNPROVEN;
    if (held(key) >= this.options.pendingAddsPerSourceMax) {
      bump(this.stats.boundHits, 'pending-adds-source');
      return false;
    }
    if (!proven && !this.bucket.take(nowMs)) {
      bump(this.stats.boundHits, 'probe-rate');
      return false;
    }
    return key;
  }
}
