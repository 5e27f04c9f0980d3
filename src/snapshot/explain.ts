import { normalizePath, upstreamPath } from '../router/index.js';
import type { MatchRequest, Router } from '../router/types.js';
import type { RoutePlan } from '../pdk/proxy-plan.js';
import type { ExplainRequest } from './types.js';

interface ExplainingRouter {
  match: Router<RoutePlan>['match'];
  explain(req: MatchRequest): unknown;
}

/**
 * The route-explain view: what the linear reference router compared for each route, what the fast index
 * chose (they must agree), and where the request would be sent. Read-only; used by the Admin API.
 */
export function explainRequest(linear: ExplainingRouter, fast: Router<RoutePlan>, req: ExplainRequest): unknown {
  const q = req.path.indexOf('?');
  const rawPath = q < 0 ? req.path : req.path.slice(0, q);
  const query = q < 0 ? '' : req.path.slice(q);
  const path = normalizePath(rawPath);
  if (path === null) return { error: `invalid percent-encoding in path '${rawPath}'` };
  const lowered: Record<string, string> = {};
  for (const k of Object.keys(req.headers)) lowered[k.toLowerCase()] = req.headers[k] as string;
  const input: MatchRequest = {
    method: req.method.toUpperCase(),
    host: req.host,
    path,
    headers: lowered,
    sni: req.sni,
    scheme: req.scheme,
    port: req.scheme === 'https' ? 8443 : 8000,
  };
  const chosen = fast.match(input);
  const reference = linear.match(input);
  const route = chosen?.route ?? null;
  const service = route?.service ?? null;
  let upstream: string | null = null;
  if (chosen && service) {
    const p = upstreamPath(service.path, chosen.matchedPath, path, route!.stripPath, route!.pathHandlingV1);
    upstream = `${service.protocol}://${service.hostHeader}${p}${query}`;
  }
  return {
    request: { method: input.method, host: input.host, path, normalized_from: rawPath, scheme: input.scheme },
    matched: route
      ? {
          route: { id: route.id, name: route.name },
          service: service ? { id: service.id, name: service.name } : null,
          matched_path: chosen!.matchedPath,
          uri_captures: chosen!.captures,
        }
      : null,
    routers_agree: (chosen?.route.id ?? null) === (reference?.route.id ?? null),
    upstream_url: upstream,
    response_without_service: route && !service ? 503 : undefined,
    response_without_route: route ? undefined : 404,
    candidates: linear.explain(input),
  };
}
