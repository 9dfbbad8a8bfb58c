/**
 * @module sim/signed-key-provider
 * A small securing DRT security provider for simulations ([MC-DRT] §1.3 provider seam): each node
 * holds an Ed25519 key pair and may register exactly one key, SHA-256 of its public key (a
 * self-certifying key, like the derived-key provider's but without certificates, so thousands of
 * simulated nodes cost no certificate issuance). Proofs bind (key, nonce, revoke flag, endpoints,
 * application data) and the public key under an Ed25519 signature; a resolver accepts one only
 * when the key is SHA-256 of the enclosed public key and the signature and nonce hold. So a node
 * can not prove a key that is not its own: the provider the attack scenarios use for "DRT keys
 * under a securing provider".
 *
 * Record layout (ours): the common key-record fields of `drt/key-record-codec` under magic
 * "SKP1", then the public key (32) and the signature (64) over every byte before it.
 */
import { KEY_RECORD_APP_DATA_MAX, readKeyRecord, writeKeyRecord } from '../drt/key-record-codec.js';
import type { KeyRecord, RecordVerdict, SecurityProvider } from '../drt/security-provider.js';
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import type { Key } from '../keys/key256.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import { equalBytes } from '../util/bytes.js';
import { seededRng } from '../util/rng.js';

const SKP_MAGIC = 0x534b5031; // "SKP1"

/**
 * A provider of {@link signedKeySecurityProvider}: the key it may register and its refusals.
 * @example cloud.join() registers provider.key
 */
export interface SignedKeySecurityProvider extends SecurityProvider {
  /** The only key this node may register: SHA-256 of its public key. */
  readonly key: Key;
  /** Remote proofs refused, by reason. */
  readonly refusals: Readonly<Record<string, number>>;
}

/**
 * A provider for a node holding `secretKey` (32 bytes, e.g. from the node's seeded stream).
 * @example const p = signedKeySecurityProvider({ secretKey: rng.bytes(32) }); node.registerKey(now, p.key);
 */
export function signedKeySecurityProvider(options: {
  readonly secretKey: Uint8Array;
  /** @default nobleCrypto */
  readonly crypto?: CryptoBackend;
}): SignedKeySecurityProvider {
  if (!(options.secretKey instanceof Uint8Array) || options.secretKey.length !== 32) {
    throw new TypeError('secretKey must be 32 bytes');
  }
  const crypto = options.crypto ?? nobleCrypto;
  const secretKey = options.secretKey.slice();
  const publicKey = crypto.ed25519PublicKey(secretKey);
  const key = crypto.sha256(publicKey);
  const refusals: Record<string, number> = {};
  const refuse = (reason: string): RecordVerdict => {
    refusals[reason] = (refusals[reason] ?? 0) + 1;
    return { ok: false, reason };
  };
  return {
    name: 'signed-key',
    key,
    refusals,
    checkRegistration(k, appData) {
      if (!equalBytes(k, key)) return 'only SHA-256 of this node public key may be registered';
      if (appData.length > KEY_RECORD_APP_DATA_MAX)
        return `app data is ${appData.length} bytes, at most ${KEY_RECORD_APP_DATA_MAX}`;
      return undefined;
    },
    secureRecord(record: KeyRecord) {
      const w = new ByteWriter(160 + record.appData.length);
      writeKeyRecord(w, SKP_MAGIC, record);
      w.bytes(publicKey);
      const body = w.finish();
      const out = new Uint8Array(body.length + 64);
      out.set(body);
      out.set(crypto.ed25519Sign(body, secretKey), body.length);
      return out;
    },
    validateRecord(bytes, expect) {
      const decoded = decodeWith(() => {
        const r = new ByteReader(bytes);
        const record = readKeyRecord(r, SKP_MAGIC, 'signed-key');
        const pub = r.bytes(32);
        const signed = bytes.length - r.remaining;
        const signature = r.bytes(64);
        if (r.remaining !== 0) fail('trailing-bytes', `${r.remaining} bytes after the record`);
        return { record, pub, signed, signature };
      });
      if (!decoded.ok) return refuse('malformed');
      const { record, pub, signed, signature } = decoded.value;
      if (expect.key !== undefined && !equalBytes(record.key, expect.key))
        return refuse('id-mismatch');
      if (record.revoke !== expect.revoke) return refuse(record.revoke ? 'revoked' : 'malformed');
      if (expect.nonce !== undefined && !equalBytes(record.nonce, expect.nonce))
        return refuse('nonce-mismatch');
      if (!equalBytes(crypto.sha256(pub), record.key)) return refuse('key-not-derived');
      if (!crypto.ed25519Verify(signature, bytes.subarray(0, signed), pub))
        return refuse('bad-signature');
      return {
        ok: true,
        record: {
          key: record.key,
          appData: record.appData,
          endpoints: record.endpoints,
          revoke: record.revoke,
          proof: undefined,
        },
      };
    },
  };
}

/**
 * `DrtCloud` options under which node `i` holds a {@link signedKeySecurityProvider} (secret key
 * from `seededRng(seed).fork('signed-key:<i>')`) and registers its key. The simulator gives node
 * `i` member index `i` when nothing else is added to the simulation, as in `DrtCloud`.
 * @example new DrtCloud({ seed: 1, ...signedKeyCloud({ seed: 1, crypto }) })
 */
export function signedKeyCloud(options: {
  readonly seed: number | string;
  readonly crypto?: CryptoBackend;
}): {
  /** The node options of member `index`: its signed-key security provider. */
  readonly nodeOptions: (index: number) => { security: SecurityProvider; crypto?: CryptoBackend };
  /** The key member `index` publishes. */
  readonly keyOf: (index: number) => Key;
  readonly providers: readonly SignedKeySecurityProvider[];
} {
  const root = seededRng(options.seed);
  const providers: SignedKeySecurityProvider[] = [];
  const providerOf = (i: number): SignedKeySecurityProvider => {
    providers[i] ??= signedKeySecurityProvider({
      secretKey: root.fork(`signed-key:${i}`).bytes(32),
      ...(options.crypto ? { crypto: options.crypto } : {}),
    });
    return providers[i]!;
  };
  return {
    nodeOptions: (i) => ({
      security: providerOf(i),
      ...(options.crypto ? { crypto: options.crypto } : {}),
    }),
    keyOf: (i) => providerOf(i).key,
    providers,
  };
}
