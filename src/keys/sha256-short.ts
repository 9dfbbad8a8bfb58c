/**
 * @module keys/sha256-short
 * SHA-256 (FIPS 180-4) of short messages without allocating anything but the 32-byte result.
 * The DRT's address-proof cookies hash 54 bytes per unproven datagram; @noble/hashes builds a new
 * hasher, block buffer and DataView per call, which was about 6% of the simulator's CPU per
 * datagram (issue 13 Build 3). {@link nobleCrypto} uses this for messages up to
 * {@link SHA256_SHORT_MAX} bytes (one or two compressed blocks) and noble for longer ones; the
 * unit tests check it against noble for every length up to and past the limit.
 */

/** Longest message {@link sha256Short} takes: two blocks minus the padding's 9 bytes. */
export const SHA256_SHORT_MAX = 119;

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Scratch: the padded message (up to two blocks), the schedule and the state. */
const block = new Uint8Array(128);
const w = new Uint32Array(64);
const state = new Uint32Array(8);

/**
 * SHA-256 of `data`, which must be at most {@link SHA256_SHORT_MAX} bytes long.
 * @example sha256Short(new Uint8Array(0))[0] // 0xe3
 * @throws RangeError when `data` is longer than {@link SHA256_SHORT_MAX}.
 */
export function sha256Short(data: Uint8Array): Uint8Array {
  const n = data.length;
  if (n > SHA256_SHORT_MAX) throw new RangeError(`sha256Short: ${n} bytes is over the limit`);
  const blocks = n <= 55 ? 1 : 2;
  const end = blocks * 64;
  block.set(data);
  block[n] = 0x80;
  block.fill(0, n + 1, end - 4);
  const bits = n * 8;
  block[end - 4] = bits >>> 24;
  block[end - 3] = (bits >>> 16) & 0xff;
  block[end - 2] = (bits >>> 8) & 0xff;
  block[end - 1] = bits & 0xff;
  state[0] = 0x6a09e667;
  state[1] = 0xbb67ae85;
  state[2] = 0x3c6ef372;
  state[3] = 0xa54ff53a;
  state[4] = 0x510e527f;
  state[5] = 0x9b05688c;
  state[6] = 0x1f83d9ab;
  state[7] = 0x5be0cd19;
  compress(0);
  if (blocks === 2) compress(64);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const s = state[i]!;
    out[4 * i] = s >>> 24;
    out[4 * i + 1] = (s >>> 16) & 0xff;
    out[4 * i + 2] = (s >>> 8) & 0xff;
    out[4 * i + 3] = s & 0xff;
  }
  return out;
}

function compress(at: number): void {
  for (let i = 0; i < 16; i++) {
    const o = at + 4 * i;
    w[i] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}
