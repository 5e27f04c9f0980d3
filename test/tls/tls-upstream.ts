import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Pair } from './pki.js';

export interface TlsUpstream {
  readonly port: number;
  readonly handshakes: { servername: string | false | null; clientCn: string | null }[];
  close(): Promise<void>;
}

/**
 * An HTTPS echo server on 127.0.0.1. With `clientCa` it requires a client certificate issued by that CA (mTLS)
 * and refuses the handshake otherwise. Answers with the client certificate's CN.
 */
export async function startTlsUpstream(pair: Pair, clientCa?: string): Promise<TlsUpstream> {
  const handshakes: TlsUpstream['handshakes'] = [];
  const sockets = new Set<Socket>();
  const server = createServer(
    { cert: pair.cert, key: pair.key, ...(clientCa ? { ca: [clientCa], requestCert: true, rejectUnauthorized: true } : {}) },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, clientCn: peer?.subject?.CN ?? null }));
    },
  );
  server.on('secureConnection', (s: TLSSocket) => {
    const peer = s.getPeerCertificate();
    handshakes.push({ servername: s.servername, clientCn: peer?.subject?.CN ? String(peer.subject.CN) : null });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    handshakes,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
