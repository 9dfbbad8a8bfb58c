/**
 * A small sans-I/O test double for the simulator tests: it sends what it is told to, answers a
 * PING datagram (first byte 1) with a PONG (first byte 2) carrying the same bytes, keeps any
 * number of labelled deadlines behind the single `timeout` output, and records every call.
 */

import type { Endpoint } from '../../../src/keys/endpoint.js';
import type { Output, SansIoNode } from '../../../src/sans-io.js';
import type { SimNodeContext } from '../../../src/sim/index.js';

export const PING = 1;
export const PONG = 2;

export type PingEvent =
  | {
      readonly type: 'received';
      readonly nowMs: number;
      readonly from: Endpoint;
      readonly payload: Uint8Array;
    }
  | { readonly type: 'timer'; readonly nowMs: number; readonly label: string };

export interface Received {
  readonly nowMs: number;
  readonly from: Endpoint;
  readonly payload: Uint8Array;
}

export class PingNode implements SansIoNode<PingEvent> {
  readonly ctx: SimNodeContext;
  readonly received: Received[] = [];
  /** nowMs of every handleTimeout call, spurious ones included. */
  readonly timeoutCalls: number[] = [];
  readonly fired: { label: string; nowMs: number }[] = [];
  echo = true;
  /** Called for every deadline that fires. */
  onFire: ((nowMs: number, label: string) => void) | undefined;
  private outputs: Output<PingEvent>[] = [];
  private deadlines: { atMs: number; label: string }[] = [];
  private lastNowMs = 0;

  constructor(ctx: SimNodeContext) {
    this.ctx = ctx;
    this.lastNowMs = ctx.nowMs;
  }

  send(to: Endpoint, payload: Uint8Array): void {
    this.outputs.push({ type: 'transmit', to, payload });
  }

  ping(to: Endpoint, body: number[] = []): void {
    this.send(to, new Uint8Array([PING, ...body]));
  }

  setTimer(atMs: number, label: string): void {
    this.deadlines.push({ atMs, label });
    this.deadlines.sort((a, b) => a.atMs - b.atMs);
  }

  clearTimers(): void {
    this.deadlines = [];
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.checkTime(nowMs);
    this.received.push({ nowMs, from, payload });
    this.outputs.push({ type: 'event', event: { type: 'received', nowMs, from, payload } });
    if (this.echo && payload[0] === PING) {
      const reply = payload.slice();
      reply[0] = PONG;
      this.send(from, reply);
    }
  }

  handleTimeout(nowMs: number): void {
    this.checkTime(nowMs);
    this.timeoutCalls.push(nowMs);
    while (this.deadlines.length > 0 && this.deadlines[0]!.atMs <= nowMs) {
      const { label } = this.deadlines.shift()!;
      this.fired.push({ label, nowMs });
      this.outputs.push({ type: 'event', event: { type: 'timer', nowMs, label } });
      this.onFire?.(nowMs, label);
    }
  }

  poll(): Output<PingEvent> {
    const next = this.outputs.shift();
    if (next !== undefined) return next;
    return { type: 'timeout', atMs: this.deadlines[0]?.atMs ?? Number.POSITIVE_INFINITY };
  }

  private checkTime(nowMs: number): void {
    if (nowMs < this.lastNowMs)
      throw new Error(`time went backwards: ${nowMs} < ${this.lastNowMs}`);
    this.lastNowMs = nowMs;
  }
}

export const pingNode = (ctx: SimNodeContext): PingNode => new PingNode(ctx);

/**
 * A node that, every 50..250 ms (drawn from its own Rng), pings a peer chosen with its own Rng
 * among `peerCount` synthetic endpoints, and echoes pings like {@link PingNode}.
 */
export class GossipNode extends PingNode {
  constructor(ctx: SimNodeContext, peerCount: number, endpointOf: (index: number) => Endpoint) {
    super(ctx);
    const next = (nowMs: number): void =>
      this.setTimer(nowMs + 50 + ctx.rng.nextInt(200), 'gossip');
    this.onFire = (nowMs) => {
      this.ping(endpointOf(ctx.rng.nextInt(peerCount)), [ctx.index & 0xff, ctx.rng.nextInt(256)]);
      next(nowMs);
    };
    next(ctx.nowMs);
  }
}
