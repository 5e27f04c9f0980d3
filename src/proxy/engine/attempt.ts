import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { BodyProgress, type ProgressSink } from './body-progress.js';
import { joinChunks, writeBuffered, writeHead } from './client-response.js';
import { clientClosedError, failureKind, isConnectFailure, isRetriable, timeoutError } from './failure.js';
import { cleanResponseHeaders } from './hop-by-hop.js';
import type { ProxyHooks, UpstreamRequest } from '../../http/engine.js';

/** nginx's client_body_timeout / send_timeout default: the longest a client may stall a transfer. */
const CLIENT_TIMEOUT_MS = 60_000;

/**
 * One try of one proxied request: the state both engines keep, and the single place that settles it, so
 * onDone runs exactly once whichever of upstream end, upstream error or client close comes first.
 *
 * It also keeps Kong's write and read timeouts, as nginx's proxy_send_timeout / proxy_read_timeout: one
 * native timer (millisecond precision; undici's own timers tick once a second), restarted by every byte of
 * progress — write_timeout while a streamed body goes up, then read_timeout until the head and between two
 * reads of the body. Time the upstream is not to blame for does not count: a client slow to send its body or
 * to take the response only restarts the timer.
 */
export abstract class Attempt implements ProgressSink {
  done = false;
  /** Request bytes may have reached the upstream (connected, or on a reused connection). */
  sent = false;
  responseStarted = false;
  upstreamStatus = 0;
  status = 0;
  headers: IncomingHttpHeaders | null = null;
  chunks: Buffer[] | null = null;
  size = 0;
  latency = 0;
  readonly startedAt = performance.now();

  private timer: NodeJS.Timeout | null = null;
  private clientStalledSince: number | null = null;
  private timerPhase: 'write' | 'read' = 'read';
  /** The streamed request body's progress tap, when the body streams. */
  protected progress: BodyProgress | null = null;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly up: UpstreamRequest,
    readonly hooks: ProxyHooks,
  ) {}

  /** The request body to send, or null: a buffered body as is, a streamed one through the progress tap. */
  requestBody(streams: boolean): Buffer | Readable | null {
    const { up } = this;
    if (up.body != null) return up.body;
    if (!streams) return null;
    this.progress = new BodyProgress(this);
    return (up.bodyStream ?? this.req).pipe(this.progress);
  }

  /** Starts the timer once connected: the write phase first when a body streams. */
  protected startTimer(): void {
    this.arm(this.progress !== null && !this.progress.writableFinished ? 'write' : 'read');
  }

  /** (Re)starts the inactivity timer for a phase. */
  arm(phase: 'write' | 'read'): void {
    if (this.done) return;
    this.clientStalledSince = null;
    if (this.timer !== null && this.timerPhase === phase) {
      this.timer.refresh();
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerPhase = phase;
    this.timer = setTimeout(this.onTimeout, phase === 'write' ? this.up.writeTimeout : this.up.readTimeout);
  }

  /** Progress on the response: restarts a running read timer. */
  protected progressed(): void {
    this.timer?.refresh();
  }

  private readonly onTimeout = (): void => {
    const phase = this.timerPhase;
    // The client, not the upstream, holds things up: it has not taken what was read, or has not sent more body.
    const clientBound = phase === 'read' ? this.res.writableNeedDrain : this.progress !== null && this.progress.readableLength === 0;
    if (clientBound) {
      // …but not for ever: nginx gives a client 60 s (client_body_timeout / send_timeout) between two moves.
      const now = performance.now();
      this.clientStalledSince ??= now;
      if (now - this.clientStalledSince < CLIENT_TIMEOUT_MS) {
        this.timer!.refresh();
        return;
      }
    }
    this.fail(timeoutError(phase, phase === 'write' ? this.up.writeTimeout : this.up.readTimeout));
  };

  /** Stops the upstream side (request, response, socket); called once when the attempt settles early. */
  protected abstract abortUpstream(err: Error): void;

  /** Drops the listeners this attempt added to long-lived objects (the client's req/res survive retries). */
  protected release(): void {
    this.res.off('close', this.onClientClose);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Watches the client; false when it is already gone (then onDone has run). */
  begin(): boolean {
    if (this.res.destroyed) {
      this.done = true;
      this.hooks.onDone({ ok: false, kind: 'reset', retriable: false, error: clientClosedError() });
      return false;
    }
    // `on`, not `once`: release() removes it, and a once wrapper would be one more allocation per request.
    this.res.on('close', this.onClientClose);
    return true;
  }

  // The client's response closed before this attempt settled: the client went away, or the gateway answered
  // it otherwise (a body limit's 413, say) while the upstream leg was still open. Either way nobody waits for
  // the upstream any more: stop it, or it would live on as long as the client keeps its upload open.
  // (A response this attempt wrote and finished is a completion whose stream callback has not run yet.)
  readonly onClientClose = (): void => {
    if (this.done || (this.res.writableFinished && this.responseStarted)) return;
    const error = clientClosedError();
    this.done = true;
    this.release();
    this.abortUpstream(error);
    this.hooks.onDone({ ok: false, kind: 'reset', retriable: false, error });
  };

  /**
   * The upstream response head: runs onResponse, then writes the head (or starts buffering).
   * Returns false when the attempt is over (client gone, or the head could not be written).
   */
  head(status: number, headers: IncomingHttpHeaders, joinRepeats: boolean): boolean {
    if (this.done) return false;
    this.arm('read');
    this.responseStarted = true;
    this.latency = Math.round(performance.now() - this.startedAt);
    this.upstreamStatus = status;
    cleanResponseHeaders(headers, joinRepeats);
    this.headers = headers;
    if (this.up.bufferResponse === true) {
      // The response phases see the whole body: onResponse waits for it (complete()).
      this.status = status;
      this.chunks = [];
      return true;
    }
    this.status = this.hooks.onResponse(status, headers) ?? status;
    try {
      writeHead(this.res, this.status, headers);
    } catch (err) {
      this.fail(err as Error);
      return false;
    }
    return true;
  }

  collect(chunk: Buffer): void {
    this.chunks!.push(chunk);
    this.size += chunk.length;
  }

  /** The upstream response ended: finish the client response (or hand the buffered body over). */
  complete(): void {
    if (this.done) return;
    this.done = true;
    this.release();
    const { res, chunks, hooks } = this;
    if (chunks !== null) {
      const body = joinChunks(chunks, this.size);
      this.chunks = null;
      this.status = hooks.onResponse(this.upstreamStatus, this.headers!, body) ?? this.upstreamStatus;
      if (hooks.onBody !== undefined) hooks.onBody(this.status, this.headers!, body);
      else {
        try {
          writeBuffered(res, this.status, this.headers!, body);
        } catch {
          res.destroy();
        }
      }
    } else if (!res.writableEnded) res.end();
    hooks.onDone({ ok: true, status: this.upstreamStatus, upstreamLatencyMs: this.latency });
  }

  fail(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.release();
    this.abortUpstream(error);
    const headSent = this.res.headersSent;
    // Part of the response is out: the client must see a broken response, not a second one.
    if (headSent) this.res.destroy();
    const retriable =
      !headSent &&
      isRetriable({
        method: this.up.method,
        requestSent: this.sent && !isConnectFailure(error),
        responseStarted: this.responseStarted,
        clientBodyConsumed: this.up.body == null && this.req.readableDidRead,
      });
    this.hooks.onDone({ ok: false, kind: failureKind(error), retriable, error });
  }
}
