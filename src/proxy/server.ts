import { createServer, type Server, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSniCallback, type ServerTlsOptions } from '../tls/sni-callback.js';
import { createProxyHandler, createUpgradeHandler, type ProxyContext } from './handler.js';
import { runWithPlugins } from './plugin-flow.js';

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
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
  close(graceMs: number): Promise<void>;
}

export function createStats(): ServerStats {
  return {
    total_requests: 0,
    connections_active: 0,
    connections_accepted: 0,
    connections_handled: 0,
    connections_reading: 0,
    connections_writing: 0,
    connections_waiting: 0,
  };
}

/** Parses Kong-style listen addresses: `0.0.0.0:8000`, `127.0.0.1:0`, `[::1]:8000`, `8000`. */
export function parseListen(spec: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(spec.trim());
  if (m) return { host: m[1] ?? (m[2] || '0.0.0.0'), port: Number(m[3]) };
  if (/^\d+$/.test(spec.trim())) return { host: '0.0.0.0', port: Number(spec) };
  throw new Error(`invalid listen address '${spec}': expected host:port, e.g. 0.0.0.0:8000`);
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
  const onRequest = createProxyHandler(ctx, scheme, runWithPlugins);
  const handler: Parameters<typeof createServer>[1] = (req, res) => {
    stats.total_requests++;
    stats.connections_writing++;
    res.once('close', () => stats.connections_writing--);
    onRequest(req, res);
  };
  const httpOptions: ServerOptions = { keepAliveTimeout: 60_000, requestTimeout: 0, headersTimeout: 60_000 };
  const server: Server = tls
    ? (createHttpsServer(
        {
          ...httpOptions,
          // Used as is when the client sends no SNI; SNICallback picks per name otherwise.
          cert: tls.defaultCertificate.cert,
          key: tls.defaultCertificate.key,
          SNICallback: createSniCallback(tls),
        },
        handler,
      ) as unknown as Server)
    : createServer(httpOptions, handler);
  server.on('upgrade', createUpgradeHandler(ctx, scheme));
  // A failed handshake (unknown CA on the client side, plain http on the TLS port) only closes that socket.
  if (tls) server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    stats.connections_accepted++;
    stats.connections_handled++;
    stats.connections_active++;
    sockets.add(socket);
    socket.once('close', () => {
      stats.connections_active--;
      sockets.delete(socket);
    });
  });
  // A malformed request line or header gets a 400 from Node's parser; never let it reach an unhandled error.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 494 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const msg = status === 494 ? 'Request header or cookie too large' : status === 408 ? 'Request timeout' : 'Bad request';
    const body = `{\n  "message":"${msg}"\n}`;
    socket.end(
      `HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
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
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        const timer = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, graceMs);
        timer.unref();
        server.once('close', () => clearTimeout(timer));
      }),
  };
}
