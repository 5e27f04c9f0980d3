/**
 * xxHash32 (seed 0) over the UTF-8 bytes of a string: the hash Kong's consistent-hashing balancer uses for its
 * continuum points and request values. Fast, well spread, and stable across processes and reloads.
 */
const P1 = 2654435761;
const P2 = 2246822519;
const P3 = 3266489917;
const P4 = 668265263;
const P5 = 374761393;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function round(acc: number, lane: number): number {
  acc = (acc + Math.imul(lane, P2)) >>> 0;
  return Math.imul(rotl(acc, 13), P1) >>> 0;
}

function readU32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

const encoder = new TextEncoder();

export function xxhash32(text: string): number {
  const b = encoder.encode(text);
  const len = b.length;
  let i = 0;
  let h: number;
  if (len >= 16) {
    let v1 = (P1 + P2) >>> 0;
    let v2 = P2;
    let v3 = 0;
    let v4 = (0 - P1) >>> 0;
    for (; i <= len - 16; i += 16) {
      v1 = round(v1, readU32(b, i));
      v2 = round(v2, readU32(b, i + 4));
      v3 = round(v3, readU32(b, i + 8));
      v4 = round(v4, readU32(b, i + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else {
    h = P5;
  }
  h = (h + len) >>> 0;
  for (; i <= len - 4; i += 4) {
    h = (h + Math.imul(readU32(b, i), P3)) >>> 0;
    h = Math.imul(rotl(h, 17), P4) >>> 0;
  }
  for (; i < len; i++) {
    h = (h + Math.imul(b[i]!, P5)) >>> 0;
    h = Math.imul(rotl(h, 11), P1) >>> 0;
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, P3) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
