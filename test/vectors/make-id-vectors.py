#!/usr/bin/env python3
"""Independent oracle for test/vectors/ids.json.

Computes P2P IDs, PNRP IDs and resolve targets with Python's hashlib, straight from the rules of
docs/design.md section 5 (not from our TypeScript code):
  ClassifierHash  = SHA-1(UTF-16LE(classifier)), no terminator
  BinaryAuthority = 20 zero bytes for "0", else the 40 hex digits decoded in order
  P2P ID          = SHA-1(ClassifierHash || BinaryAuthority || ClassifierHash || b"PNRP")[:16]
  PNRP ID         = P2P ID || service location (16 bytes, as given)
  resolve target  = P2P ID || prefix (8 bytes, zero if none) || 80 00 00 00 00 00 00 00
  authority of an Ed25519 public key = lowercase hex SHA-1(raw 32-byte key)
Run: python3 test/vectors/make-id-vectors.py > test/vectors/ids.json
"""
import hashlib
import json

CASES = [
    ("0.MyApplication", "00" * 16, None),
    ("0.", "11" * 16, None),
    ("0.test", "20010db8000000010123456789abcdef", "20010db800000001"),
    ("0.café-☕", "ff" * 16, "fe80000000000000"),
    ("0.名前.with.dots", "00112233445566778899aabbccddeeff", None),
    ("0." + "x" * 149, "0102030405060708090a0b0c0d0e0f10", None),
    ("9d8a5e5a0a0bb6b6e1c4e2a8f0f7d3c2b1a09f8e.secured", "a0" * 16, "2001000000000000"),
    ("0123456789abcdef0123456789abcdef01234567.𝄞 music", "5a" * 16, None),
]

# Ed25519 public keys from RFC 8032 section 7.1 (TEST 1 and TEST 2), for authority vectors.
PUBLIC_KEYS = [
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
]


def ids(name, service_location, prefix):
    authority, classifier = name.split(".", 1)
    classifier_hash = hashlib.sha1(classifier.encode("utf-16-le")).digest()
    binary_authority = bytes(20) if authority == "0" else bytes.fromhex(authority)
    p2p = hashlib.sha1(classifier_hash + binary_authority + classifier_hash + b"PNRP").digest()[:16]
    pfx = bytes.fromhex(prefix) if prefix else bytes(8)
    return {
        "peerName": name,
        "classifierHash": classifier_hash.hex(),
        "binaryAuthority": binary_authority.hex(),
        "p2pId": p2p.hex(),
        "serviceLocation": service_location,
        "pnrpId": p2p.hex() + service_location,
        "resolverPrefix": pfx.hex(),
        "resolveTarget": (p2p + pfx + bytes([0x80]) + bytes(7)).hex(),
    }


print(json.dumps({
    "about": "Computed by test/vectors/make-id-vectors.py with Python hashlib, independently of src/",
    "names": [ids(*c) for c in CASES],
    "authorities": [
        {"publicKey": k, "authority": hashlib.sha1(bytes.fromhex(k)).hexdigest()} for k in PUBLIC_KEYS
    ],
}, indent=2, ensure_ascii=False))
