import type { TLSSocket } from 'node:tls';
import { DEFAULT_WORKSPACE } from '../schema/workspace.js';
import { parseQuery } from './request-body.js';
import type { RequestState, SerializeMode } from './state.js';

/**
 * Kong's kong.log.serialize() record (kong/pdk/log.lua, http subsystem), the one every log plugin sends:
 * request, upstream_uri, upstream_status, response, latencies, tries, authenticated_entity, route, service,
 * consumer, client_ip, started_at, source, workspace, workspace_name; then set_serialize_value's edits.
 * Route, service and consumer are the (frozen) entities themselves; edits copy what they change.
 */
export function serializeLog(state: RequestState, now = performance.now()): Record<string, unknown> {
  const out = baseSerialize(state, now);
  const edits = state.serializeValues;
  if (edits !== null) for (const [key, value, mode] of edits) edit(out, key, value, mode);
  return out;
}

/**
 * `JSON.stringify(serializeLog(state, now))`, the text the JSON log plugins send, written without building the
 * record first: route, service and consumer are frozen snapshot entities, so their JSON is made once per entity
 * and reused by every request that logs them. With set_serialize_value's edits it is the record's JSON.
 */
export function serializeLogJson(state: RequestState, now = performance.now()): string {
  if (state.serializeValues !== null) return JSON.stringify(serializeLog(state, now));
  const { req } = state;
  const f = factsOf(state, now);
  const query = state.query.length > 1 ? JSON.stringify(parseQuery(state.query.slice(1), 100)) : '{}';
  const tls = tlsInfo(req.socket as Partial<TLSSocket>);
  const credential = state.credential;
  const route = state.route?.entity;
  const service = state.service?.entity;
  const consumer = state.consumer;
  const ip = req.socket.remoteAddress;
  const source = state.responseSource;
  return (
    `{"request":{"id":${JSON.stringify(state.requestId)},"uri":${JSON.stringify(f.uri)},"url":${JSON.stringify(f.url)}` +
    `,"querystring":${query},"method":${JSON.stringify(req.method)},"headers":${JSON.stringify(requestHeaders(state, false))}` +
    `,"size":${num(f.requestSize)}${tls !== undefined ? `,"tls":${JSON.stringify(tls)}` : ''}}` +
    `,"upstream_uri":${JSON.stringify(f.upstreamUri)},"upstream_status":${JSON.stringify(f.upstreamStatus)}` +
    `,"response":{"status":${num(f.status)},"headers":${JSON.stringify(f.responseHeaders)},"size":${num(f.responseSize)}}` +
    `,"latencies":{"kong":${num(f.kong)},"proxy":${num(f.proxy)},"request":${num(f.total)},"receive":${num(f.receive)}}` +
    (state.tries !== null ? `,"tries":${JSON.stringify(state.tries)}` : '') +
    (credential !== null ? `,"authenticated_entity":${JSON.stringify(authenticatedEntity(state, credential))}` : '') +
    (route !== undefined ? `,"route":${entityJson(route)}` : '') +
    (service !== undefined ? `,"service":${entityJson(service)}` : '') +
    (consumer !== null ? `,"consumer":${entityJson(consumer)}` : '') +
    (ip !== undefined ? `,"client_ip":${JSON.stringify(ip)}` : '') +
    `,"started_at":${num(f.startedAt)}` +
    (source !== null ? `,"source":"${SOURCE_NAMES[source]}"` : '') +
    `,"workspace":${WORKSPACE_ID},"workspace_name":${WORKSPACE_NAME}}`
  );
}

// Kong's RESPONSE_SOURCE.NAMES: the serialized `source` says who answered.
const SOURCE_NAMES = { service: 'upstream', exit: 'kong', error: 'kong' } as const;
const WORKSPACE_ID = JSON.stringify(DEFAULT_WORKSPACE.id);
const WORKSPACE_NAME = JSON.stringify(DEFAULT_WORKSPACE.name);

/** The record's computed values, shared by the object and the text. */
interface Facts {
  readonly uri: string;
  readonly url: string;
  readonly requestSize: number;
  readonly upstreamUri: string;
  readonly upstreamStatus: string;
  readonly status: number;
  readonly responseHeaders: object;
  readonly responseSize: number;
  readonly kong: number;
  readonly proxy: number;
  readonly total: number;
  readonly receive: number;
  readonly startedAt: number;
}

function factsOf(state: RequestState, now: number): Facts {
  const { req, res } = state;
  const uri = state.rawPath + state.query;
  const proxy = state.upstreamLatencyMs ?? -1;
  const total = Math.round(now - state.startedAt);
  return {
    uri,
    // var.host (lowercased Host without its port) and the port the request came in on (var.server_port).
    url: `${state.scheme}://${hostOf(req.headers.host)}:${state.serverPort}${uri}`,
    requestSize: requestLength(state),
    upstreamUri: state.upstream?.path ?? '',
    upstreamStatus: state.upstreamStatus === null ? '' : String(state.upstreamStatus),
    status: state.responseStatus || res.statusCode,
    responseHeaders: state.responseHeaders ?? res.getHeaders(),
    responseSize: (req.socket.bytesWritten ?? 0) - state.bytesWrittenBefore,
    // KONG_PROXY_LATENCY (start → upstream request sent) for proxied requests, KONG_RESPONSE_LATENCY (start →
    // the answer) for exits and errors.
    kong: state.proxyLatencyMs ?? state.responseLatencyMs ?? 0,
    proxy,
    total,
    // KONG_RECEIVE_TIME: upstream headers → last byte of the response.
    receive: state.proxyLatencyMs !== null && proxy >= 0 ? Math.max(0, total - state.proxyLatencyMs - proxy) : 0,
    startedAt: Math.round(performance.timeOrigin + state.startedAt),
  };
}

/** The request's headers with the HTTP credentials redacted; a copy when `copy` or when something is redacted. */
function requestHeaders(state: RequestState, copy: boolean): Record<string, unknown> {
  const h = state.req.headers;
  if (!copy && h.authorization === undefined && h['proxy-authorization'] === undefined) return h;
  const headers: Record<string, unknown> = { ...h };
  if (headers.authorization !== undefined) headers.authorization = 'REDACTED';
  if (headers['proxy-authorization'] !== undefined) headers['proxy-authorization'] = 'REDACTED';
  return headers;
}

function authenticatedEntity(state: RequestState, credential: NonNullable<RequestState['credential']>): Record<string, unknown> {
  return { id: credential.id, consumer_id: credential.consumer_id ?? state.consumer?.id };
}

// JSON of frozen entities, made once: a frozen object's JSON cannot change.
const ENTITY_JSON = new WeakMap<object, string>();

function entityJson(entity: object): string {
  let text = ENTITY_JSON.get(entity);
  if (text === undefined) {
    text = JSON.stringify(entity);
    if (Object.isFrozen(entity)) ENTITY_JSON.set(entity, text);
  }
  return text;
}

/** A number as JSON writes it (non-finite ones are null). */
function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

function baseSerialize(state: RequestState, now: number): Record<string, unknown> {
  const { req } = state;
  const f = factsOf(state, now);
  const credential = state.credential;
  const out: Record<string, unknown> = {
    request: {
      id: state.requestId,
      uri: f.uri,
      url: f.url,
      querystring: parseQuery(state.query.slice(1), 100),
      method: req.method,
      headers: requestHeaders(state, true),
      size: f.requestSize,
      tls: tlsInfo(req.socket as Partial<TLSSocket>),
    },
    upstream_uri: f.upstreamUri,
    upstream_status: f.upstreamStatus,
    response: { status: f.status, headers: f.responseHeaders, size: f.responseSize },
    latencies: { kong: f.kong, proxy: f.proxy, request: f.total, receive: f.receive },
    tries: state.tries ?? undefined,
    authenticated_entity: credential !== null ? authenticatedEntity(state, credential) : undefined,
    route: state.route?.entity ?? undefined,
    service: state.service?.entity ?? undefined,
    consumer: state.consumer ?? undefined,
    client_ip: req.socket.remoteAddress,
    started_at: f.startedAt,
    source: state.responseSource !== null ? SOURCE_NAMES[state.responseSource] : undefined,
    workspace: DEFAULT_WORKSPACE.id,
    workspace_name: DEFAULT_WORKSPACE.name,
  };
  // Kong's table has no nil members; JSON keeps no undefined ones either, but callers iterate keys.
  for (const k in out) if (out[k] === undefined) delete out[k];
  return out;
}

function hostOf(header: string | undefined): string {
  if (header === undefined) return '';
  const h = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':', 1)[0]!;
  return h.toLowerCase();
}

/** nginx's $request_length: request line, header lines and body, as they came on the wire. */
function requestLength(state: RequestState): number {
  const { req } = state;
  let n = req.method!.length + 1 + req.url!.length + 1 + 8 + 2 + 2;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) n += raw[i]!.length + 2 + Buffer.byteLength(raw[i + 1]!) + 2;
  const body = state.requestBody;
  if (body !== null && state.requestBodyRead) return n + body.length;
  return n + Number(req.headers['content-length'] ?? 0);
}

function tlsInfo(socket: Partial<TLSSocket>): Record<string, unknown> | undefined {
  if (socket.encrypted !== true || typeof socket.getProtocol !== 'function') return undefined;
  const version = socket.getProtocol();
  if (version === null) return undefined;
  // $ssl_client_verify: NONE unless a client certificate was asked for.
  const cert = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
  const verify = cert === null || Object.keys(cert).length === 0 ? 'NONE' : socket.authorized ? 'SUCCESS' : `FAILED:${String(socket.authorizationError)}`;
  return { version, cipher: socket.getCipher?.().name, client_verify: verify };
}

/**
 * Kong's edit_result: `a.b.c` walks (and under set/add creates) nested tables; `\.` is a literal dot; set
 * always writes, add only where nothing is, replace only where something is; nil removes. Objects on the path
 * are copied before they change, so frozen entities (route, service, consumer) are never written.
 */
function edit(root: Record<string, unknown>, key: string, value: unknown, mode: SerializeMode): void {
  const parts = splitKey(key);
  const create = mode !== 'replace';
  let node = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const sub = parts[i]!;
    const next = node[sub];
    if (next === undefined || next === null) {
      if (!create) return;
      node = node[sub] = {};
      continue;
    }
    if (typeof next !== 'object') {
      throw new Error(`The key '${key}' could not be used as a serialize value. Subkey '${sub}' is not a table. It's ${String(next)}`);
    }
    const copy = Array.isArray(next) ? ([...next] as unknown as Record<string, unknown>) : { ...(next as Record<string, unknown>) };
    node = node[sub] = copy;
  }
  const last = parts[parts.length - 1]!;
  const exists = node[last] !== undefined;
  if (mode === 'set' || (mode === 'add' && !exists) || (mode === 'replace' && exists)) {
    if (value === null || value === undefined) delete node[last];
    else node[last] = value;
  }
}

function splitKey(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === '\\' && key[i + 1] === '.') {
      cur += '.';
      i++;
    } else if (c === '.' && i > 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}
