/**
 * Easy Connect, as Windows 7 Remote Assistance did it: one person offers and reads out a code of
 * 12 easy to read characters and a password; the other types both in. Over UDP, through any
 * running node of the cloud (`pnrp node`):
 *
 *   npx pnrp node --port 3540                       (or any node of the cloud)
 *   npx tsx examples/easy-connect/easy-connect.ts offer --password "blue tulip" --bootstrap 127.0.0.1:3540
 *     read this out: K7QX-3MNP-A9RT
 *   npx tsx examples/easy-connect/easy-connect.ts accept K7QX-3MNP-A9RT --password "blue tulip" --bootstrap 127.0.0.1:3540
 *
 * Both then print the other's endpoint and the same confirmation, and share a 32-byte session
 * key, e.g. to key an encrypted channel on the same socket. A wrong password is refused, and the
 * offer closes after five failed handshakes. `pnrp easy-connect offer|accept` does the same.
 */
import { parseArgs } from 'node:util';
import {
  acceptEasyConnect,
  createUdpTransport,
  dnsResolver,
  EasyConnectError,
  nodeCrypto,
  offerEasyConnect,
} from '../../src/adapters/node/index.js';
import { formatEndpoint } from '../../src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    password: { type: 'string', default: '' },
    bootstrap: { type: 'string', multiple: true, default: [] },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
const [mode, code] = positionals;
// One socket carries both the cloud (PNRP) and the handshake; the offer publishes its endpoints.
const transport = await createUdpTransport({ port: 0, host: values.host });
const common = {
  transport,
  password: values.password,
  bootstrap: values.bootstrap,
  resolveHost: dnsResolver,
  crypto: nodeCrypto,
};

try {
  if (mode === 'offer') {
    const offer = await offerEasyConnect({
      ...common,
      onEvent: (e) => {
        if (e.type === 'attempt-failed') console.log(`refused a handshake: ${e.reason}`);
      },
    });
    console.log(`read this out: ${offer.code}`);
    const { peer, confirmation } = await offer.connected;
    console.log(`connected to ${formatEndpoint(peer)}; confirmation ${confirmation}`);
    // Answer a retransmitted confirm for a moment (our last datagram may have been lost).
    await new Promise((linger) => setTimeout(linger, 1000));
    await offer.close();
  } else if (mode === 'accept' && code !== undefined) {
    const { peer, confirmation } = await acceptEasyConnect(code, common);
    console.log(`connected to ${formatEndpoint(peer)}; confirmation ${confirmation}`);
  } else {
    console.error('usage: easy-connect.ts offer | accept CODE  --password P --bootstrap HOST:PORT');
    process.exitCode = 2;
  }
} catch (e) {
  if (!(e instanceof EasyConnectError)) throw e;
  console.error(`${e.code}: ${e.message}`);
  process.exitCode = 1;
} finally {
  await transport.close();
}
