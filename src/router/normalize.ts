/**
 * Kong's URI normalization before routing (kong/tools/uri.lua): percent-decode what need not be encoded,
 * upper-case what stays encoded, merge `//`, remove dot segments. And the re-escaping of the upstream path.
 */

// Reserved characters keep their %XX form (RFC 3986 gen-delims and sub-delims, plus % itself).
const KEEP_ENCODED = new Set('!*\'();:@&=+$,/?%#[]'.split('').map((c) => c.charCodeAt(0)));

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Returns the normalized path, or null when the percent-encoding is broken (the proxy answers 400). */
export function normalizePath(raw: string): string | null {
  let out = raw;
  if (raw.includes('%')) {
    let s = '';
    for (let i = 0; i < raw.length; i++) {
      const ch = raw.charCodeAt(i);
      if (ch !== 37) {
        s += raw[i];
        continue;
      }
      const a = hex(raw.charCodeAt(i + 1));
      const b = hex(raw.charCodeAt(i + 2));
      if (a < 0 || b < 0) return null;
      const byte = a * 16 + b;
      // Decode printable ASCII that is not reserved; keep reserved, control and non-ASCII bytes encoded.
      if (byte > 0x20 && byte < 0x7f && !KEEP_ENCODED.has(byte)) s += String.fromCharCode(byte);
      else s += `%${raw[i + 1]!.toUpperCase()}${raw[i + 2]!.toUpperCase()}`;
      i += 2;
    }
    out = s;
  }
  if (out.includes('//')) out = out.replace(/\/{2,}/g, '/');
  if (out.includes('.')) out = removeDotSegments(out);
  return out;
}

/** RFC 3986 §5.2.4, for absolute paths. */
function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    if (seg === '.') {
      if (last) out.push('');
    } else if (seg === '..') {
      out.pop();
      if (last) out.push('');
    } else out.push(seg);
  }
  return `/${out.join('/')}`;
}

// Characters sent upstream as-is; everything else is percent-encoded (Kong's escape for the upstream URI).
const SAFE = new Uint8Array(128);
for (const c of "!#$&'()*+,/:;=?@[]-_.~%") SAFE[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) SAFE[c] = 1;
for (let c = 65; c <= 90; c++) SAFE[c] = 1;
for (let c = 97; c <= 122; c++) SAFE[c] = 1;

export function escapeUpstreamPath(path: string): string {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c >= 128 || SAFE[c] === 0) return escapeFrom(path, i);
  }
  return path;
}

function escapeFrom(path: string, start: number): string {
  let s = path.slice(0, start);
  for (const ch of path.slice(start)) {
    const c = ch.charCodeAt(0);
    if (c < 128 && SAFE[c] === 1) s += ch;
    else for (const byte of Buffer.from(ch)) s += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return s;
}
