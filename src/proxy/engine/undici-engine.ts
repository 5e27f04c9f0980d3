import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { Attempt } from './attempt.js';
import { timeoutError } from './failure.js';
import { hasRequestBody, requestHeaderList } from './hop-by-hop.js';
import { Tunnels } from './tunnel.js';
import { PoolKeys } from './pool-keys.js';
import { depthCheck, poolDepth } from './verify-depth.js';
import type { ProxyEngine, ProxyHooks, UpstreamRequest } from '../../http/engine.js';

// Kong: upstream_keepalive_idle_timeout defaults to 60 s.
const KEEPALIVE_MS = 60_000;
/** Agents (one per distinct connect timeout and TLS material) kept at once; the least recently used is closed. */
const MAX_AGENTS = 64;

/** An attempt driven by undici's dispatch handler callbacks (no intermediate streams). */
class UndiciAttempt extends Attempt implements Dispatcher.DispatchHandler {
  controller: Dispatcher.DispatchController | null = null;

  /** Reading is paused until the client drains (backpressure). */
  paused = false;

  readonly onDrain = (): void => {
    this.paused = false;
    this.controller?.resume();
  };

  protected abortUpstream(err: Error): void {
    // Before onRequestStart there is nothing to abort yet; onRequestStart sees `done` and aborts then.
    this.controller?.abort(err);
  }

  protected override release(): void {
    super.release();
    if (this.paused) this.res.off('drain', this.onDrain);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.done) controller.abort(new Error('attempt already settled'));
    else {
      this.sent = true;
      this.startTimer();
    }
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.controller = controller;
    if (status < 200) return; // informational heads are not forwarded
    this.head(status, headers, true);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    this.progressed();
    if (this.chunks !== null) this.collect(chunk);
    else if (!this.res.write(chunk)) {
      // Backpressure: stop reading the upstream socket until the client drains.
      controller.pause();
      this.paused = true;
      this.res.once('drain', this.onDrain);
    }
  }

  onResponseEnd(): void {
    this.complete();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }
}

/**
 * undici's connector with Kong's connect_timeout (TCP connect and TLS handshake) on a native timer: undici's
 * own connect timer has the same 1 s resolution as its others.
 */
function connectorWithTimeout(options: buildConnector.BuildOptions, ms: number): buildConnector.connector {
  const connect = buildConnector({ ...options, timeout: 0 }) as unknown as (
    opts: buildConnector.Options,
    cb: buildConnector.Callback,
  ) => { destroy(err?: Error): void } | undefined;
  return (opts, callback) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      const err = timeoutError('connect', ms);
      socket?.destroy(err);
      callback(err, null);
    }, ms);
    const socket = connect(opts, (...args: Parameters<buildConnector.Callback>) => {
      if (settled) {
        if (args[1] !== null && args[1] !== undefined) args[1].destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      (callback as (...a: Parameters<buildConnector.Callback>) => void)(...args);
    });
  };
}

function origin(up: UpstreamRequest): string {
  const host = up.host.includes(':') ? `[${up.host}]` : up.host;
  return `${up.protocol}://${host}:${up.port}`;
}

/**
 * The last origin made, kept: most requests in a row go to the same peer, so they share its string instead of
 * each concatenating one.
 */
class LastOrigin {
  private protocol = '';
  private host = '';
  private port = -1;
  private value = '';

  of(up: UpstreamRequest): string {
    if (up.port !== this.port || up.host !== this.host || up.protocol !== this.protocol) {
      this.protocol = up.protocol;
      this.host = up.host;
      this.port = up.port;
      this.value = origin(up);
    }
    return this.value;
  }
}

export class UndiciEngine implements ProxyEngine {
  readonly name = 'undici' as const;
  // undici's connect options (timeout, TLS trust) are per agent, so each distinct set gets its own pool.
  // Map order is recency order, so the first agent is the least recently used.
  private readonly agents = new Map<string, Agent>();
  private readonly keys: PoolKeys;
  private readonly maxAgents: number;
  private readonly tunnels = new Tunnels();
  private readonly origins = new LastOrigin();
  /** The agent of the last plain-http request and its connect timeout: the common case skips naming a pool. */
  private lastPlain: Agent | null = null;
  private lastPlainTimeout = -1;

  constructor(opts: { maxAgents?: number; maxPems?: number } = {}) {
    this.maxAgents = opts.maxAgents ?? MAX_AGENTS;
    this.keys = new PoolKeys(opts.maxPems);
  }

  /** Agents held now (tests). */
  get agentCount(): number {
    return this.agents.size;
  }

  private agentFor(up: UpstreamRequest): Agent {
    // The most recently used agent is already last in recency order: nothing to name, look up or move.
    if (up.protocol === 'http' && up.connectTimeout === this.lastPlainTimeout && this.lastPlain !== null) return this.lastPlain;
    const agent = this.lookupAgent(up);
    if (up.protocol === 'http') {
      this.lastPlain = agent;
      this.lastPlainTimeout = up.connectTimeout;
    } else this.lastPlain = null;
    return agent;
  }

  private lookupAgent(up: UpstreamRequest): Agent {
    const key = this.keys.key(up);
    let agent = this.agents.get(key);
    if (agent !== undefined) {
      if (this.agents.size > 1) {
        this.agents.delete(key);
        this.agents.set(key, agent);
      }
    } else {
      const t = up.tls;
      const connect: Record<string, unknown> = {};
      if (up.protocol === 'https' && t !== undefined) {
        connect.rejectUnauthorized = t.rejectUnauthorized;
        if (t.ca !== undefined) connect.ca = t.ca;
        if (t.cert !== undefined) connect.cert = t.cert;
        if (t.key !== undefined) connect.key = t.key;
        if (t.rejectUnauthorized && t.verifyDepth !== undefined) connect.checkServerIdentity = depthCheck(poolDepth(t.verifyDepth));
      }
      agent = new Agent({
        connect: connectorWithTimeout(connect, up.connectTimeout),
        keepAliveTimeout: KEEPALIVE_MS,
        keepAliveMaxTimeout: KEEPALIVE_MS,
      });
      if (this.agents.size >= this.maxAgents) {
        // Per-request timeouts and TLS material (kong.service.set_*) can name any number of pools: the one
        // unused longest goes. close() lets its requests in flight finish, then drops its connections.
        const [oldKey, old] = this.agents.entries().next().value!;
        this.agents.delete(oldKey);
        if (old === this.lastPlain) this.lastPlain = null;
        old.close().catch(() => undefined);
      }
      this.agents.set(key, agent);
    }
    return agent;
  }

  proxy(req: IncomingMessage, res: ServerResponse, up: UpstreamRequest, hooks: ProxyHooks): void {
    const attempt = new UndiciAttempt(req, res, up, hooks);
    if (!attempt.begin()) return;
    const body = attempt.requestBody(hasRequestBody(req.headers));
    const opts: Dispatcher.DispatchOptions & { servername?: string } = {
      origin: this.origins.of(up),
      path: up.path,
      method: up.method as Dispatcher.HttpMethod,
      headers: requestHeaderList(up.headers),
      body,
      // The attempt keeps Kong's write/read timeouts (attempt.ts); undici's tick once a second, so they are off.
      headersTimeout: 0,
      bodyTimeout: 0,
    };
    const servername = up.tls?.servername;
    if (up.protocol === 'https' && servername && isIP(servername) === 0) opts.servername = servername;
    this.agentFor(up).dispatch(opts, attempt);
  }

  upgrade(req: IncomingMessage, res: ServerResponse, head: Buffer, up: UpstreamRequest, hooks: ProxyHooks): void {
    this.tunnels.open(req, res, head, up, hooks);
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    this.lastPlain = null;
    this.tunnels.closeAll();
    // Called after the gateway drained; whatever is still open is cut rather than waited for.
    await Promise.all(agents.map((a) => a.destroy()));
  }
}
