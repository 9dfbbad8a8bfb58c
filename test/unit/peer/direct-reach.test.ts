/**
 * peer/direct-reach: `reachDirect` over an in-memory network (no NAT) on a hand-driven virtual
 * clock. A public peer is reached without a rendezvous (it acknowledges the probe) and the pings
 * come back from it; an endpoint where nobody listens ends in `PnrpError` TIMEOUT with the
 * punch's reason; an automatic punch that already opened the path is reused.
 */
import { describe, expect, it } from 'vitest';
import { formatEndpoint } from '../../../src/keys/endpoint.js';
import { createMemoryNetwork } from '../../../src/memory-network.js';
import { splitPunchTransport } from '../../../src/nat/punch-split.js';
import { reachDirect, startPunch } from '../../../src/peer/direct-reach.js';
import { PnrpError } from '../../../src/peer/error.js';
import type { Timers } from '../../../src/transport-adapter.js';
import { seededRng } from '../../../src/util/rng.js';

/** Virtual time: timers fire only when the test advances the clock. */
class ManualTimers implements Timers {
  now = 0;
  private armed: { atMs: number; fire: () => void; live: boolean }[] = [];
  nowMs(): number {
    return this.now;
  }
  arm(atMs: number, fire: () => void) {
    const t = { atMs, fire, live: true };
    this.armed.push(t);
    return {
      cancel: () => {
        t.live = false;
      },
    };
  }
  /** Moves the clock `ms` forward in 10 ms steps, firing what is due and letting datagrams flow. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + 10);
      const due = this.armed.filter((t) => t.live && t.atMs <= this.now);
      this.armed = this.armed.filter((t) => t.live && t.atMs > this.now);
      for (const t of due) t.fire();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
  }
}

function setup() {
  const net = createMemoryNetwork();
  const timers = new ManualTimers();
  const peers = ['a', 'b'].map((name) => {
    const transport = net.createTransport();
    const split = splitPunchTransport(transport);
    const punch = startPunch(
      split,
      { rng: seededRng(`reach-${name}`), punchTimeoutMs: 500 },
      timers,
    );
    return { transport, split, punch };
  });
  return { net, timers, a: peers[0]!, b: peers[1]! };
}

describe('reachDirect', () => {
  it('reaches a public peer directly and exchanges pings with it', async () => {
    const { timers, a, b } = setup();
    const target = b.transport.localEndpoints()[0]!;
    const reached = reachDirect(a.punch, [target], { pings: 3 });
    await timers.advance(200);
    const path = await reached;
    expect(formatEndpoint(path.endpoint)).toBe(formatEndpoint(target));
    expect(path.alreadyDirect).toBe(false);
    expect(path.pongs.map((p) => [p.seq, formatEndpoint(p.from)])).toEqual([
      [1, formatEndpoint(target)],
      [2, formatEndpoint(target)],
      [3, formatEndpoint(target)],
    ]);
    // Reused: the open punch answers at once.
    const again = await reachDirect(a.punch, [target]);
    expect(again.alreadyDirect).toBe(true);
    a.punch.stop();
    b.punch.stop();
  });

  it('fails with TIMEOUT and the punch reason when nobody answers', async () => {
    const { timers, a, b } = setup();
    const nobody = { address: new Uint8Array(16).fill(0xfd), port: 3540 };
    const reached = reachDirect(a.punch, [nobody]).catch((e: unknown) => e);
    await timers.advance(700);
    const e = await reached;
    expect(e).toBeInstanceOf(PnrpError);
    expect((e as PnrpError).code).toBe('TIMEOUT');
    expect((e as PnrpError).reason).toBe('punch:no-rendezvous');
    a.punch.stop();
    b.punch.stop();
  });

  it('refuses an empty endpoint list with INVALID_ARGUMENT', async () => {
    const { a } = setup();
    await expect(reachDirect(a.punch, [])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    a.punch.stop();
  });
});
