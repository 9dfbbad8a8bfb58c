import { describe, expect, it } from 'vitest';
import { type Endpoint, formatEndpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import type { Output, SansIoNode } from '../../../src/sans-io.js';
import { type DatagramTransport, runNode } from '../../../src/transport-adapter.js';
import { ManualTimers } from './manual-timers.js';

const LOCAL_A = parseEndpoint('[2001:db8:1::1]:3540');
const LOCAL_B = parseEndpoint('[2001:db8:2::1]:3540');
const PEER = parseEndpoint('[2001:db8:3::1]:3540');

/** Queues the outputs it is given, then its timeout; or never times out when `stuck`. */
class ScriptedNode implements SansIoNode<string> {
  readonly outputs: Output<string>[] = [];
  stuck = false;
  handleDatagram(): void {}
  handleTimeout(): void {}
  poll(): Output<string> {
    if (this.stuck) return { type: 'event', event: 'again' };
    return this.outputs.shift() ?? { type: 'timeout', atMs: Number.POSITIVE_INFINITY };
  }
}

function recordingTransport() {
  const sent: string[] = [];
  const transport: DatagramTransport = {
    send: (to, _payload, from?: Endpoint) =>
      sent.push(`${from ? formatEndpoint(from) : '-'} -> ${formatEndpoint(to)}`),
    attach: () => {},
    localEndpoints: () => [LOCAL_A, LOCAL_B],
    close: () => Promise.resolve(),
  };
  return { sent, transport };
}

describe('runNode: the sans-I/O contract', () => {
  it("hands each transmit's from to transport.send (undefined when the node names none)", () => {
    const { sent, transport } = recordingTransport();
    const node = new ScriptedNode();
    const running = runNode(node, transport, new ManualTimers());
    running.command((n) => {
      const payload = new Uint8Array([1]);
      n.outputs.push({ type: 'transmit', to: PEER, payload, from: LOCAL_B });
      n.outputs.push({ type: 'transmit', to: PEER, payload });
      n.outputs.push({ type: 'transmit', to: PEER, payload, from: LOCAL_A });
    });
    const peer = formatEndpoint(PEER);
    expect(sent).toEqual([
      `${formatEndpoint(LOCAL_B)} -> ${peer}`,
      `- -> ${peer}`,
      `${formatEndpoint(LOCAL_A)} -> ${peer}`,
    ]);
    running.stop();
  });

  it('a node that never yields its timeout is stopped by the bounded drain (throws)', () => {
    const { transport } = recordingTransport();
    const node = new ScriptedNode();
    const running = runNode(node, transport, new ManualTimers());
    node.stuck = true;
    expect(() => running.command(() => {})).toThrow(/without a timeout/);
    node.stuck = false;
    running.stop();
  });
});
