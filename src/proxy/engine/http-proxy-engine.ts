import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { pipeline, type Stream } from 'node:stream';
import httpProxy from 'http-proxy';
import { Attempt } from './attempt.js';
import { timeoutError } from './failure.js';
import { hasRequestBody, isChunked, requestHeaderObject } from './hop-by-hop.js';
import { Tunnels } from './tunnel.js';
import { depthCheck, poolDepth } from './verify-depth.js';
import type { ProxyEngine, ProxyHooks, UpstreamRequest } from '../../http/engine.js';

type Listener = (...args: unknown[]) => void;
type AddRequest = (req: ClientRequest, options: Record<string, unknown>) => void;

/** An attempt driven through http-proxy's web pass (selfHandleResponse: the response is ours to write). */
class HttpProxyAttempt extends Attempt {
  proxyReq: ClientRequest | null = null;
  connectTimer: NodeJS.Timeout | null = null;
  // http-proxy adds these to the client request on every web() call; removed when the attempt settles so
  // retries on the same request do not pile them up.
  reqListeners: [event: string, listener: Listener][] = [];

  readonly onProxyError = (err: Error): void => this.fail(err);

  protected abortUpstream(err: Error): void {
    this.proxyReq?.destroy(err);
  }

  protected override release(): void {
    super.release();
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    for (const [event, listener] of this.reqListeners) this.req.off(event, listener);
    this.reqListeners.length = 0;
  }

  /** Takes over the ClientRequest http-proxy just created (called synchronously from the agent). */
  attach(proxyReq: ClientRequest): void {
    const { up } = this;
    this.proxyReq = proxyReq;
    // http-proxy joins target and request paths with a helper that collapses "//"; the caller's path is final.
    proxyReq.path = up.path;
    this.connectTimer = setTimeout(() => proxyReq.destroy(timeoutError('connect', up.connectTimeout)), up.connectTimeout);
    proxyReq.once('socket', (socket: Socket) => {
      if (socket.connecting) socket.once(up.protocol === 'https' ? 'secureConnect' : 'connect', this.onConnected);
      else this.onConnected();
    });
    proxyReq.once('response', this.onResponse);
  }

  readonly onConnected = (): void => {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.sent = true;
    this.startTimer();
  };

  private readonly onData = (): void => this.progressed();

  readonly onResponse = (proxyRes: IncomingMessage): void => {
    if (!this.head(proxyRes.statusCode ?? 502, proxyRes.headers, false)) {
      proxyRes.destroy();
      return;
    }
    proxyRes.on('data', this.onData);
    if (this.chunks !== null) {
      proxyRes.on('data', (chunk: Buffer) => this.collect(chunk));
      proxyRes.once('end', () => this.complete());
      proxyRes.once('error', this.onProxyError);
      return;
    }
    pipeline(proxyRes, this.res, (err) => {
      if (err) this.fail(err);
      else this.complete();
    });
  };
}

/** What the engine's agents hand a new ClientRequest to: the attempt that made it, and its TLS server name. */
interface Binding {
  attempt: HttpProxyAttempt;
  servername: string | undefined;
}

/**
 * A keep-alive agent that hands each new ClientRequest to the attempt that made it. http-proxy builds the
 * request inside web() and passes nothing of ours along, so the attempt waits in its engine's `binding` slot
 * for exactly that synchronous call: one slot per engine, so two engines (two gateways) never see each other's.
 */
function bindingAgent<A extends HttpAgent>(agent: A, slot: { binding: Binding | null }): A {
  const holder = agent as unknown as { addRequest: AddRequest };
  const addRequest = holder.addRequest;
  holder.addRequest = function (this: A, req: ClientRequest, options: Record<string, unknown>) {
    const b = slot.binding;
    if (b !== null) {
      slot.binding = null;
      b.attempt.attach(req);
      if (b.servername !== undefined) options.servername = b.servername;
    }
    addRequest.call(this, req, options);
  };
  return agent;
}

function lastListener(emitter: IncomingMessage, event: string, before: number): Listener | null {
  const all = emitter.listeners(event) as Listener[];
  return all.length > before ? all[all.length - 1]! : null;
}

export class HttpProxyEngine implements ProxyEngine {
  readonly name = 'http-proxy' as const;
  /** The attempt this engine's agents are about to see (set only for the span of one web() call). */
  private readonly slot: { binding: Binding | null } = { binding: null };
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
    selfHandleResponse: true,
  });
  private readonly tunnels = new Tunnels();

  constructor() {
    // Every web() call passes its own callback, so this only keeps EventEmitter3 from throwing on a stray error.
    this.server.on('error', () => undefined);
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
    const options: httpProxy.ServerOptions = {
      target: { protocol: https ? 'https:' : 'http:', host: up.host, port: up.port },
      method: up.method,
      agent: https ? this.httpsAgentFor(t) : this.httpAgent,
    };
    if (https && t !== undefined) {
      options.secure = t.rejectUnauthorized;
      const target = options.target as Record<string, unknown>;
      if (t.ca !== undefined) target.ca = t.ca;
      if (t.cert !== undefined) target.cert = t.cert;
      if (t.key !== undefined) target.key = t.key;
    }
    // http-proxy pipes `buffer` into the upstream request; this stand-in writes the whole body at once.
    if (body != null) options.buffer = { pipe: (dest: ClientRequest) => dest.end(body) } as unknown as Stream;
    // A retry after the client request was already read to its end (a bodiless GET, say): piping the ended
    // stream would never end the new upstream request, so end it directly.
    else if (req.readableEnded && up.bodyStream === undefined) {
      options.buffer = { pipe: (dest: ClientRequest) => dest.end() } as unknown as Stream;
    } else if (up.bodyStream !== undefined || hasRequestBody(req.headers)) {
      // A streamed body goes through the attempt's progress tap (write_timeout).
      options.buffer = attempt.requestBody(true) as Stream;
    }
    const servername = https && t?.servername && isIP(t.servername) === 0 ? t.servername : undefined;

    // http-proxy copies the client's headers synchronously inside web(); show it the final upstream ones.
    const clientHeaders = req.headers;
    const errors = req.listenerCount('error');
    const aborts = req.listenerCount('aborted');
    req.headers = requestHeaderObject(up.headers, false, body == null && isChunked(clientHeaders)) as typeof clientHeaders;
    this.slot.binding = { attempt, servername };
    try {
      this.server.web(req, res, options, attempt.onProxyError);
    } catch (err) {
      // node:http rejects some requests synchronously (an invalid header value, say).
      attempt.fail(err as Error);
    } finally {
      req.headers = clientHeaders;
      this.slot.binding = null;
    }
    const onError = lastListener(req, 'error', errors);
    const onAborted = lastListener(req, 'aborted', aborts);
    if (attempt.done) {
      if (onError !== null) req.off('error', onError);
      if (onAborted !== null) req.off('aborted', onAborted);
    } else {
      if (onError !== null) attempt.reqListeners.push(['error', onError]);
      if (onAborted !== null) attempt.reqListeners.push(['aborted', onAborted]);
    }
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
