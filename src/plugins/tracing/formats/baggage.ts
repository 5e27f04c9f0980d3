/** Baggage headers (Jaeger's uberctx-*, OpenTracing's ot-baggage-*), read and written as Kong does. */
import type { RequestHeaders } from '../format.js';

/** Kong's parse_baggage_headers: every header with the prefix, its value URI-unescaped; undefined when none. */
export function readBaggage(headers: RequestHeaders, prefix: string): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const name in headers) {
    if (!name.startsWith(prefix) || name.length === prefix.length) continue;
    const v = headers[name];
    (out ??= {})[name.slice(prefix.length)] = unescape(typeof v === 'string' ? v : (v?.[0] ?? ''));
  }
  return out;
}

export function writeBaggage(out: Record<string, string>, prefix: string, baggage: Readonly<Record<string, string>> | undefined): void {
  if (baggage === undefined) return;
  for (const k in baggage) out[prefix + k] = escapeUri(baggage[k]!);
}

function unescape(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** ngx.escape_uri: everything but RFC 3986's unreserved characters is %-escaped. */
function escapeUri(v: string): string {
  return encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
