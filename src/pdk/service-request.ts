import { getHeader, headerValue } from './headers.js';
import { enter, Namespace } from './namespace.js';
import { rules } from './phase-rules.js';
import type { RequestState } from './state.js';
import {
  addUpstreamHeader,
  clearQueryArg,
  clearUpstreamHeader,
  setMethod,
  setPath,
  setRawQuery,
  setScheme,
  setUpstreamHeader,
  setUpstreamHeaders,
} from './upstream-edits.js';

const R = rules('kong.service.request');

// Kong's accepted_methods (kong/pdk/service/request.lua): exact, upper-case names.
const METHODS = new Set(['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'MKCOL', 'COPY', 'MOVE', 'PROPFIND', 'PROPPATCH', 'LOCK', 'UNLOCK', 'PATCH', 'TRACE']);

type Ok = [ok: true, err: null];
type Err = [ok: null, err: string];

/**
 * kong.service.request: the request sluice will send upstream. In rewrite it does not exist yet (sluice builds
 * it after routing), so changes are recorded and applied, in call order, when it is built.
 */
export class PdkServiceRequest extends Namespace {
  /** Read the whole upstream response before the response phases (Kong's buffered proxying). */
  enable_buffering(): void {
    enter(this, R.enable_buffering).bufferResponse = true;
  }

  set_scheme(scheme: 'http' | 'https'): void {
    const s = enter(this, R.set_scheme);
    if (typeof scheme !== 'string') throw new Error('scheme must be a string');
    if (scheme !== 'http' && scheme !== 'https') throw new Error(`invalid scheme: ${String(scheme)}`);
    s.editUpstream(setScheme, scheme);
  }

  set_path(path: string): void {
    const s = enter(this, R.set_path);
    if (typeof path !== 'string') throw new Error('path must be a string');
    if (!path.startsWith('/')) throw new Error('path must start with /');
    s.editUpstream(setPath, path);
  }

  set_raw_query(query: string): void {
    const s = enter(this, R.set_raw_query);
    if (typeof query !== 'string') throw new Error('query must be a string');
    s.editUpstream(setRawQuery, query);
  }

  /** Kong: keys sorted, arrays repeat the key, `true` is a bare key, `false` is left out. */
  set_query(args: Record<string, string | number | boolean | (string | number | boolean)[]>): void {
    const s = enter(this, R.set_query);
    if (args === null || typeof args !== 'object' || Array.isArray(args)) throw new Error('args must be a table');
    s.editUpstream(setRawQuery, encodeArgs(args));
  }

  /** Drops every occurrence of one query argument, keeping the others in order. */
  clear_query_arg(name: string): void {
    const s = enter(this, R.clear_query_arg);
    if (typeof name !== 'string') throw new Error('query argument name must be a string');
    s.editUpstream(clearQueryArg, name);
  }

  set_method(method: string): void {
    const s = enter(this, R.set_method);
    if (typeof method !== 'string') throw new Error('method must be a string');
    if (!METHODS.has(method)) throw new Error(`invalid method: ${method}`);
    s.editUpstream(setMethod, method);
  }

  set_header(name: string, value: unknown): void {
    const s = enter(this, R.set_header);
    s.editUpstream(setUpstreamHeader, [name, headerValue(name, value)] as const);
  }

  add_header(name: string, value: unknown): void {
    const s = enter(this, R.add_header);
    s.editUpstream(addUpstreamHeader, [name, headerValue(name, value)] as const);
  }

  clear_header(name: string): void {
    const s = enter(this, R.clear_header);
    if (typeof name !== 'string') throw new Error('header must be a string');
    s.editUpstream(clearUpstreamHeader, name);
  }

  set_headers(headers: Record<string, unknown>): void {
    const s = enter(this, R.set_headers);
    if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) throw new Error('headers must be a table');
    const valid = Object.create(null) as Record<string, string | string[]>; // `__proto__` is a header name too
    for (const k of Object.keys(headers)) valid[k] = headerValue(k, headers[k]);
    s.editUpstream(setUpstreamHeaders, valid);
  }

  /** The body sent upstream, with its exact Content-Length (the lifecycle reads it after access). */
  set_raw_body(body: string | Buffer): void {
    const s = enter(this, R.set_raw_body);
    if (typeof body !== 'string' && !Buffer.isBuffer(body)) throw new Error('body must be a string');
    setRawBody(s, body);
  }

  /**
   * Kong's set_body: encodes `args` by the given mimetype or the request's Content-Type (form-urlencoded,
   * JSON, multipart/form-data) and sets the body and the Content-Type.
   */
  set_body(args: Record<string, unknown>, mimetype?: string): Ok | Err {
    const s = enter(this, R.set_body);
    if (args === null || typeof args !== 'object') throw new Error('args must be a table');
    if (mimetype !== undefined && mimetype !== null && typeof mimetype !== 'string') throw new Error('mime must be a string');
    const mime = mimetype ?? contentType(s);
    if (mime === null) return [null, 'content type was neither explicitly given as an argument or received as a header'];
    const semi = mime.indexOf(';');
    const bare = (semi < 0 ? mime : mime.slice(0, semi)).trim().toLowerCase();
    let body: string;
    let type = mime;
    if (bare === 'application/x-www-form-urlencoded') body = encodeArgs(args as Record<string, string>);
    else if (bare === 'application/json') body = JSON.stringify(args);
    else if (bare === 'multipart/form-data') [body, type] = encodeMultipart(args, mime);
    else throw new Error(`unsupported content type ${mime}`);
    setRawBody(s, body);
    s.editUpstream(setUpstreamHeader, ['content-type', type] as const);
    return [true, null];
  }
}

function setRawBody(s: RequestState, body: string | Buffer): void {
  s.requestBody = typeof body === 'string' ? Buffer.from(body) : body;
  s.requestBodyRead = true;
}

function contentType(s: RequestState): string | null {
  return getHeader(s.upstream?.headers ?? s.req.headers, 'content-type');
}

/** ngx.encode_args as Kong's make_ordered_args uses it: one `k=v` group per key, groups sorted. */
function encodeArgs(args: Readonly<Record<string, unknown>>): string {
  const groups: string[] = [];
  for (const k of Object.keys(args)) {
    const v = args[k];
    const parts: string[] = [];
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one === false || one === undefined || one === null) continue;
      if (typeof one === 'object') throw new Error(`attempt to use a table as query arg value`);
      parts.push(one === true ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(String(one))}`);
    }
    if (parts.length > 0) groups.push(parts.join('&'));
  }
  return groups.sort().join('&');
}

/** Kong's multipart encoder: the mimetype's boundary (or a fresh one), keys sorted, string/number/boolean values. */
function encodeMultipart(args: Readonly<Record<string, unknown>>, mime: string): [string, string] {
  const keys = Object.keys(args).sort();
  for (const k of keys) {
    const t = typeof args[k];
    if (t !== 'string' && t !== 'number' && t !== 'boolean') {
      throw new Error(`invalid value "${k}": got ${t === 'object' ? 'table' : t}, expected string, number or boolean`);
    }
  }
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(mime);
  let boundary = m?.[1] ?? m?.[2];
  const clashes = (b: string) => keys.some((k) => String(args[k]).includes(`\n--${b}`));
  while (boundary === undefined || clashes(boundary)) boundary = String(Math.floor(Math.random() * 1e10));
  let out = '';
  for (const k of keys) out += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(args[k])}\r\n`;
  out += `--${boundary}--\r\n`;
  return [out, `multipart/form-data; boundary=${boundary}`];
}
