/** Kong `traditional_compatible` routing (Kong's kong/router/compat.lua, atc.lua, transform.lua): pure functions over route entities. */
export { buildRouter, buildRouterSteps } from './indexed.js';
export { buildLinearRouter } from './linear.js';
export { escapeUpstreamPath, normalizePath } from './normalize.js';
export { HTTP_SUBSYSTEM_PROTOCOLS, isHttpSubsystemRoute, requiresTls } from './protocols.js';
export { checkRouteHeaderValue, checkRouteHost, checkRoutePath } from './route-checks.js';
export { upstreamPath } from './upstream-path.js';
export { upstreamHostHeader, upstreamTarget, type UpstreamPolicy } from './upstream-request.js';
export { isRoutingAnswer, routeRequest, type RequestFacts, type Routed, type RoutingAnswer, type TlsPolicy } from './route-request.js';
export type { MatchRequest, RouteLike, RouteMatch, Router } from './types.js';
