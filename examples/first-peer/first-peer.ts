// First start a bootstrap-only node in another terminal: npx pnrp node --port 3540

import { createUdpTransport, nodeCrypto } from '../../src/adapters/node/index.js';
import { createPeer, formatEndpoint } from '../../src/index.js';

const bootstrap = [process.env.PNRP_BOOTSTRAP ?? '127.0.0.1:3540'];
const alice = createPeer({
  transport: await createUdpTransport({ port: 0 }), // 0: any free port
  bootstrap,
  crypto: nodeCrypto,
});
const bob = createPeer({
  transport: await createUdpTransport({ port: 0 }),
  bootstrap,
  crypto: nodeCrypto,
});

// No whenActive() needed: operations wait for the join, and reject with why it failed
// (e.g. NO_BOOTSTRAP_ANSWER, naming the endpoints tried).
await alice.register({ peerName: '0.alice-chat' });
const [found] = await bob.resolve('0.alice-chat', { signal: AbortSignal.timeout(10_000) });
console.log(`found ${found.peerName} at ${found.endpoints.map(formatEndpoint).join(', ')}`);

await alice.close();
await bob.close();
