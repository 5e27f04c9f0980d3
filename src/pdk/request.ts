import { checkMaxArgs, type ParsedBody, parseBody } from './body-parse.js';
import { getHeader, getHeaders } from './headers.js';
import { ENV, enter, Namespace } from './namespace.js';
import { rules } from './phase-rules.js';
import { parseQuery, readBody } from './request-body.js';

const R = rules('kong.request');

/** kong.request: the client's request as it arrived (Kong's PDK; snake_case kept so Kong functions port). */
export class PdkRequest extends Namespace {
  get_scheme(): 'http' | 'https' {
    return enter(this, R.get_scheme).scheme;
  }

  get_host(): string {
    return hostOf(enter(this, R.get_host).req.headers.host);
  }

  /** The listener's port; in the certificate phase too (Kong allows it everywhere but init_worker). */
  get_port(): number {
    return enter(this, R.get_port).req.socket.localPort ?? 0;
  }

  get_forwarded_scheme(): string {
    const s = enter(this, R.get_forwarded_scheme);
    return getHeader(s.upstream?.headers ?? null, 'x-forwarded-proto') ?? s.scheme;
  }

  get_forwarded_host(): string {
    const s = enter(this, R.get_forwarded_host);
    return getHeader(s.upstream?.headers ?? null, 'x-forwarded-host') ?? hostOf(s.req.headers.host);
  }

  get_forwarded_port(): number {
    const s = enter(this, R.get_forwarded_port);
    return Number(getHeader(s.upstream?.headers ?? null, 'x-forwarded-port') ?? s.req.socket.localPort);
  }

  get_forwarded_path(): string {
    const s = enter(this, R.get_forwarded_path);
    return getHeader(s.upstream?.headers ?? null, 'x-forwarded-path') ?? s.rawPath;
  }

  get_forwarded_prefix(): string | null {
    const s = enter(this, R.get_forwarded_prefix);
    return getHeader(s.upstream?.headers ?? null, 'x-forwarded-prefix');
  }

  get_http_version(): number {
    return Number(enter(this, R.get_http_version).req.httpVersion);
  }

  get_method(): string {
    return enter(this, R.get_method).req.method ?? 'GET';
  }

  get_path(): string {
    return enter(this, R.get_path).rawPath;
  }

  get_raw_path(): string {
    return enter(this, R.get_raw_path).rawPath;
  }

  get_path_with_query(): string {
    const s = enter(this, R.get_path_with_query);
    return s.rawPath + s.query;
  }

  get_raw_query(): string {
    const q = enter(this, R.get_raw_query).query;
    return q.length > 0 ? q.slice(1) : '';
  }

  get_query(max = 100): Record<string, string | string[] | true> {
    return parseQuery(enter(this, R.get_query).query.slice(1), max);
  }

  get_query_arg(name: string): string | true | null {
    const v = parseQuery(enter(this, R.get_query_arg).query.slice(1), 1000)[name];
    return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
  }

  get_header(name: string): string | null {
    return getHeader(enter(this, R.get_header).req.headers, name);
  }

  get_headers(max?: number): Record<string, string | string[]> {
    return getHeaders(enter(this, R.get_headers).req.headers, max);
  }

  get_uri_captures(): Readonly<Record<string, string>> {
    return enter(this, R.get_uri_captures).captures ?? {};
  }

  get_start_time(): number {
    return Math.round(performance.timeOrigin + enter(this, R.get_start_time).startedAt);
  }

  /**
   * Resolves with the raw body (Kong's is synchronous; reading a stream cannot be in Node). Not `async`: a call
   * outside its phases throws at the call, as Kong's, rather than rejecting a promise nobody may await.
   */
  get_raw_body(): Promise<Buffer> {
    const s = enter(this, R.get_raw_body);
    if (s.requestBodyRead) return Promise.resolve(s.requestBody ?? Buffer.alloc(0));
    return readBody(s.req, this[ENV].maxBodyBytes).then((body) => {
      s.requestBody = body;
      s.requestBodyRead = true;
      return body;
    });
  }

  /** Parsed by content type (Kong's get_body): resolves to [body, err, mimetype]. */
  get_body(mimetype?: string, maxArgs?: number): Promise<ParsedBody> {
    const s = enter(this, R.get_body);
    const max = checkMaxArgs(maxArgs);
    const type = mimetype ?? getHeader(s.req.headers, 'content-type');
    return this.get_raw_body().then((raw) => parseBody(raw, type, max));
  }

  /**
   * Caps the request body streamed to the upstream without buffering it: past `bytes`, the upstream request
   * is dropped and the client gets `status` with `message` (sluice extension; Kong buffers instead).
   */
  limit_body(bytes: number, status = 413, message = 'Request size limit exceeded'): void {
    enter(this, R.limit_body).bodyLimit = { bytes, status, message };
  }
}

function hostOf(host: string | undefined): string {
  if (!host) return '';
  const colon = host.lastIndexOf(':');
  return (colon > 0 && !host.endsWith(']') ? host.slice(0, colon) : host).toLowerCase();
}
