/**
 * offerEasyConnect / acceptEasyConnect on the in-memory network with a manual clock: an offer
 * published through a seed peer is found by its code and connects an accepter that knows the
 * password (same session key and confirmation on both sides, each knowing the other's endpoint);
 * a wrong password is refused with WRONG_PASSWORD and counted by the offer; a code nobody offers
 * ends NOT_FOUND; a squatter on a code's peer name NO_MATCH; a malformed code INVALID_CODE.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EasyConnectOfferEvent } from '../../../src/easy-connect/index.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { createMemoryNetwork } from '../../../src/memory-network.js';
import {
  acceptEasyConnect,
  EasyConnectError,
  type EasyConnectOfferHandle,
  offerEasyConnect,
} from '../../../src/peer/easy-connect.js';
import { createPeer } from '../../../src/peer.js';
import { seededRng } from '../../../src/util/rng.js';
import { ManualTimers } from '../transport/manual-timers.js';

const SEED = Number(process.env.PNRP_SEED ?? 16);
const net = createMemoryNetwork();
const timers = new ManualTimers();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Lets the manual clock run until `p` settles (at most `ms` virtual ms). */
async function settle<T>(p: Promise<T>, ms = 60_000): Promise<T> {
  let done = false;
  const caught = p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  void caught.then(() => {
    done = true;
  });
  for (let t = 0; t < ms && !done; t += 100) await timers.advanceTo(timers.now + 100);
  const r = await caught;
  if ('error' in r) throw r.error;
  return r.value;
}

const LOG_N = 10;

/** A seed peer (publishes the seed ID, so others can join through it); returns its endpoint. */
async function seedPeer(label: string): Promise<Endpoint> {
  const transport = net.createTransport();
  const peer = createPeer({ transport, timers, rng: seededRng(`${SEED}/${label}`), seed: true });
  cleanups.push(() => peer.close());
  await timers.advanceTo(timers.now + 100);
  return transport.localEndpoints()[0]!;
}

async function offer(
  seed: Endpoint,
  events: EasyConnectOfferEvent[] = [],
  attemptsMax = 3,
): Promise<EasyConnectOfferHandle> {
  const transport = net.createTransport();
  const handle = await settle(
    offerEasyConnect({
      transport,
      password: 'tulip bulb',
      bootstrap: [seed],
      timers,
      rng: seededRng(`${SEED}/offer`),
      kdfLogN: LOG_N,
      attemptsMax,
      onEvent: (e) => events.push(e),
    }),
  );
  cleanups.push(async () => {
    await handle.close();
    await transport.close();
  });
  return handle;
}

function accept(seed: Endpoint, code: string, password: string, label: string) {
  const transport = net.createTransport();
  cleanups.push(() => transport.close());
  return {
    at: transport.localEndpoints()[0]!,
    result: acceptEasyConnect(code, {
      transport,
      password,
      bootstrap: [seed],
      timers,
      rng: seededRng(`${SEED}/${label}`),
      kdfLogN: LOG_N,
    }),
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await settle(p);
  } catch (e) {
    expect(e).toBeInstanceOf(EasyConnectError);
    return (e as EasyConnectError).code;
  }
  return 'resolved';
}

describe('easy connect over createPeer', () => {
  it('the right password connects: both know the other and hold one session key', async () => {
    const seed = await seedPeer('seed-1');
    const events: EasyConnectOfferEvent[] = [];
    const o = await offer(seed, events);
    expect(o.code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(o.peerName).toBe(`0.EasyConnect-${o.code.replaceAll('-', '')}`);
    const a = accept(seed, o.code.toLowerCase(), 'tulip bulb', 'accept-1');
    const [accepted, offered] = await settle(Promise.all([a.result, o.connected]));
    expect(accepted.sessionKey).toEqual(offered.sessionKey);
    expect(accepted.confirmation).toBe(offered.confirmation);
    expect(accepted.peer).toEqual(o.endpoints[0]);
    expect(offered.peer).toEqual(a.at);
    expect(events.map((e) => e.type)).toEqual(['attempt', 'connected']);
  });

  it('a wrong password is refused with WRONG_PASSWORD and counted by the offer', async () => {
    const seed = await seedPeer('seed-2');
    const events: EasyConnectOfferEvent[] = [];
    const o = await offer(seed, events);
    expect(await codeOf(accept(seed, o.code, 'tulip bulbs', 'accept-2').result)).toBe(
      'WRONG_PASSWORD',
    );
    expect(events.map((e) => e.type)).toEqual(['attempt', 'attempt-failed']);
    // The offer is still open for the right password.
    const [accepted] = await settle(
      Promise.all([accept(seed, o.code, 'tulip bulb', 'accept-3').result, o.connected]),
    );
    expect(accepted.confirmation).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
  });

  it('a code nobody offers is NOT_FOUND; a malformed code is INVALID_CODE', async () => {
    const seed = await seedPeer('seed-3');
    await offer(seed);
    expect(await codeOf(accept(seed, '2222-3333-4444', 'tulip bulb', 'accept-4').result)).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(accept(seed, 'OOOO-3333-4444', 'tulip bulb', 'accept-5').result)).toBe(
      'INVALID_CODE',
    );
  });

  it("a squatter on the peer name of a code is refused with NO_MATCH (its key is not the code's)", async () => {
    const seed = await seedPeer('seed-4');
    const transport = net.createTransport();
    const squatter = createPeer({
      transport,
      timers,
      rng: seededRng(`${SEED}/squat`),
      bootstrap: [seed],
    });
    cleanups.push(() => squatter.close());
    await settle(squatter.whenActive());
    await settle(squatter.register({ peerName: '0.EasyConnect-23456789ABCD' }));
    expect(await codeOf(accept(seed, '2345-6789-ABCD', 'tulip bulb', 'accept-6').result)).toBe(
      'NO_MATCH',
    );
  });
});
