#!/usr/bin/env python3
"""Independent oracle for test/vectors/cpa.json.

Builds Encoded CPAs ([MS-PNRP] 2.2.3.1) and EXTENDED_PAYLOADs (2.2.3.3) byte by byte from the
spec's field tables with the Ed25519 profile of docs/design.md section 5, and signs them with the
RFC 8032 section 6 reference algorithm written out below (hashlib.sha512 + Python integers).
Nothing here reads our TypeScript. The choices it encodes:
  integers little-endian, except IPV6_ENDPOINT and IPV6_APP_ENDPOINT ports (big-endian);
  service location, BinaryAuthority and extended-payload PNRP ID most significant byte first;
  Not After = FILETIME = (unix_ms + 11644473600000) * 10000;
  CPA Public Key = 52 | 11 | 0 | 32 | 0 | "1.3.101.112" | raw 32-byte key;
  SIGNATURE = 72 | 64 | ALG_ID 0x000020ED | 64-byte Ed25519 signature (pure, no prehash)
  over every byte before the SIGNATURE field, with the final length already at offset 0;
  ClassifierHash = SHA-1(UTF-16LE classifier); C always set; A set for secured names only;
  P2P ID = SHA-1(CH || BA-or-zeros || CH || "PNRP")[:16]; PNRP ID = P2P ID || service location.
Run: python3 test/vectors/make-cpa-vectors.py > test/vectors/cpa.json
"""
import hashlib
import json
import struct

# ---- RFC 8032 section 6 reference Ed25519 (test oracle only) --------------------------------
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def point_add(a, b):
    A = (a[1] - a[0]) * (b[1] - b[0]) % P
    B = (a[1] + a[0]) * (b[1] + b[0]) % P
    C = 2 * a[3] * b[3] * D % P
    Dd = 2 * a[2] * b[2] % P
    E, F, G, H = B - A, Dd - C, Dd + C, B + A
    return (E * F % P, G * H % P, F * G % P, E * H % P)


def point_mul(s, pt):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = point_add(q, pt)
        pt = point_add(pt, pt)
        s >>= 1
    return q


def recover_x(y, sign):
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P)
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x & 1) != sign:
        x = P - x
    return x


GY = 4 * pow(5, P - 2, P) % P
GX = recover_x(GY, 0)
BASE = (GX, GY, 1, GX * GY % P)


def compress(pt):
    zinv = pow(pt[2], P - 2, P)
    x, y = pt[0] * zinv % P, pt[1] * zinv % P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def expand(secret):
    h = hashlib.sha512(secret).digest()
    a = int.from_bytes(h[:32], "little")
    a = (a & ((1 << 254) - 8)) | (1 << 254)
    return a, h[32:]


def public_key(secret):
    return compress(point_mul(expand(secret)[0], BASE))


def sign(secret, msg):
    a, prefix = expand(secret)
    pub = compress(point_mul(a, BASE))
    r = int.from_bytes(hashlib.sha512(prefix + msg).digest(), "little") % L
    big_r = compress(point_mul(r, BASE))
    k = int.from_bytes(hashlib.sha512(big_r + pub + msg).digest(), "little") % L
    return big_r + int.to_bytes((r + k * a) % L, 32, "little")


# Self-check against RFC 8032 section 7.1 TEST 1 before trusting the oracle.
_T1 = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
assert public_key(_T1).hex() == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
assert sign(_T1, b"").hex() == (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

# ---- PNRP pieces --------------------------------------------------------------------------
ALG_ID = 0x000020ED
OID = b"1.3.101.112"


def filetime(unix_ms):
    return (unix_ms + 11644473600000) * 10000


def sha1(b):
    return hashlib.sha1(b).digest()


def public_key_field(pub):
    return struct.pack("<HHHHB", 9 + len(OID) + 32, len(OID), 0, 32, 0) + OID + pub


def signature_field(sig):
    return struct.pack("<HHI", 72, 64, ALG_ID) + sig


def ids(peer_name, service_location):
    authority, classifier = peer_name.split(".", 1)
    ch = sha1(classifier.encode("utf-16-le"))
    ba = bytes(20) if authority == "0" else bytes.fromhex(authority)
    p2p = sha1(ch + ba + ch + b"PNRP")[:16]
    return authority != "0", ba, ch, p2p + service_location


def build_cpa(seed, p):
    pub = public_key(seed)
    sl = bytes.fromhex(p["serviceLocation"])
    secured, ba, ch, pnrp_id = ids(p["peerName"], sl)
    fname = p.get("friendlyName")
    fenc = p.get("friendlyNameEncoding", "utf-8")
    flags = 0x08 | (0x04 if secured else 0) | (0x01 if p.get("revoke") else 0)
    flags |= 0x20 if p.get("hasExtendedPayload") else 0
    if fname is not None:
        flags |= 0x10 | (0x02 if fenc == "utf-8" else 0)
    body = struct.pack("<BBBBBBQ", 0, 2, 0, 4, flags, 0, filetime(p["notAfterMs"]))
    body += sl + bytes.fromhex(p.get("nonce", "00" * 16))
    body += (ba if secured else b"") + ch
    if fname is not None:
        raw = fname.encode("utf-8" if fenc == "utf-8" else "utf-16-le")
        body += struct.pack("<H", len(raw)) + raw
    eps = p.get("serviceEndpoints", [])
    body += struct.pack("<HH", len(eps), 18)
    for ep in eps:
        body += struct.pack(">H", ep["port"]) + bytes.fromhex(ep["address"])
    apps = p.get("appEndpoints", [])
    if apps:
        data = b"".join(
            bytes.fromhex(a["address"]) + struct.pack(">H", a["port"]) + struct.pack("<H", a["protocol"])
            for a in apps
        )
        body += struct.pack("<HHIH", 1, 4 + 6 + len(data), 1, len(data)) + data
    else:
        body += struct.pack("<HH", 0, 4)
    body += public_key_field(pub)
    span = struct.pack("<H", 2 + len(body) + 72) + body
    sig = sign(seed, span)
    return {
        "publicKey": pub.hex(),
        "authority": sha1(pub).hex(),
        "flags": flags,
        "notAfterFiletime": str(filetime(p["notAfterMs"])),
        "pnrpId": pnrp_id.hex(),
        "signedSpanBytes": len(span),
        "encoded": (span + signature_field(sig)).hex(),
    }


def build_extended(seed, p):
    payload = p["payload"]
    if payload["type"] == "binary":
        ptype, inner = 0x80000003, bytes.fromhex(payload["bytes"])
    else:
        utf8 = payload["encoding"] == "utf-8"
        text = payload["text"].encode("utf-8" if utf8 else "utf-16-le") + (b"\0" if utf8 else b"\0\0")
        ptype, inner = 0x80000002, struct.pack("<H", 1 if utf8 else 0) + text
    sig_offset = 64 + 10 + len(inner)
    span = struct.pack("<HBBHHQ", sig_offset + 72, 0, 2, 0, sig_offset, filetime(p["notAfterMs"]))
    span += bytes.fromhex(p["pnrpId"]) + bytes.fromhex(p.get("nonce", "00" * 16))
    span += struct.pack("<HHIH", 1, 10 + len(inner), ptype, len(inner)) + inner
    return {"publicKey": public_key(seed).hex(), "encoded": (span + signature_field(sign(seed, span))).hex()}


SEED_1 = _T1.hex()  # RFC 8032 TEST 1 secret key
SEED_2 = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"  # RFC 8032 TEST 2
AUTH_2 = sha1(public_key(bytes.fromhex(SEED_2))).hex()
NOT_AFTER = 1767225600000  # 2026-01-01T00:00:00Z
NONCE = "00112233445566778899aabbccddeeff"

CPAS = [
    ("unsecured", SEED_1, {
        "peerName": "0.MyApplication",
        "serviceLocation": "20010db8000000010123456789abcdef",
        "notAfterMs": NOT_AFTER,
        "nonce": NONCE,
        "serviceEndpoints": [{"address": "20010db8000000000000000000000001", "port": 3540}],
        "appEndpoints": [{"address": "00000000000000000000ffffc0000201", "port": 8080, "protocol": 6}],
        "friendlyName": "Alice's laptop",
        "friendlyNameEncoding": "utf-8",
    }),
    ("secured", SEED_2, {
        "peerName": AUTH_2 + ".chat",
        "serviceLocation": "fe80000000000000a1b2c3d4e5f60718",
        "notAfterMs": NOT_AFTER + 1,
        "nonce": "ff" * 16,
        "serviceEndpoints": [
            {"address": "fe800000000000000000000000000001", "port": 3540},
            {"address": "00000000000000000000ffff0a000001", "port": 65535},
        ],
        "appEndpoints": [
            {"address": "20010db8000000000000000000000002", "port": 443, "protocol": 6},
            {"address": "00000000000000000000ffff7f000001", "port": 5353, "protocol": 17},
        ],
        "friendlyName": "Caf\u00e9 \u2615",
        "friendlyNameEncoding": "utf-16le",
        "hasExtendedPayload": True,
    }),
    ("revoke", SEED_2, {
        "peerName": AUTH_2 + ".chat",
        "serviceLocation": "fe80000000000000a1b2c3d4e5f60718",
        "notAfterMs": NOT_AFTER,
        "serviceEndpoints": [{"address": "fe800000000000000000000000000001", "port": 3540}],
        "revoke": True,
    }),
]

SECURED_ID = ids(AUTH_2 + ".chat", bytes.fromhex("fe80000000000000a1b2c3d4e5f60718"))[3].hex()
EXTENDED = [
    ("binary", SEED_2, {
        "pnrpId": SECURED_ID, "notAfterMs": NOT_AFTER, "nonce": "ff" * 16,
        "payload": {"type": "binary", "bytes": bytes(range(256)).hex()},
    }),
    ("utf-16 string", SEED_2, {
        "pnrpId": SECURED_ID, "notAfterMs": NOT_AFTER, "nonce": "ff" * 16,
        "payload": {"type": "string", "text": "hello, PNRP \u263a", "encoding": "utf-16le"},
    }),
    ("utf-8 string", SEED_1, {
        "pnrpId": "ab" * 32, "notAfterMs": NOT_AFTER,
        "payload": {"type": "string", "text": "abc", "encoding": "utf-8"},
    }),
]

print(json.dumps({
    "about": "Computed by test/vectors/make-cpa-vectors.py: layouts built by hand from [MS-PNRP] "
             "2.2.3.1-2.2.3.3 with the docs/design.md section 5 Ed25519 profile, signed with a "
             "from-scratch RFC 8032 Ed25519 (self-checked against RFC 8032 TEST 1), independently of src/",
    "cpas": [{"name": n, "seed": s, "params": p, **build_cpa(bytes.fromhex(s), p)} for n, s, p in CPAS],
    "extendedPayloads": [
        {"name": n, "seed": s, "params": p, **build_extended(bytes.fromhex(s), p)} for n, s, p in EXTENDED
    ],
}, indent=2, ensure_ascii=False))
