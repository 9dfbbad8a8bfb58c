/**
 * @module cli/dht-sim
 * `pnrp put|get --sim`: the same put or get in a simulated DHT cloud in this process (`DhtCloud`,
 * warm start): the value is stored through one node and read back through another, in virtual
 * time. Same seed, same run.
 */
import type { DhtRecord } from '../dht/record.js';
import type { Key } from '../keys/key256.js';
import type { DhtPutResult } from '../peer/dht-types.js';
import { dhtFailureError } from '../peer/open-dht.js';
import { DhtCloud, type DhtMember } from '../sim/dht-cloud.js';
import type { DhtWhere, GetArgs, PutArgs } from './dht-options.js';

type Sim = Extract<DhtWhere, { kind: 'sim' }>;

function buildCloud(where: Sim): DhtCloud {
  const cloud = new DhtCloud({ seed: where.seed });
  cloud.buildWarm(where.nodes);
  return cloud;
}

/** Another live member than `not` (the cloud has at least 5). */
function other(cloud: DhtCloud, not: DhtMember): DhtMember {
  for (;;) {
    const m = cloud.pick();
    if (m !== not) return m;
  }
}

function put(cloud: DhtCloud, member: DhtMember, a: PutArgs, timeoutMs: number): DhtPutResult {
  let key: Key | undefined;
  const seq = a.mutable ? (a.mutable.seq ?? 1) : 0;
  const token = cloud.start(member, (node, now) => {
    const started = a.mutable
      ? node.putMutable(now, a.mutable.identity, { seq, value: a.value, salt: a.mutable.salt })
      : node.put(now, a.value);
    key = started.key;
    return started.opId;
  });
  const [outcome] = cloud.awaitAll([token], timeoutMs);
  if (outcome === undefined) throw dhtFailureError('timeout', 'put');
  if (outcome.failure !== undefined) throw dhtFailureError(outcome.failure, 'put');
  return { key: key!, seq, messages: outcome.messages };
}

function get(cloud: DhtCloud, member: DhtMember, key: Key, timeoutMs: number): DhtRecord {
  const token = cloud.start(member, (node, now) => node.get(now, key));
  const [outcome] = cloud.awaitAll([token], timeoutMs);
  if (outcome === undefined) throw dhtFailureError('timeout', 'get');
  if (outcome.failure !== undefined || outcome.record === undefined)
    throw dhtFailureError(outcome.failure ?? 'not-found', 'get');
  return outcome.record;
}

/**
 * Stores the value through one node of a simulated cloud, then checks it reads back through
 * another (a failed read-back fails the command).
 * @example simPut(parsePutArgs(['hello', '--sim']), { kind: 'sim', nodes: 50, seed: 1 })
 */
export function simPut(a: PutArgs, where: Sim): DhtPutResult {
  const cloud = buildCloud(where);
  const writer = cloud.pick();
  const result = put(cloud, writer, a, a.timeoutMs);
  get(cloud, other(cloud, writer), result.key, a.timeoutMs);
  return result;
}

/**
 * Looks a key up in a simulated cloud, after storing `--put VALUE` through another node.
 * @example simGet(parseGetArgs(['--put', 'hello', '--sim']), { kind: 'sim', nodes: 50, seed: 1 })
 */
export function simGet(a: GetArgs, where: Sim): DhtRecord {
  const cloud = buildCloud(where);
  const writer = cloud.pick();
  let key = a.key;
  if (a.put !== undefined) {
    const stored = put(
      cloud,
      writer,
      { value: a.put, mutable: undefined, where, timeoutMs: a.timeoutMs, json: a.json },
      a.timeoutMs,
    );
    key ??= stored.key;
  }
  return get(cloud, other(cloud, writer), key!, a.timeoutMs);
}
