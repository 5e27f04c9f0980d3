import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

type HeaderBag = IncomingHttpHeaders | OutgoingHttpHeaders;

/** Kong's get_header: first value of a (case-insensitive, `_` = `-`) header, or null. */
export function getHeader(bag: HeaderBag | null, name: string): string | null {
  if (bag === null) return null;
  const v = bag[headerKey(name)];
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.length > 0 ? String(v[0]) : null;
  return String(v);
}

/** Kong's get_headers: a copy with at most `max` (default 100) headers, multi-values as arrays. */
export function getHeaders(bag: HeaderBag | null, max = 100): Record<string, string | string[]> {
  // No prototype: a header may be named `__proto__` or `constructor`.
  const out = Object.create(null) as Record<string, string | string[]>;
  if (bag === null) return out;
  let n = 0;
  for (const k in bag) {
    const v = bag[k];
    if (v === undefined) continue;
    if (n++ >= max) break;
    out[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}

export function setHeader(bag: HeaderBag, name: string, value: unknown): void {
  bag[headerKey(name)] = headerValue(name, value);
}

export function addHeader(bag: HeaderBag, name: string, value: unknown): void {
  const v = headerValue(name, value);
  const key = headerKey(name);
  const prev = bag[key];
  if (prev === undefined) bag[key] = v;
  else bag[key] = [...(Array.isArray(prev) ? prev.map(String) : [String(prev)]), ...(Array.isArray(v) ? v : [v])];
}

export function clearHeader(bag: HeaderBag, name: string): void {
  if (typeof name !== 'string') throw new Error('header name must be a string');
  delete bag[headerKey(name)];
}

export function headerKey(name: string): string {
  return name.toLowerCase();
}

/** Kong's validate_header (kong/pdk/private/checks.lua): a string name; a string, number, boolean or string array. */
export function headerValue(name: unknown, value: unknown): string | string[] {
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`invalid header name ${JSON.stringify(name)}: got ${luaType(name)}, expected string`);
  }
  let out: string | string[];
  if (typeof value === 'string') out = value;
  else if (typeof value === 'number' || typeof value === 'boolean') return String(value); // never a line break
  else if (Array.isArray(value)) {
    for (const v of value) {
      if (typeof v !== 'string') throw new Error(`invalid header value in array "${name}": got ${luaType(v)}, expected string`);
    }
    out = value as string[];
  } else {
    throw new Error(`invalid header value for "${name}": got ${luaType(value)}, expected array of string, string, number or boolean`);
  }
  // Not Kong's check: node:http would throw later, after the plugin returned.
  if (/[\r\n]/.test(Array.isArray(out) ? out.join('') : out)) throw new Error(`invalid value for header '${name}': contains a line break`);
  return out;
}

/** Kong's error messages name Lua types: nil for null/undefined, table for objects. */
function luaType(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'object') return 'table';
  return typeof v;
}
