/**
 * Kong's status listener (`status_listen`, kong/status/init.lua): a port of its own for probes and scrapers,
 * off unless asked for, answering without a token. GET /status is the Admin API's; GET /status/ready is the
 * readiness probe (kong/status/ready.lua, Kong 3.3+; POST `status=draining`, Kong 3.9+); GET /metrics is the
 * prometheus exporter's. It listens before the first configuration is loaded, so a probe sees 503 until the
 * gateway serves, and 503 again while it drains.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminBody, AdminSnapshot, NodeFacts } from './context.js';
import { httpListeners, type HttpListeners, send, splitUrl, withBody } from './http-listeners.js';
import { metricsResponse } from './metrics.js';
import { type AdminResponse, message } from './responses.js';
import { compileRoutes, dispatch, pathSegments, type RouteSpec } from './route-table.js';
import { nodeFacts, type NodeOptions } from './server.js';
import { parseMemoryFormat, statusBody } from './status.js';

export interface StatusListenerOptions extends NodeOptions {
  /** The configuration being served; null until the first one is loaded and the proxy listens. */
  serving(): AdminSnapshot | null;
  /** True once the gateway has begun to stop. */
  stopping(): boolean;
}

interface StatusRequest {
  readonly snap: AdminSnapshot | null;
  readonly node: NodeFacts;
  readonly query: URLSearchParams;
  readonly body: AdminBody | null;
  readonly draining: boolean;
  drain(): void;
}

/** Kong's readiness verdict, with its messages (kong/status/ready.lua `is_dbless_ready`). */
export function readiness(snap: AdminSnapshot | null, draining: boolean): AdminResponse {
  if (draining) return message(503, 'draining');
  if (snap === null) return message(503, 'no configuration available (configuration hash is not initialized)');
  // Kong: a configuration with no entities at all is no configuration (declarative config_is_empty).
  if (Object.values(snap.entities).every((list: readonly unknown[]) => list.length === 0)) {
    return message(503, 'no configuration available (empty configuration present)');
  }
  return message(200, 'ready');
}

const ROUTES: readonly RouteSpec<StatusRequest>[] = [
  {
    pattern: '/status',
    get: (req) => {
      const f = parseMemoryFormat(req.query);
      return f.ok ? { status: 200, body: statusBody(req.snap, req.node, f.value) } : f.error;
    },
  },
  {
    pattern: '/status/ready',
    get: (req) => readiness(req.snap, req.draining),
    // Kong 3.9's `kong drain`: from now on the node reports itself not ready, whatever else holds.
    write: {
      POST: (req) => {
        if (requestedStatus(req) !== 'draining') return { status: 400 };
        req.drain();
        return { status: 204 };
      },
    },
  },
  { pattern: '/metrics', get: (req) => metricsResponse(req.snap, req.node) },
];

/** `status` from the query or the body (form or JSON), as Kong's `self.params` merges them. */
function requestedStatus(req: StatusRequest): string | null {
  const fromQuery = req.query.get('status');
  if (fromQuery !== null) return fromQuery;
  const bytes = req.body?.bytes;
  if (!bytes || bytes.length === 0) return null;
  const text = bytes.toString('utf8');
  if (/^application\/json\b/i.test(req.body?.contentType ?? '')) {
    try {
      const v = JSON.parse(text) as unknown;
      return v !== null && typeof v === 'object' && typeof (v as { status?: unknown }).status === 'string' ? (v as { status: string }).status : null;
    } catch {
      return null;
    }
  }
  return new URLSearchParams(text).get('status');
}

export function createStatusListener(o: StatusListenerOptions): HttpListeners {
  const table = compileRoutes(ROUTES);
  const node = nodeFacts(o);
  let drainRequested = false;
  const respond = (req: IncomingMessage, res: ServerResponse, body: StatusRequest['body']) => {
    let out: AdminResponse;
    try {
      const url = splitUrl(req.url ?? '/');
      const segments = url && pathSegments(url.path);
      out =
        !url || !segments
          ? message(400, 'invalid URL: malformed path or percent-encoding')
          : dispatch(table, req.method ?? 'GET', segments, {
              snap: o.serving(),
              node,
              query: new URLSearchParams(url.query),
              body,
              draining: drainRequested || o.stopping(),
              drain: () => (drainRequested = true),
            });
    } catch {
      out = message(500, 'An unexpected error occurred');
    }
    send(res, req.method === 'HEAD', out);
  };
  return httpListeners(withBody(respond));
}
