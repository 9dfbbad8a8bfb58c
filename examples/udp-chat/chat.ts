/**
 * Two terminals find each other by peer name over UDP. Each publishes `0.chat-<name>` in PNRP
 * with the address of its chat socket; `@bob hello` resolves `0.chat-bob` (the answer is a CPA
 * the owner signed for this very request) and sends the line there.
 *
 *   npx tsx examples/udp-chat/chat.ts --name alice --port 4000
 *   npx tsx examples/udp-chat/chat.ts --name bob --port 4001 --bootstrap 127.0.0.1:4000
 *   > @alice hello
 *   (alice's terminal) bob: hello
 *
 * Secured names work the same way with an identity: `<authority>.chat-bob` (see `pnrp identity`).
 */
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createUdpTransport, nodeCrypto } from '../../src/adapters/node/index.js';
import { createPeer, formatAddress, formatEndpoint, PnrpError } from '../../src/index.js';

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'anonymous' },
    port: { type: 'string', default: '4000' },
    bootstrap: { type: 'string', multiple: true, default: [] },
  },
});
const port = Number(values.port);

// PNRP runs on `port`; chat lines travel on a plain UDP socket at port + 1000.
const transport = await createUdpTransport({ port, host: '127.0.0.1' });
const chat = createSocket('udp4');
await new Promise<void>((bound) => chat.bind(port + 1000, '127.0.0.1', bound));
chat.on('message', (bytes) => {
  const { from, text } = JSON.parse(bytes.toString()) as { from: string; text: string };
  console.log(`${from}: ${text}`);
});

const peer = createPeer({ transport, crypto: nodeCrypto, bootstrap: values.bootstrap });
peer.on('status', (e) => console.log(`[${e.cloud} is ${e.status}]`));
// Join first when there is someone to ask, so the registration walk can reach them at once.
if (values.bootstrap.length > 0) await peer.whenActive({ timeoutMs: 10_000 }).catch(() => {});
const self = transport.localEndpoints()[0]!;
const registration = await peer.register({
  peerName: `0.chat-${values.name}`,
  endpoints: [{ address: self.address, port: port + 1000 }],
  friendlyName: values.name,
});
console.log(`published 0.chat-${values.name} (${registration.state}); type "@name message"`);

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const m = /^@(\S+)\s+(.*)$/.exec(line.trim());
  if (!m) return console.log('usage: @name message');
  try {
    const [found] = await peer.resolve(`0.chat-${m[1]}`, { timeoutMs: 5_000 });
    const to = found!.endpoints[0]!;
    chat.send(
      JSON.stringify({ from: values.name, text: m[2] }),
      to.port,
      formatAddress(to.address),
    );
    console.log(`(sent to ${found!.friendlyName} at ${formatEndpoint(to)})`);
  } catch (e) {
    console.log(e instanceof PnrpError ? `${m[1]}: ${e.code}` : String(e));
  }
});
lines.on('close', async () => {
  await peer.close(); // floods the revoke: the others stop finding us at once
  chat.close();
});
