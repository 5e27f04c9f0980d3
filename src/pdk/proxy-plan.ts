import type { BalancerPlan } from '../balancer/plan.js';
import type { RouteLike, Router } from '../router/types.js';
import type { Consumer, Route, Service } from '../schema/index.js';
import type { UpstreamTlsPlan } from '../tls/upstream-tls.js';

/** A service as the proxy path needs it: every value derived from config computed once at load time. */
export interface ServicePlan {
  /** The service entity as loaded (kong.router.get_service, kong.log.serialize's `service`). */
  readonly entity: Service;
  readonly id: string;
  readonly name: string | null;
  readonly enabled: boolean;
  /** The upstream request's scheme (upstreamScheme): a ws service's handshake goes over http, a wss one's over https. */
  readonly protocol: 'http' | 'https';
  /** The service host: a DNS name, an IP, or the name of an Upstream entity (then `balancer` is set). */
  readonly host: string;
  readonly port: number;
  readonly path: string | null;
  /** Extra tries after the first (Kong: `retries`, default 5). */
  readonly retries: number;
  readonly connectTimeout: number;
  readonly writeTimeout: number;
  readonly readTimeout: number;
  /** Host header sent upstream unless the route preserves the client's (Kong: port omitted when default). */
  readonly hostHeader: string;
  /** https, grpcs and wss services: verification, trust store, client certificate and SNI (src/tls/upstream-tls.ts). */
  readonly tls: UpstreamTlsPlan | null;
  readonly balancer: BalancerPlan | null;
}

/**
 * A route with everything the request path needs resolved: service, redirects, plugin chain. `plugins` (and
 * ProxyPlan's `globalPlugins`) are declared in src/plugins/chain.ts, which merges them into these interfaces:
 * the chain's handlers receive the PDK, and the PDK hands out this plan, so naming PluginChain here would
 * make pdk import plugins (Fastify declares its decorators the same way).
 */
export interface RoutePlan extends RouteLike {
  /** The route entity as loaded (kong.router.get_route, kong.log.serialize's `route`). */
  readonly entity: Route;
  readonly service: ServicePlan | null;
  readonly stripPath: boolean;
  /** path_handling v1 (Kong's `traditional` router); v0 otherwise. */
  readonly pathHandlingV1: boolean;
  readonly preserveHost: boolean;
  /** Kong: protocols has https but not http → plain-http requests are redirected or refused. */
  readonly httpsOnly: boolean;
  /**
   * A ws/wss route (Kong Enterprise): only WebSocket handshakes pass (400 otherwise), ws_handshake runs after
   * access, and the connection is relayed frame by frame (ws_client_frame, ws_upstream_frame, ws_close).
   */
  readonly websocket: boolean;
  readonly httpsRedirectStatus: number;
  readonly requestBuffering: boolean;
  readonly responseBuffering: boolean;
}

export interface ProxyPlan {
  readonly router: Router<RoutePlan>;
  readonly services: ReadonlyMap<string, ServicePlan>;
  /** Balancers by Upstream name (kong.service.set_upstream). */
  readonly balancers: ReadonlyMap<string, BalancerPlan>;
  readonly consumersById: ReadonlyMap<string, Consumer>;
  readonly consumersByUsername: ReadonlyMap<string, Consumer>;
  /** Some route matches on headers: give the router every value of a repeated header (Kong), not Node's joined one. */
  readonly routesUseHeaders: boolean;
}
