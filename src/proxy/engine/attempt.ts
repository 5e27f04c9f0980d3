import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { joinChunks, writeBuffered, writeHead } from './client-response.js';
import { clientClosedError, failureKind, isConnectFailure, isRetriable } from './failure.js';
import { cleanResponseHeaders } from './hop-by-hop.js';
import type { ProxyHooks, UpstreamRequest } from './types.js';

/**
 * One try of one proxied request: the state both engines keep, and the single place that settles it, so
 * onDone runs exactly once whichever of upstream end, upstream error or client close comes first.
 */
export abstract class Attempt {
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

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly up: UpstreamRequest,
    readonly hooks: ProxyHooks,
  ) {}

  /** Stops the upstream side (request, response, socket); called once when the attempt settles early. */
  protected abstract abortUpstream(err: Error): void;

  /** Drops the listeners this attempt added to long-lived objects (the client's req/res survive retries). */
  protected release(): void {
    this.res.off('close', this.onClientClose);
  }

  /** Watches the client; false when it is already gone (then onDone has run). */
  begin(): boolean {
    if (this.res.destroyed) {
      this.done = true;
      this.hooks.onDone({ ok: false, kind: 'reset', retriable: false, error: clientClosedError() });
      return false;
    }
    this.res.once('close', this.onClientClose);
    return true;
  }

  readonly onClientClose = (): void => {
    if (this.done || this.res.writableFinished) return;
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
    this.responseStarted = true;
    this.latency = Math.round(performance.now() - this.startedAt);
    this.upstreamStatus = status;
    cleanResponseHeaders(headers, joinRepeats);
    this.status = this.hooks.onResponse(status, headers) ?? status;
    this.headers = headers;
    if (this.up.bufferResponse === true) {
      this.chunks = [];
      return true;
    }
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
