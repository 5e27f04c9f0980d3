import {
  request as httpRequest,
  STATUS_CODES,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { joinChunks, writeHead } from './client-response.js';
import { clientClosedError, failureKind, isConnectFailure, timeoutError } from './failure.js';
import { cleanResponseHeaders, requestHeaderObject } from './hop-by-hop.js';
import type { ProxyHooks, UpstreamRequest } from '../../http/engine.js';
import { depthCheck } from './verify-depth.js';
import { upstreamExtensionsProblem } from './websocket-handshake.js';
import { relayWebSocket, type WebSocketRelay } from '../../http/websocket-relay.js';

/** The response head as raw HTTP/1.1 text, for a client socket that node:http no longer manages. */
function rawHead(status: number, headers: IncomingHttpHeaders): string {
  let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) text += `${name}: ${v}\r\n`;
    else text += `${name}: ${value}\r\n`;
  }
  return `${text}\r\n`;
}

/**
 * Upgrade (WebSocket) tunnels, shared by both engines: one plain node:http request per upgrade (the
 * connection leaves any pool once switched), then bytes are piped both ways until either side closes.
 * `res` is the client's response bound to the handshake socket: an upstream that declines the upgrade is
 * answered through it like any proxied response; after a 101 the socket itself carries the tunnel.
 */
export class Tunnels {
  private readonly open_ = new Set<Duplex>();
  private readonly relays = new Set<WebSocketRelay>();

  open(_req: IncomingMessage, res: ServerResponse, head: Buffer, up: UpstreamRequest, hooks: ProxyHooks): void {
    const socket = res.socket as Duplex;
    const started = performance.now();
    let done = false;
    let connected = false;
    const settleFailure = (error: Error, kind = failureKind(error)) => {
      if (done) return;
      done = true;
      clearTimeout(connectTimer);
      socket.off('close', onClientClose);
      upstream.destroy();
      hooks.onDone({ ok: false, kind, retriable: !connected || isConnectFailure(error), error });
    };
    const onClientClose = () => settleFailure(clientClosedError(), 'reset');

    const options: RequestOptions = {
      host: up.host,
      port: up.port,
      method: up.method,
      path: up.path,
      headers: requestHeaderObject(up.headers, true, false),
      agent: false,
    };
    const t = up.tls;
    if (up.protocol === 'https' && t !== undefined) {
      options.rejectUnauthorized = t.rejectUnauthorized;
      if (t.servername && isIP(t.servername) === 0) options.servername = t.servername;
      if (t.ca !== undefined) options.ca = t.ca;
      if (t.cert !== undefined) options.cert = t.cert;
      if (t.key !== undefined) options.key = t.key;
      if (t.rejectUnauthorized && t.verifyDepth !== undefined) options.checkServerIdentity = depthCheck(t.verifyDepth);
    }
    const upstream: ClientRequest = up.protocol === 'https' ? httpsRequest(options) : httpRequest(options);
    const connectTimer = setTimeout(() => upstream.destroy(timeoutError('connect', up.connectTimeout)), up.connectTimeout);
    upstream.setTimeout(up.readTimeout, () => upstream.destroy(timeoutError('read', up.readTimeout)));
    upstream.once('socket', (s: Socket) => {
      const onConnect = () => {
        connected = true;
        clearTimeout(connectTimer);
      };
      if (s.connecting) s.once(up.protocol === 'https' ? 'secureConnect' : 'connect', onConnect);
      else onConnect();
    });
    upstream.on('error', (err) => settleFailure(err));
    socket.once('close', onClientClose);

    upstream.on('upgrade', (res: IncomingMessage, upSocket: Socket, upHead: Buffer) => {
      if (done) {
        upSocket.destroy();
        return;
      }
      const frames = up.frames;
      // The relay reads frames uncompressed, so the gateway removed any extension offer; an upstream that
      // accepts one anyway cannot be relayed (Kong EE refuses it too).
      const extension = frames === undefined ? null : upstreamExtensionsProblem(res.headers);
      if (extension !== null) {
        upSocket.destroy();
        settleFailure(Object.assign(new Error(extension), { code: 'SLUICE_WS_EXTENSION' }), 'reset');
        return;
      }
      done = true;
      clearTimeout(connectTimer);
      socket.off('close', onClientClose);
      const headers = res.headers;
      const status = hooks.onResponse(res.statusCode ?? 101, headers) ?? res.statusCode ?? 101;
      socket.write(rawHead(status, headers));
      hooks.onDone({ ok: true, status: res.statusCode ?? 101, upstreamLatencyMs: Math.round(performance.now() - started) });
      if (frames !== undefined) {
        upSocket.setTimeout(0); // the relay keeps the idle timeout itself
        const relay = relayWebSocket(socket, head, upSocket, upHead, frames.hooks, frames.options);
        this.relays.add(relay);
        socket.once('close', () => this.relays.delete(relay));
        frames.onStart();
        return;
      }
      // nginx applies proxy_read_timeout to upgraded connections too: an idle tunnel is closed (Kong).
      upSocket.setTimeout(up.readTimeout, () => upSocket.destroy());
      this.join(socket, upSocket);
      if (upHead.length > 0) socket.write(upHead);
      if (head.length > 0) upSocket.write(head);
      upSocket.pipe(socket);
      socket.pipe(upSocket);
    });

    // The upstream declined the upgrade: its answer is relayed (nginx does) through the response phases, then
    // the connection closes.
    upstream.on('response', (upRes: IncomingMessage) => {
      if (done) {
        upRes.destroy();
        return;
      }
      done = true;
      socket.off('close', onClientClose);
      const code = upRes.statusCode ?? 502;
      const headers = upRes.headers;
      cleanResponseHeaders(headers, false);
      upRes.once('error', () => socket.destroy());
      socket.once('close', () => upRes.destroy());
      const latency = Math.round(performance.now() - started);
      if (up.bufferResponse === true && hooks.onBody !== undefined) {
        const chunks: Buffer[] = [];
        let size = 0;
        upRes.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
        });
        upRes.once('end', () => {
          const body = joinChunks(chunks, size);
          // Buffered: the response phases see the whole body (as for proxied responses, attempt.ts).
          const status = hooks.onResponse(code, headers, body) ?? code;
          hooks.onBody!(status, headers, body);
          hooks.onDone({ ok: true, status: code, upstreamLatencyMs: latency });
        });
        return;
      }
      const status = hooks.onResponse(code, headers) ?? code;
      try {
        writeHead(res, status, headers);
      } catch {
        socket.destroy();
      }
      upRes.pipe(res);
      hooks.onDone({ ok: true, status: code, upstreamLatencyMs: latency });
    });
    upstream.end();
  }

  /**
   * Either side closing or failing tears the whole tunnel down. Either side ending does too, once what it sent
   * has been passed on (nginx finalizes an upgraded connection at the first EOF): node:http's sockets allow
   * half-open connections, so without this a client that hangs up would leave the upstream leg open until the
   * upstream hangs up too — and the request's log phase would wait for it.
   */
  private join(a: Duplex, b: Socket): void {
    this.open_.add(a);
    this.open_.add(b);
    const teardown = () => {
      this.open_.delete(a);
      this.open_.delete(b);
      a.destroy();
      b.destroy();
    };
    const endedBy = (to: Duplex) => () => {
      // pipe() has ended `to` after the last bytes from the side that ended: close both once they are written.
      if (to.writableFinished) teardown();
      else to.once('finish', teardown);
    };
    a.once('end', endedBy(b));
    b.once('end', endedBy(a));
    a.once('close', teardown);
    b.once('close', teardown);
    a.on('error', teardown);
    b.on('error', teardown);
  }

  closeAll(): void {
    for (const relay of this.relays) relay.close(1001, 'Going Away');
    this.relays.clear();
    for (const s of this.open_) s.destroy();
    this.open_.clear();
  }
}
