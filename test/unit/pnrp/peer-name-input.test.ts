/**
 * pnrp.net host names where a peer name is taken (issue 16 Build 5): peerNameOfInput() maps
 * `test.pnrp.net` to `0.test` and `chat.p<40 hex>.pnrp.net` to the secured name, keeps valid
 * peer names as they are (also those ending in `.pnrp.net`) and refuses text that is neither;
 * createPeer registers and resolves by host name (resolve, trace), and the CLI's resolve and
 * trace take host names.
 */
import { describe, expect, it } from 'vitest';
import { createIdentity } from '../../../src/keys/identity.js';
import { createMemoryNetwork } from '../../../src/memory-network.js';
import { createPeer } from '../../../src/peer.js';
import { peerNameToHostName } from '../../../src/pnrp/host-name.js';
import { peerNameOfInput } from '../../../src/pnrp/peer-name-input.js';
import { seededRng } from '../../../src/util/rng.js';
import { pnrpAsync } from '../cli/run-cli.js';
import { ManualTimers } from '../transport/manual-timers.js';

const alice = createIdentity(new Uint8Array(32).fill(1));
const bob = createIdentity(new Uint8Array(32).fill(2)); // authority starts with a digit or not

describe('peerNameOfInput()', () => {
  it('maps host names to peer names and keeps peer names', () => {
    expect(peerNameOfInput('test.pnrp.net')).toBe('0.test');
    expect(peerNameOfInput('Test.PNRP.NET.')).toBe('0.Test');
    for (const who of [alice, bob]) {
      const host = peerNameToHostName(`${who.authority}.chat`);
      expect(host).toMatch(/^chat\.p?[0-9a-f]{40}\.pnrp\.net$/);
      expect(peerNameOfInput(host)).toBe(`${who.authority}.chat`);
      expect(peerNameOfInput(`chat.p${who.authority}.pnrp.net`)).toBe(`${who.authority}.chat`);
    }
    expect(peerNameOfInput('0.test')).toBe('0.test');
    expect(peerNameOfInput('0.test.pnrp.net')).toBe('0.test.pnrp.net');
  });

  it('refuses text that is neither, with the peer-name error', () => {
    expect(() => peerNameOfInput('example.com')).toThrow(RangeError);
    expect(() => peerNameOfInput('pnrp.net')).toThrow(RangeError);
    expect(() => peerNameOfInput(7 as unknown as string)).toThrow(TypeError);
  });
});

describe('host names through createPeer', () => {
  it('register and resolve/trace by host name, unsecured and secured', async () => {
    const net = createMemoryNetwork();
    const timers = new ManualTimers();
    const a = net.createTransport();
    const b = net.createTransport();
    const owner = createPeer({ transport: a, timers, rng: seededRng(1), identity: alice });
    const seedAt = a.localEndpoints()[0]!;
    let resolver: ReturnType<typeof createPeer> | undefined;
    try {
      await timers.advanceTo(200);
      const plain = owner.register({ peerName: 'printer.pnrp.net' });
      const secured = owner.register({
        peerName: `chat.p${alice.authority}.pnrp.net`,
        identity: alice,
      });
      await timers.advanceTo(3_000);
      expect((await plain).peerName).toBe('0.printer');
      expect((await secured).peerName).toBe(`${alice.authority}.chat`);
      resolver = createPeer({ transport: b, timers, rng: seededRng(2), bootstrap: [seedAt] });
      const found = resolver.resolve('printer.pnrp.net', { timeoutMs: 5_000 });
      const traced = resolver.trace(peerNameToHostName(`${alice.authority}.chat`), {
        timeoutMs: 5_000,
      });
      await timers.advanceTo(10_000);
      expect((await found)[0].peerName).toBe('0.printer');
      const trace = await traced;
      expect(trace.results.map((r) => r.peerName)).toEqual([`${alice.authority}.chat`]);
    } finally {
      await owner.close();
      await resolver?.close();
    }
  });
});

describe('host names on the command line', () => {
  it('pnrp resolve and trace take a pnrp.net host name (--sim)', async () => {
    const [resolve, trace] = await Promise.all([
      pnrpAsync('resolve', 'test.pnrp.net', '--sim', '--nodes', '30', '--json'),
      pnrpAsync('trace', 'test.pnrp.net', '--sim', '--nodes', '30', '--json'),
    ]);
    expect(resolve.code, resolve.stderr).toBe(0);
    expect(JSON.parse(resolve.stdout)).toMatchObject({ peerName: '0.test', found: true });
    expect(trace.code, trace.stderr).toBe(0);
    expect(JSON.parse(trace.stdout)).toMatchObject({ peerName: '0.test', found: true });
    const bad = await pnrpAsync('resolve', 'example.com', '--sim');
    expect(bad.code).toBe(2);
  });
});
