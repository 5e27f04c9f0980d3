import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Whether a listener is shutting down; the request handler reads it to close connections after answering. */
export interface DrainState {
  draining: boolean;
}

/**
 * Graceful stop of an HTTP listener, as nginx's graceful quit and Envoy's drain: stop accepting, close idle
 * keep-alive connections now, answer every request already in flight with `Connection: close` (or, when its
 * head is already out, close the connection after it), and resolve as soon as the last connection is gone —
 * not at the deadline. At `graceMs` whatever is left (tunnels, stuck uploads) is cut.
 */
export function drainServer(
  server: Server,
  sockets: ReadonlySet<Socket>,
  /** The sockets node:http reads requests from: `sockets` for plain HTTP, their TLS sockets for HTTPS. */
  httpSockets: ReadonlySet<Socket>,
  state: DrainState,
  graceMs: number,
): Promise<void> {
  state.draining = true;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      for (const s of sockets) s.destroy();
    }, graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    for (const socket of httpSockets) {
      // node:http's response in progress on this connection, if any (null between requests).
      const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (res == null) continue;
      if (!res.headersSent) res.shouldKeepAlive = false;
      else if (!res.writableEnded) res.once('finish', () => socket.destroySoon());
      else socket.destroySoon();
    }
    server.closeIdleConnections();
  });
}
