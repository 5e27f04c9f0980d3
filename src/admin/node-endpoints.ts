/** Endpoints about the node rather than one entity: `/`, `/status`, `/tags`, `/config`, `/schemas`, sluice's own. */
import { pluginCatalog } from '../plugins/catalog.js';
import { exportConfig } from './config-export.js';
import type { AdminRequest, ExplainInput } from './context.js';
import { pageBody, paginate, parsePageQuery } from './paging.js';
import { type AdminResponse, message, ok, unsupported } from './responses.js';
import type { RouteSpec } from './route-table.js';
import { parseMemoryFormat, statusBody } from './status.js';
import { tagKey, type TagEntry } from './views.js';

/** The Kong release whose Admin API sluice speaks; clients such as decK pick features by it. */
export const KONG_COMPATIBLE_VERSION = '3.10.0';

type Spec = RouteSpec<AdminRequest>;

export function nodeRoutes(endpoints: () => readonly string[]): Spec[] {
  return [
    { pattern: '/', get: (req) => ok(nodeInfo(req)) },
    {
      pattern: '/status',
      get: (req) => {
        const f = parseMemoryFormat(req.query);
        return f.ok ? ok(statusBody(req.snap, req.node, f.value)) : f.error;
      },
    },
    { pattern: '/endpoints', get: () => ok({ data: endpoints() }) },
    { pattern: '/plugins/enabled', get: () => ok({ enabled_plugins: [...pluginCatalog.keys()] }) },
    { pattern: '/plugins/schema/{name}', get: (req, [name]) => pluginSchema(req, name!) },
    {
      pattern: '/schemas/{entity}',
      get: (req, [name]) => {
        const schema = req.schemas.entity(name!);
        return schema == null ? message(404, `No entity named '${name}'`) : ok(schema);
      },
    },
    { pattern: '/schemas/plugins/{name}', get: (req, [name]) => pluginSchema(req, name!) },
    { pattern: '/tags', get: (req) => tagPage(req, req.snap.admin.tags) },
    { pattern: '/tags/{tags}', get: (req, [tag]) => tagPage(req, req.snap.admin.tagsByName.get(tag!) ?? []) },
    {
      pattern: '/config',
      get: (req) => ok({ config: exportConfig(req.snap.admin) }),
      // sluice's choice: the file is the single source of truth, so it is never replaced over HTTP.
      write: {
        POST: () =>
          unsupported('cannot reload configuration through the Admin API; edit the declarative config file (sluice watches it)'),
      },
    },
    { pattern: '/debug/node/log-level', get: (req) => ok({ message: `log level: ${req.node.logLevel()}` }) },
    { pattern: '/sluice/explain', get: explain },
  ];
}

function nodeInfo(req: AdminRequest): Record<string, unknown> {
  const available: Record<string, { version: string; priority: number }> = {};
  for (const [name, p] of pluginCatalog) available[name] = { version: p.version, priority: p.priority };
  return {
    tagline: 'Welcome to sluice',
    version: KONG_COMPATIBLE_VERSION,
    edition: 'community',
    hostname: req.node.hostname,
    node_id: req.node.nodeId,
    timers: { running: 0, pending: 0 },
    plugins: { available_on_server: available, enabled_in_cluster: req.snap.admin.pluginsInUse },
    configuration: req.node.configuration,
    pids: { master: process.pid, workers: [process.pid] },
    sluice: { version: req.node.version, node_version: process.version },
  };
}

function pluginSchema(req: AdminRequest, name: string): AdminResponse {
  const schema = req.schemas.plugin(name);
  return schema == null ? message(404, `No plugin named '${name}'`) : ok(schema);
}

function tagPage(req: AdminRequest, entries: readonly TagEntry[]): AdminResponse {
  const q = parsePageQuery(req.query);
  if (!q.ok) return q.error;
  const page = paginate(entries, tagKey, q.value);
  if (!page.ok) return page.error;
  return ok(pageBody(page.value, req.path, q.value, false));
}

/** `GET /sluice/explain?method=&host=&path=&header=name:value&scheme=&sni=`: what the router would do. */
function explain(req: AdminRequest): AdminResponse {
  const parsed = parseExplainQuery(req.query);
  return typeof parsed === 'string' ? message(400, parsed) : ok(req.snap.explain(parsed));
}

export function parseExplainQuery(q: URLSearchParams): ExplainInput | string {
  const scheme = q.get('scheme') ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') return `invalid scheme '${scheme}' (expected 'http' or 'https')`;
  const path = q.get('path') ?? '/';
  if (!path.startsWith('/')) return `invalid path '${path}' (must start with '/')`;
  // No prototype: header names come from the client (`__proto__` must stay a plain key).
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const h of q.getAll('header')) {
    const i = h.indexOf(':');
    if (i <= 0) return `invalid header '${h}' (expected name:value)`;
    const name = h.slice(0, i).trim().toLowerCase();
    const value = h.slice(i + 1).trim();
    // Repeated headers are joined, as Node joins them for the proxy.
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const host = q.get('host') ?? headers['host'] ?? '';
  const sni = q.get('sni') ?? (scheme === 'https' && host ? host.replace(/:\d+$/, '') : null);
  return { method: (q.get('method') ?? 'GET').toUpperCase(), host, path, headers, scheme, sni };
}
