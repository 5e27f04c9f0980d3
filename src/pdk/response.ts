import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { kongJsonBody } from '../http/kong-response.js';
import { statusMessage } from '../http/status-messages.js';
import { addHeader, clearHeader, getHeader, getHeaders, headerValue, setHeader } from './headers.js';
import { enter, Namespace } from './namespace.js';
import { rules } from './phase-rules.js';
import type { RequestState } from './state.js';

const R = rules('kong.response');

/** kong.response: the answer the client will get, whoever makes it (upstream, kong.response.exit, an error). */
export class PdkResponse extends Namespace {
  get_status(): number {
    const s = enter(this, R.get_status);
    return s.responseStatus === 0 ? s.res.statusCode : s.responseStatus;
  }

  get_header(name: string): string | null {
    const s = enter(this, R.get_header);
    if (typeof name !== 'string') throw new Error('header name must be a string');
    return getHeader(s.responseHeaders, name);
  }

  get_headers(max?: number): Record<string, string | string[]> {
    return getHeaders(enter(this, R.get_headers).responseHeaders, max);
  }

  get_source(): 'service' | 'exit' | 'error' {
    const source = enter(this, R.get_source).responseSource;
    return source === 'service' ? 'service' : source === 'exit' ? 'exit' : 'error';
  }

  set_status(status: number): void {
    const s = enter(this, R.set_status);
    checkStatus(status);
    s.responseStatus = status;
  }

  set_header(name: string, value: unknown): void {
    setHeader(responseHeaders(enter(this, R.set_header)), name, value);
  }

  add_header(name: string, value: unknown): void {
    addHeader(responseHeaders(enter(this, R.add_header)), name, value);
  }

  clear_header(name: string): void {
    clearHeader(responseHeaders(enter(this, R.clear_header)), name);
  }

  set_headers(headers: Record<string, unknown>): void {
    const bag = responseHeaders(enter(this, R.set_headers));
    if (headers === null || typeof headers !== 'object') throw new Error('headers must be a table');
    for (const k of Object.keys(headers)) headerValue(k, headers[k]); // all valid before any is set (Kong)
    for (const k of Object.keys(headers)) setHeader(bag, k, headers[k]);
  }

  /** Short-circuits the request: later access handlers are skipped, response phases still run (Kong). */
  exit(status: number, body?: unknown, headers?: Record<string, string | string[]>): void {
    exitWith(enter(this, R.exit), status, body, headers);
  }

  /** Kong's kong.response.error: exit with the standard message body for the status. */
  error(status: number, message?: string, headers?: Record<string, string>): void {
    const s = enter(this, R.error);
    exitWith(s, status, kongJsonBody(message ?? statusMessage(status), s.requestId), {
      'content-type': 'application/json; charset=utf-8',
      ...headers,
    });
  }

  get_raw_body(): Buffer {
    return enter(this, R.get_raw_body).responseBody ?? Buffer.alloc(0);
  }

  set_raw_body(body: string | Buffer): void {
    const s = enter(this, R.set_raw_body);
    if (typeof body !== 'string' && !Buffer.isBuffer(body)) throw new Error('body must be a string');
    // The service's own body stays readable through kong.service.response.get_raw_body (Kong keeps it apart).
    if (s.responseSource === 'service' && s.serviceBody === null) s.serviceBody = s.responseBody ?? Buffer.alloc(0);
    s.responseBody = typeof body === 'string' ? Buffer.from(body) : body;
  }
}

function responseHeaders(s: RequestState): IncomingHttpHeaders | OutgoingHttpHeaders {
  return (s.responseHeaders ??= {});
}

function exitWith(s: RequestState, status: number, body: unknown, headers: Record<string, string | string[]> | undefined): void {
  checkStatus(status);
  if (body !== undefined && body !== null && typeof body !== 'string' && typeof body !== 'object') {
    throw new Error('body must be a nil, string or table');
  }
  if (headers !== undefined && headers !== null && typeof headers !== 'object') throw new Error('headers must be a nil or table');
  const out: OutgoingHttpHeaders = {};
  if (headers) for (const k of Object.keys(headers)) out[k.toLowerCase()] = headers[k];
  let buf: Buffer | null = null;
  if (typeof body === 'string') buf = Buffer.from(body);
  else if (Buffer.isBuffer(body)) buf = body;
  else if (body !== undefined && body !== null) {
    buf = Buffer.from(JSON.stringify(body));
    if (out['content-type'] === undefined) out['content-type'] = 'application/json; charset=utf-8';
  }
  s.exit = { status, body: buf, headers: out };
}

/** Kong: MIN_STATUS_CODE 100, MAX_STATUS_CODE 599. */
function checkStatus(status: unknown): void {
  if (typeof status !== 'number' || !Number.isInteger(status)) throw new Error('code must be a number');
  if (status < 100 || status > 599) throw new Error('code must be a number between 100 and 599');
}
