import { type Agent, request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { PeerCertificate, TLSSocket } from 'node:tls';

export interface TlsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The certificate the server presented. */
  peer: PeerCertificate;
  /** Whether the client's trust store verified it (with `ca`). */
  authorized: boolean;
}

export interface TlsRequestOptions {
  /** SNI; omitted → none is sent (Node sends none for IP hosts). */
  servername?: string;
  ca?: string[];
  host?: string;
  headers?: Record<string, string>;
  sigalgs?: string;
  agent?: Agent;
}

/** A real HTTPS/1.1 request to 127.0.0.1:port; verifies against `ca` when given, else accepts any certificate. */
export function httpsGet(port: number, path: string, opts: TlsRequestOptions = {}): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: { host: opts.host ?? opts.servername ?? 'localhost', ...opts.headers },
        // '' tells Node to send no SNI.
        servername: opts.servername ?? '',
        ...(opts.ca ? { ca: opts.ca } : { rejectUnauthorized: false }),
        ...(opts.sigalgs ? { sigalgs: opts.sigalgs } : {}),
        agent: opts.agent ?? false,
        timeout: 10_000,
      },
      (res) => {
        const socket = res.socket as TLSSocket;
        const peer = socket.getPeerCertificate();
        const authorized = socket.authorized;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), peer, authorized }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
