import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Stream } from 'node:stream';
import httpProxy from 'http-proxy';
import { Attempt } from './attempt.js';
import { timeoutError } from './failure.js';
import { HOP_BY_HOP, hasRequestBody, isChunked, requestHeaderObject } from './hop-by-hop.js';
import { Tunnels } from './tunnel.js';
import { depthCheck, poolDepth } from './verify-depth.js';
import type { ProxyEngine, ProxyHooks, UpstreamRequest } from '../../http/engine.js';

type Listener = (...args: unknown[]) => void;
type AddRequest = (req: ClientRequest, options: Record<string, unknown>) => void;

/** The body stand-in for a request without one (or whose body was already read): ends the upstream request. */
const NO_BODY = { pipe: (dest: ClientRequest) => dest.end() } as unknown as Stream;

/** An attempt driven through http-proxy's web pass (selfHandleResponse: the response is ours to write). */
class HttpProxyAttempt extends Attempt {
  proxyReq: ClientRequest | null = null;
  proxyRes: IncomingMessage | null = null;
  connectTimer: NodeJS.Timeout | null = null;
  /** Waiting for the client to drain (the upstream response is paused). */
  draining = false;
  // http-proxy adds an 'error' and an 'aborted' listener to the client request on every web() call.
  reqError: Listener | null = null;
  reqAborted: Listener | null = null;

  readonly onProxyError = (err: Error): void => this.fail(err);

  /** The stand-in http-proxy pipes into the upstream request for a buffered body: the whole body at once. */
  bufferedBody(): Stream {
    const body = this.up.body!;
    return { pipe: (dest: ClientRequest) => dest.end(body) } as unknown as Stream;
  }

  protected abortUpstream(err: Error): void {
    this.proxyReq?.destroy(err);
  }

  protected override release(): void {
    super.release();
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    if (this.draining) this.res.off('drain', this.onDrain!);
    // Only a failure before the response head can be retried on the same client request: then drop
    // http-proxy's listeners so retries do not pile them up. Past the head they die with the request.
    if (!this.responseStarted) this.dropReqListeners();
  }

  dropReqListeners(): void {
    if (this.reqError !== null) this.req.off('error', this.reqError);
    if (this.reqAborted !== null) this.req.off('aborted', this.reqAborted);
    this.reqError = this.reqAborted = null;
  }

  /** Takes over the ClientRequest http-proxy just created (called synchronously from the agent). */
  attach(proxyReq: ClientRequest): void {
    this.proxyReq = proxyReq;
    (proxyReq as Owned<ClientRequest>)[OWNER] = this;
    // http-proxy joins target and request paths with a helper that collapses "//"; the caller's path is final.
    proxyReq.path = this.up.path;
    // The agent hands every request its socket on the next tick (no maxSockets), so connect_timeout can
    // start there, and only for a socket still connecting: a reused keep-alive socket needs no timer.
    proxyReq.on('socket', onProxySocket);
    proxyReq.on('response', onProxyResponse);
  }

  onSocket(socket: Socket): void {
    if (!socket.connecting) {
      this.onConnected();
      return;
    }
    const { up } = this;
    this.connectTimer = setTimeout(() => this.proxyReq!.destroy(timeoutError('connect', up.connectTimeout)), up.connectTimeout);
    socket.once(up.protocol === 'https' ? 'secureConnect' : 'connect', () => this.onConnected());
  }

  onConnected(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.sent = true;
    this.startTimer();
  }

  onResponse(proxyRes: IncomingMessage): void {
    if (!this.head(proxyRes.statusCode ?? 502, proxyRes.headers, false)) {
      proxyRes.destroy();
      return;
    }
    // Read by hand rather than pipe()/pipeline(): those cost a dozen listeners and an AbortSignal per
    // response. The client side needs none of them: its close is the attempt's onClientClose.
    this.proxyRes = proxyRes;
    (proxyRes as Owned<IncomingMessage>)[OWNER] = this;
    proxyRes.on('data', onProxyData);
    proxyRes.on('end', onProxyEnd);
    proxyRes.on('error', this.onProxyError);
  }

  onData(chunk: Buffer): void {
    if (this.done) return;
    this.progressed();
    if (this.chunks !== null) this.collect(chunk);
    else if (!this.res.write(chunk)) {
      // Backpressure: stop reading the upstream until the client drains.
      this.proxyRes!.pause();
      this.draining = true;
      this.res.once('drain', (this.onDrain ??= () => this.drained()));
    }
  }

  /** Made on the first backpressure only: most responses never wait for the client. */
  private onDrain: (() => void) | null = null;

  private drained(): void {
    this.draining = false;
    this.proxyRes!.resume();
  }
}

// The upstream request and response each belong to one attempt for their whole life, so their listeners are
// shared functions that find it on the emitter, rather than closures made per request.
const OWNER = Symbol('sluice.attempt');
type Owned<E> = E & { [OWNER]: HttpProxyAttempt };

function onProxySocket(this: Owned<ClientRequest>, socket: Socket): void {
  this[OWNER].onSocket(socket);
}

function onProxyResponse(this: Owned<ClientRequest>, proxyRes: IncomingMessage): void {
  this[OWNER].onResponse(proxyRes);
}

function onProxyData(this: Owned<IncomingMessage>, chunk: Buffer): void {
  this[OWNER].onData(chunk);
}

function onProxyEnd(this: Owned<IncomingMessage>): void {
  this[OWNER].complete();
}

/**
 * A keep-alive agent that hands each new ClientRequest to the attempt that made it. http-proxy builds the
 * request inside web() and passes nothing of ours along, so the attempt waits in its engine's slot for
 * exactly that synchronous call: one slot per engine, so two engines (two gateways) never see each other's.
 */
function bindingAgent<A extends HttpAgent>(agent: A, slot: Slot): A {
  const holder = agent as unknown as { addRequest: AddRequest };
  const addRequest = holder.addRequest;
  holder.addRequest = function (this: A, req: ClientRequest, options: Record<string, unknown>) {
    const attempt = slot.attempt;
    if (attempt !== null) {
      slot.attempt = null;
      attempt.attach(req);
      if (slot.servername !== undefined) options.servername = slot.servername;
    }
    addRequest.call(this, req, options);
  };
  return agent;
}

/** The attempt this engine's agents are about to see, and its TLS server name (set only during one web() call). */
interface Slot {
  attempt: HttpProxyAttempt | null;
  servername: string | undefined;
}

const UPPER = /[A-Z]/;

/**
 * The upstream headers for http-proxy, which copies them itself: the caller's own object when cleaning would
 * change nothing (the usual case: lower-case names, no hop-by-hop field, no undefined value, no chunked body
 * to declare), so the request pays for one copy, not two.
 */
function finalHeaders(headers: OutgoingHttpHeaders, chunked: boolean): OutgoingHttpHeaders {
  if (!chunked) {
    let clean = true;
    for (const name in headers) {
      if (headers[name] === undefined || HOP_BY_HOP.has(name) || UPPER.test(name)) {
        clean = false;
        break;
      }
    }
    if (clean) return headers;
  }
  return requestHeaderObject(headers, false, chunked);
}

/** The options proxy() sets before each web() call; selfHandleResponse and the path options never change. */
type PerCallOptions = Pick<httpProxy.ServerOptions, 'agent' | 'buffer' | 'method' | 'secure'> & { target?: HttpTarget | undefined };

/** web(req, res, callback): with no options argument, web() uses the server's own options as they are. */
interface WebWithCallback {
  web(req: IncomingMessage, res: ServerResponse, callback: (err: Error) => void): void;
}

interface HttpTarget {
  readonly protocol: 'http:' | 'https:';
  readonly host: string;
  readonly port: number;
  readonly ca?: string[];
  readonly cert?: string;
  readonly key?: string;
}

/** An https target with the request's own TLS material (kong.service.set_tls_* may change it per request). */
function httpsTarget(up: UpstreamRequest, t: UpstreamRequest['tls']): HttpTarget {
  const target: { -readonly [K in keyof HttpTarget]: HttpTarget[K] } = { protocol: 'https:', host: up.host, port: up.port };
  if (t !== undefined) {
    if (t.ca !== undefined) target.ca = t.ca;
    if (t.cert !== undefined) target.cert = t.cert;
    if (t.key !== undefined) target.key = t.key;
  }
  return target;
}

function lastListener(emitter: IncomingMessage, event: string, before: number): Listener | null {
  if (emitter.listenerCount(event) <= before) return null;
  const all = emitter.listeners(event) as Listener[];
  return all[all.length - 1]!;
}

export class HttpProxyEngine implements ProxyEngine {
  readonly name = 'http-proxy' as const;
  private readonly slot: Slot = { attempt: null, servername: undefined };
  // Kong: upstream keepalive on, idle connections kept 60 s.
  private readonly httpAgent = bindingAgent(new HttpAgent({ keepAlive: true, scheduling: 'lifo' }), this.slot);
  private readonly httpsAgent = bindingAgent(new HttpsAgent({ keepAlive: true, scheduling: 'lifo' }), this.slot);
  // The agent pools sockets by TLS options but not by the identity check, so each verify depth gets its own
  // (at most MAX_VERIFY_DEPTH + 1: larger depths allow the same chains).
  private readonly depthAgents = new Map<number, HttpsAgent>();
  private readonly server = httpProxy.createProxyServer({
    xfwd: false,
    ignorePath: true,
    prependPath: false,
    // With ignorePath the request's own path is dropped anyway; toProxy spares the url.parse() of it.
    toProxy: true,
    selfHandleResponse: true,
  });
  private readonly tunnels = new Tunnels();
  /** The server's own options object, which web() reads on every call (see proxy()). */
  private readonly options: PerCallOptions;
  private lastTarget: HttpTarget | null = null;

  constructor() {
    // Every web() call passes its own callback, so this only keeps EventEmitter3 from throwing on a stray error.
    this.server.on('error', () => undefined);
    this.options = (this.server as unknown as { options: PerCallOptions }).options;
    // The caller's headers are final: drop the passes that edit them (deleteLength would turn a chunked
    // DELETE body into `content-length: 0`) or set a timeout on the client's socket. Only `stream` stays.
    const passes = this.server as unknown as { webPasses: { name: string }[] };
    passes.webPasses = passes.webPasses.filter((pass) => pass.name === 'stream');
  }

  proxy(req: IncomingMessage, res: ServerResponse, up: UpstreamRequest, hooks: ProxyHooks): void {
    const attempt = new HttpProxyAttempt(req, res, up, hooks);
    if (!attempt.begin()) return;
    const https = up.protocol === 'https';
    const t = up.tls;
    const body = up.body;
    // web() reads its options synchronously, so they are set on the server's own object for this one call:
    // handing web() an object of our own makes it copy the server's options and then ours, per request.
    const options = this.options;
    options.method = up.method;
    if (https) {
      options.agent = this.httpsAgentFor(t);
      options.secure = t?.rejectUnauthorized;
      options.target = httpsTarget(up, t);
    } else {
      options.agent = this.httpAgent;
      options.secure = undefined;
      options.target = this.plainTarget(up);
    }
    // http-proxy pipes `buffer` into the upstream request; this stand-in writes the whole body at once.
    if (body != null) options.buffer = attempt.bufferedBody();
    // No body, or a retry after the client request was already read to its end: end the upstream request
    // directly (piping an ended stream would never end it, and piping a bodiless one costs a dozen listeners).
    else if ((req.readableEnded && up.bodyStream === undefined) || (up.bodyStream === undefined && !hasRequestBody(req.headers))) {
      options.buffer = NO_BODY;
    } else {
      // A streamed body goes through the attempt's progress tap (write_timeout).
      options.buffer = attempt.requestBody(true) as Stream;
    }
    const slot = this.slot;
    slot.servername = https && t?.servername && isIP(t.servername) === 0 ? t.servername : undefined;

    // http-proxy copies the client's headers synchronously inside web(); show it the final upstream ones.
    const clientHeaders = req.headers;
    const errors = req.listenerCount('error');
    const aborts = req.listenerCount('aborted');
    req.headers = finalHeaders(up.headers, body == null && isChunked(clientHeaders)) as typeof clientHeaders;
    slot.attempt = attempt;
    try {
      (this.server as unknown as WebWithCallback).web(req, res, attempt.onProxyError);
    } catch (err) {
      // node:http rejects some requests synchronously (an invalid header value, say).
      attempt.fail(err as Error);
    } finally {
      req.headers = clientHeaders;
      slot.attempt = null;
      // Nothing of this request stays on the shared options (the body above all).
      options.buffer = undefined;
    }
    attempt.reqError = lastListener(req, 'error', errors);
    attempt.reqAborted = lastListener(req, 'aborted', aborts);
    // Settled inside web() (before the listeners were known): drop them now.
    if (attempt.done && !attempt.responseStarted) attempt.dropReqListeners();
  }

  /** The last plain-http target, kept: requests in a row mostly go to one peer, and web() only reads it. */
  private plainTarget(up: UpstreamRequest): HttpTarget {
    const last = this.lastTarget;
    if (last !== null && last.port === up.port && last.host === up.host) return last;
    return (this.lastTarget = Object.freeze({ protocol: 'http:', host: up.host, port: up.port }));
  }

  private httpsAgentFor(t: UpstreamRequest['tls']): HttpsAgent {
    if (t === undefined || !t.rejectUnauthorized || t.verifyDepth === undefined) return this.httpsAgent;
    const depth = poolDepth(t.verifyDepth);
    let agent = this.depthAgents.get(depth);
    if (agent === undefined) {
      // http-proxy copies only some TLS options to the request; the agent's own options reach tls.connect.
      agent = bindingAgent(new HttpsAgent({ keepAlive: true, scheduling: 'lifo', checkServerIdentity: depthCheck(depth) }), this.slot);
      this.depthAgents.set(depth, agent);
    }
    return agent;
  }

  upgrade(req: IncomingMessage, res: ServerResponse, head: Buffer, up: UpstreamRequest, hooks: ProxyHooks): void {
    this.tunnels.open(req, res, head, up, hooks);
  }

  async close(): Promise<void> {
    this.tunnels.closeAll();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const agent of this.depthAgents.values()) agent.destroy();
  }
}
