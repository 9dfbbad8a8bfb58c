/**
 * Shared fixtures for the wire tests: a valid message of every type, and the conversion of the
 * JSON vector models (byte strings as `{ "hex": ... }`) into messages.
 */

import type { Endpoint } from '../../../src/keys/endpoint.js';
import { fromHex } from '../../../src/util/bytes.js';
import type { Message, RouteEntry } from '../../../src/wire/index.js';
import { PNRP_VERSION } from '../../../src/wire/index.js';

/** Converts a JSON vector model: every `{ hex }` object becomes a Uint8Array. */
export function fromJsonModel<T>(value: unknown): T {
  return revive(value) as T;
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === 'hex') return fromHex(entries[0]![1] as string);
    return Object.fromEntries(entries.map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

export function key(fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill);
}

export function address(last: number): Uint8Array {
  const a = new Uint8Array(16);
  a[0] = 0x20;
  a[1] = 0x01;
  a[15] = last;
  return a;
}

export function endpoints(n: number, port = 3540): Endpoint[] {
  return Array.from({ length: n }, (_, i) => ({ address: address(i), port }));
}

export function routeEntry(addressCount = 1, port = 3540): RouteEntry {
  return {
    id: key(0xee),
    port,
    addresses: Array.from({ length: addressCount }, (_, i) => address(i)),
  };
}

const v = PNRP_VERSION;

/** One valid message of each type, with most optional parts present. */
export function sampleMessages(): Message[] {
  return [
    {
      type: 'solicit',
      messageId: 1,
      version: v,
      solicitType: 'any',
      routeEntry: routeEntry(2),
      hashedNonce: new Uint8Array(20).fill(5),
    },
    {
      type: 'advertise',
      messageId: 2,
      version: v,
      ackedMessageId: 1,
      ids: [key(1), key(2)],
      hashedNonce: new Uint8Array(20).fill(5),
    },
    { type: 'request', messageId: 3, version: v, nonce: new Uint8Array(16).fill(6), ids: [key(1)] },
    {
      type: 'flood',
      messageId: 4,
      version: v,
      dontAck: false,
      validateId: key(3),
      revokeCpa: new Uint8Array(9),
      routeEntry: routeEntry(),
      alreadyFlooded: endpoints(3),
    },
    {
      type: 'inquire',
      messageId: 5,
      version: v,
      flags: { wantCpa: true, wantExtendedPayload: false, wantCertChain: true },
      validateId: key(4),
      nonce: new Uint8Array(16).fill(8),
    },
    {
      type: 'authority',
      messageId: 6,
      version: v,
      ackedMessageId: 5,
      buffer: {
        flags: { suspicious: true, busy: false, notRegistered: false },
        classifier: 'chat',
        routeEntry: routeEntry(3),
        validateCpa: new Uint8Array(13).fill(1),
      },
    },
    { type: 'ack', messageId: 7, version: v, ackedMessageId: 4, notRegistered: true },
    {
      type: 'lookup',
      messageId: 8,
      version: v,
      controls: {
        acceptAny: false,
        precision: 0,
        resolveCriteria: 'none',
        reasonCode: 'app-request',
      },
      target: key(9),
      validateId: key(10),
      bestMatch: routeEntry(),
      flaggedPath: endpoints(2),
    },
  ];
}

/** A LOOKUP with the given flagged path (and optional best match). */
export function lookupWith(flaggedPath: Endpoint[], bestMatch?: RouteEntry): Message {
  const m = {
    type: 'lookup' as const,
    messageId: 99,
    version: v,
    controls: {
      acceptAny: true,
      precision: 64,
      resolveCriteria: 'upper-bits' as const,
      reasonCode: 'registration' as const,
    },
    target: key(1),
    validateId: key(2),
    flaggedPath,
  };
  return bestMatch === undefined ? m : { ...m, bestMatch };
}
