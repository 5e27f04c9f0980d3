import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
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

export async function listenProxy(
  ctx: ProxyContext,
  listen: { host: string; port: number },
  stats: ServerStats,
): Promise<Listener> {
  const onRequest = createProxyHandler(ctx, 'http', runWithPlugins);
  const server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
    stats.total_requests++;
    stats.connections_writing++;
    res.once('close', () => stats.connections_writing--);
    onRequest(req, res);
  });
  server.on('upgrade', createUpgradeHandler(ctx, 'http'));
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
