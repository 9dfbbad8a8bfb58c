#!/usr/bin/env python3
"""Independent oracle for test/vectors/messages.json.

Builds PNRP/DRT datagrams byte by byte with Python's struct module, straight from the layouts of
[MS-PNRP] section 2.2 and [MC-DRT] section 2.2 as summarised in reference/pnrp-wire.md sections
2-4 (not from our TypeScript code):
  header           0010 000c 51 <major> <minor> <type> <message id u32>
  element          FieldID u16 BE | Length u16 BE (counts the 4-byte header) | body,
                   zero padding so the next FieldID starts on a 4-byte boundary
  fixed oddities   FLOOD_CONTROLS Length 7 + 1 pad; SOLICIT_CONTROLS and FLAGS_FIELD Length 6 + 2
                   pad; ACK FLAGS_FIELD Length 6, last, no pad
  final elements   the endpoint array of LOOKUP/FLOOD, VALIDATE_CPA and the last MC-DRT security
                   element are not padded; ROUTING_ENTRY is padded even when last
  arrays           NumEntries | ArrayLength = 8 + n*EntryLength | ElementFieldType | EntryLength
  ROUTE_ENTRY      ID(32) 04 00 port u16 flags 00 count u8 addresses(16 each)
  IPV6_ENDPOINT    port u16 | address(16)
  CLASSIFIER       WCHAR array, UTF-16 big-endian (docs/design.md section 5)
  AUTHORITY        HEADER_ACKED | SPLIT_CONTROLS size u16 offset u16 | slice; 1188-byte fragments
Byte examples of reference section 9.4 (ACK, INQUIRE, LOOKUP_CONTROLS, FLOOD_CONTROLS,
SOLICIT_CONTROLS) are asserted below. Byte strings in the model are written {"hex": "..."}.
Run: python3 test/vectors/make-message-vectors.py > test/vectors/messages.json
"""
import json
import struct

PNRP = {"major": 4, "minor": 0}


def u16(v):
    return struct.pack(">H", v)


def u32(v):
    return struct.pack(">I", v)


def pad(b):
    return b + bytes((-len(b)) % 4)


def header(msg_type, message_id, version=PNRP):
    return u16(0x0010) + u16(12) + bytes([0x51, version["major"], version["minor"], msg_type]) + u32(message_id)


def element(field_id, body, padded=True):
    e = u16(field_id) + u16(4 + len(body)) + body
    return pad(e) if padded else e


def array(field_id, element_type, entry_len, entries, padded=True):
    n = len(entries)
    body = u16(n) + u16(8 + n * entry_len) + u16(element_type) + u16(entry_len) + b"".join(entries)
    return element(field_id, body, padded)


def acked(message_id):
    return element(0x0018, u32(message_id))


def id_element(field_id, key):
    return element(field_id, key)


def route_entry(key, port, addresses):
    body = key + bytes([4, 0]) + u16(port) + bytes([0, len(addresses)]) + b"".join(addresses)
    return element(0x009A, body)


def endpoint(port, address):
    return u16(port) + address


def endpoint_array(endpoints, padded=False):
    return array(0x009E, 0x009D, 18, [endpoint(p, a) for p, a in endpoints], padded)


def id_array(keys):
    return array(0x0060, 0x0030, 32, keys)


def classifier(text):
    units = [text[i : i + 1].encode("utf-16-be") for i in range(len(text))]
    return array(0x0085, 0x0084, 2, units)


def security(credential, signature, key_identifier=None):
    out = element(0x0080, credential) + element(0x00A5, signature, key_identifier is not None)
    if key_identifier is not None:
        out += element(0x00A6, key_identifier, False)
    return out


def seq(start, n):
    return bytes((start + i) & 0xFF for i in range(n))


def h(b):
    return {"hex": b.hex()}


def ep_json(port, address):
    return {"address": h(address), "port": port}


KEY_A = seq(0xA0, 32)
KEY_B = seq(0x10, 32)
KEY_C = bytes(31) + b"\x01"
ZERO_KEY = bytes(32)
ADDR_1 = bytes.fromhex("20010db8000000000000000000000001")
ADDR_2 = bytes.fromhex("00000000000000000000ffffc0000201")  # ::ffff:192.0.2.1
ADDR_3 = bytes.fromhex("fe800000000000000000000000000003")
NONCE = seq(0x30, 16)
HASHED = seq(0x50, 20)
FLAGS_NONE = {"suspicious": False, "busy": False, "notRegistered": False}
RE_1 = {"id": h(KEY_A), "port": 3540, "addresses": [h(ADDR_1)]}
RE_2 = {"id": h(KEY_B), "port": 65535, "addresses": [h(ADDR_1), h(ADDR_2)]}


def base(msg_type, message_id, version=PNRP):
    return {"type": msg_type, "messageId": message_id, "version": version}


vectors = []


def add(name, note, model, wire):
    vectors.append({"name": name, "note": note, "message": model, "hex": wire.hex()})


# SOLICIT (0x01)
add("solicit-drt", "hashed nonce only (no SOLICIT_CONTROLS, no route entry), DRT version 6.101",
    {**base("solicit", 0x01020304, {"major": 6, "minor": 0x65}), "hashedNonce": h(HASHED)},
    header(0x01, 0x01020304, {"major": 6, "minor": 0x65}) + element(0x0092, HASHED))
add("solicit-full", "SOLICIT_CONTROLS local (6 + 2 pad), two-address route entry, hashed nonce",
    {**base("solicit", 0xFFFFFFFF), "solicitType": "local", "routeEntry": RE_2, "hashedNonce": h(HASHED)},
    header(0x01, 0xFFFFFFFF) + u16(0x0044) + u16(6) + b"\x00\x01\x00\x00"
    + route_entry(KEY_B, 65535, [ADDR_1, ADDR_2]) + element(0x0092, HASHED))
# ADVERTISE (0x02)
add("advertise", "two IDs",
    {**base("advertise", 7), "ackedMessageId": 0x01020304, "ids": [h(KEY_A), h(KEY_B)], "hashedNonce": h(HASHED)},
    header(0x02, 7) + acked(0x01020304) + id_array([KEY_A, KEY_B]) + element(0x0092, HASHED))
add("advertise-busy", "empty ID list (busy)",
    {**base("advertise", 8), "ackedMessageId": 9, "ids": [], "hashedNonce": h(HASHED)},
    header(0x02, 8) + acked(9) + id_array([]) + element(0x0092, HASHED))
# REQUEST (0x03)
add("request", "nonce and three IDs",
    {**base("request", 0x0A0B0C0D), "nonce": h(NONCE), "ids": [h(KEY_A), h(KEY_B), h(KEY_C)]},
    header(0x03, 0x0A0B0C0D) + element(0x0093, NONCE) + id_array([KEY_A, KEY_B, KEY_C]))
add("request-secured", "MC-DRT membership mode: credential (5 B, 3 pad), signature (6 B, 2 pad), key identifier (3 B, last, unpadded)",
    {**base("request", 11), "nonce": h(NONCE), "ids": [h(KEY_C)],
     "security": {"credential": h(seq(1, 5)), "signature": h(seq(9, 6)), "keyIdentifier": h(seq(20, 3))}},
    header(0x03, 11) + element(0x0093, NONCE) + id_array([KEY_C]) + security(seq(1, 5), seq(9, 6), seq(20, 3)))
# FLOOD (0x04)
add("flood-route-entry", "D set; FLOOD_CONTROLS 7 + 1 pad (reference 9.4); route entry; already flooded list of one (last, unpadded)",
    {**base("flood", 0x11111111), "dontAck": True, "validateId": h(KEY_B), "routeEntry": RE_1,
     "alreadyFlooded": [ep_json(3540, ADDR_3)]},
    header(0x04, 0x11111111) + bytes.fromhex("0043000700010000") + id_element(0x0039, KEY_B)
    + route_entry(KEY_A, 3540, [ADDR_1]) + endpoint_array([(3540, ADDR_3)]))
add("flood-revoke", "D clear; revoke CPA of 7 opaque bytes (1 pad); zero Validate ID; empty already-flooded list",
    {**base("flood", 12), "dontAck": False, "validateId": h(ZERO_KEY), "revokeCpa": h(seq(0xC0, 7)), "alreadyFlooded": []},
    header(0x04, 12) + bytes.fromhex("0043000700000000") + id_element(0x0039, ZERO_KEY)
    + element(0x009C, seq(0xC0, 7)) + endpoint_array([]))
# INQUIRE (0x07)
add("inquire-76", "reference 9.4: flags A|X|C = 0x001c, Validate ID and nonce, 76 bytes",
    {**base("inquire", 0x66666666), "flags": {"wantCpa": True, "wantExtendedPayload": True, "wantCertChain": True},
     "validateId": h(KEY_A), "nonce": h(NONCE)},
    header(0x07, 0x66666666) + bytes.fromhex("00400006001c0000") + id_element(0x0039, KEY_A) + element(0x0093, NONCE))
add("inquire-56", "liveness probe: no flags, no nonce, 56 bytes",
    {**base("inquire", 13), "flags": {"wantCpa": False, "wantExtendedPayload": False, "wantCertChain": False},
     "validateId": h(KEY_C)},
    header(0x07, 13) + bytes.fromhex("0040000600000000") + id_element(0x0039, KEY_C))
add("inquire-secured", "A only, nonce, MC-DRT credential and signature (no key identifier; signature last, unpadded)",
    {**base("inquire", 14), "flags": {"wantCpa": True, "wantExtendedPayload": False, "wantCertChain": False},
     "validateId": h(KEY_C), "nonce": h(NONCE), "security": {"credential": h(seq(2, 8)), "signature": h(seq(3, 9))}},
    header(0x07, 14) + bytes.fromhex("0040000600100000") + id_element(0x0039, KEY_C) + element(0x0093, NONCE)
    + security(seq(2, 8), seq(3, 9)))


# AUTHORITY (0x08)
def authority_datagram(message_id, acked_id, size, offset, slice_):
    return header(0x08, message_id) + acked(acked_id) + u16(0x0098) + u16(8) + u16(size) + u16(offset) + slice_


def authority(message_id, acked_id, buffer):
    return authority_datagram(message_id, acked_id, len(buffer), 0, buffer)


dead_end = bytes.fromhex("0040000602000000")
add("authority-dead-end", "buffer = FLAGS_FIELD with L (0x0200) and its 2 pad bytes only",
    {**base("authority", 15), "ackedMessageId": 16,
     "buffer": {"flags": {"suspicious": True, "busy": False, "notRegistered": False}}},
    authority(15, 16, dead_end))
full_buffer = (bytes.fromhex("0040000600090000") + element(0x0080, seq(0x40, 10)) + classifier("MyApplication")
               + element(0x005A, seq(0x60, 5)) + route_entry(KEY_A, 3540, [ADDR_1]) + element(0x009B, seq(0x70, 11), False))
add("authority-full", "flags B|N, cert chain, classifier 'MyApplication' (UTF-16BE), extended payload, route entry, VALIDATE_CPA (last, unpadded)",
    {**base("authority", 17), "ackedMessageId": 18,
     "buffer": {"flags": {"suspicious": False, "busy": True, "notRegistered": True}, "certChain": h(seq(0x40, 10)),
                "classifier": "MyApplication", "extendedPayload": h(seq(0x60, 5)), "routeEntry": RE_1,
                "validateCpa": h(seq(0x70, 11))}},
    authority(17, 18, full_buffer))
# ACK (0x09)
add("ack", "reference 9.4: 20 bytes",
    {**base("ack", 0x66666666), "ackedMessageId": 0x44444444, "notRegistered": False},
    bytes.fromhex("0010000c51040009666666660018000844444444"))
add("ack-not-registered", "N flag: FLAGS_FIELD Length 6, last, no padding: 26 bytes",
    {**base("ack", 19), "ackedMessageId": 20, "notRegistered": True},
    header(0x09, 19) + acked(20) + u16(0x0040) + u16(6) + u16(1))
# LOOKUP (0x0B)
lookup_controls = bytes.fromhex("0045000c000200400803" + "0000")
add("lookup", "reference 9.4 LOOKUP_CONTROLS (A, UPPER_BITS, precision 64, split detection); best match; flagged path of two (last, unpadded)",
    {**base("lookup", 0x0B0B0B0B),
     "controls": {"acceptAny": True, "precision": 64, "resolveCriteria": "upper-bits", "reasonCode": "split-detection"},
     "target": h(KEY_A), "validateId": h(KEY_B), "bestMatch": RE_2,
     "flaggedPath": [ep_json(3540, ADDR_1), ep_json(50000, ADDR_2)]},
    header(0x0B, 0x0B0B0B0B) + lookup_controls + id_element(0x0038, KEY_A) + id_element(0x0039, KEY_B)
    + route_entry(KEY_B, 65535, [ADDR_1, ADDR_2]) + endpoint_array([(3540, ADDR_1), (50000, ADDR_2)]))
add("lookup-secured", "no best match; flagged path of one padded because MC-DRT credential, signature and key identifier follow",
    {**base("lookup", 21),
     "controls": {"acceptAny": False, "precision": 0, "resolveCriteria": "nearest-peer-name", "reasonCode": "registration"},
     "target": h(KEY_C), "validateId": h(KEY_A), "flaggedPath": [ep_json(1025, ADDR_3)],
     "security": {"credential": h(seq(5, 4)), "signature": h(seq(6, 7)), "keyIdentifier": h(seq(7, 2))}},
    header(0x0B, 21) + bytes.fromhex("0045000c000000000201" + "0000") + id_element(0x0038, KEY_C)
    + id_element(0x0039, KEY_A) + endpoint_array([(1025, ADDR_3)], True) + security(seq(5, 4), seq(6, 7), seq(7, 2)))

# Fragmented AUTHORITY: a 2,000-byte buffer (flags + a 1,988-byte cert chain) becomes 1188 + 812.
chain = bytes((i * 7) & 0xFF for i in range(1988))
big_buffer = bytes.fromhex("0040000600000000") + element(0x0080, chain)
assert len(big_buffer) == 2000
fragmented = {
    "name": "authority-fragmented",
    "note": "2,000-byte AUTHORITY_BUFFER (flags + 1,988-byte cert chain) in two datagrams: 1188 + 812 buffer bytes, same header",
    "message": {**base("authority", 0x22222222), "ackedMessageId": 0x33333333,
                "buffer": {"flags": FLAGS_NONE, "certChain": h(chain)}},
    "buffer": big_buffer.hex(),
    "datagrams": [authority_datagram(0x22222222, 0x33333333, 2000, 0, big_buffer[:1188]).hex(),
                  authority_datagram(0x22222222, 0x33333333, 2000, 1188, big_buffer[1188:]).hex()],
}

# Byte examples of reference section 9.4, checked here against the generated bytes.
by_name = {v["name"]: bytes.fromhex(v["hex"]) for v in vectors}
assert by_name["ack"] == bytes.fromhex("0010000c51040009666666660018000844444444")
assert by_name["inquire-76"][:20] == bytes.fromhex("0010000c51040007666666660040000600 1c0000".replace(" ", ""))
assert len(by_name["inquire-76"]) == 76 and len(by_name["inquire-56"]) == 56
assert lookup_controls == bytes.fromhex("0045000c000200400803 0000".replace(" ", ""))
assert by_name["flood-route-entry"][12:20] == bytes.fromhex("0043000700010000")
assert by_name["solicit-full"][12:20] == bytes.fromhex("0044000600010000")
assert len(by_name["ack-not-registered"]) == 26
assert len(fragmented["datagrams"][0]) // 2 == 28 + 1188 and len(fragmented["datagrams"][1]) // 2 == 28 + 812

# Datagrams the decoder must refuse, each with the expected code (built from the same layouts).
def lookup_with_path(n, port=3540):
    return (header(0x0B, 1) + lookup_controls + id_element(0x0038, KEY_A) + id_element(0x0039, KEY_B)
            + endpoint_array([(port, ADDR_1)] * n))


rejects = [
    {"name": "flagged path of 23 endpoints", "code": "limit", "hex": lookup_with_path(23).hex()},
    {"name": "flagged path of 0 endpoints", "code": "limit", "hex": lookup_with_path(0).hex()},
    {"name": "flagged path endpoint on port 1024", "code": "bad-port", "hex": lookup_with_path(1, 1024).hex()},
    {"name": "identifier 0x52", "code": "bad-header", "hex": ("0010000c5204000900000001" + acked(2).hex())},
    {"name": "message type 0x05", "code": "unknown-type", "hex": ("0010000c5104000500000001" + acked(2).hex())},
    {"name": "ACK with a HASHED_NONCE after it", "code": "unexpected-field",
     "hex": (header(0x09, 1) + acked(2) + element(0x0092, HASHED)).hex()},
    {"name": "route entry with 21 addresses", "code": "limit",
     "hex": (header(0x01, 1) + route_entry(KEY_A, 3540, [ADDR_1] * 21) + element(0x0092, HASHED)).hex()},
    {"name": "AUTHORITY Offset 1000", "code": "bad-fragment",
     "hex": authority_datagram(1, 2, 2000, 1000, bytes(1000)).hex()},
    {"name": "INQUIRE with a non-zero padding byte", "code": "bad-padding",
     "hex": (header(0x07, 1) + bytes.fromhex("0040000600100001") + id_element(0x0039, KEY_A)).hex()},
]

print(json.dumps({
    "about": "Built by test/vectors/make-message-vectors.py with Python struct from the [MS-PNRP]/[MC-DRT] section 2.2 layouts (reference/pnrp-wire.md sections 2-4), independently of src/; the ACK, INQUIRE, LOOKUP_CONTROLS, FLOOD_CONTROLS and SOLICIT_CONTROLS bytes are also checked against the byte examples of reference section 9.4. Byte strings in models are {\"hex\": ...}.",
    "messages": vectors,
    "fragmented": fragmented,
    "rejects": rejects,
}, indent=2))
