import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Logger } from '../log/logger.js';
import type { Consumer } from '../schema/index.js';
import type { ProxyPlan } from '../snapshot/proxy-plan.js';
import { kongJsonBody } from '../proxy/kong-response.js';
import { statusMessage } from '../proxy/status-messages.js';
import { addHeader, clearHeader, getHeader, getHeaders, setHeader } from './headers.js';
import type { PhaseName, RequestState } from './state.js';
import { parseQuery, readBody, serializeLog } from './request-body.js';

/** What the PDK needs from outside the request: the snapshot's lookups and node identity. */
export interface PdkEnvironment {
  readonly plan: ProxyPlan;
  readonly logger: Logger;
  readonly nodeId: string;
  readonly hostname: string;
  /** Upper bound for kong.request.get_raw_body (bytes). */
  readonly maxBodyBytes: number;
}

type Ok = [ok: true, err: null];
type Err = [ok: null, err: string];
const OK: Ok = Object.freeze([true, null]) as Ok;

/** Kong raises when a PDK function is used outside its phases; so do we, with Kong's wording. */
function phases(state: RequestState, name: string, allowed: readonly PhaseName[]): void {
  if (!allowed.includes(state.phase)) {
    throw new Error(`function ${name} cannot be called in ${state.phase} phase (only in: ${allowed.join(', ')})`);
  }
}

const REWRITE_ACCESS: readonly PhaseName[] = ['rewrite', 'access'];
const ACCESS: readonly PhaseName[] = ['access'];
const RESPONSE_PHASES: readonly PhaseName[] = ['rewrite', 'access', 'header_filter'];

/**
 * The `kong` object plugins and serverless functions receive (Kong's PDK, snake_case names kept so Kong
 * functions port directly). Functions that return `ok, err` in Lua return an `[ok, err]` pair here.
 */
export function createPdk(state: RequestState, env: PdkEnvironment) {
  const { req, res } = state;
  const logFields = () => ({ plugin: state.currentPlugin?.name, request_id: state.requestId });
  const upstreamHeaders = (): OutgoingHttpHeaders => {
    // Before routing (rewrite) there is no upstream request yet: changes wait and apply once it exists.
    if (state.upstream === null) return (state.pendingUpstreamHeaders ??= {});
    return state.upstream.headers;
  };
  const responseHeaders = (): IncomingHttpHeaders | OutgoingHttpHeaders => {
    if (state.responseHeaders === null) state.responseHeaders = {};
    return state.responseHeaders;
  };

  const request = {
    get_scheme: () => state.scheme,
    get_host: () => hostOf(req.headers.host),
    get_port: () => req.socket.localPort ?? 0,
    get_forwarded_scheme: () => getHeader(state.upstream?.headers ?? null, 'x-forwarded-proto') ?? state.scheme,
    get_forwarded_host: () => getHeader(state.upstream?.headers ?? null, 'x-forwarded-host') ?? hostOf(req.headers.host),
    get_forwarded_port: () => Number(getHeader(state.upstream?.headers ?? null, 'x-forwarded-port') ?? req.socket.localPort),
    get_forwarded_path: () => getHeader(state.upstream?.headers ?? null, 'x-forwarded-path') ?? state.rawPath,
    get_forwarded_prefix: () => getHeader(state.upstream?.headers ?? null, 'x-forwarded-prefix'),
    get_http_version: () => Number(req.httpVersion),
    get_method: () => req.method ?? 'GET',
    get_path: () => state.rawPath,
    get_raw_path: () => state.rawPath,
    get_path_with_query: () => state.rawPath + state.query,
    get_raw_query: () => (state.query.length > 0 ? state.query.slice(1) : ''),
    get_query: (max = 100) => parseQuery(state.query.slice(1), max),
    get_query_arg: (name: string) => {
      const v = parseQuery(state.query.slice(1), 1000)[name];
      return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
    },
    get_header: (name: string) => getHeader(req.headers, name),
    get_headers: (max?: number) => getHeaders(req.headers, max),
    get_uri_captures: () => state.captures ?? {},
    get_start_time: () => Math.round(performance.timeOrigin + state.startedAt),
    /** Resolves with the raw body (Kong's is synchronous; reading a stream cannot be in Node). */
    get_raw_body: async (): Promise<Buffer> => {
      if (!state.requestBodyRead) {
        state.requestBody = await readBody(req, env.maxBodyBytes);
        state.requestBodyRead = true;
      }
      return state.requestBody ?? Buffer.alloc(0);
    },
    /**
     * Caps the request body streamed to the upstream without buffering it: past `bytes`, the upstream request
     * is dropped and the client gets `status` with `message` (sluice extension; Kong buffers instead).
     */
    limit_body: (bytes: number, status = 413, message = 'Request size limit exceeded') => {
      phases(state, 'kong.request.limit_body', REWRITE_ACCESS);
      state.bodyLimit = { bytes, status, message };
    },
    /** Parsed by content type: JSON, form-urlencoded. Resolves to [body, err, mimetype] as Kong's returns. */
    get_body: async (mimetype?: string): Promise<[unknown, string | null, string | null]> => {
      const raw = await request.get_raw_body();
      const type = (mimetype ?? req.headers['content-type'] ?? '').toLowerCase();
      if (type.includes('json')) {
        try {
          return [JSON.parse(raw.toString('utf8')), null, 'application/json'];
        } catch {
          return [null, 'failed to parse JSON body', 'application/json'];
        }
      }
      if (type.includes('application/x-www-form-urlencoded')) {
        return [parseQuery(raw.toString('utf8'), 1000), null, 'application/x-www-form-urlencoded'];
      }
      return [null, 'unsupported content type', type || null];
    },
  };

  const client = {
    get_ip: () => req.socket.remoteAddress ?? '',
    get_forwarded_ip: () => getHeader(state.upstream?.headers ?? null, 'x-real-ip') ?? req.socket.remoteAddress ?? '',
    get_port: () => req.socket.remotePort ?? 0,
    get_forwarded_port: () => req.socket.remotePort ?? 0,
    get_protocol: () => state.scheme,
    get_consumer: () => state.consumer,
    get_credential: () => state.credential,
    get_consumer_groups: () => state.authenticatedGroups,
    /** Sets the authenticated consumer and/or credential (at least one). */
    authenticate: (consumer: Consumer | null, credential: { id: string } | null) => {
      if (consumer == null && credential == null) throw new Error('either credential or consumer must be provided');
      state.consumer = consumer ?? null;
      state.credential = credential ?? null;
    },
    load_consumer: (id: string, byUsername = false): [Consumer | null, string | null] => {
      const c = env.plan.consumersById.get(id) ?? (byUsername ? env.plan.consumersByUsername.get(id) : undefined);
      return [c ?? null, null];
    },
  };

  const response = {
    get_status: () => (state.responseStatus === 0 ? res.statusCode : state.responseStatus),
    get_header: (name: string) => getHeader(state.responseHeaders, name),
    get_headers: (max?: number) => getHeaders(state.responseHeaders, max),
    get_source: () => (state.responseSource === 'service' ? 'service' : state.responseSource === 'exit' ? 'exit' : 'error'),
    set_status: (status: number) => {
      phases(state, 'kong.response.set_status', RESPONSE_PHASES);
      checkStatus(status);
      state.responseStatus = status;
    },
    set_header: (name: string, value: unknown) => {
      phases(state, 'kong.response.set_header', RESPONSE_PHASES);
      setHeader(responseHeaders(), name, value);
    },
    add_header: (name: string, value: unknown) => {
      phases(state, 'kong.response.add_header', RESPONSE_PHASES);
      addHeader(responseHeaders(), name, value);
    },
    clear_header: (name: string) => {
      phases(state, 'kong.response.clear_header', RESPONSE_PHASES);
      clearHeader(responseHeaders(), name);
    },
    set_headers: (headers: Record<string, unknown>) => {
      phases(state, 'kong.response.set_headers', RESPONSE_PHASES);
      for (const k of Object.keys(headers)) setHeader(responseHeaders(), k, headers[k]);
    },
    /** Short-circuits the request: later access handlers are skipped, response phases still run (Kong). */
    exit: (status: number, body?: unknown, headers?: Record<string, string | string[]>) => {
      phases(state, 'kong.response.exit', ['rewrite', 'access', 'header_filter']);
      checkStatus(status);
      const out: OutgoingHttpHeaders = {};
      if (headers) for (const k of Object.keys(headers)) out[k.toLowerCase()] = headers[k];
      let buf: Buffer | null = null;
      if (typeof body === 'string') buf = Buffer.from(body);
      else if (Buffer.isBuffer(body)) buf = body;
      else if (body !== undefined && body !== null) {
        buf = Buffer.from(JSON.stringify(body));
        if (out['content-type'] === undefined) out['content-type'] = 'application/json; charset=utf-8';
      }
      state.exit = { status, body: buf, headers: out };
    },
    /** Kong's kong.response.error: exit with the standard message body for the status. */
    error: (status: number, message?: string, headers?: Record<string, string>) => {
      response.exit(status, kongJsonBody(message ?? statusMessage(status), state.requestId), {
        'content-type': 'application/json; charset=utf-8',
        ...headers,
      });
    },
    get_raw_body: () => {
      phases(state, 'kong.response.get_raw_body', ['body_filter']);
      return state.responseBody ?? Buffer.alloc(0);
    },
    set_raw_body: (body: string | Buffer) => {
      phases(state, 'kong.response.set_raw_body', ['body_filter']);
      state.responseBody = typeof body === 'string' ? Buffer.from(body) : body;
    },
  };

  const serviceRequest = {
    set_scheme: (scheme: 'http' | 'https') => {
      phases(state, 'kong.service.request.set_scheme', REWRITE_ACCESS);
      if (scheme !== 'http' && scheme !== 'https') throw new Error(`invalid scheme: ${scheme}`);
      state.upstream!.protocol = scheme;
    },
    set_path: (path: string) => {
      phases(state, 'kong.service.request.set_path', REWRITE_ACCESS);
      if (typeof path !== 'string' || !path.startsWith('/')) throw new Error('path must start with /');
      const up = state.upstream!;
      const q = up.path.indexOf('?');
      up.path = path + (q < 0 ? '' : up.path.slice(q));
    },
    set_raw_query: (query: string) => {
      phases(state, 'kong.service.request.set_raw_query', REWRITE_ACCESS);
      const up = state.upstream!;
      const q = up.path.indexOf('?');
      up.path = (q < 0 ? up.path : up.path.slice(0, q)) + (query ? `?${query}` : '');
    },
    /** Drops every occurrence of one query argument, keeping the others in order (Kong encodes `+` as %20). */
    clear_query_arg: (name: string) => {
      phases(state, 'kong.service.request.clear_query_arg', REWRITE_ACCESS);
      if (typeof name !== 'string') throw new TypeError('query argument name must be a string');
      const up = state.upstream!;
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
    },
    set_query: (args: Record<string, string | string[] | boolean>) => {
      const parts: string[] = [];
      for (const k of Object.keys(args).sort()) {
        const v = args[k]!;
        for (const one of Array.isArray(v) ? v : [v]) {
          parts.push(one === true ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(String(one))}`);
        }
      }
      serviceRequest.set_raw_query(parts.join('&'));
    },
    set_method: (method: string) => {
      phases(state, 'kong.service.request.set_method', REWRITE_ACCESS);
      state.upstream!.method = method.toUpperCase();
    },
    set_header: (name: string, value: unknown) => {
      phases(state, 'kong.service.request.set_header', REWRITE_ACCESS);
      setHeader(upstreamHeaders(), name, value);
    },
    add_header: (name: string, value: unknown) => {
      phases(state, 'kong.service.request.add_header', REWRITE_ACCESS);
      addHeader(upstreamHeaders(), name, value);
    },
    clear_header: (name: string) => {
      phases(state, 'kong.service.request.clear_header', REWRITE_ACCESS);
      clearHeader(upstreamHeaders(), name);
    },
    set_headers: (headers: Record<string, unknown>) => {
      phases(state, 'kong.service.request.set_headers', REWRITE_ACCESS);
      for (const k of Object.keys(headers)) setHeader(upstreamHeaders(), k, headers[k]);
    },
    set_raw_body: (body: string | Buffer) => {
      phases(state, 'kong.service.request.set_raw_body', REWRITE_ACCESS);
      state.requestBody = typeof body === 'string' ? Buffer.from(body) : body;
      state.requestBodyRead = true;
    },
    set_body: (body: Record<string, unknown>, mimetype?: string) => {
      const type = (mimetype ?? String(upstreamHeaders()['content-type'] ?? 'application/json')).toLowerCase();
      let raw: string;
      if (type.includes('x-www-form-urlencoded')) {
        raw = new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString();
      } else raw = JSON.stringify(body);
      serviceRequest.set_raw_body(raw);
      upstreamHeaders()['content-type'] = mimetype ?? upstreamHeaders()['content-type'] ?? 'application/json';
      return OK;
    },
  };

  const service = {
    request: serviceRequest,
    response: {
      get_status: () => state.upstreamStatus,
      get_header: (name: string) => (state.responseSource === 'service' ? getHeader(state.responseHeaders, name) : null),
      get_headers: (max?: number) => (state.responseSource === 'service' ? getHeaders(state.responseHeaders, max) : {}),
      get_raw_body: () => {
        phases(state, 'kong.service.response.get_raw_body', ['body_filter']);
        return state.responseSource === 'service' ? (state.responseBody ?? Buffer.alloc(0)) : null;
      },
    },
    set_upstream: (host: string): Ok | Err => {
      phases(state, 'kong.service.set_upstream', ACCESS);
      if (!env.plan.balancers.has(host)) return [null, `could not find an Upstream named '${host}'`];
      state.upstreamName = host;
      state.target = null;
      return OK;
    },
    set_target: (host: string, port: number) => {
      phases(state, 'kong.service.set_target', ACCESS);
      if (typeof host !== 'string' || host.length === 0) throw new Error('host must be a string');
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('port must be an integer from 0 to 65535');
      state.target = { host, port };
      state.upstreamName = null;
    },
    set_tls_verify: (on: boolean): Ok | Err => {
      phases(state, 'kong.service.set_tls_verify', REWRITE_ACCESS);
      if (typeof on !== 'boolean') return [null, 'argument must be a boolean'];
      tls().rejectUnauthorized = on;
      return OK;
    },
    set_tls_verify_depth: (depth: number): Ok | Err => {
      phases(state, 'kong.service.set_tls_verify_depth', REWRITE_ACCESS);
      if (!Number.isInteger(depth) || depth < 0) return [null, 'depth must be a non-negative integer'];
      tls().verifyDepth = depth;
      return OK;
    },
    set_tls_verify_store: (store: string[] | string): Ok | Err => {
      phases(state, 'kong.service.set_tls_verify_store', REWRITE_ACCESS);
      const list = Array.isArray(store) ? store : [store];
      if (list.some((c) => typeof c !== 'string' || !c.includes('BEGIN CERTIFICATE'))) {
        return [null, 'store must be PEM certificates'];
      }
      tls().ca = list;
      return OK;
    },
    set_tls_cert_key: (chain: string, key: string): Ok | Err => {
      phases(state, 'kong.service.set_tls_cert_key', REWRITE_ACCESS);
      if (typeof chain !== 'string' || !chain.includes('BEGIN CERTIFICATE')) return [null, 'chain must be a PEM certificate chain'];
      if (typeof key !== 'string' || !key.includes('PRIVATE KEY')) return [null, 'key must be a PEM private key'];
      const t = tls();
      t.cert = chain;
      t.key = key;
      return OK;
    },
  };

  function tls() {
    const up = state.upstream!;
    if (up.tls === undefined) up.tls = { rejectUnauthorized: false };
    return up.tls as NonNullable<typeof up.tls> & { verifyDepth?: number };
  }

  const ctx = {
    shared: state.shared,
    /** kong.ctx.plugin: private to the plugin instance that is running, kept across its phases. */
    get plugin(): Record<string, unknown> {
      const id = state.currentPlugin?.id ?? '';
      state.pluginCtx ??= new Map();
      let ns = state.pluginCtx.get(id);
      if (ns === undefined) {
        ns = {};
        state.pluginCtx.set(id, ns);
      }
      return ns;
    },
  };

  const kongLog = {
    debug: (...args: unknown[]) => env.logger.isEnabled('debug') && env.logger.debug(joinArgs(args), logFields()),
    info: (...args: unknown[]) => env.logger.isEnabled('info') && env.logger.info(joinArgs(args), logFields()),
    notice: (...args: unknown[]) => env.logger.isEnabled('info') && env.logger.info(joinArgs(args), logFields()),
    warn: (...args: unknown[]) => env.logger.isEnabled('warn') && env.logger.warn(joinArgs(args), logFields()),
    err: (...args: unknown[]) => env.logger.isEnabled('error') && env.logger.error(joinArgs(args), logFields()),
    crit: (...args: unknown[]) => env.logger.isEnabled('error') && env.logger.error(joinArgs(args), logFields()),
    alert: (...args: unknown[]) => env.logger.isEnabled('error') && env.logger.error(joinArgs(args), logFields()),
    emerg: (...args: unknown[]) => env.logger.isEnabled('error') && env.logger.error(joinArgs(args), logFields()),
    serialize: () => serializeLog(state),
    /** Adds (or with null removes) a value in what kong.log.serialize() returns, by dotted key (Kong). */
    set_serialize_value: (key: string, value: unknown) => {
      if (typeof key !== 'string' || key === '') return [null, 'key must be a non-empty string'] as const;
      (state.serializeValues ??= []).push([key, value]);
      return [true, null] as const;
    },
  };

  return {
    request,
    client,
    response,
    service,
    ctx,
    log: kongLog,
    router: {
      get_route: () => state.route,
      get_service: () => state.service,
    },
    node: {
      get_id: () => env.nodeId,
      get_hostname: () => env.hostname,
    },
    /** The phase being run, for functions shared between phases. */
    get phase(): PhaseName {
      return state.phase;
    },
  };
}

export type Pdk = ReturnType<typeof createPdk>;

function hostOf(host: string | undefined): string {
  if (!host) return '';
  const colon = host.lastIndexOf(':');
  return (colon > 0 && !host.endsWith(']') ? host.slice(0, colon) : host).toLowerCase();
}

function checkStatus(status: number): void {
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new Error(`invalid status code: ${status}`);
}

function joinArgs(args: unknown[]): string {
  return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}

function decodeQueryKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
}
