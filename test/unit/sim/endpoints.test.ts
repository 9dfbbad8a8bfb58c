import { describe, expect, it } from 'vitest';
import { type Endpoint, formatEndpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import type { Output, SansIoNode } from '../../../src/sans-io.js';
import { Simulation } from '../../../src/sim/index.js';

const SEED = Number(process.env.PNRP_SEED ?? 3);

/** Records where each datagram came from and arrived; sends what it is told, from where told. */
class TwoHomedNode implements SansIoNode<never> {
  readonly received: string[] = [];
  private readonly outputs: Output<never>[] = [];

  send(to: Endpoint, from?: Endpoint): void {
    const payload = new Uint8Array([1]);
    this.outputs.push(
      from ? { type: 'transmit', to, payload, from } : { type: 'transmit', to, payload },
    );
  }

  handleDatagram(_nowMs: number, from: Endpoint, _payload: Uint8Array, local?: Endpoint): void {
    this.received.push(`${formatEndpoint(from)} -> ${local ? formatEndpoint(local) : '?'}`);
  }

  handleTimeout(): void {}

  poll(): Output<never> {
    return this.outputs.shift() ?? { type: 'timeout', atMs: Number.POSITIVE_INFINITY };
  }
}

const A1 = parseEndpoint('[2001:db8:1::a]:4000');
const A2 = parseEndpoint('[2001:db8:2::a]:4001');
const B1 = parseEndpoint('[2001:db8:1::b]:4000');

describe(`Simulation: nodes with several endpoints (seed ${SEED})`, () => {
  it('routes to every endpoint of a node, passes the local endpoint and sends from `from`', () => {
    const sim = new Simulation({ seed: SEED });
    const a = sim.addNode(() => new TwoHomedNode(), { endpoints: [A1, A2] });
    const b = sim.addNode(() => new TwoHomedNode(), { endpoint: B1 });
    expect(a.endpoints.map(formatEndpoint)).toEqual([formatEndpoint(A1), formatEndpoint(A2)]);
    expect(formatEndpoint(a.endpoint)).toBe(formatEndpoint(A1));
    expect(sim.handleOf(A2)).toBe(a);
    expect(b.endpoints).toHaveLength(1);
    sim.call(b, (n) => {
      n.send(A1);
      n.send(A2);
    });
    sim.call(a, (n) => {
      n.send(B1, A2);
      n.send(B1); // no `from`: the first endpoint
      n.send(B1, A1);
    });
    sim.runFor(5_000);
    expect(a.node.received.sort()).toEqual(
      [
        `${formatEndpoint(B1)} -> ${formatEndpoint(A1)}`,
        `${formatEndpoint(B1)} -> ${formatEndpoint(A2)}`,
      ].sort(),
    );
    expect(b.node.received.sort()).toEqual(
      [
        `${formatEndpoint(A2)} -> ${formatEndpoint(B1)}`,
        `${formatEndpoint(A1)} -> ${formatEndpoint(B1)}`,
        `${formatEndpoint(A1)} -> ${formatEndpoint(B1)}`,
      ].sort(),
    );
  });

  it('a node sending from an endpoint it does not own is a bug: RangeError', () => {
    const sim = new Simulation({ seed: SEED });
    const a = sim.addNode(() => new TwoHomedNode(), { endpoints: [A1, A2] });
    const b = sim.addNode(() => new TwoHomedNode(), { endpoint: B1 });
    expect(() => sim.call(a, (n) => n.send(B1, B1))).toThrow(RangeError);
    // A node with one endpoint ignores `from`, as a transport with one endpoint does.
    sim.call(b, (n) => n.send(A1, A2));
    sim.runFor(1_000);
    expect(a.node.received).toEqual([`${formatEndpoint(B1)} -> ${formatEndpoint(A1)}`]);
  });

  it('refuses endpoint together with endpoints, an empty list and a reused endpoint', () => {
    const sim = new Simulation({ seed: SEED });
    const make = () => new TwoHomedNode();
    expect(() => sim.addNode(make, { endpoint: A1, endpoints: [A2] })).toThrow(TypeError);
    expect(() => sim.addNode(make, { endpoints: [] })).toThrow(RangeError);
    expect(() => sim.addNode(make, { endpoints: [A1, A1] })).toThrow(RangeError);
    sim.addNode(make, { endpoints: [A1, A2] });
    expect(() => sim.addNode(make, { endpoint: A2 })).toThrow(RangeError);
  });

  it('a restarted node gets all its endpoints again', () => {
    const sim = new Simulation({ seed: SEED });
    const seen: number[] = [];
    const a = sim.addNode(
      (ctx) => {
        seen.push(ctx.endpoints.length);
        return new TwoHomedNode();
      },
      { endpoints: [A1, A2] },
    );
    sim.crash(a);
    sim.restart(a, (ctx) => {
      seen.push(ctx.endpoints.length);
      return new TwoHomedNode();
    });
    expect(seen).toEqual([2, 2]);
  });
});
