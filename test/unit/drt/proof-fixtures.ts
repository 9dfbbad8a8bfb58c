/**
 * Shared setup of the address-proof tests (address-proof.test.ts, cookie-echo.test.ts): three
 * endpoints, a node at A publishing KEY with 4 KB of app data (a full AUTHORITY takes four
 * fragments, a challenge 36 bytes), and `drain`, which decodes what a node sent.
 */
import type { NodeEvent } from '../../../src/drt/events.js';
import { DrtNode } from '../../../src/drt/node.js';
import type { DrtNodeOptions } from '../../../src/drt/options.js';
import { type Endpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { type Key, keyFromBigInt } from '../../../src/keys/key256.js';
import type { Output } from '../../../src/sans-io.js';
import { seededRng } from '../../../src/util/rng.js';
import { decodeMessage } from '../../../src/wire/index.js';
import type { Message, ProtocolVersion } from '../../../src/wire/types.js';

export const A: Endpoint = parseEndpoint('[2001:db8::a]:3540');
export const B: Endpoint = parseEndpoint('[2001:db8::b]:3540');
export const C: Endpoint = parseEndpoint('[2001:db8::c]:3540');
export const VERSION: ProtocolVersion = { major: 6, minor: 101 };
export const KEY: Key = keyFromBigInt(1000n);
export const APP_DATA: Uint8Array = new Uint8Array(4000).fill(7);

export interface Sent {
  to: Endpoint;
  bytes: number;
  message: Message | undefined;
}

export function drain(n: DrtNode): Sent[] {
  const out: Sent[] = [];
  for (let o: Output<NodeEvent> = n.poll(); o.type !== 'timeout'; o = n.poll()) {
    if (o.type !== 'transmit') continue;
    const d = decodeMessage(o.payload);
    const message = d.ok && d.value.type !== 'authority-fragment' ? d.value : undefined;
    out.push({ to: o.to, bytes: o.payload.length, message });
  }
  return out;
}

export function owner(extra: Partial<DrtNodeOptions> = {}): DrtNode {
  const n = new DrtNode({ rng: seededRng(5), localEndpoints: [A], ...extra });
  n.registerKey(0, KEY, APP_DATA);
  n.seedCache(0, [{ id: keyFromBigInt(5000n), port: C.port, addresses: [C.address] }]);
  drain(n);
  return n;
}
