import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import {
  Simulation,
  simEndpoint,
  simEndpointIndex,
  WALL_CLOCK_START_DEFAULT_MS,
} from '../../../src/sim/index.js';
import { type PingEvent, pingNode } from './ping-node.js';

const SEED = Number(process.env.PNRP_SEED ?? 1);

function pair(options: ConstructorParameters<typeof Simulation>[0] = { seed: SEED }) {
  const sim = new Simulation<PingEvent>(options);
  const a = sim.addNode(pingNode);
  const b = sim.addNode(pingNode);
  return { sim, a, b };
}

describe(`Simulation: virtual time and the drive loop (seed ${SEED})`, () => {
  it('virtual time advances only when an event is processed', () => {
    const { sim, a, b } = pair();
    expect(sim.nowMs).toBe(0);
    expect(sim.pendingEvents).toBe(0);
    expect(sim.runUntil(() => false, { maxEvents: 100 })).toEqual({
      reason: 'idle',
      nowMs: 0,
      events: 0,
    });
    sim.call(a, (node) => node.ping(b.endpoint));
    expect(sim.nowMs).toBe(0);
    expect(sim.pendingEvents).toBe(1);
    expect(sim.step()).toBe(true);
    const arrival = b.node.received[0]!.nowMs;
    expect(sim.nowMs).toBe(arrival);
    expect(arrival).toBeGreaterThanOrEqual(sim.network.delayMinMs);
    expect(sim.step()).toBe(true); // the PONG
    expect(a.node.received[0]!.nowMs).toBe(sim.nowMs);
    expect(sim.step()).toBe(false);
  });

  it('runs scheduled functions due at the same time in the order they were scheduled', () => {
    const sim = new Simulation({ seed: SEED });
    const order: string[] = [];
    sim.schedule(10, () => order.push('first'));
    sim.schedule(5, () => order.push('early'));
    sim.schedule(10, () => order.push('second'));
    sim.schedule(10, (s) => s.schedule(10, () => order.push('added at 10')));
    sim.schedule(10, () => order.push('third'));
    sim.runFor(20);
    expect(order).toEqual(['early', 'first', 'second', 'third', 'added at 10']);
    expect(sim.stats.scheduledCalls).toBe(6);
    expect(() => sim.schedule(19, () => {})).toThrow(RangeError);
  });

  it('delivers same-delay datagrams of one pair in send order (FIFO ties)', () => {
    const { sim, a, b } = pair({ seed: SEED, network: { jitterMeanMs: 0, delayMeanMs: 40 } });
    b.node.echo = false;
    sim.call(a, (node) => {
      for (let i = 0; i < 50; i++) node.ping(b.endpoint, [i]);
    });
    sim.runFor(1_000);
    expect(b.node.received.map((r) => r.payload[1])).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(new Set(b.node.received.map((r) => r.nowMs)).size).toBe(1);
  });

  it('re-arms the single timer on every drain and ignores stale timer events', () => {
    const sim = new Simulation<PingEvent>({ seed: SEED });
    const h = sim.addNode(pingNode);
    sim.call(h, (node) => node.setTimer(100, 'late'));
    sim.call(h, (node) => node.setTimer(50, 'early')); // replaces the timer at 100
    sim.runFor(200);
    expect(h.node.timeoutCalls).toEqual([50, 100]);
    expect(h.node.fired).toEqual([
      { label: 'early', nowMs: 50 },
      { label: 'late', nowMs: 100 },
    ]);
    // The first event at 100 belonged to the replaced timer.
    expect(sim.stats.timersFired).toBe(2);
    expect(sim.stats.timersStale).toBe(1);
  });

  it('drops a cancelled timer and fires a deadline in the past at the current time', () => {
    const sim = new Simulation<PingEvent>({ seed: SEED });
    const h = sim.addNode(pingNode);
    sim.call(h, (node) => node.setTimer(100, 'cancelled'));
    sim.call(h, (node) => node.clearTimers());
    sim.runFor(150);
    expect(h.node.timeoutCalls).toEqual([]);
    expect(sim.stats.timersStale).toBe(1);
    sim.call(h, (node) => node.setTimer(20, 'overdue'));
    sim.runFor(10);
    expect(h.node.fired).toEqual([{ label: 'overdue', nowMs: 150 }]);
  });

  it('hands node events to listeners with the handle and the time, until unsubscribed', () => {
    const { sim, a, b } = pair();
    const seen: [number, string, number][] = [];
    const off = sim.onEvent((h, event, nowMs) => seen.push([h.index, event.type, nowMs]));
    sim.call(a, (node) => node.ping(b.endpoint));
    sim.runFor(1_000);
    expect(seen).toEqual([
      [1, 'received', b.node.received[0]!.nowMs],
      [0, 'received', a.node.received[0]!.nowMs],
    ]);
    off();
    sim.call(a, (node) => node.ping(b.endpoint));
    sim.runFor(1_000);
    expect(seen).toHaveLength(2);
    expect(sim.stats.nodeEvents).toBe(4);
  });

  it('call() drains the node even when the command throws, and refuses a foreign handle', () => {
    const { sim, a, b } = pair();
    expect(() =>
      sim.call(a, (node) => {
        node.ping(b.endpoint);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(sim.stats.datagramsSent).toBe(1);
    const other = new Simulation<PingEvent>({ seed: SEED }).addNode(pingNode);
    expect(() => sim.call(other, () => {})).toThrow(TypeError);
  });

  it('copyPayloads lets a node reuse its send buffer without changing datagrams in flight', () => {
    for (const copyPayloads of [false, true]) {
      const { sim, a, b } = pair({ seed: SEED, copyPayloads });
      b.node.echo = false;
      const buffer = new Uint8Array([1, 10]);
      sim.call(a, (node) => node.send(b.endpoint, buffer));
      buffer[1] = 99; // reused before the datagram arrives
      sim.runFor(1_000);
      expect(b.node.received[0]!.payload[1]).toBe(copyPayloads ? 10 : 99);
    }
  });

  it('stops draining a node that a listener crashed mid-drain', () => {
    const { sim, a, b } = pair();
    sim.onEvent((h) => sim.crash(h));
    b.node.echo = true;
    sim.call(a, (node) => node.ping(b.endpoint));
    sim.runFor(1_000);
    // b emitted 'received', was crashed by the listener, and its PONG was never sent.
    expect(b.alive).toBe(false);
    expect(b.datagramsSent).toBe(0);
    expect(a.node.received).toHaveLength(0);
  });

  it('throws when a node yields drainOutputsMax outputs without a timeout', () => {
    const sim = new Simulation({ seed: SEED, drainOutputsMax: 10 });
    const chatty = {
      handleDatagram() {},
      handleTimeout() {},
      poll: () => ({ type: 'event' as const, event: 'again' }),
    };
    expect(() => sim.addNode(() => chatty)).toThrow(/drainOutputsMax/);
    expect(() => sim.addNode(() => ({}) as never)).toThrow(TypeError);
  });
});

describe('Simulation: runUntil and runFor', () => {
  it('stops for each reason: predicate, time, events, idle', () => {
    const { sim, a, b } = pair();
    sim.call(a, (node) => node.setTimer(1_000, 't'));
    sim.call(a, (node) => node.ping(b.endpoint));
    const got = sim.runUntil(() => b.node.received.length > 0, { maxTimeMs: 10_000 });
    expect(got.reason).toBe('predicate');
    expect(got.nowMs).toBe(b.node.received[0]!.nowMs);
    expect(got.events).toBe(1);
    expect(sim.runUntil(() => false, { maxEvents: 1 })).toMatchObject({
      reason: 'events',
      events: 1,
    });
    expect(sim.runUntil(() => false, { untilMs: 500 })).toEqual({
      reason: 'time',
      nowMs: 500,
      events: 0,
    });
    expect(sim.runUntil(() => false, { maxTimeMs: 10_000 })).toEqual({
      reason: 'idle',
      nowMs: 1_000,
      events: 1,
    });
  });

  it('refuses to run without a bound, with a bad bound, or nested', () => {
    const sim = new Simulation({ seed: SEED });
    expect(() => sim.runUntil(() => true, {})).toThrow(RangeError);
    expect(() => sim.runUntil(() => true, { maxTimeMs: -1 })).toThrow(RangeError);
    expect(() => sim.runUntil(() => true, { untilMs: Number.POSITIVE_INFINITY })).toThrow(
      RangeError,
    );
    expect(() => sim.runUntil(() => true, { maxEvents: 1.5 })).toThrow(RangeError);
    sim.schedule(1, (s) => s.runFor(10));
    expect(() => sim.runFor(5)).toThrow(/nested/);
  });

  it('runFor() ends at the old time plus the duration even when the queue runs dry', () => {
    const sim = new Simulation({ seed: SEED });
    sim.schedule(3, () => {});
    expect(sim.runFor(100)).toEqual({ reason: 'idle', nowMs: 100, events: 1 });
    expect(sim.runFor(50).nowMs).toBe(150);
  });

  it('stops with "events" once the lifetime eventsMax is used up', () => {
    const sim = new Simulation({ seed: SEED, eventsMax: 3 });
    for (let t = 1; t <= 5; t++) sim.schedule(t, () => {});
    expect(sim.runFor(100)).toMatchObject({ reason: 'events', events: 3, nowMs: 3 });
    expect(sim.step()).toBe(false);
  });
});

describe('Simulation: endpoints and wall clocks', () => {
  it('gives node i the endpoint [2001:db8::<i+1>]:3540 and finds nodes by endpoint', () => {
    const { sim, a, b } = pair();
    expect(formatEndpoint(a.endpoint)).toBe('[2001:db8::1]:3540');
    expect(formatEndpoint(b.endpoint)).toBe('[2001:db8::2]:3540');
    expect(simEndpointIndex(simEndpoint(70_000))).toBe(70_000);
    expect(simEndpointIndex(parseEndpoint('[2001:db8::]:3540'))).toBe(-1);
    expect(simEndpointIndex(parseEndpoint('[2001:db8::5]:3541'))).toBe(-1);
    expect(sim.handleOf(parseEndpoint('[2001:db8::2]:3540'))).toBe(b);
    expect(sim.handleOf(parseEndpoint('[2001:db8::3]:3540'))).toBeUndefined();
    expect(a.node.ctx.endpoint).toBe(a.endpoint);
  });

  it('accepts caller-chosen endpoints, routes to them, and refuses duplicates or the reserved range', () => {
    const sim = new Simulation<PingEvent>({ seed: SEED });
    const ep = parseEndpoint('192.0.2.7:4000');
    const c = sim.addNode(pingNode, { endpoint: ep });
    const d = sim.addNode(pingNode);
    expect(formatEndpoint(c.endpoint)).toBe('192.0.2.7:4000');
    expect(formatEndpoint(d.endpoint)).toBe('[2001:db8::2]:3540');
    expect(sim.handleOf(parseEndpoint('[2001:db8::1]:3540'))).toBeUndefined();
    expect(() => sim.addNode(pingNode, { endpoint: ep })).toThrow(RangeError);
    expect(() => sim.addNode(pingNode, { endpoint: simEndpoint(9) })).toThrow(/reserved/);
    sim.call(d, (node) => node.ping(ep));
    sim.runFor(1_000);
    expect(c.node.received).toHaveLength(1);
    expect(d.node.received).toHaveLength(1);
  });

  it('gives each node a wall clock of start + virtual time + its skew', () => {
    const sim = new Simulation<PingEvent>({ seed: SEED });
    const a = sim.addNode(pingNode);
    const b = sim.addNode(pingNode, { wallClockSkewMs: -5_000 });
    expect(WALL_CLOCK_START_DEFAULT_MS).toBe(Date.UTC(2026, 0, 1));
    sim.runFor(1_234);
    expect(a.node.ctx.wallClock.nowMs()).toBe(WALL_CLOCK_START_DEFAULT_MS + 1_234);
    expect(b.node.ctx.wallClock.nowMs()).toBe(WALL_CLOCK_START_DEFAULT_MS + 1_234 - 5_000);
    sim.setWallClockSkew(a, 60_000);
    expect(a.wallClockSkewMs).toBe(60_000);
    expect(a.node.ctx.wallClock.nowMs()).toBe(WALL_CLOCK_START_DEFAULT_MS + 61_234);
    const other = new Simulation<PingEvent>({ seed: SEED, wallClockStartMs: 0 });
    expect(other.addNode(pingNode).node.ctx.wallClock.nowMs()).toBe(0);
    expect(() => sim.setWallClockSkew(a, Number.NaN)).toThrow(RangeError);
  });

  it('validates simulation options once', () => {
    expect(() => new Simulation({} as never)).toThrow(TypeError);
    expect(() => new Simulation({ seed: 1, eventsMax: 0 })).toThrow(RangeError);
    expect(() => new Simulation({ seed: 1, inFlightMax: 1.5 })).toThrow(RangeError);
    expect(() => new Simulation({ seed: 1, wallClockStartMs: Number.NaN })).toThrow(RangeError);
    expect(() => new Simulation({ seed: 1, network: { lossProbability: 2 } })).toThrow(RangeError);
    const sim = new Simulation({ seed: 1, nodesMax: 1 });
    sim.addNode(pingNode);
    expect(() => sim.addNode(pingNode)).toThrow(/nodesMax/);
  });
});
