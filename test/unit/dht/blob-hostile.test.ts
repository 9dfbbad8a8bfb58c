/**
 * dht/blob-node: the transfers a holder serves at once are shared by every connecting node, so
 * one address opening connections and sending nothing (each kept for the idle timeout, renewed by
 * a byte now and then) must not take them all and lock every other writer and reader out.
 */
import { describe, expect, it } from 'vitest';
import { decodeBlobFrame } from '../../../src/dht/blob-codec.js';
import { DhtBlobNode } from '../../../src/dht/blob-node.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';

const host = (n: number, port: number): Endpoint => ({
  address: Uint8Array.of(0x20, 1, 0xd, 0xb8, ...new Array(11).fill(0), n),
  port,
});

/** Accepts a connection and says whether the node refused it (REFUSE busy, then close). */
function accept(node: DhtBlobNode, now: number, conn: number, from: Endpoint): boolean {
  node.handleAccepted(now, conn, from);
  let refused = false;
  for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) {
    if (o.type !== 'send') continue;
    const f = decodeBlobFrame(o.bytes.subarray(4));
    if (f.ok && f.value.type === 'refuse' && f.value.reason === 'busy') refused = true;
  }
  return !refused;
}

describe('DhtBlobNode fairness', () => {
  it('one address holds at most its share of the transfers; another host still connects', () => {
    const node = new DhtBlobNode(); // 16 transfers, 4 per address
    let accepted = 0;
    for (let conn = 1; conn <= 16; conn++)
      if (accept(node, 0, conn, host(66, 40000 + conn))) accepted++;
    expect(accepted).toBe(4);
    expect(node.stats.refused.busy).toBe(12);
    expect(accept(node, 1, 100, host(7, 3540))).toBe(true);
  });
});
