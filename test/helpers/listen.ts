import type { AddressInfo, Server, Socket } from 'node:net';

/** A test server listening on 127.0.0.1. */
export interface Listening {
  readonly port: number;
  readonly url: string;
  /** Connections open now (upgraded ones included: an upgrade keeps its connection's socket). */
  readonly connections: number;
  /** Ends every open connection (keep-alive and upgraded alike), then stops listening. */
  close(): Promise<void>;
}

/** Listens on an ephemeral 127.0.0.1 port (an HTTP server or a bare TCP one), tracking connections so close() never waits on a client. */
export async function listenLocal(server: Server): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
