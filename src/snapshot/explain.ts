import {
  isRoutingAnswer,
  type MatchRequest,
  type Routed,
  routeRequest,
  type Router,
  type RoutingAnswer,
  upstreamHostHeader,
  upstreamTarget,
} from '../router/index.js';
import type { RoutePlan, ServicePlan } from '../pdk/proxy-plan.js';
import { validHost } from '../util/host-port.js';
import type { ExplainRequest } from './types.js';

interface ExplainingRouter {
  match: Router<RoutePlan>['match'];
  explain(req: MatchRequest): unknown;
}

/** What only the caller knows about where the request arrives. */
export interface ExplainPlace {
  /**
   * The port the request arrives on (Kong's server_port: the router uses it when the Host has none). Kong's
   * default proxy ports (proxy_listen 0.0.0.0:8000, 0.0.0.0:8443 ssl) when not given.
   */
  readonly port?: number;
  /** The client is a trusted proxy (Kong trusted_ips): its X-Forwarded-Proto/-Host count for https-only routes. */
  readonly trusted?: boolean;
}

/**
 * The request to explain. A header sent more than once is a list, as the proxy hands it to the router when a
 * route matches on headers (each value on its own, not joined).
 */
export type ExplainInput = Omit<ExplainRequest, 'headers'> &
  ExplainPlace & { readonly headers: Readonly<Record<string, string | readonly string[]>> };

const DEFAULT_PORTS = { http: 8000, https: 8443 } as const;

interface Answer {
  readonly status: number;
  readonly message: string;
  readonly headers?: Record<string, string>;
}

/**
 * The route-explain view: what the linear reference router compared for each route, what the fast index
 * chose (they must agree), and what the gateway would do — the answer it gives itself, or the upstream request
 * it sends. Every decision is made by the function the proxy calls (validHost, routeRequest, upstreamTarget,
 * upstreamHostHeader), so explain and proxy cannot disagree; plugins, which may change either, are not run.
 */
export function explainRequest(linear: ExplainingRouter, fast: Router<RoutePlan>, req: ExplainInput): unknown {
  const headers: Record<string, string | string[]> = {};
  for (const k of Object.keys(req.headers)) {
    const v = req.headers[k]!;
    headers[k.toLowerCase()] = typeof v === 'string' ? v : [...v];
  }
  const method = req.method.toUpperCase();
  const port = req.port ?? DEFAULT_PORTS[req.scheme];
  // An empty host stands for "no Host header".
  const host = req.host === '' ? undefined : req.host;
  const routed = routeRequest(fast, { method, target: wireTarget(req.path), host, headers, scheme: req.scheme, sni: req.sni, port, trusted: req.trusted === true });
  const answer = isRoutingAnswer(routed) ? routed : null;
  const proxied = isRoutingAnswer(routed) ? null : routed;
  const { match, path } = routed;
  const input: MatchRequest | null = path === null ? null : { method, host: req.host, path, headers, sni: req.sni, scheme: req.scheme, port };
  const reference = input === null ? null : linear.match(input);
  const service = match?.route.service ?? null;
  return {
    request: { method, host: req.host, path, normalized_from: routed.rawPath, scheme: req.scheme, port },
    matched: match
      ? {
          route: { id: match.route.id, name: match.route.name },
          service: service ? { id: service.id, name: service.name } : null,
          matched_path: match.matchedPath,
          uri_captures: match.captures,
        }
      : null,
    routers_agree: (match?.route.id ?? null) === (reference?.route.id ?? null),
    response: gatewayAnswer(host, answer, service),
    upstream: proxied && service ? upstreamOf(proxied, service, host) : null,
    upstream_url:
      proxied && service ? `${service.protocol}://${service.hostHeader}${upstreamTarget(service.path, proxied.match, proxied.path, proxied.query)}` : null,
    candidates: input === null ? [] : linear.explain(input),
  };
}

/** The response the gateway gives itself, in the proxy's order (handler.ts); null when the request is proxied. */
function gatewayAnswer(host: string | undefined, answer: RoutingAnswer<RoutePlan> | null, service: ServicePlan | null): Answer | null {
  // nginx, before Kong: an HTTP/1.1 request without a Host, or with one that is not a host name.
  if (host === undefined || !validHost(host)) return { status: 400, message: 'Bad request' };
  if (answer !== null) {
    const { status, message, headers } = answer;
    return headers === undefined ? { status, message } : { status, message, headers };
  }
  return service === null ? { status: 503, message: 'no Service found with those values' } : null;
}

function upstreamOf(routed: Routed<RoutePlan>, service: ServicePlan, host: string | undefined) {
  const route = routed.match.route;
  return {
    protocol: service.protocol,
    host: service.host,
    port: service.port,
    target: upstreamTarget(service.path, routed.match, routed.path, routed.query),
    // A balanced service without preserve_host sends each target's own Host, chosen per try: null then.
    host_header:
      service.balancer === null || route.preserveHost
        ? upstreamHostHeader(route, host, service.hostHeader)
        : (service.balancer.hostHeader ?? null),
  };
}

/**
 * The request target as a client puts it on the wire: characters outside printable ASCII as their UTF-8 bytes,
 * percent-encoded. The explained path is text (the Admin API query decoded it); a request carries bytes, and
 * node:http refuses raw bytes outside ASCII in a request target (400 before any routing).
 */
function wireTarget(text: string): string {
  return text.replace(/[^\x21-\x7e]+/g, (run) => {
    let out = '';
    for (const byte of Buffer.from(run, 'utf8')) out += `%${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
    return out;
  });
}
