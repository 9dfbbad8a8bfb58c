/**
 * Wireshark as an independent validator of the encoder (reference/pnrp-wire.md §9). tshark
 * 4.0's PNRP dissector dissects only the header and the FIRST element of a message (then flags
 * the packet malformed), so, as §9.4 recommends, every element of every message type goes into a
 * packet of its own: our header + that one element, padded to at least 20 bytes. The elements of
 * an AUTHORITY_BUFFER go behind a SPLIT_CONTROLS (Size = buffer length, Offset 0) without the
 * HEADER_ACKED, where tshark reassembles and shows FLAGS plus the next element. Packets are
 * wrapped by text2pcap on UDP port 3540; the expected values come from the message models.
 * Skipped, with the reason in its title, when tshark or text2pcap is not on PATH.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAddress } from '../../../src/keys/endpoint.js';
import { toHex } from '../../../src/util/bytes.js';
import { encodeAuthorityBuffer } from '../../../src/wire/authority-buffer.js';
import { encodeDatagrams, encodeMessage, type Message } from '../../../src/wire/index.js';
import { MESSAGE_TYPE_CODES } from '../../../src/wire/types.js';
import vectors from '../../vectors/messages.json' with { type: 'json' };
import { fromJsonModel, sampleMessages } from './fixtures.js';

function onPath(tool: string): boolean {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const toolsPresent = onPath('tshark') && onPath('text2pcap');
const title = toolsPresent
  ? 'tshark dissects every element we encode'
  : 'tshark dissects every element we encode (SKIPPED: tshark and text2pcap are not on PATH)';

interface Probe {
  readonly label: string;
  readonly packet: Uint8Array;
  readonly message: Message;
  /** Expected prefix of the pnrp.segment.type list. */
  readonly segments: readonly number[];
  /** Expected values of tshark fields (comma-joined when repeated). */
  readonly fields: Readonly<Record<string, string>>;
}

const hex16 = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;
const hex8 = (v: number) => `0x${v.toString(16).padStart(2, '0')}`;
const hex32 = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;

/** The elements of a TLV area, by FieldID, using the 4-byte alignment rule. */
function elementsOf(bytes: Uint8Array, start: number): { fieldId: number; bytes: Uint8Array }[] {
  const out = [];
  let o = start;
  while (o + 4 <= bytes.length) {
    const length = (bytes[o + 2]! << 8) | bytes[o + 3]!;
    out.push({ fieldId: (bytes[o]! << 8) | bytes[o + 1]!, bytes: bytes.subarray(o, o + length) });
    o = (o + length + 3) & ~3;
  }
  return out;
}

function packetOf(...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(Math.max(20, length));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function routeEntryFields(entry: {
  id: Uint8Array;
  port: number;
  addresses: readonly Uint8Array[];
}): Record<string, string> {
  return {
    'pnrp.segment.pnrpID': toHex(entry.id),
    'pnrp.segment.routeEntry.portNumber': String(entry.port),
    'pnrp.segment.routeEntry.flags': '0',
    'pnrp.segment.routeEntry.addressCount': String(entry.addresses.length),
    'pnrp.segment.ipv6Address': entry.addresses.map(toHex).join(','),
  };
}

function endpointArrayFields(
  endpoints: readonly { address: Uint8Array; port: number }[],
): Record<string, string> {
  return {
    'pnrp.segment.ipv6EndpointArray.NumberOfEntries': String(endpoints.length),
    'pnrp.segment.ipv6EndpointArray.ArrayLength': String(8 + 18 * endpoints.length),
    'pnrp.segment.ipv6EndpointArray.EntryLength': '18',
    'pnrp.segment.port_number': endpoints.map((e) => e.port).join(','),
    'pnrp.segment.ipv6Address': endpoints.map((e) => toHex(e.address)).join(','),
  };
}

/** What tshark should show for element `fieldId` of `m`, from the model alone. */
function expectedFields(m: Message, fieldId: number): Record<string, string> {
  const ids = (keys: readonly Uint8Array[]) => ({
    'pnrp.segment.idArray.NumEntries': String(keys.length),
    'pnrp.segment.idArray.Length': String(8 + 32 * keys.length),
    'pnrp.segment.ElementFieldType': '0x0030',
    'pnrp.segment.idArray.Entrylength': '32',
    'pnrp.segment.pnrpID': keys.map(toHex).join(','),
  });
  switch (fieldId) {
    case 0x0018:
      return 'ackedMessageId' in m ? { 'pnrp.segment.headerAck': hex32(m.ackedMessageId) } : {};
    case 0x0038:
      return m.type === 'lookup' ? { 'pnrp.segment.pnrpID': toHex(m.target) } : {};
    case 0x0039:
      return 'validateId' in m ? { 'pnrp.segment.pnrpID': toHex(m.validateId) } : {};
    case 0x0044:
      return m.type === 'solicit'
        ? { 'pnrp.segment.solicitType': m.solicitType === 'local' ? '1' : '0' }
        : {};
    case 0x0043:
      return m.type === 'flood' ? { 'pnrp.segment.flood.flags.Dbit': m.dontAck ? '1' : '0' } : {};
    case 0x0040:
      if (m.type === 'ack') return { 'pnrp.segment.ack.flags.Nbit': m.notRegistered ? '1' : '0' };
      if (m.type !== 'inquire') return {};
      return {
        'pnrp.segment.inquire.flags': hex16(
          (m.flags.wantCpa ? 0x10 : 0) |
            (m.flags.wantExtendedPayload ? 0x08 : 0) |
            (m.flags.wantCertChain ? 0x04 : 0),
        ),
      };
    case 0x0045:
      if (m.type !== 'lookup') return {};
      return {
        'pnrp.lookupControls.flags': hex16(m.controls.acceptAny ? 2 : 0),
        'pnrp.lookupControls.precision': hex16(m.controls.precision),
        'pnrp.lookupControls.resolveCriteria': hex8(
          {
            none: 0,
            'any-peer-name': 1,
            'nearest-peer-name': 2,
            'nearest64-peer-name': 4,
            'upper-bits': 8,
          }[m.controls.resolveCriteria],
        ),
        'pnrp.lookupControls.reasonCode': hex8(
          { 'app-request': 0, registration: 1, 'cache-maintenance': 2, 'split-detection': 3 }[
            m.controls.reasonCode
          ],
        ),
      };
    case 0x0060:
      return 'ids' in m ? ids(m.ids) : {};
    case 0x0092:
      return 'hashedNonce' in m ? { 'pnrp.segment.hashednonce': toHex(m.hashedNonce) } : {};
    case 0x0093:
      return 'nonce' in m && m.nonce !== undefined ? { 'pnrp.segment.nonce': toHex(m.nonce) } : {};
    case 0x009a: {
      const entry =
        m.type === 'lookup' ? m.bestMatch : 'routeEntry' in m ? m.routeEntry : undefined;
      return entry === undefined ? {} : routeEntryFields(entry);
    }
    case 0x009c:
      return m.type === 'flood' && m.revokeCpa ? { 'pnrp.segment.data': toHex(m.revokeCpa) } : {};
    case 0x009e:
      if (m.type === 'lookup') return endpointArrayFields(m.flaggedPath);
      return m.type === 'flood' ? endpointArrayFields(m.alreadyFlooded) : {};
    default:
      return {};
  }
}

/** What tshark should show for an AUTHORITY_BUFFER element after FLAGS. */
function expectedBufferFields(
  m: Extract<Message, { type: 'authority' }>,
  fieldId: number,
): Record<string, string> {
  const b = m.buffer;
  const flags =
    (b.flags.suspicious ? 0x200 : 0) |
    (b.flags.busy ? 0x08 : 0) |
    (b.flags.notRegistered ? 0x01 : 0);
  const common = { 'pnrp.segment.authority.flags': hex16(flags), 'pnrp.segment.offset': '0' };
  switch (fieldId) {
    case 0x0080:
      return { ...common, 'pnrp.segment.certChain': toHex(b.certChain!) };
    case 0x0085:
      return {
        ...common,
        'pnrp.segment.classifier.unicodeCount': String(b.classifier!.length),
        'pnrp.segment.classifier.arrayLength': String(8 + 2 * b.classifier!.length),
        'pnrp.segment.classifier.entryLength': '2',
        'pnrp.segment.classifier.string': b.classifier!,
      };
    case 0x009a:
      return { ...common, ...routeEntryFields(b.routeEntry!) };
    default:
      return common;
  }
}

function probesOf(m: Message, label: string): Probe[] {
  const probes: Probe[] = [];
  const bytes = encodeDatagrams(m)[0]!;
  const header = bytes.subarray(0, 12);
  if (m.type !== 'authority') {
    for (const e of elementsOf(bytes, 12)) {
      probes.push({
        label: `${label} element ${hex16(e.fieldId)}`,
        packet: packetOf(header, e.bytes),
        message: m,
        segments: [e.fieldId],
        fields: { 'pnrp.segment.length': String(e.bytes.length), ...expectedFields(m, e.fieldId) },
      });
    }
    return probes;
  }
  const acked = bytes.subarray(12, 20);
  probes.push({
    label: `${label} HEADER_ACKED`,
    packet: packetOf(header, acked),
    message: m,
    segments: [0x0018],
    fields: expectedFields(m, 0x0018),
  });
  const buffer = encodeAuthorityBuffer(m.buffer);
  const [flags, ...rest] = elementsOf(buffer, 0);
  const flagsPadded = packetOf(flags!.bytes, new Uint8Array(2)).subarray(0, 8);
  const others = rest.length > 0 ? rest : [undefined];
  for (const e of others) {
    const inner =
      e === undefined
        ? flagsPadded
        : packetOf(flagsPadded, e.bytes).subarray(0, 8 + e.bytes.length);
    const split = Uint8Array.of(0, 0x98, 0, 8, inner.length >> 8, inner.length & 0xff, 0, 0);
    probes.push({
      label: `${label} buffer element ${e === undefined ? 'FLAGS' : hex16(e.fieldId)}`,
      packet: packetOf(header, split, inner),
      message: m,
      segments: e === undefined ? [0x0098, 0x0040] : [0x0098, 0x0040, e.fieldId],
      fields: {
        'pnrp.segment.splitControls.authorityBuffer': String(inner.length),
        ...expectedBufferFields(m, e?.fieldId ?? 0x0040),
      },
    });
  }
  return probes;
}

/** Normalizes a tshark value for comparison (IPv6 text to hex bytes). */
function normalize(field: string, value: string): string {
  if (field !== 'pnrp.segment.ipv6Address' || value === '') return value;
  // WHATWG URL parsing rewrites an IPv4 tail (::ffff:192.0.2.1) into hex words first.
  const bytesOf = (a: string) => parseAddress(new URL(`http://[${a}]/`).hostname.slice(1, -1));
  return value
    .split(',')
    .map((a) => toHex(bytesOf(a)))
    .join(',');
}

function hexDump(packets: readonly Uint8Array[]): string {
  let text = '';
  for (const p of packets) {
    for (let i = 0; i < p.length; i += 16) {
      const line = [...p.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0'));
      text += `${i.toString(16).padStart(6, '0')} ${line.join(' ')}\n`;
    }
    text += '\n';
  }
  return text;
}

describe.skipIf(!toolsPresent)(title, () => {
  const messages: { label: string; message: Message }[] = [
    ...vectors.messages.map((v) => ({ label: v.name, message: fromJsonModel<Message>(v.message) })),
    ...sampleMessages().map((m) => ({ label: `sample ${m.type}`, message: m })),
  ];
  // Distinct message IDs keep tshark's AUTHORITY reassembly (keyed by message ID) apart.
  const probes = messages.flatMap(({ label, message }, i) =>
    probesOf({ ...message, messageId: 0x5000 + i }, label),
  );
  const fragmented = fromJsonModel<Extract<Message, { type: 'authority' }>>(
    vectors.fragmented.message,
  );
  // Spec fragments minus HEADER_ACKED (§9.4: tshark stops after the first element otherwise).
  const fragments = encodeDatagrams(fragmented).map((d) =>
    packetOf(d.subarray(0, 12), d.subarray(20)),
  );
  const wholes = messages.flatMap(({ label, message }) => {
    const bytes = encodeMessage(
      message.type === 'authority' ? { ...message, messageId: 0x7000 } : message,
    );
    return bytes.length >= 20 ? [{ label, bytes }] : [];
  });
  const fieldNames = [
    ...new Set([
      'pnrp.ident',
      'pnrp.vMajor',
      'pnrp.vMinor',
      'pnrp.messageType',
      'pnrp.header.messageID',
      'pnrp.segment.type',
      'pnrp.segment.splitControls.reassembled_length',
      ...probes.flatMap((p) => Object.keys(p.fields)),
    ]),
  ];
  let rows: Record<string, string>[] = [];
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pnrp-tshark-'));
    writeFileSync(
      join(dir, 'packets.txt'),
      hexDump([...probes.map((p) => p.packet), ...fragments, ...wholes.map((w) => w.bytes)]),
    );
    execFileSync('text2pcap', [
      '-q',
      '-6',
      '2001:db8::1,2001:db8::2',
      '-u',
      '3540,3540',
      join(dir, 'packets.txt'),
      join(dir, 'packets.pcap'),
    ]);
    const args = [
      '-r',
      join(dir, 'packets.pcap'),
      '-T',
      'fields',
      '-E',
      'occurrence=a',
      '-E',
      'aggregator=,',
      '-E',
      'separator=/t',
    ];
    for (const f of fieldNames) args.push('-e', f);
    const out = execFileSync('tshark', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    rows = out
      .trimEnd()
      .split('\n')
      .map((line) => {
        const values = line.split('\t');
        return Object.fromEntries(fieldNames.map((f, i) => [f, values[i] ?? '']));
      });
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('covers every message type and yields one row per packet', () => {
    expect(new Set(probes.map((p) => p.message.type)).size).toBe(8);
    expect(rows.length).toBe(probes.length + fragments.length + wholes.length);
  });

  it('shows the header fields we encoded in every packet', () => {
    probes.forEach((p, i) => {
      const row = rows[i]!;
      // A route entry has version bytes under the same field names: the header's come first.
      const major = row['pnrp.vMajor']!.split(',')[0];
      const minor = row['pnrp.vMinor']!.split(',')[0];
      expect([p.label, row['pnrp.ident'], major, minor]).toEqual([
        p.label,
        '0x51',
        String(p.message.version.major),
        String(p.message.version.minor),
      ]);
      expect([p.label, row['pnrp.messageType'], row['pnrp.header.messageID']]).toEqual([
        p.label,
        String(MESSAGE_TYPE_CODES[p.message.type]),
        hex32(p.message.messageId),
      ]);
    });
  });

  it('shows each element with the FieldID, Length and values of the model', () => {
    probes.forEach((p, i) => {
      const row = rows[i]!;
      const segments = row['pnrp.segment.type']!.split(',').slice(0, p.segments.length);
      expect([p.label, ...segments]).toEqual([p.label, ...p.segments.map(hex16)]);
      for (const [field, value] of Object.entries(p.fields)) {
        const actual =
          field === 'pnrp.segment.length'
            ? row[field]!.split(',')[0]
            : normalize(field, row[field]!);
        expect(`${p.label}: ${field} = ${actual}`).toBe(`${p.label}: ${field} = ${value}`);
      }
    });
  });

  it('reassembles our two AUTHORITY fragments into the 2,000-byte buffer', () => {
    const last = rows[probes.length + fragments.length - 1]!;
    expect(last['pnrp.segment.splitControls.reassembled_length']).toBe('2000');
    expect(last['pnrp.segment.type']!.split(',').slice(0, 3)).toEqual([
      '0x0098',
      '0x0040',
      '0x0080',
    ]);
    expect(last['pnrp.segment.certChain']).toBe(toHex(fragmented.buffer.certChain!));
  });

  it('recognizes our whole datagrams as PNRP: header and first element (its known limit)', () => {
    const offset = probes.length + fragments.length;
    wholes.forEach((w, i) => {
      const row = rows[offset + i]!;
      const first = (w.bytes[12]! << 8) | w.bytes[13]!;
      expect([w.label, row['pnrp.messageType'], row['pnrp.segment.type']!.split(',')[0]]).toEqual([
        w.label,
        String(w.bytes[7]),
        hex16(first),
      ]);
    });
  });
});
