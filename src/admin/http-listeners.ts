/**
 * What the Admin API and the status listener share below their route tables: node:http servers on TCP
 * addresses or unix sockets, bodies read up to a bound, and responses written from AdminResponse data.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminBody } from './context.js';
import type { AdminResponse } from './responses.js';

export type ListenAddress = { address: string; port: number } | { path: string };

export interface HttpListeners {
  listen(addr: { host: string; port: number } | { path: string }): Promise<ListenAddress>;
  /** Closes every server and cuts its connections (nothing here is worth draining). */
  close(): Promise<void>;
}

export function httpListeners(onRequest: RequestListener): HttpListeners {
  const servers: Server[] = [];
  return {
    listen(addr) {
      const server = createServer(onRequest);
      servers.push(server);
      return new Promise<ListenAddress>((resolve, reject) => {
        server.once('error', reject);
        const ready = () => {
          server.off('error', reject);
          if ('path' in addr) return resolve({ path: addr.path });
          const a = server.address() as AddressInfo;
          resolve({ address: a.address, port: a.port });
        };
        if ('path' in addr) server.listen(addr.path, ready);
        else server.listen(addr.port, addr.host, ready);
      });
    },
    async close() {
      const closing = servers.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            if (!s.listening) return resolve();
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      );
      await Promise.all(closing);
    },
  };
}

const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * A request listener that calls `respond` once a POST, PUT or PATCH body is read (null for other methods, and
 * when `skipBody` says so); a body that is not read is drained, so the connection stays reusable.
 */
export function withBody(
  respond: (req: IncomingMessage, res: ServerResponse, body: AdminBody | null) => void,
  skipBody: (req: IncomingMessage) => boolean = () => false,
): RequestListener {
  return (req, res) => {
    req.on('error', () => {});
    res.on('error', () => {});
    if (!BODY_METHODS.has(req.method ?? '') || skipBody(req)) {
      req.resume();
      return respond(req, res, null);
    }
    readBody(req, (bytes) => respond(req, res, { contentType: req.headers['content-type'] ?? null, bytes }));
  };
}
/** Enough for any one entity; what is larger is drained, not kept. */
const MAX_BODY_BYTES = 1 << 20;

/** The whole body, or null when it is larger than MAX_BODY_BYTES. */
function readBody(req: IncomingMessage, done: (bytes: Buffer | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY_BYTES) chunks.push(c);
    else chunks.length = 0;
  });
  req.once('end', () => done(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : null));
}

export function splitUrl(raw: string): { path: string; query: string } | null {
  let target = raw;
  if (!target.startsWith('/')) {
    // absolute-form (`GET http://host/path`)
    try {
      const u = new URL(target);
      target = u.pathname + u.search;
    } catch {
      return null;
    }
  }
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** JSON bodies as Kong's Admin API writes them; a `text` body goes as it is, with the type its headers name. */
export function send(res: ServerResponse, head: boolean, out: AdminResponse): void {
  const headers: Record<string, string | number> = { ...out.headers };
  let body: Buffer | null = null;
  if (out.text !== undefined && out.status !== 204) {
    body = Buffer.from(out.text);
    headers['content-length'] = body.length;
  } else if (out.body !== undefined && out.status !== 204) {
    body = Buffer.from(JSON.stringify(out.body));
    headers['content-type'] = JSON_TYPE;
    headers['content-length'] = body.length;
  }
  res.writeHead(out.status, headers);
  res.end(head ? undefined : (body ?? undefined));
}
