import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { createPdk, type Pdk, type PdkEnvironment } from '../pdk/kong.js';
import { RequestState } from '../pdk/state.js';
import { type PluginChain, type PluginInstance, runOrder } from '../plugins/chain.js';
import { PluginError, runCollecting, runLogPhase, runResponsePhase } from '../plugins/runner.js';
import { hostHeaderFor } from '../snapshot/compile-services.js';
import type { CompiledSnapshot } from '../snapshot/compile.js';
import {
  buildUpstream,
  Exchange,
  isAnswer,
  type PluginFlow,
  type ProxyContext,
  type ResponsePhases,
  type Routed,
  type RoutingAnswer,
} from './handler.js';
import { writeBuffered } from './engine/client-response.js';
import { kongJsonBody, sendGenerated } from '../http/kong-response.js';
import { bufferRequestBody } from './request-buffering.js';
import type { UpstreamRequest } from '../http/engine.js';
import { EXTENSIONS_HEADER, handshakeErrorMessage, handshakeProblem } from './engine/websocket-handshake.js';
import { WebSocketFlow } from './websocket-flow.js';
import { createBodyLimiter } from '../plugins/request-size-limiting/body-limiter.js';
import { beforeLog, beginTracing, recording, runTracedChain, runTracedResponsePhase } from '../plugins/tracing/instrumentation.js';

/** Largest request body a plugin may read into memory (kong.request.get_raw_body). */
export const MAX_PLUGIN_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The response side of a request that has plugins: header_filter / body_filter over the instances collected
 * in access, for proxied responses and for responses the gateway makes itself (exits, errors) alike (Kong).
 */
class PluginResponse implements ResponsePhases {
  constructor(
    readonly ctx: ProxyContext,
    readonly state: RequestState,
    readonly kong: Pdk,
    readonly collected: PluginInstance[],
  ) {}

  /** Set on WebSocket handshakes of ws/wss routes (src/proxy/websocket-flow.ts). */
  websocket: WebSocketFlow | null = null;

  /** The access phase's next step, with what it needs (set once routing found a route). */
  snap: CompiledSnapshot | null = null;
  routed: Routed | null = null;
  upgradeHead: Buffer | null = null;

  /** The log phase, once: after the response, or after ws_close for a relayed WebSocket. */
  finish(): void {
    const { collected, state, kong, ctx } = this;
    if (!collected.some((i) => i.handlers.log !== undefined)) return;
    const tracer = recording(kong);
    if (tracer !== null) beforeLog(tracer, state, kong);
    void runLogPhase(collected, state, kong, (err) =>
      ctx.logger.error('plugin failed', { error: err.message, phase: 'log', request_id: state.requestId }),
    );
  }

  onHeaders(status: number, headers: IncomingHttpHeaders, body?: Buffer): number {
    const { state } = this;
    // Buffered proxying: the body is read before header_filter (kong.service.response.get_raw_body works there).
    if (body !== undefined) state.responseBody = body;
    state.upstreamStatus = status;
    state.responseStatus = status;
    // Headers a plugin set before the response existed (kong.response.set_header in access) apply to it.
    if (state.responseHeaders !== null) Object.assign(headers, state.responseHeaders);
    state.responseHeaders = headers;
    state.responseSource = 'service';
    this.filter('header_filter');
    return state.responseStatus;
  }

  onBody(status: number, _headers: IncomingHttpHeaders, body: Buffer): void {
    const { state } = this;
    state.responseBody = body;
    this.filter('body_filter');
    const out = state.responseHeaders as IncomingHttpHeaders;
    // body_filter may have replaced the body: its length is known now, so no chunked encoding.
    delete out['transfer-encoding'];
    try {
      writeBuffered(state.res, state.responseStatus || status, out, state.responseBody ?? Buffer.alloc(0));
    } catch {
      state.res.destroy();
    }
  }

  respond(status: number, message: string, headers?: Record<string, string>): void {
    if (this.state.res.writableEnded) return; // already answered (e.g. a body limit tripped mid-stream)
    const body = message === '' ? null : Buffer.from(kongJsonBody(message, this.state.requestId));
    const out: OutgoingHttpHeaders = {};
    if (body !== null) out['content-type'] = 'application/json; charset=utf-8';
    if (headers) for (const k in headers) out[k.toLowerCase()] = headers[k];
    this.send(status, body, out, 'error');
  }

  /** A kong.response.exit answer. */
  exit(): void {
    const exit = this.state.exit!;
    this.send(exit.status, exit.body, exit.headers, 'exit');
  }

  send(status: number, body: Buffer | null, headers: OutgoingHttpHeaders, source: 'exit' | 'error'): void {
    const { state } = this;
    state.responseLatencyMs ??= Math.round(performance.now() - state.startedAt);
    state.responseStatus = status;
    // Headers set earlier in access stay, under the answer's own (an exit's headers win).
    state.responseHeaders = state.responseHeaders !== null ? { ...state.responseHeaders, ...headers } : headers;
    state.responseBody = body;
    state.responseSource = source;
    this.filter('header_filter');
    this.filter('body_filter');
    const out = state.responseHeaders as OutgoingHttpHeaders;
    const type = (out['content-type'] as string | undefined) ?? null;
    delete out['content-type'];
    delete out['content-length'];
    sendGenerated(
      state.res,
      state.responseStatus,
      state.responseBody ?? '',
      type,
      state.requestId,
      state.startedAt,
      out as Record<string, string>,
      this.ctx.settings,
    );
  }

  filter(phase: 'header_filter' | 'body_filter'): void {
    try {
      const tracer = recording(this.kong);
      if (tracer === null) runResponsePhase(phase, this.collected, this.state, this.kong);
      else runTracedResponsePhase(tracer, phase, this.collected, this.state, this.kong);
    } catch (err) {
      // Headers are not sent yet in either phase, so the client still gets a clean 500 (Kong).
      this.ctx.logger.error('plugin failed', { error: (err as Error).message, request_id: this.state.requestId });
      this.state.responseStatus = 500;
      this.state.responseHeaders = { 'content-type': 'application/json; charset=utf-8' };
      this.state.responseBody = Buffer.from(kongJsonBody('An unexpected error occurred', this.state.requestId));
    }
  }
}

/**
 * Runs a chain phase (rewrite, access, ws_handshake) and then `next`, staying synchronous unless a handler
 * returns a promise; a throw or rejection goes to `failed`. The one way the lifecycle steps through a chain.
 */
function runChain(
  phase: 'rewrite' | 'access' | 'ws_handshake',
  chain: PluginChain,
  flow: PluginResponse,
  collected: PluginInstance[] | null,
  next: (flow: PluginResponse) => void,
  failed: (flow: PluginResponse, err: unknown) => void,
): void {
  const { state, kong } = flow;
  let pending: void | Promise<void>;
  try {
    const tracer = recording(kong);
    if (tracer === null || phase === 'ws_handshake') pending = runCollecting(phase, chain, state, kong, collected);
    else pending = runTracedChain(tracer, phase, chain, state, kong, collected);
  } catch (err) {
    return failed(flow, err);
  }
  // Steps are module functions given the flow: a synchronous chain allocates no closure for them.
  if (pending !== undefined) pending.then(() => next(flow), (err: unknown) => failed(flow, err));
  else next(flow);
}

const FLOW = Symbol('sluice.pluginFlow');
type FlowResponse = ServerResponse & { [FLOW]?: PluginResponse };

/** The client's response closed: the log phase runs after it (a relayed WebSocket's runs after ws_close). */
function onResponseClose(this: FlowResponse): void {
  const flow = this[FLOW]!;
  if (flow.websocket?.relaying !== true) setImmediate(finishFlow, flow);
}

function finishFlow(flow: PluginResponse): void {
  flow.finish();
}

export const runWithPlugins: PluginFlow = (ctx, snap, req, res, scheme, routed, requestId, startedAt, upgradeHead) => {
  const state = new RequestState(req, res, requestId, scheme, routed.rawPath, routed.query, startedAt);
  const env: PdkEnvironment = {
    plan: snap.proxy,
    logger: ctx.logger,
    nodeId: ctx.nodeId,
    hostname: ctx.hostname,
    maxBodyBytes: MAX_PLUGIN_BODY_BYTES,
  };
  const kong = createPdk(state, env);
  const routedOk = !isAnswer(routed);
  beginTracing(kong, state, env, routedOk ? routed.match.route.plugins : snap.proxy.globalPlugins, routedOk);
  const collected: PluginInstance[] = [];
  const response = new PluginResponse(ctx, state, kong, collected);
  // No plugin that could apply logs: nothing waits for the close (a chain's hasLog covers its consumer picks).
  if ((routedOk && routed.match.route.plugins.hasLog) || snap.proxy.globalPlugins.hasLog) {
    (res as FlowResponse)[FLOW] = response;
    res.on('close', onResponseClose);
  }

  // Kong: rewrite runs before routing, for global plugins only; it may answer the request itself.
  const global = snap.proxy.globalPlugins;
  if (global.hasRewrite) {
    const rewriteFailed = (_flow: PluginResponse, err: unknown) => {
      ctx.logger.error('plugin failed', { error: (err as Error).message, phase: 'rewrite', request_id: requestId });
      for (const slot of global.slots) if (slot.base) collected.push(slot.base);
      response.respond(500, 'An unexpected error occurred');
    };
    const next = () => {
      if (state.exit !== null) {
        for (const slot of global.slots) if (slot.base) collected.push(slot.base);
        return response.exit();
      }
      afterRewrite(ctx, snap, req, routed, scheme, requestId, state, kong, collected, response, upgradeHead);
    };
    return runChain('rewrite', global, response, null, next, rewriteFailed);
  }
  afterRewrite(ctx, snap, req, routed, scheme, requestId, state, kong, collected, response, upgradeHead);
};

function afterRewrite(
  ctx: ProxyContext,
  snap: CompiledSnapshot,
  req: IncomingMessage,
  routed: Routed | RoutingAnswer,
  scheme: 'http' | 'https',
  requestId: string,
  state: RequestState,
  kong: Pdk,
  collected: PluginInstance[],
  response: PluginResponse,
  upgradeHead: Buffer | null,
): void {
  if (isAnswer(routed)) {
    // Kong: a request that matched no route sees only global plugins, and only their response phases.
    for (const slot of snap.proxy.globalPlugins.slots) if (slot.base) collected.push(slot.base);
    response.respond(routed.status, routed.message, routed.headers);
    return;
  }

  const { match } = routed;
  const routePlan = match.route;
  state.route = routePlan;
  state.service = routePlan.service;
  state.captures = match.captures;
  if (routePlan.service !== null) {
    state.attachUpstream(buildUpstream(ctx, req, routed, routePlan.service, scheme, requestId, upgradeHead !== null));
  }

  response.snap = snap;
  response.routed = routed;
  response.upgradeHead = upgradeHead;
  runChain('access', routePlan.plugins, response, collected, accessDone, accessFailed);
}

function accessDone(flow: PluginResponse): void {
  afterAccess(flow.ctx, flow.snap!, flow.routed!, flow.state, flow, flow.upgradeHead);
}

function accessFailed(flow: PluginResponse, err: unknown): void {
  const e = err as Error & { status?: number };
  const chain = flow.routed!.match.route.plugins;
  // The plugins after the failing one were collected (Kong): their response phases run in PRIORITY order.
  if (chain.accessSlots !== chain.slots) flow.collected.sort(runOrder);
  if (e.status === 413) return flow.respond(413, 'Request body too large');
  flow.ctx.logger.error(err instanceof PluginError ? 'plugin failed' : 'request failed', {
    error: e.message,
    request_id: flow.state.requestId,
  });
  flow.respond(500, 'An unexpected error occurred');
}

/**
 * WebSocket handshakes on ws/wss routes (Kong Enterprise), and on http routes whose plugins have ws_* handlers:
 * after access, the ws_handshake phase (it may answer, and may set the frame size limits), then the handshake
 * must be a valid WebSocket one — on a ws/wss route a request that is not is answered 400 (Kong EE); on an
 * http route it is tunnelled as bytes, as Kong OSS does. The request then goes on to the upstream like any
 * other, with its frames relayed through the plugins.
 */
function webSocketHandshake(
  ctx: ProxyContext,
  snap: CompiledSnapshot,
  routed: Routed,
  state: RequestState,
  response: PluginResponse,
  upgradeHead: Buffer | null,
  up: UpstreamRequest,
): void {
  const flow = new WebSocketFlow(ctx.logger, state, response.kong, response.collected, () => response.finish());
  response.websocket = flow;
  const next = () => {
    if (state.res.destroyed) return;
    if (state.exit !== null) return response.exit();
    const problem = handshakeProblem(state.req.method ?? 'GET', state.req.headers);
    if (problem !== null || upgradeHead === null) {
      if (routed.match.route.websocket) {
        return response.respond(400, handshakeErrorMessage(problem ?? "invalid/missing 'Upgrade' header"));
      }
      return afterAccess(ctx, snap, routed, state, response, upgradeHead);
    }
    // The relay reads frames uncompressed: no extension is negotiated (Kong EE).
    delete up.headers[EXTENSIONS_HEADER];
    up.frames = flow.relay(up.readTimeout);
    afterAccess(ctx, snap, routed, state, response, upgradeHead);
  };
  const failed = (_flow: PluginResponse, err: unknown) => {
    ctx.logger.error('plugin failed', { error: (err as Error).message, phase: 'ws_handshake', request_id: state.requestId });
    response.respond(500, 'An unexpected error occurred');
  };
  runChain('ws_handshake', routed.match.route.plugins, response, null, next, failed);
}

/** After access: exactly one of the plugin's answer, a 503 for a route without service, or the upstream. */
function afterAccess(
  ctx: ProxyContext,
  snap: CompiledSnapshot,
  routed: Routed,
  state: RequestState,
  response: PluginResponse,
  upgradeHead: Buffer | null,
): void {
  if (state.res.destroyed) return;
  const chain = routed.match.route.plugins;
  // Dynamic ordering changes the access phase only: the response phases run in PRIORITY order (Kong).
  if (chain.accessSlots !== chain.slots) response.collected.sort(runOrder);
  if (state.exit !== null) return response.exit();
  const service = state.service;
  const up = state.upstream;
  if (service === null || up === null) {
    // Kong (init.lua): access plugins ran, then a route without a service answers 503.
    return response.respond(503, 'no Service found with those values');
  }
  if (response.websocket === null && (routed.match.route.websocket || (upgradeHead !== null && routed.match.route.plugins.usesWebSocketPhases))) {
    return webSocketHandshake(ctx, snap, routed, state, response, upgradeHead, up);
  }
  if (state.requestBodyRead) {
    // The body was read (or replaced) by a plugin: send the buffered copy with its exact length.
    up.body = state.requestBody ?? Buffer.alloc(0);
    up.headers['content-length'] = String(up.body.length);
    delete up.headers['transfer-encoding'];
  } else if (state.bodyLimit !== null) {
    // Count the body on its way upstream; past the limit, answer now and drop the upstream request.
    const { bytes, status, message } = state.bodyLimit;
    const res = state.res;
    up.bodyStream = state.req.pipe(
      createBodyLimiter(bytes, () => {
        if (res.headersSent) res.destroy();
        else response.respond(status, message, { Connection: 'close' });
      }),
    );
  }
  let balancer = service.balancer;
  if (state.upstreamName !== null) balancer = snap.proxy.balancers.get(state.upstreamName) ?? balancer;
  const exchange = new Exchange(
    ctx,
    state.req,
    state.res,
    service,
    up,
    state.requestId,
    state.startedAt,
    routed.match.route.preserveHost,
    response,
    upgradeHead,
    balancer,
  );
  exchange.captures = state.captures;
  exchange.state = state;
  exchange.tracing = recording(response.kong);
  exchange.consumerId = state.consumer?.id ?? state.credential?.id ?? null;
  if (state.target !== null) {
    // kong.service.set_target: connect there directly; balancing, retries and health checks are skipped.
    exchange.fixedTarget = true;
    up.host = state.target.host;
    up.port = state.target.port;
    if (!routed.match.route.preserveHost) up.headers.host = hostHeaderFor(up.host, up.port, up.protocol);
  }
  if (routed.match.route.plugins.buffersResponse || state.bufferResponse) up.bufferResponse = true;
  if (routed.match.route.requestBuffering && upgradeHead === null && !state.requestBodyRead && state.bodyLimit === null) {
    bufferRequestBody(state.req, up, (ok) => ok && exchange.send());
  } else exchange.send();
}
