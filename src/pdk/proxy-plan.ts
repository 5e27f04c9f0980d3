import type { RouteLike, Router } from '../router/types.js';
import type { PluginChain } from '../plugins/chain.js';
import type { Consumer } from '../schema/index.js';
import type { BalanceRequest } from '../balancer/balance-request.js';
import type { BalancerResources } from '../balancer/resources.js';
import type { UpstreamHealthReport } from '../balancer/upstream-health.js';
import type { UpstreamTlsPlan } from '../tls/upstream-tls.js';

/** A service as the proxy path needs it: every value derived from config computed once at load time. */
export interface ServicePlan {
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

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
  /** Host header for this peer when the upstream has no host_header (Kong: port kept unless the default). */
  readonly hostHeaderHttp: string;
  readonly hostHeaderHttps: string;
}

/** How a try on a peer ended, for least-connections, latency and passive health (null: the client left). */
export type PeerOutcome =
  | { readonly ok: true; readonly status: number; readonly upstreamLatencyMs: number }
  | { readonly ok: false; readonly kind: 'connect' | 'reset' | 'tls' | 'timeout' };

/** Picks a target for a try; null when no target can take traffic (Kong answers 503). */
export interface BalancerPlan {
  readonly upstreamId: string;
  readonly name: string;
  readonly hostHeader: string | null;
  /**
   * A peer for the next try. `request` carries the hash inputs and the targets tried so far (one object per
   * proxied request, reused across its retries); without it `previous` is the only target avoided.
   */
  pick(previous: PeerAddress | null, request?: BalanceRequest | null): PeerAddress | null;
  /** Must follow every successful pick exactly once, when that try is over. */
  report(peer: PeerAddress, outcome: PeerOutcome | null): void;
  /** Per-target health (Admin API `/upstreams/{u}/health`). */
  health(): UpstreamHealthReport;
  /** Joins the gateway's shared health checkers and DNS cache; called when the snapshot is swapped in. */
  activate(resources: BalancerResources): void;
  /** Gives them back; called when the snapshot is retired (or was never swapped in). */
  dispose(): void;
}

/** A route with everything the request path needs resolved: service, redirects, plugin chain. */
export interface RoutePlan extends RouteLike {
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
  readonly plugins: PluginChain;
}

export interface ProxyPlan {
  readonly router: Router<RoutePlan>;
  readonly services: ReadonlyMap<string, ServicePlan>;
  /** Balancers by Upstream name (kong.service.set_upstream). */
  readonly balancers: ReadonlyMap<string, BalancerPlan>;
  readonly consumersById: ReadonlyMap<string, Consumer>;
  readonly consumersByUsername: ReadonlyMap<string, Consumer>;
  /** Plugins for requests that matched no route. */
  readonly globalPlugins: PluginChain;
  /** Some route matches on headers: give the router every value of a repeated header (Kong), not Node's joined one. */
  readonly routesUseHeaders: boolean;
}
