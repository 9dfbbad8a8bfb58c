/**
 * @module cli/identity-file
 * The identity file of the CLI: a small JSON document holding an Ed25519 key pair in hex and the
 * secured authority it owns (SHA-1 of the public key, docs/design.md §5), written with mode 0600.
 * Reading treats the file as hostile: size bound, JSON shape, hex lengths, the public key must
 * derive from the secret key and the authority from the public key. Every refusal is one
 * {@link IdentityFileError} with a readable message, never a stack trace.
 *
 * ```json
 * { "type": "pnrp-identity", "version": 1, "algorithm": "Ed25519",
 *   "authority": "<40 hex>", "publicKey": "<64 hex>", "secretKey": "<64 hex>" }
 * ```
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { authorityOf, createIdentity, type Identity } from '../keys/identity.js';
import { equalBytes, fromHex, toHex } from '../util/bytes.js';

/** The `type` field of an identity file. */
export const IDENTITY_FILE_TYPE: string = 'pnrp-identity';
/** Largest identity file read (a real one is about 300 bytes). */
export const IDENTITY_FILE_MAX_BYTES: number = 16 * 1024;

/** An identity file that cannot be written or read; `message` says why, naming the file. */
export class IdentityFileError extends Error {
  override name = 'IdentityFileError';
}

/**
 * The JSON text of an identity file.
 * @example writeFileSync(path, identityFileText(createIdentity()), { mode: 0o600 })
 */
export function identityFileText(identity: Identity): string {
  const doc = {
    type: IDENTITY_FILE_TYPE,
    version: 1,
    algorithm: 'Ed25519',
    authority: identity.authority,
    publicKey: toHex(identity.publicKey),
    secretKey: toHex(identity.secretKey),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Creates a new identity (a fresh key pair from the system CSPRNG, or from `seed`) and writes
 * it to `file` with mode 0600. Refuses an existing file unless `force`; with `force` the new file
 * replaces the old one atomically (written beside it, then renamed).
 * @example const me = saveNewIdentity('me.identity.json');
 */
export function saveNewIdentity(
  file: string,
  options: { force?: boolean; seed?: Uint8Array } = {},
): Identity {
  const identity = createIdentity(options.seed ?? randomBytes(32), nodeCrypto);
  const text = identityFileText(identity);
  if (!options.force) {
    writeExclusive(file, text);
    return identity;
  }
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${toHex(randomBytes(4))}`);
  writeExclusive(temp, text);
  try {
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new IdentityFileError(`cannot write ${file}: ${reason(e)}`);
  }
  return identity;
}

function writeExclusive(file: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EEXIST')
      throw new IdentityFileError(`${file} already exists; pass --force to overwrite it`);
    throw new IdentityFileError(`cannot write ${file}: ${reason(e)}`);
  }
  try {
    writeSync(fd, text);
  } catch (e) {
    throw new IdentityFileError(`cannot write ${file}: ${reason(e)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and checks an identity file written by `pnrp identity new`.
 * @example const alice = loadIdentity('alice.identity.json'); `${alice.authority}.chat`
 * @throws IdentityFileError with a one-line reason for anything unreadable or inconsistent.
 */
export function loadIdentity(file: string): Identity {
  return parseIdentityFile(readBounded(file), file);
}

/**
 * Checks the text of an identity file; `file` only names it in messages.
 * @throws IdentityFileError
 */
export function parseIdentityFile(text: string, file = 'identity file'): Identity {
  const fail = (why: string): never => {
    throw new IdentityFileError(`${file}: ${why}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail('not a pnrp identity file (not JSON); create one with pnrp identity new');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return fail('not a pnrp identity file (expected a JSON object)');
  const o = doc as Record<string, unknown>;
  if (o.type !== IDENTITY_FILE_TYPE)
    return fail(`not a pnrp identity file (type must be "${IDENTITY_FILE_TYPE}")`);
  if (o.version !== 1) return fail('unsupported version (expected 1)');
  if (o.algorithm !== undefined && o.algorithm !== 'Ed25519')
    return fail('unsupported algorithm (expected Ed25519)');
  const hex = (field: string, digits: number): Uint8Array => {
    const v = o[field];
    if (typeof v !== 'string' || v.length !== digits || !/^[0-9a-fA-F]+$/.test(v))
      return fail(`${field} must be ${digits} hex digits`);
    return fromHex(v);
  };
  const secretKey = hex('secretKey', 64);
  const publicKey = hex('publicKey', 64);
  const authority = hex('authority', 40);
  let derived: Uint8Array;
  try {
    derived = nodeCrypto.ed25519PublicKey(secretKey);
  } catch {
    return fail('secretKey is not a valid Ed25519 secret key');
  }
  if (!equalBytes(derived, publicKey))
    return fail('publicKey does not belong to secretKey (file damaged or edited)');
  const expected = authorityOf(publicKey, nodeCrypto);
  if (toHex(authority) !== expected)
    return fail('authority is not the SHA-1 of publicKey (file damaged or edited)');
  return { publicKey, secretKey, authority: expected };
}

function readBounded(file: string): string {
  let fd: number;
  try {
    // Non-blocking, so a FIFO given by mistake is refused instead of hanging the command.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new IdentityFileError(`cannot read identity file ${file}: ${reason(e)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new IdentityFileError(`${file}: not a regular file`);
    if (stat.size > IDENTITY_FILE_MAX_BYTES)
      throw new IdentityFileError(
        `${file}: too large for an identity file (${stat.size} bytes, at most ${IDENTITY_FILE_MAX_BYTES})`,
      );
    const buffer = Buffer.alloc(IDENTITY_FILE_MAX_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > IDENTITY_FILE_MAX_BYTES)
        throw new IdentityFileError(`${file}: too large for an identity file`);
    }
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    try {
      return text.decode(buffer.subarray(0, length));
    } catch {
      throw new IdentityFileError(`${file}: not a pnrp identity file (not UTF-8 text)`);
    }
  } catch (e) {
    if (e instanceof IdentityFileError) throw e;
    throw new IdentityFileError(`cannot read identity file ${file}: ${reason(e)}`);
  } finally {
    closeSync(fd);
  }
}

function reason(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (err?.code === 'ENOENT') return 'no such file';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a directory';
  if (typeof err?.code === 'string') return err.code;
  return typeof err?.message === 'string' ? err.message : String(e);
}
