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
import { formatEndpoint } from '../keys/endpoint.js';
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
import { untilSignal } from './node-command.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp easy-connect`. */
export const EASY_CONNECT_USAGE: string = `usage: pnrp easy-connect offer --password P [--bootstrap HOST:PORT ...] [--port P] [--host ADDR]
                               [--advertise ADDR ...] [--attempts K] [--timeout MS] [--json]
       pnrp easy-connect accept CODE --password P [--bootstrap HOST:PORT ...] [--host ADDR]
                               [--timeout MS] [--json]

Easy Connect: "offer" publishes a fresh peer name in the cloud and prints its code, 12 easy to
read characters (XXXX-XXXX-XXXX); read it and the password to the other person, who runs
"accept CODE". The password is checked by a password-authenticated key exchange: a wrong one is
refused, and after --attempts failed handshakes the offer closes. Once connected both sides
print the other's endpoint and the same confirmation (XXXX-XXXX) to compare.
  --password P            the shared password (or set PNRP_EASY_CONNECT_PASSWORD)
  --bootstrap HOST:PORT   a node of the cloud (pnrp node); repeatable
  --port P                offer: UDP port (default 0: ephemeral)
  --host ADDR             local address to bind (default: every interface)
  --advertise ADDR        offer: address to publish (repeatable, up to 4); the offerer must be
                          reachable there (a public address; NAT traversal is not used here)
  --attempts K            offer: failed handshakes before the offer closes, 1..100 (default 5)
  --timeout MS            offer: how long to wait for an accepter (default 600000);
                          accept: how long to look for the offer (default 15000)
  --cloud NAME            cloud (default Global_)
  --json                  print one JSON object per line
exit codes: 0 connected; 1 refused, not found or timed out (the message says which); 2 usage error
`;

const OPTIONS = {
  password: { type: 'string' },
  bootstrap: { type: 'string', multiple: true, short: 'b' },
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  advertise: { type: 'string', multiple: true },
  attempts: { type: 'string' },
  timeout: { type: 'string' },
  cloud: { type: 'string' },
  json: { type: 'boolean' },
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
  const bootstrap = bootstrapEndpoints(listOption(values, 'bootstrap'));
  const cloud = cloudOption(values);
  const out = new Printer(values.json === true);
  const signals = untilSignal();
  const transport = await openSocket(values, port);
  const logger = debugLogger();
  try {
    const offer = await offerEasyConnect({
      transport,
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
    out.print(
      'offer',
      { code: offer.code, peerName: offer.peerName, endpoints },
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
  const bootstrap = bootstrapEndpoints(listOption(values, 'bootstrap'));
  const cloud = cloudOption(values);
  const out = new Printer(values.json === true);
  const transport = await openSocket(values, 0);
  const logger = debugLogger();
  try {
    const c = await acceptEasyConnect(code.value, {
      transport,
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
    await transport.close();
  }
}
