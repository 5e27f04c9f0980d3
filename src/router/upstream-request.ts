/**
 * What the upstream request is made of, once a route matched: its request target and its Host header. The
 * proxy builds the upstream request from these and the route-explain view reports them, so both say the same.
 */
import { escapeUpstreamPath } from './normalize.js';
import type { RouteLike, RouteMatch } from './types.js';
import { upstreamPath } from './upstream-path.js';

/** The route fields the upstream request depends on. */
export interface UpstreamPolicy {
  readonly stripPath: boolean;
  /** path_handling v1 (Kong's `traditional` router); v0 otherwise. */
  readonly pathHandlingV1: boolean;
  readonly preserveHost: boolean;
}

/**
 * The upstream request target: the path from service.path, the match and strip_path (upstream-path.ts),
 * re-escaped as nginx sends `$upstream_uri`, then the query exactly as the client sent it.
 */
export function upstreamTarget<R extends RouteLike & UpstreamPolicy>(
  servicePath: string | null,
  match: RouteMatch<R>,
  path: string,
  query: string,
): string {
  const r = match.route;
  return escapeUpstreamPath(upstreamPath(servicePath, match.matchedPath, path, r.stripPath, r.pathHandlingV1)) + query;
}

/**
 * The Host sent upstream: the client's own with preserve_host (when it sent one), else the service's; a
 * balanced service without preserve_host replaces it per try with the target's (balancer set_host_header).
 */
export function upstreamHostHeader(route: UpstreamPolicy, requestHost: string | undefined, serviceHostHeader: string): string {
  return route.preserveHost && requestHost ? requestHost : serviceHostHeader;
}
