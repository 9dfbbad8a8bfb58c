/**
 * What a user prints is readable: resolved peers, search results, registrations and traces from
 * `createPeer` show endpoints as `"[fd00::1]:3540"`-style text and IDs in hex, both in
 * `JSON.stringify` and in Node's `util.inspect` (what `console.log` uses), never as
 * `Uint8Array(16)`; and the hooks change no field (keys, equality, spreading).
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createMemoryNetwork } from '../../../src/index.js';
import { type Endpoint, formatEndpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { createPeer, type Peer } from '../../../src/peer.js';
import { toHex } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import { ManualTimers } from '../transport/manual-timers.js';

const APP = parseEndpoint('[2001:db8::7]:8080');

async function twoPeers(): Promise<{ timers: ManualTimers; peers: Peer[]; seed: Endpoint }> {
  const net = createMemoryNetwork();
  const timers = new ManualTimers();
  const peers: Peer[] = [];
  const seeds: Endpoint[] = [];
  for (let i = 0; i < 3; i++) {
    const transport = net.createTransport();
    const peer = createPeer({
      transport,
      timers,
      rng: seededRng(`readable/${i}`),
      bootstrap: seeds,
    });
    peers.push(peer);
    if (i === 0) seeds.push(transport.localEndpoints()[0]!);
    await timers.advanceTo(timers.now + 200);
    const registered = peer.register({ peerName: `0.member-${i}` });
    await timers.advanceTo(timers.now + 3_000);
    await registered;
  }
  await timers.advanceTo(timers.now + 5_000);
  return { timers, peers, seed: seeds[0]! };
}

async function settle<T>(timers: ManualTimers, p: Promise<T>): Promise<T> {
  const caught = p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await timers.advanceTo(timers.now + 10_000);
  const r = await caught;
  if ('error' in r) throw r.error;
  return r.value;
}

describe('readable results', () => {
  it('a resolved peer prints its endpoints as text in JSON and in inspect', async () => {
    const { timers, peers } = await twoPeers();
    await settle(timers, peers[1]!.register({ peerName: '0.printer', endpoints: [APP] }));
    const [found] = await settle(timers, peers[2]!.resolve('0.printer'));
    if (!found) throw new Error('0.printer not resolved');

    const json = JSON.parse(JSON.stringify(found));
    expect(json.endpoints).toMatchObject([{ address: '2001:db8::7', port: 8080 }]);
    expect(json.pnrpEndpoints).toEqual(found.pnrpEndpoints.map(formatEndpoint));
    expect(json.pnrpEndpoints[0]).toMatch(/^\[[0-9a-f:]+\]:\d+$/);
    expect(json.pnrpId).toBe(toHex(found.pnrpId));

    const shown = inspect(found, { depth: 4 });
    expect(shown).not.toContain('Uint8Array');
    expect(shown).toContain(`'${formatEndpoint(found.pnrpEndpoints[0]!)}'`);
    expect(shown).toContain("address: '2001:db8::7'");

    // The hooks are invisible to the fields.
    expect(Object.keys(found)).not.toContain('toJSON');
    expect({ ...found }.endpoints[0]!.address).toBeInstanceOf(Uint8Array);
    await Promise.all(peers.map((p) => p.close()));
  });

  it('search results, registrations and traces print without raw bytes', async () => {
    const { timers, peers } = await twoPeers();
    const reg = await settle(timers, peers[1]!.register({ peerName: '0.scanner' }));
    const regJson = JSON.parse(JSON.stringify(reg));
    expect(regJson).toEqual({
      id: reg.id,
      peerName: '0.scanner',
      cloud: reg.cloud,
      pnrpId: toHex(reg.pnrpId),
      secured: false,
      state: 'resolvable',
      active: true,
    });
    const regShown = inspect(reg);
    expect(regShown).toMatch(/^PeerRegistration \{/);
    expect(regShown).not.toContain('host');

    const seen: unknown[] = [];
    const run = (async () => {
      for await (const r of peers[2]!.search(reg.pnrpId)) {
        seen.push(r);
        break;
      }
    })();
    await settle(timers, run);
    expect(seen).toHaveLength(1);
    const result = JSON.parse(JSON.stringify(seen[0]));
    expect(result.endpoint).toMatch(/^\[[0-9a-f:]+\]:\d+$/);
    expect(result.key).toBe(toHex(reg.pnrpId));
    expect(inspect(seen[0], { depth: 6 })).not.toContain('Uint8Array');

    const trace = await settle(timers, peers[0]!.trace('0.nobody-has-this'));
    expect(trace.failure).toBeDefined();
    const traceShown = inspect(trace, { depth: 6 });
    expect(traceShown).not.toContain('Uint8Array');
    expect(traceShown).toContain("error: 'PnrpError: ");
    await Promise.all(peers.map((p) => p.close()));
  });
});
