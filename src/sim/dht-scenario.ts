/**
 * @module sim/dht-scenario
 * The DHT scenario of issue 15 (`pnrp sim --scenario dht`, `DhtCloud.runScenario`): write
 * `values` values (a share mutable, each with its own signing key) from random live members,
 * then churn the cloud in `steps` (the seed's churn: 20% of the starting population fails without
 * notice, 10% leaves, 10% joins, spread evenly), updating mutable values with compare-and-swap
 * and reading random values from random live members in each step; at the end, check each value
 * still within its lifetime against the stores of the live members. A get succeeds when it
 * returns the value, and for a mutable value at least the version acknowledged before it started
 * (an older one is a stale read, counted as a rollback of the read path).
 *
 * The scenario runs on any cloud of {@link DhtScenarioCloud}'s shape: `DhtCloud` (PNRP-DHT) and
 * `KadDhtCloud` (the Kademlia DHT baseline), which share the seed's streams, so one seed gives
 * both the same node set, values, writers, churn victims, joiners and readers. Readers are drawn
 * among the live members that were in the cloud when the step began (a node that joins in a step
 * reads from the next step on), a choice that does not depend on the protocol.
 * Traffic: every datagram sent during the churn phase, per live node per second, and the part of
 * it that no put or get counted (maintenance, replica handover, refreshes, late answers).
 */
import type { DhtRecord, MutableWriter } from '../dht/record.js';
import { createIdentity } from '../keys/identity.js';
import type { Key } from '../keys/key256.js';
import { toHex } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import type { DhtCloud } from './dht-cloud.js';
import type { DhtReport, DhtScenarioOptions } from './dht-report.js';

/** What the scenario needs of a DHT node (`DhtNode`, `KadDhtNode`). */
export interface DhtScenarioNode {
  readonly options: { readonly ttlMs: number; readonly replicationFactor: number };
  readonly stats: {
    readonly refused: Record<string, number>;
    readonly replicates: Record<string, number>;
    readonly republishes: number;
  };
  put(nowMs: number, value: Uint8Array): { opId: number; key: Key };
  putMutable(
    nowMs: number,
    writer: MutableWriter,
    fields: { readonly seq: number; readonly value: Uint8Array; readonly cas?: number },
  ): { opId: number; key: Key };
  get(nowMs: number, key: Key): number;
  held(key: Key): DhtRecord | undefined;
}

/** A member of a scenario cloud. */
export interface DhtScenarioMember<N extends DhtScenarioNode = DhtScenarioNode> {
  readonly handle: { readonly index: number };
  readonly node: N;
  live: boolean;
}

/** The put/get ends the scenario listens to (both nodes' events have this shape). */
interface OpEvent {
  readonly type: string;
  readonly key?: Key;
  readonly failure?: unknown;
  readonly messages?: number;
}

/** What the scenario needs of a cloud (`DhtCloud`, `KadDhtCloud`). */
export interface DhtScenarioCloud<N extends DhtScenarioNode = DhtScenarioNode> {
  readonly sim: {
    readonly nowMs: number;
    readonly stats: { readonly datagramsSent: number };
    forkRng(label: string): Rng;
    runFor(ms: number): unknown;
    onEvent(listener: (handle: { index: number }, event: OpEvent, nowMs: number) => void): unknown;
  };
  readonly members: readonly DhtScenarioMember<N>[];
  readonly settleMs: number;
  live(): DhtScenarioMember<N>[];
  pick(): DhtScenarioMember<N>;
  join(): DhtScenarioMember<N>;
  leave(member: DhtScenarioMember<N>): void;
  fail(member: DhtScenarioMember<N>): void;
  start(member: DhtScenarioMember<N>, command: (node: N, nowMs: number) => number): string;
  awaitAll(
    tokens: readonly string[],
  ): (
    | { failure: string | undefined; record: DhtRecord | undefined; messages: number }
    | undefined
  )[];
  sumStats(read: (node: N) => number): number;
}

type AnyCloud = DhtScenarioCloud;
type DhtMember = DhtScenarioMember;

interface Tracked {
  key: Key;
  readonly writer: DhtMember;
  readonly signer: MutableWriter | undefined;
  ackedSeq: number;
  seq: number;
  lastOkMs: number;
  ok: boolean;
}

function bump(record: Record<string, number>, name: string): void {
  record[name] = (record[name] ?? 0) + 1;
}

/**
 * Runs the scenario on a built cloud. See the module header.
 * @example const report = runDhtScenario(cloud, { values: 1500, gets: 1500, durationMs: 1_800_000 });
 */
export function runDhtScenario(cloud: DhtCloud, o: DhtScenarioOptions): DhtReport {
  return runDhtScenarioOn(cloud, o);
}

/**
 * The scenario on any cloud of {@link DhtScenarioCloud}'s shape (`DhtCloud`, `KadDhtCloud`).
 * @example const report = runDhtScenarioOn(kadDhtCloud, { values: 600, gets: 600, durationMs: 600_000 });
 */
export function runDhtScenarioOn<N extends DhtScenarioNode>(
  typedCloud: DhtScenarioCloud<N>,
  o: DhtScenarioOptions,
): DhtReport {
  const cloud = typedCloud as unknown as AnyCloud;
  const rng = cloud.sim.forkRng('dht-values');
  const first = cloud.members[0]!.node.options;
  const ttlMs = first.ttlMs;
  const tracked: Tracked[] = [];
  const byKey = new Map<string, Tracked>();
  let opMessages = 0;
  cloud.sim.onEvent((handle, event, nowMs) => {
    if (event.type === 'put-done' || event.type === 'get-done') opMessages += event.messages ?? 0;
    if (event.type !== 'put-done' || event.failure !== undefined || !event.key) return;
    const t = byKey.get(toHex(event.key));
    if (t && t.writer.handle.index === handle.index) t.lastOkMs = Math.max(t.lastOkMs, nowMs);
  });
  const putsFailed: Record<string, number> = {};
  let putsOk = 0;
  // Writes.
  const replicatedBefore = cloud.sumStats((n) => n.stats.replicates.store ?? 0);
  let putMessages = 0;
  const mutableFraction = o.mutableFraction ?? 0.2;
  const sizeMax = o.valueBytesMax ?? 256;
  for (let done = 0; done < o.values; ) {
    const n = Math.min(100, o.values - done);
    const batch: { t: Tracked; token: string }[] = [];
    for (let i = 0; i < n; i++) {
      const writer = cloud.pick();
      const value = rng.bytes(16 + rng.nextInt(Math.max(1, sizeMax - 15)));
      const signer = rng.nextFloat() < mutableFraction ? createIdentity(rng.bytes(32)) : undefined;
      const t: Tracked = {
        key: new Uint8Array(32),
        writer,
        signer,
        ackedSeq: 0,
        seq: signer ? 1 : 0,
        lastOkMs: 0,
        ok: false,
      };
      const token = cloud.start(writer, (node, now) => {
        const r = signer ? node.putMutable(now, signer, { seq: 1, value }) : node.put(now, value);
        t.key = r.key;
        return r.opId;
      });
      tracked.push(t);
      byKey.set(toHex(t.key), t);
      batch.push({ t, token });
    }
    const outcomes = cloud.awaitAll(batch.map((b) => b.token));
    batch.forEach(({ t }, i) => {
      const out = outcomes[i];
      putMessages += out?.messages ?? 0;
      if (out && out.failure === undefined) {
        putsOk++;
        t.ok = true;
        t.ackedSeq = t.seq;
        t.lastOkMs = cloud.sim.nowMs;
      } else bump(putsFailed, out?.failure ?? 'unfinished');
    });
    done += n;
  }
  const replicationMessages =
    2 * (cloud.sumStats((n) => n.stats.replicates.store ?? 0) - replicatedBefore);
  cloud.sim.runFor(cloud.settleMs);
  // Churn, updates and reads.
  const sentBefore = cloud.sim.stats.datagramsSent;
  const opMessagesBefore = opMessages;
  const storeReplicatesBefore = cloud.sumStats((n) => n.stats.replicates.store ?? 0);
  const phaseStartMs = cloud.sim.nowMs;
  const handoverBefore = cloud.sumStats((n) => n.stats.replicates.handover ?? 0);
  const steps = Math.max(1, o.steps ?? 30);
  o.onStep?.(0, steps, { total: 0, ok: 0, staleReads: 0, messages: 0 });
  const population = cloud.live().length;
  const churn = { failed: 0, left: 0, joined: 0 };
  const quota = (fraction: number, done: number, i: number): number =>
    Math.round((fraction * population * (i + 1)) / steps) - done;
  const updatesTotal = o.updates ?? Math.round(o.values * mutableFraction);
  const getsFailed: Record<string, number> = {};
  let getsOk = 0;
  let getsTotal = 0;
  let staleReads = 0;
  let getMessages = 0;
  const stepMs = o.durationMs / steps;
  for (let i = 0; i < steps; i++) {
    const stepEnd = cloud.sim.nowMs + stepMs;
    const before = new Set(cloud.live());
    for (let k = quota(o.failFraction ?? 0.2, churn.failed, i); k > 0; k--, churn.failed++)
      cloud.fail(cloud.pick());
    for (let k = quota(o.leaveFraction ?? 0.1, churn.left, i); k > 0; k--, churn.left++)
      cloud.leave(cloud.pick());
    for (let k = quota(o.joinFraction ?? 0.1, churn.joined, i); k > 0; k--, churn.joined++)
      cloud.join();
    runUpdates(
      cloud,
      tracked,
      Math.round(((i + 1) * updatesTotal) / steps) - Math.round((i * updatesTotal) / steps),
      rng,
    );
    const wanted = Math.round(((i + 1) * o.gets) / steps) - Math.round((i * o.gets) / steps);
    const now = cloud.sim.nowMs;
    const readable = tracked.filter((t) => t.ok && now < t.lastOkMs + ttlMs - 60_000);
    const reads: { t: Tracked; seq: number; token: string }[] = [];
    for (let g = 0; g < wanted && readable.length > 0; g++) {
      const t = readable[rng.nextInt(readable.length)]!;
      const reader = pickReader(cloud, before);
      reads.push({
        t,
        seq: t.ackedSeq,
        token: cloud.start(reader, (node, at) => node.get(at, t.key)),
      });
    }
    const outcomes = cloud.awaitAll(reads.map((r) => r.token));
    reads.forEach((r, j) => {
      const out = outcomes[j];
      getsTotal++;
      getMessages += out?.messages ?? 0;
      const record = out?.record;
      if (record === undefined) bump(getsFailed, out?.failure ?? 'unfinished');
      else if (record.seq < r.seq) {
        staleReads++;
        bump(getsFailed, 'stale');
      } else getsOk++;
    });
    if (cloud.sim.nowMs < stepEnd) cloud.sim.runFor(stepEnd - cloud.sim.nowMs);
    o.onStep?.(i + 1, steps, {
      total: getsTotal,
      ok: getsOk,
      staleReads,
      messages: getMessages,
    });
  }
  const phaseSeconds = (cloud.sim.nowMs - phaseStartMs) / 1000;
  const phaseSent = cloud.sim.stats.datagramsSent - sentBefore;
  const storeReplication =
    2 * (cloud.sumStats((n) => n.stats.replicates.store ?? 0) - storeReplicatesBefore);
  const background = phaseSent - (opMessages - opMessagesBefore) - storeReplication;
  const liveAvg = (population + cloud.live().length) / 2;
  const perNodeSecond = (x: number): number =>
    phaseSeconds > 0 && liveAvg > 0 ? x / liveAvg / phaseSeconds : 0;
  cloud.sim.runFor(cloud.settleMs);
  // Durability.
  const live = cloud.live();
  let lost = 0;
  let rolledBack = 0;
  let expired = 0;
  let holders = 0;
  let checked = 0;
  for (const t of tracked) {
    if (!t.ok) continue;
    if (cloud.sim.nowMs >= t.lastOkMs + ttlMs) {
      expired++;
      continue;
    }
    checked++;
    let count = 0;
    let bestSeq = -1;
    for (const m of live) {
      const r = m.node.held(t.key);
      if (r === undefined) continue;
      count++;
      bestSeq = Math.max(bestSeq, r.seq);
    }
    holders += count;
    if (count === 0) lost++;
    else if (bestSeq < t.ackedSeq) rolledBack++;
  }
  const refused: Record<string, number> = {};
  for (const m of cloud.members)
    for (const [k, v] of Object.entries(m.node.stats.refused)) refused[k] = (refused[k] ?? 0) + v;
  return {
    nodes: population,
    values: o.values,
    replicationFactor: first.replicationFactor,
    puts: { ok: putsOk, failed: putsFailed },
    lost,
    rolledBack,
    expired,
    gets: { ok: getsOk, total: getsTotal, failed: getsFailed },
    staleReads,
    getSuccess: getsTotal ? getsOk / getsTotal : 1,
    messagesPerPut: o.values ? (putMessages + replicationMessages) / o.values : 0,
    replicationMessagesPerPut: o.values ? replicationMessages / o.values : 0,
    messagesPerGet: getsTotal ? getMessages / getsTotal : 0,
    handoverReplicates: cloud.sumStats((n) => n.stats.replicates.handover ?? 0) - handoverBefore,
    republishes: cloud.sumStats((n) => n.stats.republishes),
    refused,
    churn,
    holdersAvg: checked ? holders / checked : 0,
    datagramsPerNodePerSecond: perNodeSecond(phaseSent),
    backgroundPerNodePerSecond: perNodeSecond(Math.max(0, background)),
  };
}

/**
 * A live member that was in the cloud when the step began (so it had time to join), drawn from
 * the pick stream. Falls back to any live member when none is left.
 */
function pickReader(cloud: AnyCloud, before: ReadonlySet<DhtMember>): DhtMember {
  for (let tries = 0; tries < 1000; tries++) {
    const m = cloud.pick();
    if (before.has(m)) return m;
  }
  return cloud.pick();
}

/** Updates `count` random mutable values whose writer is live: seq + 1 with CAS on the acknowledged seq. */
function runUpdates(
  cloud: AnyCloud,
  tracked: readonly Tracked[],
  count: number,
  rng: { nextInt(n: number): number; bytes(n: number): Uint8Array },
): void {
  const mutable = tracked.filter((t) => t.ok && t.signer !== undefined && t.writer.live);
  const batch: { t: Tracked; seq: number; token: string }[] = [];
  for (let i = 0; i < count && mutable.length > 0; i++) {
    const t = mutable[rng.nextInt(mutable.length)]!;
    if (batch.some((b) => b.t === t)) continue;
    const seq = t.seq + 1;
    t.seq = seq;
    const value = rng.bytes(32);
    const token = cloud.start(
      t.writer,
      (node, now) => node.putMutable(now, t.signer!, { seq, value, cas: t.ackedSeq }).opId,
    );
    batch.push({ t, seq, token });
  }
  const outcomes = cloud.awaitAll(batch.map((b) => b.token));
  batch.forEach(({ t, seq }, i) => {
    if (outcomes[i]?.failure === undefined && outcomes[i] !== undefined) {
      t.ackedSeq = Math.max(t.ackedSeq, seq);
      t.lastOkMs = cloud.sim.nowMs;
    }
  });
}
