/** Test helpers: attackers that publish forged CPAs inside a simulated PNRP cloud. */
import { nodeCrypto } from '../../../src/adapters/node/node-crypto.js';
import { encodeCpa, encodeCpaSignedSpan } from '../../../src/cpa/encode.js';
import { filetimeFromUnixMs } from '../../../src/cpa/filetime.js';
import { staticBootstrap } from '../../../src/drt/bootstrap-provider.js';
import { DrtNode } from '../../../src/drt/node.js';
import type { KeyRecord, SecurityProvider } from '../../../src/drt/security-provider.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { binaryAuthorityOf, classifierHashOf } from '../../../src/keys/ids.js';
import type { Key } from '../../../src/keys/key256.js';
import { parsePeerName } from '../../../src/keys/peer-name.js';
import { cpaSecurityProvider } from '../../../src/pnrp/cpa-security-provider.js';
import type { PnrpEvent } from '../../../src/pnrp/types.js';
import type { SansIoNode } from '../../../src/sans-io.js';
import type { SimNodeHandle } from '../../../src/sim/node-table.js';
import type { PnrpCloud } from '../../../src/sim/pnrp-cloud.js';
import { PNRP_VERSION } from '../../../src/wire/types.js';

/** A CPA for `peerName` carrying `publicKey`, signed with `secretKey` (or a garbage signature). */
export function forgeCpa(o: {
  peerName: string;
  serviceLocation: Uint8Array;
  nonce: Uint8Array;
  publicKey: Uint8Array;
  secretKey: Uint8Array | undefined;
  notAfterMs: number;
  endpoints: readonly Endpoint[];
}): Uint8Array {
  const name = parsePeerName(o.peerName);
  const fields = {
    revoke: false,
    hasExtendedPayload: false,
    notAfterFiletime: filetimeFromUnixMs(Math.floor(o.notAfterMs)),
    serviceLocation: o.serviceLocation,
    nonce: o.nonce,
    ...(name.secured ? { binaryAuthority: binaryAuthorityOf(name) } : {}),
    classifierHash: classifierHashOf(name.classifier, nodeCrypto),
    serviceEndpoints: o.endpoints,
    appEndpoints: [],
    publicKey: o.publicKey,
  };
  const span = encodeCpaSignedSpan(fields);
  const signature = o.secretKey
    ? nodeCrypto.ed25519Sign(span, o.secretKey)
    : new Uint8Array(64).fill(0x5a);
  return encodeCpa({ ...fields, signature, secured: name.secured });
}

/**
 * Adds a bare DrtNode to the cloud that publishes `key` and answers INQUIREs with whatever
 * `secureRecord` makes; it validates others honestly so it can join.
 */
export function addAttacker(
  cloud: PnrpCloud,
  key: Key,
  secureRecord: (record: KeyRecord, nowWallMs: number) => Uint8Array,
  extras?: SecurityProvider['authorityExtras'],
): SimNodeHandle<SansIoNode<PnrpEvent>> {
  const seeds = cloud.seeds();
  const honest = cpaSecurityProvider({ crypto: nodeCrypto });
  const security: SecurityProvider = {
    name: 'attacker',
    checkRegistration: () => undefined,
    secureRecord,
    validateRecord: honest.validateRecord,
    ...(extras ? { authorityExtras: extras } : {}),
  };
  const handle = cloud.sim.addNode(
    (ctx) =>
      new DrtNode({
        rng: ctx.rng,
        wallClock: ctx.wallClock,
        localEndpoints: [ctx.endpoint],
        bootstrap: staticBootstrap(seeds),
        version: PNRP_VERSION,
        crypto: nodeCrypto,
        security,
        trace: (line) => {
          if (line.startsWith('faulted')) console.log(line);
        },
      }) as unknown as SansIoNode<PnrpEvent>,
  );
  cloud.sim.call(handle, (node, now) => {
    const drt = node as unknown as DrtNode;
    drt.registerKey(now, key);
    drt.start(now);
  });
  return handle;
}
