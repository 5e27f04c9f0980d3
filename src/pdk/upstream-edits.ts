import type { UpstreamRequest, UpstreamTls } from '../http/engine.js';
import { escapeUpstreamPath } from '../router/normalize.js';
import { addHeader, clearHeader, setHeader } from './headers.js';

// Changes to the upstream request, as plain functions of it: RequestState.editUpstream applies them at once,
// or replays them in order when the request is built after routing (rewrite-phase calls).

export function setScheme(up: UpstreamRequest, scheme: 'http' | 'https'): void {
  up.protocol = scheme;
}

/** Kong: upstream_uri = escape(path); the query stays. */
export function setPath(up: UpstreamRequest, path: string): void {
  const q = up.path.indexOf('?');
  up.path = escapeUpstreamPath(path) + (q < 0 ? '' : up.path.slice(q));
}

export function setRawQuery(up: UpstreamRequest, query: string): void {
  const q = up.path.indexOf('?');
  up.path = (q < 0 ? up.path : up.path.slice(0, q)) + (query ? `?${query}` : '');
}

/** Drops every occurrence of one query argument, keeping the others in order (Kong encodes `+` as %20). */
export function clearQueryArg(up: UpstreamRequest, name: string): void {
  const q = up.path.indexOf('?');
  if (q < 0) return;
  const kept = up.path
    .slice(q + 1)
    .split('&')
    .filter((part) => {
      const eq = part.indexOf('=');
      return part !== '' && decodeQueryKey(eq < 0 ? part : part.slice(0, eq)) !== name;
    });
  up.path = up.path.slice(0, q) + (kept.length > 0 ? `?${kept.join('&').replaceAll('+', '%20')}` : '');
}

export function setMethod(up: UpstreamRequest, method: string): void {
  up.method = method;
}

export function setUpstreamHeader(up: UpstreamRequest, [name, value]: readonly [string, unknown]): void {
  setHeader(up.headers, name, value);
}

export function addUpstreamHeader(up: UpstreamRequest, [name, value]: readonly [string, unknown]): void {
  addHeader(up.headers, name, value);
}

export function clearUpstreamHeader(up: UpstreamRequest, name: string): void {
  clearHeader(up.headers, name);
}

export function setUpstreamHeaders(up: UpstreamRequest, headers: Readonly<Record<string, unknown>>): void {
  for (const k of Object.keys(headers)) setHeader(up.headers, k, headers[k]);
}

export function setRetries(up: UpstreamRequest, retries: number): void {
  up.retries = retries;
}

export function setTimeouts(up: UpstreamRequest, [connect, write, read]: readonly [number, number, number]): void {
  up.connectTimeout = connect;
  up.writeTimeout = write;
  up.readTimeout = read;
}

export function setTlsVerify(up: UpstreamRequest, on: boolean): void {
  tlsOf(up).rejectUnauthorized = on;
}

export function setTlsVerifyDepth(up: UpstreamRequest, depth: number): void {
  tlsOf(up).verifyDepth = depth;
}

export function setTlsVerifyStore(up: UpstreamRequest, ca: string[]): void {
  tlsOf(up).ca = ca;
}

export function setTlsCertKey(up: UpstreamRequest, [cert, key]: readonly [string, string]): void {
  const t = tlsOf(up);
  t.cert = cert;
  t.key = key;
}

/** The request's own TLS settings (buildUpstream makes a fresh object per request; an http service has none). */
function tlsOf(up: UpstreamRequest): UpstreamTls {
  return (up.tls ??= { rejectUnauthorized: false });
}

function decodeQueryKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
}
