import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenLocal } from './listen.js';

export interface Upstream {
  readonly port: number;
  readonly url: string;
  /** Requests seen, most recent last. */
  readonly seen: EchoedRequest[];
  readonly connections: number;
  /** Requests whose body never arrived whole (the sender gave up mid-body). */
  readonly aborted: number;
  close(): Promise<void>;
}

export interface EchoedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** By default answers every request with a JSON echo of what it received (and the upstream's name). */
export async function startUpstream(name = 'upstream', handler?: UpstreamHandler): Promise<Upstream> {
  const seen: EchoedRequest[] = [];
  let aborted = 0;
  const server: Server = createServer((req, res) => {
    req.once('close', () => {
      if (!req.complete) aborted++;
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const echoed = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString() };
      seen.push(echoed);
      if (handler) return handler(req, res, body);
      const out = JSON.stringify({ upstream: name, ...echoed });
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name });
      res.end(out);
    });
  });
  const listening = await listenLocal(server);
  return {
    port: listening.port,
    url: listening.url,
    seen,
    get connections() {
      return listening.connections;
    },
    get aborted() {
      return aborted;
    },
    close: listening.close,
  };
}

/** A port nothing listens on (bound then released), for connection-refused cases. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
