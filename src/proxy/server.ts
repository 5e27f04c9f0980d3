import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSniCallback, type ServerTlsOptions } from './sni-callback.js';
import type { Duplex } from 'node:stream';
import { type DrainState, drainServer } from './drain.js';
import { createProxyHandler, type ProxyContext } from './handler.js';
import { runWithPlugins } from './plugin-flow.js';
import { isWebSocketHandshake, REPARSED, reparseAsPlain, responseOnSocket } from './upgrade.js';
import { newRequestId } from './request-id.js';
import { endWithError } from '../http/raw-response.js';
import { statusMessage } from '../http/status-messages.js';
import { splitHostPort, withoutBrackets } from '../util/host-port.js';

/** nginx stub_status-style counters, as Kong's GET /status reports them. */
export interface ServerStats {
  total_requests: number;
  connections_active: number;
  connections_accepted: number;
  connections_handled: number;
  connections_reading: number;
  connections_writing: number;
  connections_waiting: number;
}

export interface Listener {
  readonly server: Server;
  address(): AddressInfo;
  /**
   * Stops accepting and closes idle connections; in-flight requests finish with `Connection: close` for up to
   * `graceMs`, then what is left is cut. Resolves when the last connection is gone.
   */
  close(graceMs: number): Promise<void>;
}

/** Each listener's count of connections whose request head is arriving, by the stats object they add to. */
const readingCounters = new WeakMap<ServerStats, Set<() => number>>();

/**
 * `connections_reading` is counted when it is read (a /status or /metrics request), over the listeners'
 * sockets, so the request path pays one number stored per request instead of a listener per read.
 */
export function createStats(): ServerStats {
  const counters = new Set<() => number>();
  const stats = {
    total_requests: 0,
    connections_active: 0,
    connections_accepted: 0,
    connections_handled: 0,
    connections_writing: 0,
    connections_waiting: 0,
  } as ServerStats;
  Object.defineProperty(stats, 'connections_reading', {
    enumerable: true,
    get: () => {
      let n = 0;
      for (const count of counters) n += count();
      return n;
    },
  });
  readingCounters.set(stats, counters);
  return stats;
}

/** The socket's bytesRead when its last request was over (or when it connected): more since is a head arriving. */
const READ_MARK = Symbol('sluice.readMark');
type MarkedSocket = Socket & { [READ_MARK]?: number; parser?: unknown; _httpMessage?: unknown };

/**
 * nginx's reading state: bytes of a request have arrived on the connection and its head is not complete yet.
 * A request being answered is writing instead (node:http holds its response on the socket), and a socket
 * handed to a tunnel has no parser any more. What a request body left unread after its answer counts as
 * reading until the next request, as nginx's discarding of it does.
 */
function isReading(socket: MarkedSocket): boolean {
  return socket.parser != null && socket._httpMessage == null && socket.bytesRead > (socket[READ_MARK] ?? 0);
}

/**
 * An upgrade pipelined behind a request whose response is still being written waits for it: responses leave a
 * connection in request order, a tunnel may only start after the earlier answer is out, and a re-read request
 * needs the socket free of the old parser's response.
 */
function afterPending(socket: Duplex, start: () => void): void {
  const pending = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (pending == null) return start();
  const onFinish = () => {
    socket.off('close', onClose);
    start();
  };
  const onClose = () => pending.off('finish', onFinish);
  pending.once('finish', onFinish);
  socket.once('close', onClose);
}

/** Parses Kong-style listen addresses: `0.0.0.0:8000`, `127.0.0.1:0`, `[::1]:8000`, `:8000`, `8000`. */
export function parseListen(spec: string): { host: string; port: number } {
  const text = spec.trim();
  const { host, port, rest } = splitHostPort(/^\d+$/.test(text) ? `:${text}` : text);
  const address = withoutBrackets(host);
  if (port === null || (host.startsWith('[') && address === '')) {
    throw new Error(`invalid listen address '${spec}': expected host:port, e.g. 0.0.0.0:8000${rest === '' ? '' : ` (bad port '${rest.slice(1)}')`}`);
  }
  return { host: address || '0.0.0.0', port };
}

/**
 * What Kong answers for a request nginx could not read (kong/error_handlers.lua): a header block too large is
 * nginx's 494, which Kong turns back into 400 with its own message; a head not received in time is 408;
 * anything else unreadable (request line, header syntax, framing) is 400.
 */
export function clientErrorAnswer(code: string | undefined): [status: number, message: string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [400, statusMessage(494)];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, statusMessage(408)];
  return [400, statusMessage(400)];
}

/**
 * A proxy listener: plain http, or https when `tls` is given (Kong's proxy_listen … ssl). Both serve the same
 * handler; only the scheme differs, which decides https-only redirects, `snis` matching and X-Forwarded-Proto.
 * HTTP/1.1 only on TLS: both engines speak HTTP/1.1 upstream and the handler works on node:http's req/res, so
 * ALPN h2 would need a second request path (node:http2 compat objects) rather than a flag.
 */
export async function listenProxy(
  ctx: ProxyContext,
  listen: { host: string; port: number },
  stats: ServerStats,
  tls?: ServerTlsOptions,
): Promise<Listener> {
  const scheme = tls ? 'https' : 'http';
  const onRequest = createProxyHandler(ctx, scheme, runWithPlugins, (res) => {
    stats.connections_writing--;
    const socket = res.req.socket as MarkedSocket | null;
    if (socket != null) socket[READ_MARK] = socket.bytesRead;
  });
  const drain: DrainState = { draining: false };
  const handler = (req: IncomingMessage, res: ServerResponse, upgradeHead: Buffer | null = null): void => {
    // Shutting down: answer what arrives, then close its connection (Connection: close).
    if (drain.draining) res.shouldKeepAlive = false;
    stats.total_requests++;
    stats.connections_writing++;
    onRequest(req, res, upgradeHead);
  };
  const httpOptions: ServerOptions = { keepAliveTimeout: 60_000, requestTimeout: 0, headersTimeout: 60_000 };
  const server: Server = tls
    ? (createHttpsServer(
        {
          ...httpOptions,
          // Used as is when the client sends no SNI; SNICallback picks per name otherwise, after the global
          // plugins' certificate phase (src/proxy/certificate-phase.ts).
          cert: tls.defaultCertificate.cert,
          key: tls.defaultCertificate.key,
          SNICallback: createSniCallback(tls, ctx),
        },
        (req, res) => handler(req, res),
      ) as unknown as Server)
    : createServer(httpOptions, (req, res) => handler(req, res));
  // Upgrades enter the same lifecycle (src/proxy/upgrade.ts): WebSocket handshakes with a response bound to
  // their socket, every other upgrade re-read as the plain request Kong would make of it.
  const emitConnection = (socket: Duplex) => server.emit(tls ? 'secureConnection' : 'connection', socket);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // node:http dropped its own listeners from this socket when it handed it over.
    socket.on('error', () => socket.destroy());
    if (!isWebSocketHandshake(req)) afterPending(socket, () => reparseAsPlain(emitConnection, req, socket, head));
    else afterPending(socket, () => handler(req, responseOnSocket(req, socket), head));
  });
  // A failed handshake (unknown CA on the client side, plain http on the TLS port) only closes that socket.
  if (tls) server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    if ((socket as Socket & { [REPARSED]?: boolean })[REPARSED] === true) return; // counted when it connected
    stats.connections_accepted++;
    stats.connections_handled++;
    stats.connections_active++;
    (socket as MarkedSocket)[READ_MARK] = 0;
    sockets.add(socket);
    socket.once('close', () => {
      stats.connections_active--;
      sockets.delete(socket);
    });
  });
  // node:http reads HTTPS requests from the TLS sockets, which is where a drain finds the response in progress.
  const tlsSockets = new Set<Socket>();
  if (tls) {
    server.on('secureConnection', (socket: Socket) => {
      // The handshake's bytes are not a request.
      (socket as MarkedSocket)[READ_MARK] = socket.bytesRead;
      tlsSockets.add(socket);
      socket.once('close', () => tlsSockets.delete(socket));
    });
  }
  // A request node:http's parser refuses never reaches the lifecycle: it is answered here, on the raw socket,
  // after any response still being written on that connection (pipelining: answers leave in request order).
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const [status, message] = clientErrorAnswer(err.code);
    afterPending(socket, () => endWithError(socket, status, message, newRequestId()));
  });
  const requestSockets = tls ? tlsSockets : sockets;
  const countReading = (): number => {
    let n = 0;
    for (const socket of requestSockets) if (isReading(socket)) n++;
    return n;
  };
  const counters = readingCounters.get(stats);
  counters?.add(countReading);
  server.once('close', () => counters?.delete(countReading));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    address: () => server.address() as AddressInfo,
    close: (graceMs) => drainServer(server, sockets, requestSockets, drain, graceMs),
  };
}
