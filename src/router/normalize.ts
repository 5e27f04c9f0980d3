/**
 * The request path as Kong routes on it (kong/tools/uri.lua `normalize`, Kong's kong/tools/uri.lua normalize): percent-decode everything
 * that is not reserved, upper-case what stays encoded, remove dot segments, merge `//`. Decoded bytes are read
 * as UTF-8 so the result compares with route paths written in YAML; bytes that are not valid UTF-8 stay `%XX`.
 * And the re-escaping of the path sent upstream.
 */

// RFC 3986 reserved characters (plus `%`): kept encoded, so decoding cannot change what the path means.
const RESERVED = new Uint8Array(128);
for (const c of "!*'();:@&=+$,/?%#[]") RESERVED[c.charCodeAt(0)] = 1;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * The normalized request path, or null when nginx (in front of Kong) would answer 400 before routing: a path
 * not starting with `/`, a broken `%` escape, an encoded NUL, or a `..` climbing above the root.
 */
export function normalizePath(rawPath: string): string | null {
  if (rawPath.charCodeAt(0) !== 47 /* / */) return null;
  // Fast path: nothing encoded and no dot or empty segment possible.
  if (!rawPath.includes('%') && !rawPath.includes('/.') && !rawPath.includes('//')) return rawPath;
  if (!acceptedByNginx(rawPath)) return null;
  return kongNormalize(rawPath);
}

/**
 * nginx's own URI parse, reduced to its verdict: `%` escapes must be complete hex, must not decode to NUL, and
 * dot segments (`.`/`..`, also when written `%2E`, separated by `/` or `%2F`) must not leave the root.
 */
function acceptedByNginx(raw: string): boolean {
  let depth = 0;
  let segLength = 0;
  let dots = 0; // number of dots while the segment is only dots, -1 otherwise
  for (let i = 0; i <= raw.length; i++) {
    let c = i < raw.length ? raw.charCodeAt(i) : 47;
    if (c === 37 /* % */) {
      const a = hexValue(raw.charCodeAt(i + 1));
      const b = hexValue(raw.charCodeAt(i + 2));
      if (a < 0 || b < 0) return false;
      c = a * 16 + b;
      if (c === 0) return false;
      i += 2;
    }
    if (c === 47) {
      if (segLength > 0) {
        if (dots === 2 && segLength === 2) {
          if (--depth < 0) return false;
        } else if (!(dots === 1 && segLength === 1)) depth++;
      }
      segLength = 0;
      dots = 0;
    } else {
      segLength++;
      dots = c === 46 && dots >= 0 ? dots + 1 : -1;
    }
  }
  return true;
}

/**
 * Kong's normalize with slash merging, for any path starting with `/` (also used to tell a route path it is
 * not normalized). Invalid `%` sequences are left as they are, like Kong does.
 */
export function kongNormalize(path: string): string {
  if (path === '' || path === '/') return path;
  let s = path.includes('%') ? decodeUnreserved(path) : path;
  if (s.includes('/.') || s.includes('//')) s = removeDotSegments(s);
  return s;
}

function decodeUnreserved(path: string): string {
  let out = '';
  let bytes: number[] | null = null; // a run of decoded non-ASCII bytes, read as UTF-8 when the run ends
  for (let i = 0; i < path.length; i++) {
    const a = path.charCodeAt(i) === 37 ? hexValue(path.charCodeAt(i + 1)) : -1;
    const b = a >= 0 ? hexValue(path.charCodeAt(i + 2)) : -1;
    if (b < 0) {
      if (bytes) {
        out += utf8OrEscaped(bytes);
        bytes = null;
      }
      out += path[i];
      continue;
    }
    const byte = a * 16 + b;
    i += 2;
    if (byte >= 0x80) {
      (bytes ??= []).push(byte);
      continue;
    }
    if (bytes) {
      out += utf8OrEscaped(bytes);
      bytes = null;
    }
    out += RESERVED[byte] === 1 ? `%${hexByte(byte)}` : String.fromCharCode(byte);
  }
  if (bytes) out += utf8OrEscaped(bytes);
  return out;
}

function hexByte(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

/** Valid UTF-8 sequences become characters; any other byte stays `%XX` (Kong would keep the raw byte). */
function utf8OrEscaped(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i]!;
    const len = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc2 && b0 <= 0xdf ? 2 : 0;
    let cp = len === 4 ? b0 & 0x07 : len === 3 ? b0 & 0x0f : b0 & 0x1f;
    let ok = len > 0 && b0 < 0xf5 && i + len <= bytes.length;
    for (let k = 1; ok && k < len; k++) {
      const bk = bytes[i + k]!;
      if ((bk & 0xc0) !== 0x80) ok = false;
      cp = (cp << 6) | (bk & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if (ok && ((len === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff)))) ok = false;
    if (ok) {
      out += String.fromCodePoint(cp);
      i += len;
    } else {
      out += `%${hexByte(b0)}`;
      i++;
    }
  }
  return out;
}

/**
 * RFC 3986 §5.2.4 on an absolute path, with empty segments merged away: `.` disappears, `..` drops the segment
 * before it (never past the root), and a dot segment at the end leaves a trailing slash.
 */
function removeDotSegments(path: string): string {
  const parts = path.split('/');
  const out: string[] = [];
  const last = parts.length - 1;
  for (let i = 1; i <= last; i++) {
    const seg = parts[i]!;
    if (seg === '..') out.pop();
    if (seg === '' || seg === '.' || seg === '..') {
      if (i === last) out.push('');
    } else out.push(seg);
  }
  return `/${out.join('/')}`;
}

// Sent upstream as-is (Kong's `escape`); every other byte of the UTF-8 form is percent-encoded.
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
    else for (const byte of Buffer.from(ch)) s += `%${hexByte(byte)}`;
  }
  return s;
}
