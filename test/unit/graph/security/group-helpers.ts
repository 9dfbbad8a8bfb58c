/**
 * Helpers of the grouping provider tests: providers over the gmc fixture group with a settable
 * wall clock, a FIFO wire between two connections (with a hook that may alter or drop units), and
 * records in peer time.
 */

import {
  type GroupSecurityProvider,
  type GroupSecurityProviderOptions,
  groupSecurityProvider,
} from '../../../../src/gmc/graph-provider.js';
import type { GmcCredential } from '../../../../src/gmc/issue.js';
import type { ConnectionSecurity, GraphRecord, SecurityStep } from '../../../../src/graph/model.js';
import { seededRng } from '../../../../src/util/rng.js';
import { NOW } from '../../gmc/fixtures.js';

/** A wall clock tests move by hand. */
export interface TestClock {
  now: number;
  nowMs(): number;
}

/** A clock at `now` (default the fixtures' NOW). */
export function clockAt(now: number = NOW): TestClock {
  return {
    now,
    nowMs() {
      return this.now;
    },
  };
}

/** A grouping provider for `credential` under `root`, with its own rng stream and clock. */
export function providerFor(
  credential: GmcCredential,
  root: Uint8Array,
  label: string,
  extra: Partial<GroupSecurityProviderOptions> = {},
): GroupSecurityProvider {
  return groupSecurityProvider({
    credential,
    root,
    rng: seededRng(Number(process.env.PNRP_SEED ?? 11)).fork(label),
    wallClock: extra.wallClock ?? clockAt(),
    ...extra,
  });
}

/** Rewrites (or drops, with undefined) the n-th unit a side sends. */
export type Wire = (
  from: 'initiator' | 'responder',
  index: number,
  unit: Uint8Array,
) => Uint8Array | undefined;

/** The last step each side returned. */
export interface HandshakeEnd {
  initiator: SecurityStep;
  responder: SecurityStep;
  /** Units each side sent, as sent. */
  sent: { initiator: Uint8Array[]; responder: Uint8Array[] };
}

/** Runs the handshake between two connections over an in-order wire. */
export function handshake(
  initiator: ConnectionSecurity,
  responder: ConnectionSecurity,
  wire?: Wire,
): HandshakeEnd {
  const end: HandshakeEnd = {
    initiator: initiator.start(0),
    responder: responder.start(0),
    sent: { initiator: [], responder: [] },
  };
  const queue: { from: 'initiator' | 'responder'; unit: Uint8Array }[] = [];
  const enqueue = (from: 'initiator' | 'responder', units: readonly Uint8Array[]) => {
    for (const unit of units) queue.push({ from, unit });
  };
  enqueue('initiator', end.initiator.send);
  enqueue('responder', end.responder.send);
  for (let steps = 0; queue.length > 0 && steps < 50; steps++) {
    const { from, unit } = queue.shift()!;
    const index = end.sent[from].push(unit) - 1;
    const delivered = wire ? wire(from, index, unit) : unit;
    if (!delivered) continue;
    const to = from === 'initiator' ? 'responder' : 'initiator';
    const step = (to === 'initiator' ? initiator : responder).receive(0, delivered);
    end[to] = step;
    enqueue(to, step.send);
  }
  return end;
}

/** Peer time (FILETIME) of a wall-clock ms. */
export function peerTime(ms: number): bigint {
  return (BigInt(ms) + 11_644_473_600_000n) * 10_000n;
}

/** An application record type used by the tests. */
export const APP_TYPE: Uint8Array = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

/** A fresh record created by `creatorId` at NOW, living one day. */
export function recordBy(creatorId: string, fields: Partial<GraphRecord> = {}): GraphRecord {
  return {
    type: APP_TYPE,
    id: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
    version: 1,
    deleted: false,
    creatorId,
    modifiedById: '',
    securityData: new Uint8Array(0),
    createdAt: peerTime(NOW),
    expiresAt: peerTime(NOW + 86_400_000),
    modifiedAt: peerTime(NOW),
    graphId: 'chat-graph',
    payload: new Uint8Array([1, 2, 3, 4]),
    attributes: '',
    ...fields,
  };
}

/** `record` secured by `provider` (throws if the provider refuses: the test set it up wrong). */
export function signedBy(provider: GroupSecurityProvider, record: GraphRecord): GraphRecord {
  const r = provider.secureRecord(record);
  if (!r.ok) throw new Error(`secureRecord refused: ${r.reason}`);
  return { ...record, securityData: r.securityData };
}
