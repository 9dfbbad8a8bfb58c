/**
 * @module sim/dht-report
 * What a DHT scenario measured (`DhtCloud.runScenario`): durability (values lost: no live node
 * holds a value still within its lifetime), get success, stale (rolled-back) mutable reads,
 * messages per put and per get, refusals, and the churn applied.
 */

/** Options of `DhtCloud.runScenario`. */
export interface DhtScenarioOptions {
  /** Values written before the churn. */
  readonly values: number;
  /** Share of them that are mutable (signed, updated during the run). @default 0.2 */
  readonly mutableFraction?: number;
  /** Virtual time of the churn phase. */
  readonly durationMs: number;
  /** Steps the churn phase is cut into (churn, updates, then gets in each). @default 30 */
  readonly steps?: number;
  /** Gets in the whole churn phase (spread over the steps). */
  readonly gets: number;
  /** Mutable updates in the whole churn phase. @default values * mutableFraction */
  readonly updates?: number;
  /** Share of the starting population that fails without notice. @default 0.2 */
  readonly failFraction?: number;
  /** Share that leaves gracefully. @default 0.1 */
  readonly leaveFraction?: number;
  /** Share that joins (through real joins). @default 0.1 */
  readonly joinFraction?: number;
  /** Value sizes are drawn in [16, this]. @default 256 */
  readonly valueBytesMax?: number;
  /** Called after the puts (step 0) and after each churn step (1..steps): progress of long runs. */
  readonly onStep?: (step: number, steps: number, gets: DhtStepProgress) => void;
}

/** The gets of a DHT scenario so far (what a run stopped early can still report). */
export interface DhtStepProgress {
  readonly total: number;
  readonly ok: number;
  readonly staleReads: number;
  /** Requests + answers of those gets. */
  readonly messages: number;
}

/** What a DHT scenario measured. */
export interface DhtReport {
  readonly nodes: number;
  readonly values: number;
  readonly replicationFactor: number;
  readonly puts: { readonly ok: number; readonly failed: Record<string, number> };
  /** Values within their lifetime at the end that no live node holds. */
  readonly lost: number;
  /** Mutable values whose live holders all hold an older version than the last acknowledged. */
  readonly rolledBack: number;
  /** Values past their lifetime (their writer left or failed and stopped republishing). */
  readonly expired: number;
  readonly gets: {
    readonly ok: number;
    readonly total: number;
    readonly failed: Record<string, number>;
  };
  /** Gets that returned an older mutable version than one acknowledged before they started. */
  readonly staleReads: number;
  readonly getSuccess: number;
  /** Messages per put: the put's own (search, STORE, answers) plus the replication it caused. */
  readonly messagesPerPut: number;
  /** Of which the owner's REPLICATEs and their acknowledgements. */
  readonly replicationMessagesPerPut: number;
  readonly messagesPerGet: number;
  /** REPLICATEs sent for handover and by the periodic check over the churn phase. */
  readonly handoverReplicates: number;
  readonly republishes: number;
  readonly refused: Record<string, number>;
  readonly churn: { readonly failed: number; readonly left: number; readonly joined: number };
  /** Average live holders per value at the end. */
  readonly holdersAvg: number;
  /** Every datagram sent during the churn phase, per live node per second. */
  readonly datagramsPerNodePerSecond: number;
  /**
   * Of which the ones no put or get counted as its own (maintenance, replica handover,
   * refreshes, answers arriving after their operation ended), per live node per second.
   */
  readonly backgroundPerNodePerSecond: number;
}
