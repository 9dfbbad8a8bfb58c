/**
 * A notice board on the DHT, in one process over loopback UDP: four DHT nodes form a cloud, one
 * pins an immutable notice and a signed, updatable status, another reads both and follows the
 * status with `listen` while its writer updates it; then the writer deletes it.
 *
 *   npx tsx examples/dht-board/board.ts
 */
import { createUdpTransport, nodeCrypto } from '../../src/adapters/node/index.js';
import { type Dht, openDht } from '../../src/dht/index.js';
import { createIdentity, PnrpError } from '../../src/index.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const nodes: Dht[] = [];
for (let i = 0; i < 4; i++) {
  const transport = await createUdpTransport({ port: 0, host: '127.0.0.1' });
  const seed = nodes[0]?.localEndpoints[0];
  nodes.push(openDht({ transport, crypto: nodeCrypto, ...(seed ? { bootstrap: [seed] } : {}) }));
}
await Promise.all(nodes.slice(1).map((n) => n.whenActive({ timeoutMs: 10_000 })));
await new Promise((r) => setTimeout(r, 1_000)); // the registrations settle into leaf sets
const [writer, reader] = nodes as [Dht, Dht];

const notice = await writer.put('meeting at noon');
console.log(`pinned notice ${hex(notice.key).slice(0, 16)}...`);
console.log(`read notice: ${text((await reader.get(notice.key)).value)}`);

const me = createIdentity();
const first = await writer.putMutable('status: in', { writer: me, salt: 'status' });
const changes = reader.listen(first.key, { intervalMs: 200 });
for await (const record of changes) {
  console.log(`status seq ${record.seq}: ${record.deleted ? '(deleted)' : text(record.value)}`);
  if (record.seq === 1) await writer.putMutable('status: out', { writer: me, salt: 'status' });
  else if (record.seq === 2) await writer.delete({ writer: me, salt: 'status' });
  else break;
}
try {
  await reader.getMutable(me.publicKey, { salt: 'status' });
} catch (e) {
  if (e instanceof PnrpError) console.log(`status now: ${e.code} (${e.reason})`);
}
await Promise.all(nodes.map((n) => n.close()));
