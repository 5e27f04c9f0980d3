import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { UpstreamRequest } from '../http/engine.js';
import type { Consumer } from '../schema/index.js';
import type { RoutePlan, ServicePlan } from './proxy-plan.js';
import type { PhaseName } from './phases.js';

export type { PhaseName } from './phases.js';

/** A response a plugin produced with kong.response.exit (Kong's short-circuit). */
export interface ExitResponse {
  status: number;
  body: Buffer | null;
  headers: OutgoingHttpHeaders;
}

/** kong.log.set_serialize_value's options.mode (Kong): set always, add where absent, replace where present. */
export type SerializeMode = 'set' | 'add' | 'replace';

/** One balancer try, as Kong's ctx.balancer_data.tries (kong.log.serialize's `tries`). */
export interface UpstreamTry {
  ip: string;
  port: number;
  balancer_latency: number;
  /** Set when this try failed and another followed or the request failed: Kong's "failed" / "next". */
  state?: 'failed' | 'next';
  code?: number;
}

/** A change to the upstream request (kong.service.request.*, kong.service.set_*), kept until the request exists. */
export type UpstreamEdit<A> = (up: UpstreamRequest, arg: A) => void;

/**
 * Everything one request carries through the plugin phases. Plugins never see it directly: the PDK is the only
 * door (Kong's rule), so the lifecycle can change this shape without breaking plugins.
 */
export class RequestState {
  phase: PhaseName = 'rewrite';
  route: RoutePlan | null = null;
  service: ServicePlan | null = null;
  captures: Readonly<Record<string, string>> | null = null;
  consumer: Consumer | null = null;
  credential: { id: string; consumer_id?: string | null } | null = null;
  authenticatedGroups: string[] | null = null;
  /** The upstream request being prepared; plugins change it through kong.service.request. */
  upstream: UpstreamRequest | null = null;
  /** Set by kong.service.set_upstream / set_target. */
  upstreamName: string | null = null;
  target: { host: string; port: number } | null = null;
  exit: ExitResponse | null = null;
  /** Request body, once read (kong.request.get_raw_body) or replaced (kong.service.request.set_raw_body). */
  requestBody: Buffer | null = null;
  requestBodyRead = false;
  /** kong.request.limit_body: cap on the body streamed upstream, and the answer when it is crossed. */
  bodyLimit: { bytes: number; status: number; message: string } | null = null;
  /** Response being sent: status and headers are mutable in header_filter, body in body_filter. */
  responseStatus = 0;
  responseHeaders: IncomingHttpHeaders | OutgoingHttpHeaders | null = null;
  responseBody: Buffer | null = null;
  /**
   * The upstream's body as it came, once kong.response.set_raw_body replaced responseBody: Kong keeps the
   * service body (kong.service.response.get_raw_body) apart from the body sent.
   */
  serviceBody: Buffer | null = null;
  /** kong.log.set_serialize_value: [dotted key, value, mode] applied to kong.log.serialize(), in call order. */
  serializeValues: [string, unknown, SerializeMode][] | null = null;
  /** Upstream changes made before the upstream request existed (rewrite phase), in call order. */
  upstreamEdits: [UpstreamEdit<never>, unknown][] | null = null;
  responseSource: 'service' | 'exit' | 'error' | null = null;
  /** kong.service.request.enable_buffering: the upstream response is read whole before the response phases. */
  bufferResponse = false;
  upstreamStatus: number | null = null;
  /** Kong's KONG_WAITING_TIME: upstream request sent → upstream response headers (latencies.proxy). */
  upstreamLatencyMs: number | null = null;
  /** Kong's KONG_PROXY_LATENCY: start → the first upstream request sent. */
  proxyLatencyMs: number | null = null;
  /** Kong's KONG_RESPONSE_LATENCY: start → the gateway's own answer (exit or error) began. */
  responseLatencyMs: number | null = null;
  /** Balancer tries, in order (Kong: ctx.balancer_data.tries). */
  tries: UpstreamTry[] | null = null;
  /** The connection's bytes written before this request: response.size is what it wrote since (nginx $bytes_sent). */
  readonly bytesWrittenBefore: number;
  /** The port the request came in on (nginx $server_port), read while the connection is surely open. */
  readonly serverPort: number;
  readonly shared: Record<string, unknown> = {};
  /** The plugin instance whose handler is running (kong.ctx.plugin, kong.log). */
  currentPlugin: { readonly id: string; readonly name: string } | null = null;
  /** kong.ctx.plugin: one namespace per plugin instance. */
  pluginCtx: Map<string, Record<string, unknown>> | null = null;
  readonly startedAt: number;
  /** The TLS server name, for the certificate phase's state (src/proxy/certificate-phase.ts). */
  servername: string | null = null;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    readonly scheme: 'http' | 'https',
    readonly rawPath: string,
    readonly query: string,
    startedAt: number,
  ) {
    this.startedAt = startedAt;
    this.bytesWrittenBefore = req.socket.bytesWritten ?? 0;
    this.serverPort = req.socket.localPort ?? 0;
  }

  /**
   * Applies a change to the upstream request now, or, before it exists (rewrite: Kong changes the request
   * nginx will proxy, sluice builds its upstream request after routing), records it for attachUpstream.
   */
  editUpstream<A>(edit: UpstreamEdit<A>, arg: A): void {
    if (this.upstream !== null) edit(this.upstream, arg);
    else (this.upstreamEdits ??= []).push([edit as UpstreamEdit<never>, arg]);
  }

  /** The lifecycle built the upstream request: changes recorded before it existed (rewrite) apply now, in order. */
  attachUpstream(up: UpstreamRequest): void {
    this.upstream = up;
    const edits = this.upstreamEdits;
    if (edits === null) return;
    this.upstreamEdits = null;
    for (let i = 0; i < edits.length; i++) (edits[i]![0] as UpstreamEdit<unknown>)(up, edits[i]![1]);
  }
}
