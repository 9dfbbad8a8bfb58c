/**
 * @module cli/easy-connect-command
 * `pnrp easy-connect offer|accept` (issue 16 Build 4): one person offers and reads out the
 * 12-symbol code, the other accepts it; both type the same password. Over one UDP socket each,
 * through `offerEasyConnect` / `acceptEasyConnect` (peer/easy-connect.ts). Prints one line per
 * event (one JSON object per line with `--json`). Exit codes: 0 connected; 1 refused (wrong
 * password, offer closed, nothing found, timeout); 2 usage error (bad code or option).
 */
import { debugLogger } from '../adapters/node/debug-logger.js';
import { dnsResolver } from '../adapters/node/dns-resolver.js';
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { createUdpTransport, type UdpTransport } from '../adapters/node/udp-transport.js';
import { parseEasyConnectCode } from '../easy-connect/code.js';
import { type Endpoint, formatEndpoint } from '../keys/endpoint.js';
import {
  acceptEasyConnect,
  EasyConnectError,
  type EasyConnection,
  offerEasyConnect,
} from '../peer/easy-connect.js';
import {
  bootstrapEndpoints,
  cloudOption,
  intOption,
  listOption,
  type OptionValues,
  parseCommandLine,
  stringOption,
} from './args.js';
import { type NatStack, startNatStack } from './nat-stack.js';
import type { PrintEvent } from './node-address.js';
import { untilSignal } from './node-command.js';
import { RELAY_OPTION_SPECS, type RelayArgs, relayArgs } from './node-relay.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp easy-connect`. */
export const EASY_CONNECT_USAGE: string = `usage: pnrp easy-connect offer --password P [--bootstrap HOST:PORT ...] [--stun HOST:PORT ...]
                               [--port P] [--host ADDR] [--advertise ADDR ...] [--no-discover]
                               [--use-relay | --no-relay] [--relay-via HOST:PORT ...]
                               [--attempts K] [--timeout MS] [--verbose] [--json]
       pnrp easy-connect accept CODE --password P [--bootstrap HOST:PORT ...] [--stun HOST:PORT ...]
                               [--host ADDR] [--no-discover] [--use-relay | --no-relay]
                               [--relay-via HOST:PORT ...] [--timeout MS] [--verbose] [--json]

Easy Connect: "offer" publishes a fresh peer name in the cloud and prints its code, 12 easy to
read characters (XXXX-XXXX-XXXX); read it and the password to the other person, who runs
"accept CODE". The password is checked by a password-authenticated key exchange: a wrong one is
refused, and after --attempts failed handshakes the offer closes. Once connected both sides
print the other's endpoint and the same confirmation (XXXX-XXXX) to compare.
Behind a NAT, as pnrp node: the offer learns its public address from the bootstrap and --stun
nodes and publishes it, keeping its mapping open with keep-alives to the bootstrap nodes (the
rendezvous an accepter punches through); behind a symmetric NAT (or no dial-back) it reserves a
slot at a relay (a pnrp node --relay: --relay-via, else the bootstrap) and publishes that.
  --password P            the shared password (or set PNRP_EASY_CONNECT_PASSWORD)
  --bootstrap HOST:PORT   a node of the cloud (pnrp node); repeatable
  --stun HOST:PORT        a second node to ask for our address (dial-back, symmetric NAT
                          detection); repeatable, up to 4
  --port P                offer: UDP port (default 0: ephemeral)
  --host ADDR             local address to bind (default: every interface)
  --advertise ADDR        offer: address to publish (repeatable, up to 4) instead of a discovered
                          one; the offerer must be reachable there
  --no-discover           do not discover the public address (nor reserve at a relay on its own)
  --use-relay             reserve at a relay even if the address was confirmed
  --no-relay              never reserve at a relay
  --relay-via HOST:PORT   relay to try first (repeatable; then the bootstrap nodes)
  --attempts K            offer: failed handshakes before the offer closes, 1..100 (default 5)
  --timeout MS            offer: how long to wait for an accepter (default 600000);
                          accept: how long to look for the offer (default 15000)
  --cloud NAME            cloud (default Global_)
  --verbose               accept: also print address, punch and relay steps (offer always does)
  --json                  print one JSON object per line
exit codes: 0 connected; 1 refused, not found or timed out (the message says which); 2 usage error
`;

const OPTIONS = {
  password: { type: 'string' },
  bootstrap: { type: 'string', multiple: true, short: 'b' },
  stun: { type: 'string', multiple: true },
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  advertise: { type: 'string', multiple: true },
  'no-discover': { type: 'boolean' },
  attempts: { type: 'string' },
  timeout: { type: 'string' },
  cloud: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  ...RELAY_OPTION_SPECS,
} as const;

/** Time the offer keeps answering retransmitted confirms after connecting. */
const LINGER_MS = 1_000;

class Printer {
  constructor(private readonly json: boolean) {}
  print(event: string, fields: Record<string, unknown>, text: string): void {
    process.stdout.write(this.json ? `${JSON.stringify({ event, ...fields })}\n` : `${text}\n`);
  }
}

function passwordOf(values: OptionValues): string {
  const password = stringOption(values, 'password') ?? process.env.PNRP_EASY_CONNECT_PASSWORD;
  if (password === undefined || password === '')
    throw new UsageError('say the password: --password P (or PNRP_EASY_CONNECT_PASSWORD)');
  if (password.length > 1024) throw new UsageError('--password is longer than 1024 characters');
  return password;
}

async function openSocket(values: OptionValues, port: number): Promise<UdpTransport> {
  const host = stringOption(values, 'host');
  const advertise = listOption(values, 'advertise');
  if (advertise.length > 4) throw new UsageError('--advertise takes at most 4 addresses');
  try {
    return await createUdpTransport({
      port,
      ...(host !== undefined ? { host } : {}),
      ...(advertise.length > 0 ? { advertise } : {}),
    });
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(e.message);
    throw new Error(`cannot open a UDP socket: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function connectedFields(c: EasyConnection): Record<string, unknown> {
  return { peer: formatEndpoint(c.peer), confirmation: c.confirmation };
}

/** What the NAT stack of a side needs from the options (read before any socket is bound). */
interface NatArgs {
  readonly servers: (Endpoint | string)[];
  readonly bootstrap: (Endpoint | string)[];
  readonly relay: RelayArgs;
  readonly host: string | undefined;
}

/**
 * Reads the NAT options: discovery through the bootstrap and --stun nodes unless --advertise or
 * --no-discover, and the relay options of `pnrp node` but --relay and --relay-ports.
 */
function natArgs(values: OptionValues): NatArgs {
  const relay = relayArgs(values);
  if (relay.offer || values['relay-ports'] !== undefined)
    throw new UsageError('--relay and --relay-ports are options of pnrp node');
  const stun = listOption(values, 'stun');
  if (stun.length > 4) throw new UsageError('--stun takes at most 4 servers');
  const bootstrap = bootstrapEndpoints(listOption(values, 'bootstrap'));
  const discover = values['no-discover'] !== true && listOption(values, 'advertise').length === 0;
  return {
    servers: discover ? [...bootstrap, ...bootstrapEndpoints(stun, 'stun')] : [],
    bootstrap,
    relay,
    host: stringOption(values, 'host'),
  };
}

/**
 * Builds the NAT stack of `pnrp node` on the socket (cli/nat-stack.ts): discovery, keep-alives
 * behind a NAT, a relay reservation when unreachable, and, for the accepter, punching on its own.
 */
function startStack(
  n: NatArgs,
  transport: UdpTransport,
  print: PrintEvent,
  stopped: Promise<unknown>,
  autoPunch: boolean,
): Promise<NatStack> {
  return startNatStack({
    transport,
    port: transport.port,
    host: n.host,
    servers: n.servers,
    bootstrap: n.bootstrap,
    relay: n.relay,
    autoPunch,
    print,
    stopped,
  });
}

/**
 * The endpoints an offer publishes: the stack's (a confirmed public address, a relayed one, or
 * the socket's), or, when discovery found a candidate but no second node could dial back, that
 * candidate (the NAT mapping the bootstrap sees) rather than the socket's private address.
 */
function offerEndpoints(stack: NatStack, print: PrintEvent): void {
  const candidate = stack.address.running.node.candidate;
  if (stack.publicEndpoint || stack.relay.relayed || candidate === undefined) return;
  if (stack.address.unconfirmedReason() !== 'no-helper') return;
  stack.address.split.pnrp.advertise([candidate]);
  print(
    'address',
    { state: 'publishing-candidate', endpoint: formatEndpoint(candidate) },
    `publishing the unconfirmed address ${formatEndpoint(candidate)} (--stun a second node to confirm it)`,
  );
}

/** Runs `pnrp easy-connect`; returns the exit code. */
export async function runEasyConnectCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'offer') return runOffer(rest);
  if (sub === 'accept') return runAccept(rest);
  throw new UsageError(
    sub === undefined ? 'say offer or accept' : `unknown subcommand "${sub}" (offer or accept)`,
  );
}

async function runOffer(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const password = passwordOf(values);
  const port = intOption(values, 'port', 0, 0, 65535);
  if (port !== 0 && port <= 1024) throw new UsageError('--port must be 0 or above 1024');
  const attemptsMax = intOption(values, 'attempts', 5, 1, 100);
  const timeoutMs = intOption(values, 'timeout', 600_000, 1000, 86_400_000);
  const nat = natArgs(values);
  const bootstrap = nat.bootstrap;
  const cloud = cloudOption(values);
  const out = new Printer(values.json === true);
  const print: PrintEvent = (e, f, t) => out.print(e, f, t);
  const signals = untilSignal();
  const transport = await openSocket(values, port);
  const logger = debugLogger();
  let stack: NatStack | undefined;
  try {
    stack = await startStack(nat, transport, print, signals.stopped, false);
    offerEndpoints(stack, print);
    const offer = await offerEasyConnect({
      transport: stack.transport,
      password,
      bootstrap,
      resolveHost: dnsResolver,
      cloud,
      crypto: nodeCrypto,
      attemptsMax,
      ...(logger ? { logger } : {}),
      onEvent: (e) => {
        if (e.type === 'attempt')
          out.print(
            'attempt',
            { from: formatEndpoint(e.from), attempt: e.attempt },
            `handshake ${e.attempt} from ${formatEndpoint(e.from)}`,
          );
        else if (e.type === 'attempt-failed')
          out.print(
            'attempt-failed',
            { from: formatEndpoint(e.from), reason: e.reason, failures: e.failures, attemptsMax },
            `refused ${formatEndpoint(e.from)}: ${e.reason} (${e.failures} of ${attemptsMax} attempts used)`,
          );
      },
    });
    const endpoints = offer.endpoints.map(formatEndpoint);
    const relayedVia = stack.relay.client ? formatEndpoint(stack.relay.client.relayEndpoint) : null;
    out.print(
      'offer',
      { code: offer.code, peerName: offer.peerName, endpoints, natted: stack.natted, relayedVia },
      `Easy Connect code: ${offer.code}\n(published as ${offer.peerName} at ${endpoints.join(', ')}; waiting)`,
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      offer.connected.then(
        (c) => ({ c }),
        (error: unknown) => ({ error }),
      ),
      signals.stopped.then((signal) => ({ signal })),
      new Promise<{ timeout: true }>((r) => {
        timer = setTimeout(() => r({ timeout: true }), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if ('c' in outcome) {
      out.print(
        'connected',
        connectedFields(outcome.c),
        `connected to ${formatEndpoint(outcome.c.peer)}; confirmation ${outcome.c.confirmation}`,
      );
      await Promise.race([new Promise((r) => setTimeout(r, LINGER_MS)), signals.stopped]);
    }
    await offer.close();
    if ('c' in outcome) return 0;
    if ('error' in outcome) {
      const e = outcome.error as Error;
      out.print('closed', { code: (e as EasyConnectError).code, message: e.message }, e.message);
      return 1;
    }
    if ('signal' in outcome) {
      out.print('stopped', { signal: outcome.signal }, `stopped on ${outcome.signal}`);
      return 1;
    }
    out.print('timeout', { timeoutMs }, `nobody connected within ${timeoutMs} ms`);
    return 1;
  } catch (e) {
    if (e instanceof EasyConnectError) {
      process.stderr.write(`pnrp easy-connect offer: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    signals.dispose();
    await stack?.stop();
    await transport.close();
  }
}

async function runAccept(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  const [codeText, ...extra] = positionals;
  if (codeText === undefined || extra.length > 0)
    throw new UsageError('expected exactly one code, e.g. pnrp easy-connect accept ABCD-EFGH-JKMN');
  const code = parseEasyConnectCode(codeText);
  if (!code.ok) throw new UsageError(`invalid code "${codeText}": ${code.error.detail}`);
  for (const only of ['port', 'advertise', 'attempts'])
    if (values[only] !== undefined) throw new UsageError(`--${only} is an option of offer`);
  const password = passwordOf(values);
  const timeoutMs = intOption(values, 'timeout', 15_000, 100, 600_000);
  const nat = natArgs(values);
  const bootstrap = nat.bootstrap;
  const cloud = cloudOption(values);
  const out = new Printer(values.json === true);
  const verbose = values.verbose === true;
  const print: PrintEvent = (e, f, t) => {
    if (verbose) out.print(e, f, t);
  };
  const transport = await openSocket(values, 0);
  const logger = debugLogger();
  let stack: NatStack | undefined;
  try {
    // Punching on its own: the offer's NAT filters the resolve's INQUIRE and the handshake's hello
    // until the offer, asked by a rendezvous it keeps alive with, probes back.
    stack = await startStack(nat, transport, print, new Promise(() => {}), true);
    const c = await acceptEasyConnect(code.value, {
      transport: stack.transport,
      password,
      bootstrap,
      resolveHost: dnsResolver,
      cloud,
      crypto: nodeCrypto,
      resolveTimeoutMs: timeoutMs,
      ...(logger ? { logger } : {}),
    });
    out.print(
      'connected',
      connectedFields(c),
      `connected to ${formatEndpoint(c.peer)}; confirmation ${c.confirmation}`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof EasyConnectError)) throw e;
    if (values.json === true) out.print('failed', { code: e.code, message: e.message }, '');
    process.stderr.write(`pnrp easy-connect accept: ${e.code}: ${e.message}\n`);
    return 1;
  } finally {
    await stack?.stop();
    await transport.close();
  }
}
