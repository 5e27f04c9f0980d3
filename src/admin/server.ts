/**
 * The read-only Admin API over node:http. Thin: authenticate, split the URL, read the current snapshot once,
 * dispatch through the route table, write JSON. Nothing here logs (responses may carry credentials).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusMetrics } from '../plugins/prometheus/metrics.js';
import type { AdminBody, AdminRequest, AdminSnapshot, NodeFacts, RuntimeFacts, ServerStatsInput } from './context.js';
import { buildAdminRoutes } from './endpoints.js';
import { httpListeners, type ListenAddress, send, splitUrl, withBody } from './http-listeners.js';
import { type AdminResponse, message, unauthorized } from './responses.js';
import { dispatch, pathSegments, type RouteTable } from './route-table.js';
import { schemaSource } from './schema-source.js';

export interface AdminOptions extends NodeOptions {
  current(): AdminSnapshot;
  /** When set, every request needs `Kong-Admin-Token: <token>` or `Authorization: Bearer <token>`. */
  token?: string;
  /**
   * Return secrets in full as Kong does (certificate keys, private key material, key-auth keys, jwt and hmac
   * secrets). Default false: they read `[redacted]` in every response, `/config` included.
   */
  exposeSecrets?: boolean;
}

/** The node's facts as the gateway hands them to its Admin API and status listener. */
export interface NodeOptions {
  lastReloadError(): { at: number; errors: readonly unknown[] } | null;
  stats(): ServerStatsInput;
  nodeId: string;
  hostname: string;
  version: string;
  configuration: Record<string, unknown>;
  logLevel(): string;
  runtime(): RuntimeFacts;
  /** The gateway's Prometheus metrics (GET /metrics). */
  prometheus?: PrometheusMetrics;
}

export function nodeFacts(o: NodeOptions): NodeFacts {
  return {
    nodeId: o.nodeId,
    hostname: o.hostname,
    version: o.version,
    configuration: o.configuration,
    stats: () => o.stats(),
    lastReloadError: () => o.lastReloadError(),
    logLevel: () => o.logLevel(),
    memory: () => process.memoryUsage(),
    runtime: () => o.runtime(),
    prometheus: o.prometheus ?? new PrometheusMetrics(),
  };
}

export type AdminAddress = ListenAddress;

export interface AdminServer {
  listen(addr: { host: string; port: number } | { path: string }): Promise<AdminAddress>;
  close(): Promise<void>;
}

/**
 * Other spellings of a collection, answered as Kong's: Konnect's control-plane API writes `/ca-certificates`
 * where Kong writes `/ca_certificates`. Paging links keep the spelling the client used.
 */
const COLLECTION_ALIASES: ReadonlyMap<string, string> = new Map([['ca-certificates', 'ca_certificates']]);

export function createAdminServer(o: AdminOptions): AdminServer {
  const table = buildAdminRoutes();
  const schemas = schemaSource();
  const node = nodeFacts(o);
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
  // An unauthorized request's body is not read.
  return httpListeners(withBody(respond, (req) => token !== null && !authorized(req, token)));
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
