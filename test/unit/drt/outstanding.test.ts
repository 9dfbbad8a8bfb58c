/**
 * The requests in flight (drt/outstanding.ts): an answer matches a request of a fitting type
 * sent to exactly its source, inside the answer window; expired requests are dropped, also when
 * no new request is sent.
 */
import { describe, expect, it } from 'vitest';
import { OutstandingRequests } from '../../../src/drt/outstanding.js';
import { parseEndpoint } from '../../../src/keys/endpoint.js';
import type { Message } from '../../../src/wire/types.js';

const A = parseEndpoint('[2001:db8::a]:3540');
const B = parseEndpoint('[2001:db8::b]:3540');
const VERSION = { major: 6, minor: 101 };

function inquire(messageId: number): Message {
  return {
    type: 'inquire',
    messageId,
    version: VERSION,
    flags: { wantCpa: false, wantExtendedPayload: false, wantCertChain: false },
    validateId: new Uint8Array(32),
    nonce: new Uint8Array(16),
  };
}

describe('OutstandingRequests', () => {
  it('matches answers by ID, type and endpoint inside the window, then forgets', () => {
    const table = new OutstandingRequests({ requestsMax: 8, answerWindowMs: 100 });
    table.sent(0, A, inquire(0xfedcba98));
    table.sent(50, B, inquire(7));
    expect(table.answers(99, A, 'authority', 0xfedcba98)).toBe(true);
    expect(table.answers(99, B, 'authority', 0xfedcba98)).toBe(false);
    expect(table.answers(99, A, 'advertise', 0xfedcba98)).toBe(false);
    expect(table.size).toBe(2);
    // A datagram at 100 ms drops the first (its window is over) without any new send.
    table.expire(100);
    expect(table.size).toBe(1);
    expect(table.answers(100, A, 'authority', 0xfedcba98)).toBe(false);
    expect(table.answers(149, B, 'authority-fragment', 7)).toBe(true);
    table.expire(150);
    expect(table.size).toBe(0);
  });

  it('a retransmit moves the request to the tail with a new window; a full table drops the head', () => {
    const table = new OutstandingRequests({ requestsMax: 2, answerWindowMs: 100 });
    expect(table.sent(0, A, inquire(1))).toBe(false);
    expect(table.sent(10, A, inquire(2))).toBe(false);
    expect(table.sent(20, A, inquire(1))).toBe(false);
    table.expire(110);
    expect([table.size, table.answers(110, A, 'authority', 1)]).toEqual([1, true]);
    expect(table.sent(115, A, inquire(3))).toBe(false);
    expect(table.sent(116, A, inquire(4))).toBe(true);
    expect(table.answers(116, A, 'authority', 1)).toBe(false);
    expect(table.answers(116, A, 'authority', 3)).toBe(true);
  });
});
