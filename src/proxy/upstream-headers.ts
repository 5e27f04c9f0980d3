import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { connectionListed, isHopByHop } from './engine/hop-by-hop.js';
import { SERVER_TOKEN } from '../http/kong-response.js';
import { isTrusted, type ProxySettings } from './settings.js';

/** The request facts the upstream headers are made of (computed once per request by the lifecycle). */
export interface ForwardFacts {
  readonly scheme: 'http' | 'https';
  readonly host: string; // Host header without port, as nginx's $host
  readonly listenPort: number;
  readonly rawPath: string; // request path without query, as received
  readonly forwardedPrefix: string | null; // what strip_path removed, when not '/'
  readonly hostHeader: string; // Host to send upstream
  readonly requestId: string;
  /** A WebSocket handshake: Kong sends `Connection: keep-alive, Upgrade` and `Upgrade: websocket` upstream. */
  readonly websocket: boolean;
}

// The client may not set these through us: Kong's template overwrites every one of them.
const OVERWRITTEN = new Set([
  'host',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-path',
  'x-forwarded-prefix',
  'x-real-ip',
  'via',
  'x-kong-request-id',
  'proxy', // httpoxy: Kong clears it
]);

/**
 * Headers sent upstream, as Kong's nginx template sets them (Kong's kong/templates/nginx_kong.lua and kong/runloop/handler.lua). Hop-by-hop headers are left to the
 * engine, which owns the connection to the upstream.
 */
export function upstreamHeaders(req: IncomingMessage, facts: ForwardFacts, settings: ProxySettings): OutgoingHttpHeaders {
  const inHeaders = req.headers;
  const out: OutgoingHttpHeaders = {};
  // The client's Connection list names headers of the client's own hop: it removes those, here, before the
  // gateway adds its own below — so it can never remove X-Forwarded-*, X-Real-IP or the request id.
  const listed = connectionListed(inHeaders.connection);
  for (const name in inHeaders) {
    if (OVERWRITTEN.has(name) || isHopByHop(name) || (listed !== null && listed.has(name))) continue;
    out[name] = inHeaders[name];
  }
  const trusted = isTrusted(settings, req.socket.remoteAddress);
  const peer = req.socket.remoteAddress ?? '';
  const xff = inHeaders['x-forwarded-for'];
  out['x-forwarded-for'] = xff ? `${xff}, ${peer}` : peer;
  out['x-forwarded-proto'] = (trusted && first(inHeaders['x-forwarded-proto'])) || facts.scheme;
  out['x-forwarded-host'] = (trusted && first(inHeaders['x-forwarded-host'])) || facts.host;
  out['x-forwarded-port'] = (trusted && first(inHeaders['x-forwarded-port'])) || portText(facts.listenPort);
  out['x-forwarded-path'] = (trusted && first(inHeaders['x-forwarded-path'])) || facts.rawPath;
  const prefix = (trusted && first(inHeaders['x-forwarded-prefix'])) || facts.forwardedPrefix;
  if (prefix) out['x-forwarded-prefix'] = prefix;
  // Kong's realip defaults (real_ip_header X-Real-IP, not recursive): a trusted peer may name the client.
  out['x-real-ip'] = (trusted && first(inHeaders['x-real-ip'])) || peer;
  const via = req.httpVersion === '1.1' ? VIA_11 : `${req.httpVersion} ${SERVER_TOKEN}`;
  if (settings.serverTokens) out.via = inHeaders.via ? `${inHeaders.via}, ${via}` : via;
  else if (inHeaders.via) out.via = inHeaders.via;
  if (settings.requestIdUpstream) out['x-kong-request-id'] = facts.requestId;
  out.host = facts.hostHeader;
  if (facts.websocket) {
    out.connection = 'keep-alive, Upgrade';
    out.upgrade = 'websocket';
  }
  return out;
}

const VIA_11 = `1.1 ${SERVER_TOKEN}`;

// A listener's port as text, made once per port rather than per request.
const PORT_TEXT = new Map<number, string>();
function portText(port: number): string {
  let text = PORT_TEXT.get(port);
  if (text === undefined) PORT_TEXT.set(port, (text = String(port)));
  return text;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
