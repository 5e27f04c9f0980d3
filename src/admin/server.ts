/**
 * The read-only Admin API over node:http. Thin: authenticate, split the URL, read the current snapshot once,
 * dispatch through the route table, write JSON. Nothing here logs (responses may carry credentials).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminBody, AdminRequest, AdminSnapshot, NodeFacts, RuntimeFacts, ServerStatsInput } from './context.js';
import { buildAdminRoutes } from './endpoints.js';
import { type AdminResponse, message, unauthorized } from './responses.js';
import { dispatch, pathSegments, type RouteTable } from './route-table.js';
import { schemaSource } from './schema-source.js';

export interface AdminOptions {
  current(): AdminSnapshot;
  lastReloadError(): { at: number; errors: readonly unknown[] } | null;
  stats(): ServerStatsInput;
  nodeId: string;
  hostname: string;
  version: string;
  configuration: Record<string, unknown>;
  logLevel(): string;
  runtime(): RuntimeFacts;
  /** When set, every request needs `Kong-Admin-Token: <token>` or `Authorization: Bearer <token>`. */
  token?: string;
  /**
   * Return secrets in full as Kong does (certificate keys, private key material, key-auth keys, jwt and hmac
   * secrets). Default false: they read `[redacted]` in every response, `/config` included.
   */
  exposeSecrets?: boolean;
}

export type AdminAddress = { address: string; port: number } | { path: string };

export interface AdminServer {
  listen(addr: { host: string; port: number } | { path: string }): Promise<AdminAddress>;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Other spellings of a collection, answered as Kong's: Konnect's control-plane API writes `/ca-certificates`
 * where Kong writes `/ca_certificates`. Paging links keep the spelling the client used.
 */
const COLLECTION_ALIASES: ReadonlyMap<string, string> = new Map([['ca-certificates', 'ca_certificates']]);

export function createAdminServer(o: AdminOptions): AdminServer {
  const table = buildAdminRoutes();
  const schemas = schemaSource();
  const node: NodeFacts = {
    nodeId: o.nodeId,
    hostname: o.hostname,
    version: o.version,
    configuration: o.configuration,
    stats: () => o.stats(),
    lastReloadError: () => o.lastReloadError(),
    logLevel: () => o.logLevel(),
    memory: () => process.memoryUsage(),
    runtime: () => o.runtime(),
  };
  const token = o.token === undefined ? null : Buffer.from(o.token);
  const respond = (req: IncomingMessage, res: ServerResponse, body: AdminBody | null) => {
    let out: AdminResponse;
    try {
      out = token && !authorized(req, token) ? unauthorized : handle(table, o, node, schemas, req.method ?? 'GET', req.url ?? '/', body);
    } catch {
      out = message(500, 'An unexpected error occurred');
    }
    send(res, req.method === 'HEAD', out);
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => {});
    res.on('error', () => {});
    if (!BODY_METHODS.has(req.method ?? '') || (token && !authorized(req, token))) {
      // Not read, but drained: the connection stays reusable.
      req.resume();
      return respond(req, res, null);
    }
    readBody(req, (bytes) => respond(req, res, { contentType: req.headers['content-type'] ?? null, bytes }));
  };

  const servers: Server[] = [];
  return {
    listen(addr) {
      const server = createServer(onRequest);
      servers.push(server);
      return new Promise<AdminAddress>((resolve, reject) => {
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

/** One request → one response, from one `current()` snapshot. Exported for tests of the whole table. */
export function handle(
  table: RouteTable<AdminRequest>,
  o: Pick<AdminOptions, 'current' | 'exposeSecrets'>,
  node: NodeFacts,
  schemas: AdminRequest['schemas'],
  method: string,
  rawUrl: string,
  body: AdminBody | null = null,
): AdminResponse {
  const url = splitUrl(rawUrl);
  const segments = url && pathSegments(url.path);
  if (!url || !segments) return message(400, 'invalid URL: malformed path or percent-encoding');
  const alias = segments[0] === undefined ? undefined : COLLECTION_ALIASES.get(segments[0]);
  if (alias !== undefined) segments[0] = alias;
  const path = url.path.length > 1 && url.path.endsWith('/') ? url.path.slice(0, -1) : url.path;
  const ctx: AdminRequest = {
    snap: o.current(),
    node,
    schemas,
    path,
    query: new URLSearchParams(url.query),
    exposeSecrets: o.exposeSecrets === true,
    body,
  };
  return dispatch(table, method, segments, ctx);
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Enough for any one entity; what is larger is drained, not kept. */
const MAX_BODY_BYTES = 1 << 20;

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

function splitUrl(raw: string): { path: string; query: string } | null {
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

function authorized(req: IncomingMessage, token: Buffer): boolean {
  const header = req.headers['kong-admin-token'];
  const given = typeof header === 'string' ? header : bearer(req.headers.authorization);
  if (given === null) return false;
  const b = Buffer.from(given);
  return b.length === token.length && timingSafeEqual(b, token);
}

function bearer(auth: string | undefined): string | null {
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m ? m[1]!.trim() : null;
}

function send(res: ServerResponse, head: boolean, out: AdminResponse): void {
  const headers: Record<string, string | number> = { ...out.headers };
  let body: Buffer | null = null;
  if (out.body !== undefined && out.status !== 204) {
    body = Buffer.from(JSON.stringify(out.body));
    headers['content-type'] = JSON_TYPE;
    headers['content-length'] = body.length;
  }
  res.writeHead(out.status, headers);
  res.end(head ? undefined : (body ?? undefined));
}
