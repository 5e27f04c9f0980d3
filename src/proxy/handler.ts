import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { BalanceRequest } from '../balancer/balance-request.js';
import type { Logger } from '../log/logger.js';
import {
  isRoutingAnswer,
  type Routed as RoutedRequest,
  routeRequest,
  type RoutingAnswer as RouterAnswer,
  upstreamHostHeader,
  upstreamTarget,
} from '../router/index.js';
import { requestHost, validHost } from '../util/host-port.js';
import type { CompiledSnapshot } from '../snapshot/compile.js';
import type { PeerAddress } from '../balancer/plan.js';
import type { RoutePlan, ServicePlan } from '../pdk/proxy-plan.js';
import type { RequestState } from '../pdk/state.js';
import { writeBuffered } from './engine/client-response.js';
import type { ProxyEngine, ProxyHooks, UpstreamFailureKind, UpstreamRequest } from '../http/engine.js';
import { type GeneratedHeaderSwitches, SERVER_TOKEN, sendKongMessage } from '../http/kong-response.js';
import { newRequestId } from './request-id.js';
import { bufferRequestBody } from './request-buffering.js';
import type { ProxySettings } from './settings.js';
import { upstreamHeaders } from './upstream-headers.js';
import { isTrusted } from './settings.js';
import type { RequestTracing } from '../pdk/tracing.js';
import { balancerTryStarted } from '../plugins/tracing/instrumentation.js';

/** What the request path needs from the runtime: the current snapshot, pinned for the request's lifetime. */
export interface SnapshotSource {
  /** Returns the current snapshot and counts the request against it until `release` is called. */
  acquire(): CompiledSnapshot;
  release(snapshot: CompiledSnapshot): void;
}

export interface ProxyContext {
  readonly snapshots: SnapshotSource;
  readonly engine: ProxyEngine;
  readonly settings: ProxySettings;
  readonly logger: Logger;
  readonly nodeId: string;
  readonly hostname: string;
}

/** Hooks the plugin flow adds to an exchange (header_filter, body_filter, status changes). */
export interface ResponsePhases {
  /** Runs header_filter over the upstream response; returns the status to send. */
  onHeaders(status: number, headers: IncomingHttpHeaders, body?: Buffer): number;
  /** Answers the request itself (errors after access), running the response phases. */
  respond(status: number, message: string): void;
  /** A buffered upstream body: runs body_filter over it and writes the response. */
  onBody(status: number, headers: IncomingHttpHeaders, body: Buffer): void;
}

/** Via added to proxied responses (Kong's server_tokens). */
const VIA = `1.1 ${SERVER_TOKEN}`;

// Kong (error_handlers / balancer): statuses for each way an upstream exchange can fail.
const FAILURE_STATUS: Readonly<Record<UpstreamFailureKind, number>> = {
  connect: 502,
  reset: 502,
  tls: 502,
  timeout: 504,
};

export function failureMessage(kind: UpstreamFailureKind): string {
  return kind === 'timeout' ? 'The upstream server is timing out' : 'An invalid response was received from the upstream server';
}

/**
 * One proxied exchange: holds the per-request state the engine callbacks need, so a request allocates this
 * object and nothing else for the upstream leg. Retries (Kong: service.retries) reuse it.
 */
export class Exchange implements ProxyHooks {
  tries = 0;
  peer: PeerAddress | null = null;
  proxyLatency = 0;
  /** kong.service.set_target: a fixed peer, no balancing, no retries (Kong). */
  fixedTarget = false;
  /** Hash inputs the router and plugins know (uri captures, authenticated consumer); set before send(). */
  captures: Readonly<Record<string, string>> | null = null;
  consumerId: string | null = null;
  /** Requests with plugins: where tries and latencies are recorded for kong.log.serialize(). */
  state: RequestState | null = null;
  /** The balancer's per-request state (hash value, targets tried), made on the first balanced try. */
  balance: BalanceRequest | null = null;
  /** kong.tracing of a traced request (src/plugins/tracing/instrumentation.ts): each try is timed for its span. */
  tracing: RequestTracing | null = null;

  constructor(
    readonly ctx: ProxyContext,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly service: ServicePlan,
    readonly up: UpstreamRequest,
    readonly requestId: string,
    readonly startedAt: number,
    readonly preserveHost: boolean,
    readonly phases: ResponsePhases | null,
    /** A WebSocket handshake's bytes after its head: the engine tunnels instead of proxying one exchange. */
    readonly upgradeHead: Buffer | null,
    readonly balancer: ServicePlan['balancer'] = service.balancer,
  ) {}

  send(): void {
    const { up, balancer } = this;
    if (balancer !== null && !this.fixedTarget) {
      this.balance ??= new BalanceRequest(this.req, this.captures, this.consumerId);
      const peer = balancer.pick(this.peer, this.balance);
      if (peer === null) {
        this.fail(503, 'failure to get a peer from the ring-balancer');
        return;
      }
      this.peer = peer;
      up.host = peer.host;
      up.port = peer.port;
      if (!this.preserveHost) {
        up.headers.host = balancer.hostHeader ?? (up.protocol === 'https' ? peer.hostHeaderHttps : peer.hostHeaderHttp);
      }
    }
    this.tries++;
    if (this.tracing !== null) balancerTryStarted(this.tracing);
    if (this.tries === 1) this.proxyLatency = Math.round(performance.now() - this.startedAt);
    const state = this.state;
    if (state !== null) {
      state.proxyLatencyMs = this.proxyLatency;
      (state.tries ??= []).push({ ip: up.host, port: up.port, balancer_latency: 0 });
    }
    // The one place a request leaves for the upstream: a tunnel is only a different engine call.
    if (this.upgradeHead === null) this.ctx.engine.proxy(this.req, this.res, up, this);
    else this.ctx.engine.upgrade(this.req, this.res, this.upgradeHead, up, this);
  }

  onResponse(status: number, headers: IncomingHttpHeaders, body?: Buffer): number | undefined {
    const settings = this.ctx.settings;
    const h = headers as Record<string, string | string[] | undefined>;
    if (settings.serverTokens) {
      h.via = h.via ? `${h.via}, ${VIA}` : VIA;
      if (h.server === undefined) h.server = SERVER_TOKEN;
    }
    // Kong's KONG_WAITING_TIME: the upstream request was sent → its response headers are here.
    const waiting = Math.round(performance.now() - this.startedAt) - this.proxyLatency;
    if (this.state !== null) this.state.upstreamLatencyMs ??= waiting;
    if (settings.latencyTokens) {
      h['x-kong-upstream-latency'] = String(waiting);
      h['x-kong-proxy-latency'] = String(this.proxyLatency);
    }
    if (settings.requestIdDownstream) h['x-kong-request-id'] = this.requestId;
    const cookie = this.balance?.setCookie;
    if (cookie) h['set-cookie'] = h['set-cookie'] ? [...(h['set-cookie'] as string[]), cookie] : [cookie];
    return this.phases === null ? undefined : this.phases.onHeaders(status, headers, body);
  }

  onBody(status: number, headers: IncomingHttpHeaders, body: Buffer): void {
    if (this.phases !== null) this.phases.onBody(status, headers, body);
    else writeBuffered(this.res, status, headers, body);
  }

  onDone(
    result:
      | { ok: true; status: number; upstreamLatencyMs: number }
      | { ok: false; kind: UpstreamFailureKind; retriable: boolean; error: Error },
  ): void {
    // (req.destroyed alone means nothing: Node destroys a request once its body has been read.)
    const gone = !result.ok && (this.res.destroyed || this.req.socket.destroyed);
    // Every balanced try is reported once: in-flight counts, latency and passive health (not for client aborts).
    if (this.balance !== null && this.peer !== null) this.balancer!.report(this.peer, gone ? null : result);
    if (result.ok) return;
    const last = this.state?.tries?.at(-1);
    if (last !== undefined) {
      last.state = 'failed';
      last.code = FAILURE_STATUS[result.kind];
    }
    if (gone) {
      // The client went away first: nothing failed upstream and nobody is left to answer.
      this.ctx.logger.debug('client closed the connection', { request_id: this.requestId, tries: this.tries });
      return;
    }
    const canRetry = !this.fixedTarget && this.tries <= this.up.retries;
    if (result.retriable && canRetry && !this.res.headersSent && !this.res.destroyed) {
      this.ctx.logger.debug('retrying upstream', {
        try: this.tries,
        kind: result.kind,
        upstream: `${this.up.host}:${this.up.port}`,
        request_id: this.requestId,
      });
      this.send();
      return;
    }
    this.ctx.logger.warn('upstream failure', {
      kind: result.kind,
      error: result.error.message,
      upstream: `${this.up.host}:${this.up.port}`,
      tries: this.tries,
      request_id: this.requestId,
    });
    this.fail(FAILURE_STATUS[result.kind], failureMessage(result.kind));
  }

  fail(status: number, message: string): void {
    if (this.phases !== null) this.phases.respond(status, message);
    else sendKongMessage(this.res, status, message, this.requestId, this.startedAt, this.req.headers.accept, undefined, this.ctx.settings);
  }
}

const ABSOLUTE = /^https?:\/\/([^/?#]+)([^#]*)/i;

/**
 * An absolute-form request target (`GET http://host/path HTTP/1.1`): as nginx does, its authority becomes the
 * Host and its path the request URI. Anything else that is not origin-form is left for routing to refuse (400).
 */
function absoluteForm(req: IncomingMessage): void {
  const m = ABSOLUTE.exec(req.url!);
  if (m === null) return;
  req.headers.host = m[1]!;
  const rest = m[2]!;
  req.url = rest === '' ? '/' : rest.charCodeAt(0) === 63 /* ? */ ? `/${rest}` : rest;
}

const CLOSE: Record<string, string> = Object.freeze({ Connection: 'close' }) as Record<string, string>;

/**
 * nginx answers 400 before any routing for a request with two Host headers, an HTTP/1.1 request without one,
 * or a Host that is not a host name (ngx_http_validate_host: a `/` or `\\`, a NUL, `..`, nothing before the
 * port). Node keeps only the first of repeated Host headers, so the raw list is what tells.
 */
export function badHost(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (host === undefined) return req.httpVersionMinor >= 1 && req.httpVersionMajor === 1;
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host' && ++seen > 1) return true;
  }
  return !validHost(host);
}

export type Routed = RoutedRequest<RoutePlan>;
export type RoutingAnswer = RouterAnswer<RoutePlan>;

/** Routing shared by plain requests and upgrades, and by the route-explain view (src/router/route-request.ts). */
export function route(ctx: ProxyContext, snap: CompiledSnapshot, req: IncomingMessage, scheme: 'http' | 'https'): Routed | RoutingAnswer {
  return routeRequest(snap.proxy.router, {
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    host: req.headers.host,
    // headersDistinct costs an object per request, so only when a route looks at headers.
    headers: snap.proxy.routesUseHeaders ? req.headersDistinct : req.headers,
    scheme,
    // A TLS socket's servername is `false` when the client sent no SNI: no SNI is null to the router.
    sni: scheme === 'https' ? (req.socket as { servername?: string | false }).servername || null : null,
    port: req.socket.localPort ?? 0,
    trusted: ctx.settings.trustedIps !== null && isTrusted(ctx.settings, req.socket.remoteAddress),
  });
}

export const isAnswer: (r: Routed | RoutingAnswer) => r is RoutingAnswer = isRoutingAnswer;

export function buildUpstream(
  ctx: ProxyContext,
  req: IncomingMessage,
  routed: Routed,
  service: ServicePlan,
  scheme: 'http' | 'https',
  requestId: string,
  websocket: boolean,
): UpstreamRequest {
  const { match, path, rawPath, query } = routed;
  const r = match.route;
  const stripped = r.stripPath ? match.matchedPath : null;
  const target = upstreamTarget(service.path, match, path, query);
  const hostHeader = upstreamHostHeader(r, req.headers.host, service.hostHeader);
  const headers = upstreamHeaders(
    req,
    {
      scheme,
      host: requestHost(req.headers.host),
      listenPort: req.socket.localPort ?? 0,
      rawPath,
      forwardedPrefix: stripped && stripped !== '/' ? stripped : null,
      hostHeader,
      requestId,
      websocket,
    },
    ctx.settings,
  );
  const up: UpstreamRequest = {
    protocol: service.protocol,
    host: service.host,
    port: service.port,
    method: req.method ?? 'GET',
    path: target,
    headers,
    connectTimeout: service.connectTimeout,
    writeTimeout: service.writeTimeout,
    readTimeout: service.readTimeout,
    retries: service.retries,
  };
  const tls = service.tls;
  if (tls !== null) {
    // A fresh object per request: kong.service.set_tls_* edit it; the plan's PEM strings are shared, not copied.
    up.tls = { rejectUnauthorized: tls.rejectUnauthorized };
    if (tls.servername !== undefined) up.tls.servername = tls.servername;
    if (tls.verifyDepth !== undefined) up.tls.verifyDepth = tls.verifyDepth;
    if (tls.ca !== undefined) up.tls.ca = tls.ca as string[];
    if (tls.cert !== undefined && tls.key !== undefined) {
      up.tls.cert = tls.cert;
      up.tls.key = tls.key;
    }
  }
  return up;
}

/** Writes a gateway-generated answer without plugins (the fast path). */
export function replyPlain(
  res: ServerResponse,
  req: IncomingMessage,
  status: number,
  message: string,
  headers: Record<string, string> | undefined,
  requestId: string,
  startedAt: number,
  settings: GeneratedHeaderSwitches,
): void {
  if (message === '') {
    const out: Record<string, string> = { ...headers, 'Content-Length': '0' };
    if (settings.serverTokens) out.Server = SERVER_TOKEN;
    if (settings.requestIdDownstream) out['X-Kong-Request-Id'] = requestId;
    res.writeHead(status, out);
    res.end();
  } else sendKongMessage(res, status, message, requestId, startedAt, req.headers.accept, headers, settings);
}

/** Plugin-aware flow, installed by src/proxy/plugin-flow.ts (kept apart so the fast path stays small). */
export type PluginFlow = (
  ctx: ProxyContext,
  snap: CompiledSnapshot,
  req: IncomingMessage,
  res: ServerResponse,
  scheme: 'http' | 'https',
  routed: Routed | RoutingAnswer,
  requestId: string,
  startedAt: number,
  upgradeHead: Buffer | null,
) => void;

const PINNED = Symbol('sluice.pinnedSnapshot');
type PinnedResponse = ServerResponse & { [PINNED]?: CompiledSnapshot };

/**
 * The request lifecycle's entry, for every request kind: plain requests, and WebSocket handshakes (whose `res`
 * is bound to the handshake socket and `upgradeHead` holds the bytes read past the head; server.ts). Both go
 * through the same routing, plugin phases and upstream request; only the engine call differs (Exchange.send).
 */
export function createProxyHandler(
  ctx: ProxyContext,
  scheme: 'http' | 'https',
  withPlugins: PluginFlow,
  /** Runs when a response closes (the listener's counters), in the one close listener a request has. */
  closed: (res: ServerResponse) => void = () => {},
) {
  // One function for every request's close, not a closure each: the pinned snapshot rides on the response.
  const onClose = function (this: PinnedResponse): void {
    ctx.snapshots.release(this[PINNED]!);
    closed(this);
  };
  return function handleRequest(req: IncomingMessage, res: ServerResponse, upgradeHead: Buffer | null = null): void {
    const startedAt = performance.now();
    if (req.url !== undefined && req.url.charCodeAt(0) !== 47 /* / */) absoluteForm(req);
    const snap = ctx.snapshots.acquire();
    (res as PinnedResponse)[PINNED] = snap;
    res.on('close', onClose);
    const requestId = newRequestId();
    try {
      if (badHost(req)) {
        // nginx refuses these before Kong (and any plugin) sees them, and closes the connection.
        replyPlain(res, req, 400, 'Bad request', CLOSE, requestId, startedAt, ctx.settings);
        return;
      }
      const routed = route(ctx, snap, req, scheme);
      const answer = isAnswer(routed);
      // Plugins run when the matched route has any, or (for routing failures) when global plugins exist; ws/wss
      // routes always take that path (handshake checks, frame relay).
      if (
        answer
          ? snap.proxy.globalPlugins.slots.length > 0
          : routed.match.route.plugins.slots.length > 0 || routed.match.route.websocket
      ) {
        withPlugins(ctx, snap, req, res, scheme, routed, requestId, startedAt, upgradeHead);
        return;
      }
      if (answer) {
        replyPlain(res, req, routed.status, routed.message, routed.headers, requestId, startedAt, ctx.settings);
        return;
      }
      const service = routed.match.route.service;
      if (service === null) {
        replyPlain(res, req, 503, 'no Service found with those values', undefined, requestId, startedAt, ctx.settings);
        return;
      }
      const websocket = upgradeHead !== null;
      const up = buildUpstream(ctx, req, routed, service, scheme, requestId, websocket);
      const plan = routed.match.route;
      const exchange = new Exchange(ctx, req, res, service, up, requestId, startedAt, plan.preserveHost, null, upgradeHead);
      exchange.captures = routed.match.captures;
      if (plan.requestBuffering && !websocket) bufferRequestBody(req, up, (ok) => ok && exchange.send());
      else exchange.send();
    } catch (err) {
      ctx.logger.error('request failed', { error: (err as Error).stack ?? String(err), request_id: requestId });
      replyPlain(res, req, 500, 'An unexpected error occurred', undefined, requestId, startedAt, ctx.settings);
    }
  };
}
