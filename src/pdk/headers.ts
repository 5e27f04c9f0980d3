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
  const out: Record<string, string | string[]> = {};
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
  checkHeader(name, value);
  bag[headerKey(name)] = Array.isArray(value) ? value.map(String) : String(value);
}

export function addHeader(bag: HeaderBag, name: string, value: unknown): void {
  checkHeader(name, value);
  const key = headerKey(name);
  const prev = bag[key];
  const add = Array.isArray(value) ? value.map(String) : [String(value)];
  if (prev === undefined) bag[key] = add.length === 1 ? add[0]! : add;
  else bag[key] = [...(Array.isArray(prev) ? prev.map(String) : [String(prev)]), ...add];
}

export function clearHeader(bag: HeaderBag, name: string): void {
  delete bag[headerKey(name)];
}

export function headerKey(name: string): string {
  return name.toLowerCase();
}

function checkHeader(name: string, value: unknown): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('header name must be a non-empty string');
  if (value === undefined || value === null) throw new TypeError(`invalid value for header '${name}'`);
  if (/[\r\n]/.test(String(value))) throw new TypeError(`invalid value for header '${name}': contains a line break`);
}
