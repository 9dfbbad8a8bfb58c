/**
 * `pnrp/sim`: the deterministic discrete-event simulator. Re-exports only.
 * @module pnrp/sim
 */

export type { KadContact } from '../kad/codec.js';
export type { LookupStats } from '../kad/lookup.js';
export { KadNode } from '../kad/node.js';
export type {
  KadEvent,
  KadLookupDone,
  KadLookupFailure,
  KadNodeOptions,
  KadStats,
} from '../kad/types.js';
export {
  type AdversaryOptions,
  ATTACK_KINDS,
  type AttackKind,
  adversaryInterceptor,
  plantAdversary,
} from './adversaries.js';
export {
  type AliveLookup,
  type AttackPlan,
  drtAttack,
  type PlantedAttack,
  pnrpAttack,
} from './attack-setup.js';
export { type ChurnCounts, type ChurnOptions, scheduleChurn } from './churn.js';
export { type AdversaryCounters, Colluders } from './colluders.js';
export {
  type ConnectionNodeContext,
  ConnectionSimulation,
  type ConnectionSimulationOptions,
  type ConnectionSimulationStats,
  type ConnectionTraceRecord,
} from './connection-sim.js';
export type { SimConnectionOptions, SimConnectionStats } from './connection-types.js';
export {
  DhtCloud,
  type DhtCloudOptions,
  type DhtMember,
  type DhtOpOutcome,
  type DhtReport,
  type DhtScenarioOptions,
  type DhtStepProgress,
} from './dht-cloud.js';
export { runDhtScenario } from './dht-scenario.js';
export { DrtCloud } from './drt-cloud.js';
export type {
  CloudMember,
  CloudNodeInfo,
  CloudProgress,
  CloudSnapshot,
  DrtCloudOptions,
  SearchOutcome,
} from './drt-cloud-types.js';
export {
  GROUP_RECORD_TYPE,
  GraphCloud,
  type GraphCloudOptions,
  type GraphMember,
  type GraphMemberContext,
  type SyncTally,
} from './graph-cloud.js';
export {
  type DeliveryMember,
  type DeliveryReport,
  RecordTracker,
  type Spread,
  type TrackedRecord,
} from './graph-records.js';
export {
  GROUP_CHURN,
  type GroupReport,
  type GroupScenarioOptions,
  type PerRecord,
  runGroupScenario,
  runSyncScenario,
  type SyncBytes,
  type SyncReport,
  type SyncScenarioOptions,
} from './graph-scenarios.js';
export {
  type GraphTraffic,
  GraphTrafficMeter,
  MeteredGraphNode,
  type TrafficCount,
} from './graph-traffic.js';
export { type InterceptOutbox, type Interceptor, interceptNode } from './intercept.js';
export {
  type BaselineColumn,
  type BaselineComparison,
  type BaselineOptions,
  type BaselineProtocol,
  type BaselineRow,
  baselineRows,
  runBaseline,
} from './kad-baseline.js';
export { KadCloud, type KadCloudOptions, type KadMember } from './kad-cloud.js';
export {
  NETWORK_DEFAULTS,
  NetworkModel,
  type NetworkOptions,
  type NetworkSettings,
  type PacketFate,
} from './network.js';
export { NODE_STATUS, type NodeStatus, type NodeTable, SimNodeHandle } from './node-table.js';
export {
  PnrpCloud,
  type PnrpCloudOptions,
  type PnrpJoinOptions,
  type PnrpMember,
  type PnrpNodeInfo,
  type PnrpResolveOutcome,
  type PnrpResolveReport,
} from './pnrp-cloud.js';
export {
  type ChurnScenarioOptions,
  type ChurnTally,
  type SearchReport,
  summarize,
} from './search-report.js';
export {
  type BatchSample,
  batchSample,
  type HopBin,
  hopHistogram,
  type IntervalPoint,
  intervalSeries,
} from './search-series.js';
export {
  type SignedKeySecurityProvider,
  signedKeyCloud,
  signedKeySecurityProvider,
} from './signed-key-provider.js';
export { SIM_PORT, simEndpoint, simEndpointIndex } from './sim-endpoints.js';
export type { SimEngine, SimEventListener } from './sim-engine.js';
export type { SimRoster } from './sim-roster.js';
export { Simulation } from './simulation.js';
export { type SimulationSettings, WALL_CLOCK_START_DEFAULT_MS } from './simulation-options.js';
export { TraceHash } from './trace-hash.js';
export type {
  AddNodeOptions,
  DropReason,
  NodeFactory,
  RunBounds,
  RunResult,
  SimNodeContext,
  SimStats,
  SimTraceRecord,
  SimulationOptions,
} from './types.js';
