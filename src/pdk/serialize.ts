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
export function serializeLog(state: RequestState): Record<string, unknown> {
  const out = baseSerialize(state);
  const edits = state.serializeValues;
  if (edits !== null) for (const [key, value, mode] of edits) edit(out, key, value, mode);
  return out;
}

// Kong's RESPONSE_SOURCE.NAMES: the serialized `source` says who answered.
const SOURCE_NAMES = { service: 'upstream', exit: 'kong', error: 'kong' } as const;

function baseSerialize(state: RequestState): Record<string, unknown> {
  const { req, res } = state;
  const now = performance.now();
  const requestUri = state.rawPath + state.query;
  // var.host (lowercased Host without its port) and the port the request came in on (var.server_port).
  const host = hostOf(req.headers.host);
  const headers: Record<string, unknown> = { ...req.headers };
  if (headers.authorization !== undefined) headers.authorization = 'REDACTED';
  if (headers['proxy-authorization'] !== undefined) headers['proxy-authorization'] = 'REDACTED';
  const proxy = state.upstreamLatencyMs ?? -1;
  // KONG_PROXY_LATENCY (start → upstream request sent) for proxied requests, KONG_RESPONSE_LATENCY (start →
  // the answer) for exits and errors.
  const kong = state.proxyLatencyMs ?? state.responseLatencyMs ?? 0;
  const total = Math.round(now - state.startedAt);
  // KONG_RECEIVE_TIME: upstream headers → last byte of the response.
  const receive = state.proxyLatencyMs !== null && proxy >= 0 ? Math.max(0, total - state.proxyLatencyMs - proxy) : 0;
  const credential = state.credential;
  const out: Record<string, unknown> = {
    request: {
      id: state.requestId,
      uri: requestUri,
      url: `${state.scheme}://${host}:${state.serverPort}${requestUri}`,
      querystring: parseQuery(state.query.slice(1), 100),
      method: req.method,
      headers,
      size: requestLength(state),
      tls: tlsInfo(req.socket as Partial<TLSSocket>),
    },
    upstream_uri: state.upstream?.path ?? '',
    upstream_status: state.upstreamStatus === null ? '' : String(state.upstreamStatus),
    response: {
      status: state.responseStatus || res.statusCode,
      headers: state.responseHeaders ?? res.getHeaders(),
      size: (req.socket.bytesWritten ?? 0) - state.bytesWrittenBefore,
    },
    latencies: { kong, proxy, request: total, receive },
    tries: state.tries ?? undefined,
    authenticated_entity:
      credential !== null ? { id: credential.id, consumer_id: credential.consumer_id ?? state.consumer?.id } : undefined,
    route: state.route?.entity ?? undefined,
    service: state.service?.entity ?? undefined,
    consumer: state.consumer ?? undefined,
    client_ip: req.socket.remoteAddress,
    started_at: Math.round(performance.timeOrigin + state.startedAt),
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
