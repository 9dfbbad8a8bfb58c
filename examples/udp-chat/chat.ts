/**
 * Two terminals find each other by key over UDP: each registers SHA-256("chat:" + name) with its
 * name as application data; type another name to resolve it (exact search) and see where it is.
 *
 *   npx tsx examples/udp-chat/chat.ts --port 4001 --bootstrap [::1]:4000 --name bob
 *   npx tsx examples/udp-chat/chat.ts --port 4000 --bootstrap [::1]:4001 --name alice
 *   > bob
 *   bob is at [::1]:4001
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createUdpTransport, nodeCrypto } from '../../src/adapters/node/index.js';
import {
  DrtNode,
  formatEndpoint,
  type Key,
  parseEndpoint,
  runNode,
  staticBootstrap,
  systemRng,
} from '../../src/index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4000' },
    bootstrap: { type: 'string', multiple: true, default: [] },
    name: { type: 'string', default: 'anonymous' },
  },
});

const keyOf = (name: string): Key => nodeCrypto.sha256(new TextEncoder().encode(`chat:${name}`));

const transport = await createUdpTransport({ port: Number(values.port), host: '::' });
const node = new DrtNode({
  rng: systemRng(),
  crypto: nodeCrypto,
  localEndpoints: transport.localEndpoints(),
  bootstrap: staticBootstrap(values.bootstrap.map(parseEndpoint)),
});
const looking = new Map<number, string>();
const running = runNode(node, transport, undefined, {
  onEvent(event) {
    if (event.type === 'registration-state-changed')
      console.log(`[${values.name}: ${event.state}]`);
    if (event.type === 'search-result' && event.result.type === 'exact') {
      const who = new TextDecoder().decode(event.result.appData);
      console.log(`${who} is at ${formatEndpoint(event.result.endpoint)}`);
    }
    if (event.type === 'search-done') {
      if (event.failure) console.log(`${looking.get(event.searchId)}: ${event.failure}`);
      looking.delete(event.searchId);
    }
  },
});
running.command((n, now) => {
  n.registerKey(now, keyOf(values.name), new TextEncoder().encode(values.name));
  n.start(now);
});
console.log(`${values.name} on port ${transport.port}; type a name to find it, Ctrl-D to leave`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const name = line.trim();
  if (name)
    looking.set(
      running.command((n, now) => n.search(now, keyOf(name))),
      name,
    );
});
lines.on('close', async () => {
  running.command((n, now) => n.close(now));
  await new Promise((r) => setTimeout(r, 100)); // let the leave go out
  running.stop();
  await transport.close();
});
