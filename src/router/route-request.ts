/**
 * From a request's facts to what the gateway does with it: route it, or answer it itself (bad path, no route,
 * https required). Pure; the proxy fills the facts from node:http and the route-explain view from its query, so
 * the two cannot reach different verdicts on the same request.
 */
import { requestHost } from '../util/host-port.js';
import { normalizePath } from './normalize.js';
import type { MatchRequest, RouteLike, RouteMatch, Router } from './types.js';

/** What a route says about plain-text requests (Kong runloop: protocols and https_redirect_status_code). */
export interface TlsPolicy {
  /** protocols has https but not http (or wss but not ws). */
  readonly httpsOnly: boolean;
  /** 426, or the redirect status (301, 302, 307, 308). */
  readonly httpsRedirectStatus: number;
}

export interface RequestFacts {
  readonly method: string;
  /** The request target in origin form, query included, as received. */
  readonly target: string;
  /** The Host header; undefined when there is none. */
  readonly host: string | undefined;
  readonly headers: MatchRequest['headers'];
  readonly scheme: 'http' | 'https';
  readonly sni: string | null;
  /** The port the request arrived on (Kong: server_port), which the router uses when the Host has none. */
  readonly port: number;
  /**
   * Whether the peer is a trusted proxy (Kong: trusted_ips), whose X-Forwarded-Proto and X-Forwarded-Host then
   * stand for the scheme and host of an https-only route's check.
   */
  readonly trusted: boolean;
}

export interface Routed<R extends RouteLike> {
  readonly match: RouteMatch<R>;
  /** The normalized path the router matched on. */
  readonly path: string;
  /** The path as received, without the query. */
  readonly rawPath: string;
  /** '' or the query with its `?`. */
  readonly query: string;
}

/** A response the gateway gives itself: bad path, no route, https required. */
export interface RoutingAnswer<R extends RouteLike = RouteLike> {
  readonly status: number;
  readonly message: string;
  readonly headers?: Record<string, string>;
  /** The route that asked for https; null when no route matched (or the path was refused). */
  readonly match: RouteMatch<R> | null;
  /** The normalized path; null when the path was refused. */
  readonly path: string | null;
  readonly rawPath: string;
  readonly query: string;
}

export function isRoutingAnswer<R extends RouteLike>(r: Routed<R> | RoutingAnswer<R>): r is RoutingAnswer<R> {
  return (r as RoutingAnswer<R>).status !== undefined;
}

/** Normalise the path, match, then enforce the route's protocols (Kong runloop access.before). */
export function routeRequest<R extends RouteLike & TlsPolicy>(router: Router<R>, req: RequestFacts): Routed<R> | RoutingAnswer<R> {
  const target = req.target;
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q);
  const path = normalizePath(rawPath);
  if (path === null || path.charCodeAt(0) !== 47 /* / */) return { status: 400, message: 'Bad request', match: null, path: null, rawPath, query };
  const match = router.match({
    method: req.method,
    host: req.host ?? '',
    path,
    headers: req.headers,
    sni: req.sni,
    scheme: req.scheme,
    port: req.port,
  });
  if (match === null) return { status: 404, message: 'no Route matched with those values', match, path, rawPath, query };
  if (match.route.httpsOnly && req.scheme !== 'https') {
    const answer = httpsRequired(match.route, req);
    if (answer !== null) return { ...answer, match, path, rawPath, query };
  }
  return { match, path, rawPath, query };
}

/**
 * Kong (runloop access.before): an https-only route hit by a request whose forwarded proto is not https answers
 * 426 with Upgrade, or redirects to `https://` + the forwarded host + the request URI. The forwarded proto and
 * host are the scheme and nginx's $host, or a trusted peer's X-Forwarded-Proto / X-Forwarded-Host.
 */
function httpsRequired(route: TlsPolicy, req: RequestFacts): Pick<RoutingAnswer, 'status' | 'message' | 'headers'> | null {
  const trusted = req.trusted;
  if (trusted && first(req.headers['x-forwarded-proto']) === 'https') return null;
  if (route.httpsRedirectStatus === 426) {
    return { status: 426, message: 'Please use HTTPS protocol', headers: { Connection: 'Upgrade', Upgrade: 'TLS/1.2, HTTP/1.1' } };
  }
  const host = (trusted && first(req.headers['x-forwarded-host'])) || requestHost(req.host);
  return { status: route.httpsRedirectStatus, message: '', headers: { Location: `https://${host}${req.target}` } };
}

function first(v: string | readonly string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : v?.[0];
}
