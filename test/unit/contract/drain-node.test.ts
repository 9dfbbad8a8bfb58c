import { describe, expect, it } from 'vitest';
import type { ConnectionOutput, Output, Transmit } from '../../../src/sans-io.js';
import { drainNode } from '../../../src/sans-io.js';

const to = { address: new Uint8Array(16), port: 4000 };

function scripted<E>(outputs: (Output<E> | ConnectionOutput)[]) {
  let i = 0;
  return {
    poll: () => outputs[i++] ?? { type: 'timeout' as const, atMs: Number.POSITIVE_INFINITY },
  };
}

describe('drainNode', () => {
  it('routes transmits, events and connection outputs in order and returns the timeout', () => {
    const seen: string[] = [];
    const node = scripted<string>([
      { type: 'connect', conn: 1, to },
      { type: 'transmit', to, payload: new Uint8Array([1]) },
      { type: 'send', conn: 1, bytes: new Uint8Array([2, 3]) },
      { type: 'event', event: 'e' },
      { type: 'close', conn: 1, abort: true },
      { type: 'timeout', atMs: 42 },
    ]);
    const atMs = drainNode(node, {
      transmit: (t: Transmit) => seen.push(`transmit ${t.payload.length}`),
      event: (e) => seen.push(`event ${e}`),
      connection: (c) => seen.push(`${c.type} ${c.conn}`),
    });
    expect(atMs).toBe(42);
    expect(seen).toEqual(['connect 1', 'transmit 1', 'send 1', 'event e', 'close 1']);
  });

  it('throws when a connection output reaches a sink that carries only datagrams', () => {
    const node = scripted<string>([{ type: 'send', conn: 2, bytes: new Uint8Array(1) }]);
    expect(() => drainNode(node, { transmit() {}, event() {}, name: 'graph 1' })).toThrow(
      /graph 1 emitted a connection output to a datagram sink/,
    );
  });

  it('throws on a node that never yields its timeout, naming the limit', () => {
    const node = { poll: (): Output<string> => ({ type: 'event', event: 'x' }) };
    expect(() => drainNode(node, { transmit() {}, event() {} }, 100, 'drainOutputsMax')).toThrow(
      /yielded 100 outputs without a timeout \(drainOutputsMax\)/,
    );
  });
});
