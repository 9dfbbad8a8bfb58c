/**
 * @module pnrp/registration
 * Turns `register` options into the CPA registration a cloud's provider signs for ([MS-PNRP]
 * §3.2.4.1): checks the identity against the name's authority, the endpoint and payload limits,
 * derives the service location (the endpoint's IPv6 /64 or the application's hint, then a random
 * 64-bit suffix from the injected Rng) and the PNRP ID, and signs one CPA and extended payload at
 * once so every field is validated before anything reaches the network.
 */
import { APP_ENDPOINTS_MAX } from '../cpa/constants.js';
import type { ExtendedPayloadData } from '../cpa/extended-payload.js';
import { createExtendedPayload } from '../cpa/extended-payload-verify.js';
import { type AppEndpoint, IP_PROTOCOL } from '../cpa/model.js';
import { createCpa } from '../cpa/sign.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import { type Endpoint, isIpv4Mapped } from '../keys/endpoint.js';
import { authorityOf, type Identity } from '../keys/identity.js';
import { p2pIdOf, pnrpIdOf } from '../keys/ids.js';
import { parsePeerName } from '../keys/peer-name.js';
import { concatBytes } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import type { CpaRegistration } from './cpa-security-provider.js';
import type { RegistrationEndpoint } from './types.js';

/**
 * Inputs of {@link buildRegistration}.
 * @example buildRegistration({ peerName: '0.chat', identity: undefined, nodeIdentity, endpoints: [], friendlyName: undefined, extendedPayload: undefined, serviceLocationPrefix: undefined, rng, crypto, nowWallMs })
 */
export interface RegistrationInput {
  readonly peerName: string;
  readonly identity: Identity | undefined;
  /** Signs unsecured names. */
  readonly nodeIdentity: Identity;
  readonly endpoints: readonly RegistrationEndpoint[];
  readonly friendlyName: string | undefined;
  readonly extendedPayload: Uint8Array | string | undefined;
  readonly serviceLocationPrefix: Uint8Array | undefined;
  /** A chain delegating the name's authority to `identity` ([MS-PNRP] §3.1.5.10). */
  readonly certChain?: Uint8Array | undefined;
  /** Keeps the suffix of an earlier registration of the same name (address change). */
  readonly suffix?: Uint8Array;
  readonly rng: Rng;
  readonly crypto: CryptoBackend;
  readonly nowWallMs: number;
}

/**
 * Validates and builds a registration. Throws TypeError/RangeError with a clear message.
 * @example buildRegistration({ peerName: '0.chat', identity: undefined, nodeIdentity, endpoints, ... })
 */
export function buildRegistration(input: RegistrationInput): CpaRegistration {
  const name = parsePeerName(input.peerName);
  let identity = input.nodeIdentity;
  if (name.secured) {
    if (!input.identity) {
      throw new RangeError(
        `"${name.text}" is a secured name: register it with the identity whose authority is ${name.authority}`,
      );
    }
    const own = authorityOf(input.identity.publicKey, input.crypto);
    if (input.identity.authority !== own) {
      throw new RangeError(
        `identity claims authority ${input.identity.authority} but its public key hashes to ${own}`,
      );
    }
    if (own !== name.authority && input.certChain === undefined) {
      throw new RangeError(
        `identity ${own} cannot register "${name.text}": the name carries authority ${name.authority} (a delegated name needs certChain)`,
      );
    }
    // Delegated: the CPA carries the name's authority, signed with the delegate's key; resolvers
    // accept it only through the chain (the INQUIRE's C flag and their authority verifier).
    identity =
      own === name.authority ? input.identity : { ...input.identity, authority: name.authority };
  } else if (input.certChain !== undefined) {
    throw new RangeError(
      `"${name.text}" is unsecured: a certificate chain delegates only secured names`,
    );
  }
  if (input.certChain !== undefined && !(input.certChain instanceof Uint8Array))
    throw new TypeError('certChain must be a Uint8Array');
  const appEndpoints = toAppEndpoints(input.endpoints);
  const prefix = input.serviceLocationPrefix ?? prefixOf(input.endpoints);
  if (!(prefix instanceof Uint8Array) || prefix.length !== 8) {
    throw new RangeError('serviceLocationPrefix must be 8 bytes');
  }
  const suffix = input.suffix ?? input.rng.bytes(8);
  const serviceLocation = concatBytes(prefix, suffix);
  const pnrpId = pnrpIdOf(p2pIdOf(name, input.crypto), serviceLocation);
  const extendedPayload = toPayload(input.extendedPayload);
  const reg: CpaRegistration = {
    peerName: name.text,
    classifier: name.classifier,
    identity,
    pnrpId,
    serviceLocation,
    appEndpoints,
    ...(input.friendlyName !== undefined ? { friendlyName: input.friendlyName } : {}),
    ...(extendedPayload ? { extendedPayload } : {}),
    ...(input.certChain ? { certChain: input.certChain.slice() } : {}),
  };
  trialSign(reg, input);
  return reg;
}

function toAppEndpoints(endpoints: readonly RegistrationEndpoint[]): AppEndpoint[] {
  if (!Array.isArray(endpoints)) throw new TypeError('endpoints must be an array');
  if (endpoints.length > APP_ENDPOINTS_MAX) {
    throw new RangeError(
      `${endpoints.length} application endpoints, at most ${APP_ENDPOINTS_MAX} per registration`,
    );
  }
  return endpoints.map((ep, i) => {
    if (!(ep.address instanceof Uint8Array) || ep.address.length !== 16) {
      throw new RangeError(`endpoints[${i}].address must be 16 bytes`);
    }
    if (!Number.isInteger(ep.port) || ep.port < 0 || ep.port > 65535) {
      throw new RangeError(`endpoints[${i}].port must be 0..65535`);
    }
    return { address: ep.address.slice(), port: ep.port, protocol: ep.protocol ?? IP_PROTOCOL.udp };
  });
}

/** The /64 of the first IPv6 (not IPv4-mapped) endpoint; zeros when there is none. */
function prefixOf(endpoints: readonly Endpoint[]): Uint8Array {
  const v6 = endpoints.find((ep) => !isIpv4Mapped(ep.address));
  return v6 ? v6.address.slice(0, 8) : new Uint8Array(8);
}

function toPayload(p: Uint8Array | string | undefined): ExtendedPayloadData | undefined {
  if (p === undefined) return undefined;
  if (typeof p === 'string') return { type: 'string', text: p, encoding: 'utf-8' };
  if (p instanceof Uint8Array) return { type: 'binary', bytes: p.slice() };
  throw new TypeError('extendedPayload must be a Uint8Array or a string');
}

/** Signs once so createCpa/createExtendedPayload validate every field now, not on the network. */
function trialSign(reg: CpaRegistration, input: RegistrationInput): void {
  const notAfterMs = Math.floor(input.nowWallMs) + 12 * 3_600_000;
  createCpa(
    {
      peerName: reg.peerName,
      serviceLocation: reg.serviceLocation,
      notAfterMs,
      serviceEndpoints: [{ address: new Uint8Array(16), port: 3540 }],
      appEndpoints: reg.appEndpoints,
      ...(reg.friendlyName !== undefined ? { friendlyName: reg.friendlyName } : {}),
    },
    reg.identity,
    input.crypto,
  );
  if (reg.extendedPayload) {
    createExtendedPayload(
      { pnrpId: reg.pnrpId, notAfterMs, payload: reg.extendedPayload },
      reg.identity,
      input.crypto,
    );
  }
}
