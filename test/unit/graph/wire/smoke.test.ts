import { describe, expect, it } from 'vitest';
import type { GraphMessage, GraphRecord } from '../../../../src/graph/model.js';
import { RECORD_TYPE } from '../../../../src/graph/model.js';
import {
  decodeGraphMessage,
  decodeRecord,
  encodeGraphMessage,
  encodeRecord,
  newRecordId,
  validateRecord,
} from '../../../../src/graph/wire/index.js';

const record: GraphRecord = {
  type: RECORD_TYPE.presence,
  id: newRecordId('alice', new Uint8Array(16).fill(7)),
  version: 1,
  deleted: false,
  creatorId: 'alice',
  modifiedById: '',
  securityData: new Uint8Array([1, 2]),
  createdAt: 100n,
  expiresAt: 200n,
  modifiedAt: 100n,
  graphId: 'g',
  payload: new Uint8Array([9]),
  attributes: '',
};

describe('graph wire smoke', () => {
  it('round-trips every message type', () => {
    const a = { address: new Uint8Array(16).fill(1), port: 3000 };
    const messages: GraphMessage[] = [
      {
        type: 'auth-info',
        connectionType: 'neighbor',
        graphId: 'g',
        sourcePeerId: 's',
        destinationPeerId: '',
      },
      {
        type: 'connect',
        update: true,
        direct: false,
        wantNeighbors: true,
        nodeId: 5n,
        addresses: [a],
        friendlyName: 'x',
      },
      { type: 'welcome', nodeId: 5n, peerTime: 6n, addresses: [], peerId: 'p', friendlyName: '' },
      { type: 'refuse', code: 1, addresses: [a] },
      { type: 'disconnect', reason: 2, addresses: [] },
      { type: 'solicit-new', filter: { mode: 'include', types: [RECORD_TYPE.graphInfo] } },
      { type: 'solicit-time', filter: { mode: 'all', types: [] }, modifiedSince: 77n },
      {
        type: 'solicit-hash',
        filter: { mode: 'exclude', types: [RECORD_TYPE.presence] },
        entries: [{ hash: new Uint8Array(16), modifiedAt: 1n, id: record.id }],
      },
      {
        type: 'advertise',
        boundaries: [
          {
            lowerModifiedAt: 1n,
            lowerId: record.id,
            upperModifiedAt: 2n,
            upperId: record.id,
            count: 3,
          },
        ],
        abstracts: [{ id: record.id, version: 4 }],
      },
      { type: 'request', abstracts: [] },
      { type: 'flood', record },
      { type: 'sync-end' },
      { type: 'pt2pt', dataType: record.id, payload: new Uint8Array([1]) },
      { type: 'ack', acks: [{ id: record.id, useful: true }] },
    ];
    for (const m of messages) {
      const decoded = decodeGraphMessage(encodeGraphMessage(m));
      expect(decoded).toEqual({ ok: true, value: m });
    }
    expect(decodeRecord(encodeRecord(record))).toEqual({ ok: true, value: record });
    expect(validateRecord(record, { graphId: 'g', maxRecordSize: 0 }).ok).toBe(true);
  });
});
