/**
 * `pnrp easy-connect` as real processes on loopback UDP: a bootstrap `pnrp node`, an offer that
 * prints its code, an accepter with the wrong password (exit 1, WRONG_PASSWORD, counted by the
 * offer) and one with the right password (exit 0; both print the other's endpoint and the same
 * confirmation; the offer exits 0). An offer allowing one attempt closes after one wrong password
 * (exit 1). Usage errors exit 2 before any socket is bound (--relay, offering a relay, is pnrp
 * node's).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type CliProcess, pnrp, pnrpAsync, startPnrp } from './run-cli.js';

const started: CliProcess[] = [];
afterAll(() => {
  for (const p of started) p.kill();
});
const WAIT_MS = 60_000;

function start(...args: string[]): CliProcess {
  const p = startPnrp(...args);
  started.push(p);
  return p;
}

async function jsonLine(p: CliProcess, event: string): Promise<Record<string, unknown>> {
  const line = await p.waitForLine((l) => l.startsWith(`{"event":"${event}"`), WAIT_MS);
  return JSON.parse(line) as Record<string, unknown>;
}

async function bootstrapNode(): Promise<string> {
  const node = start('node', '--host', '127.0.0.1', '--port', '0', '--no-discover', '--json');
  const listening = await jsonLine(node, 'listening');
  return `127.0.0.1:${listening.port as number}`;
}

function offer(bootstrap: string, attempts: string): CliProcess {
  return start(
    'easy-connect',
    'offer',
    '--password',
    'tulip bulb',
    '--host',
    '127.0.0.1',
    '--bootstrap',
    bootstrap,
    '--attempts',
    attempts,
    '--json',
  );
}

const accept = (bootstrap: string, code: string, password: string) =>
  pnrpAsync(
    'easy-connect',
    'accept',
    code,
    '--password',
    password,
    '--bootstrap',
    bootstrap,
    '--json',
  );

describe('pnrp easy-connect over loopback UDP', () => {
  it('a wrong password is refused; the right one connects both sides with one confirmation', async () => {
    const bootstrap = await bootstrapNode();
    const o = offer(bootstrap, '3');
    const { code, endpoints } = (await jsonLine(o, 'offer')) as {
      code: string;
      endpoints: string[];
    };
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);

    const wrong = await accept(bootstrap, code, 'tulip bulbs');
    expect(wrong.code, wrong.stderr).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ event: 'failed', code: 'WRONG_PASSWORD' });
    expect(await jsonLine(o, 'attempt-failed')).toMatchObject({
      reason: 'wrong-password',
      failures: 1,
    });

    const right = await accept(bootstrap, code.toLowerCase().replaceAll('-', ' '), 'tulip bulb');
    expect(right.code, right.stderr).toBe(0);
    const accepted = JSON.parse(right.stdout) as { peer: string; confirmation: string };
    const offered = await jsonLine(o, 'connected');
    expect(accepted.confirmation).toBe(offered.confirmation);
    expect(endpoints).toContain(accepted.peer);
    expect(offered.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await o.exited()).toBe(0);
  });

  it('an offer allowing one attempt closes after one wrong password (exit 1)', async () => {
    const bootstrap = await bootstrapNode();
    const o = offer(bootstrap, '1');
    const { code } = (await jsonLine(o, 'offer')) as { code: string };
    const wrong = await accept(bootstrap, code, 'nope');
    expect(wrong.code).toBe(1);
    expect(await jsonLine(o, 'closed')).toMatchObject({ code: 'OFFER_CLOSED' });
    expect(await o.exited()).toBe(1);
  });

  it('usage errors exit 2: a look-alike in the code, no password, an unknown subcommand', () => {
    const zero = pnrp('easy-connect', 'accept', 'ABCD-EFGH-JKM0', '--password', 'x');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('zero');
    expect(pnrp('easy-connect', 'accept', 'ABCD-EFGH-JKMN').code).toBe(2);
    expect(pnrp('easy-connect', 'share').code).toBe(2);
    expect(pnrp('easy-connect', 'offer', '--password', 'x', '--attempts', '0').code).toBe(2);
    const relay = pnrp('easy-connect', 'offer', '--password', 'x', '--relay');
    expect(relay.code).toBe(2);
    expect(relay.stderr).toContain('pnrp node');
  });
});
