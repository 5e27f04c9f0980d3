import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

// RFC 9110 §7.6.1 connection-specific fields, plus `expect`: the gateway's own server already answered
// 100-continue to the client, and neither upstream client library forwards it.
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

// The lengths of the HOP_BY_HOP names, as bits: most names are not one, and their length alone says so.
let HOP_LENGTHS = 0;
for (const name of HOP_BY_HOP) HOP_LENGTHS |= 1 << name.length;

/** HOP_BY_HOP.has(name), but a length test first (every name is shorter than 32). */
export function isHopByHop(name: string): boolean {
  return name.length < 32 && ((HOP_LENGTHS >>> name.length) & 1) === 1 && HOP_BY_HOP.has(name);
}

/** Extra field names a Connection header declares hop-by-hop (`close`/`keep-alive` alone declare none). */
export function connectionListed(value: unknown): Set<string> | null {
  if (typeof value !== 'string') return null;
  const v = value.toLowerCase();
  if (v === 'keep-alive' || v === 'close' || v === '') return null;
  const out = new Set<string>();
  for (const token of v.split(',')) {
    const name = token.trim();
    if (name !== '' && name !== 'close' && name !== 'keep-alive') out.add(name);
  }
  return out.size === 0 ? null : out;
}

function dropped(name: string, listed: Set<string> | null, keepUpgrade: boolean): boolean {
  if (keepUpgrade && (name === 'connection' || name === 'upgrade')) return false;
  return isHopByHop(name) || (listed !== null && listed.has(name));
}

/**
 * Upstream request headers as a flat [name, value, ...] list (undici's cheapest form). The client's Connection
 * list was applied to the client's own headers when the upstream headers were built (upstream-headers.ts):
 * here only the fixed hop-by-hop names go, so nothing the gateway or a plugin set can be listed away.
 */
export function requestHeaderList(headers: OutgoingHttpHeaders): string[] {
  const out: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (isHopByHop(lower)) continue;
    if (Array.isArray(value)) for (const v of value) out.push(lower, v);
    else out.push(lower, typeof value === 'string' ? value : String(value));
  }
  return out;
}

/**
 * Upstream request headers as an object for node:http. A chunked client body stays chunked (node frames it
 * itself once told), so bodies of methods node would not chunk by default still arrive intact.
 */
export function requestHeaderObject(headers: OutgoingHttpHeaders, keepUpgrade: boolean, chunked: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (!dropped(lower, null, keepUpgrade)) out[lower] = value;
  }
  if (chunked && out['content-length'] === undefined) out['transfer-encoding'] = 'chunked';
  return out;
}

/**
 * Removes hop-by-hop fields from an upstream response head, in place. With `joinRepeats`, repeated fields
 * other than Set-Cookie are joined with ", " as node:http does, so both engines hand the hooks the same shape.
 */
export function cleanResponseHeaders(headers: IncomingHttpHeaders, joinRepeats: boolean): void {
  const h = headers as Record<string, string | string[] | undefined>;
  const listed = connectionListed(h.connection);
  for (const name in h) {
    if (dropped(name, listed, false)) {
      delete h[name];
      continue;
    }
    const value = h[name];
    if (joinRepeats && Array.isArray(value) && name !== 'set-cookie') h[name] = value.join(', ');
  }
}

/** Whether the client request carries a body (RFC 9112 §6.3: Transfer-Encoding or a non-zero Content-Length). */
export function hasRequestBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

/** Whether the client body arrives chunked (no length known in advance). */
export function isChunked(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined && headers['content-length'] === undefined;
}
