/** Endpoints about the node rather than one entity: `/`, `/status`, `/tags`, `/config`, sluice's own. */
import { pluginCatalog } from '../plugins/catalog.js';
import { configYaml, exportDocument } from './config-export.js';
import { metricsResponse } from './metrics.js';
import type { AdminRequest, ExplainInput } from './context.js';
import { pageBody, paginate, parsePageQuery } from './paging.js';
import { type AdminResponse, message, ok, unsupported } from './responses.js';
import type { RouteSpec } from './route-table.js';
import { parseMemoryFormat, statusBody } from './status.js';
import { tagKey, type TagEntry } from '../snapshot/admin-views.js';
import { KONG_VERSION } from '../util/versions.js';

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
    // The prometheus plugin's Admin API endpoint (kong/plugins/prometheus/api.lua).
    { pattern: '/metrics', get: (req) => metricsResponse(req.snap, req.node) },
    { pattern: '/plugins/enabled', get: () => ok({ enabled_plugins: [...pluginCatalog.keys()] }) },
    { pattern: '/tags', get: (req) => tagPage(req, req.snap.admin.tags) },
    { pattern: '/tags/{tags}', get: (req, [tag]) => tagPage(req, req.snap.admin.tagsByName.get(tag!) ?? []) },
    {
      pattern: '/config',
      get: configExport,
      // sluice's choice: the file is the single source of truth, so it is never replaced over HTTP.
      write: {
        POST: () =>
          unsupported('cannot reload configuration through the Admin API; edit the declarative config file (sluice watches it)'),
      },
    },
    { pattern: '/debug/node/log-level', get: (req) => ok({ message: `log level: ${req.node.logLevel()}` }) },
    // The route-explain endpoint; `/sluice/explain` is its older name.
    { pattern: '/debug/match', get: explain },
    { pattern: '/sluice/explain', get: explain },
  ];
}

function nodeInfo(req: AdminRequest): Record<string, unknown> {
  const available: Record<string, { version: string; priority: number }> = {};
  for (const [name, p] of pluginCatalog) available[name] = { version: p.version, priority: p.priority };
  return {
    tagline: 'Welcome to sluice',
    version: KONG_VERSION,
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

function tagPage(req: AdminRequest, entries: readonly TagEntry[]): AdminResponse {
  const q = parsePageQuery(req.query);
  if (!q.ok) return q.error;
  const page = paginate(entries, tagKey, q.value);
  if (!page.ok) return page.error;
  return ok(pageBody(page.value, req.path, q.value, false));
}

/**
 * `GET /config[?format=yaml|json]`. YAML keeps Kong's `{"config": "<yaml>"}`; JSON (sluice's) carries the same
 * document as an object beside the hash. Either way the hash of the file it came from is in a header, so a
 * client can tell which config it read without parsing the body.
 */
function configExport(req: AdminRequest): AdminResponse {
  const format = req.query.get('format') ?? 'yaml';
  const secrets = req.exposeSecrets ? 'expose' : 'redact';
  if (format !== 'yaml' && format !== 'json') return message(400, `invalid format '${format}' (expected 'yaml' or 'json')`);
  const exported = exportDocument(req.snap.admin, secrets);
  const headers: Record<string, string> = { 'x-sluice-config-hash': req.snap.hash };
  // JSON has no comments: whether values were replaced is said in a header (both formats, for symmetry).
  if (exported.redacted) headers['x-sluice-secrets'] = 'redacted';
  const body = format === 'yaml' ? { config: configYaml(exported) } : { config: exported.document, hash: req.snap.hash };
  return { status: 200, body, headers };
}

/**
 * `GET /debug/match?method=&host=&path=&scheme=&sni=&header.<name>=<value>`: what the router would do with
 * that request. `header=name:value` is accepted too (the older spelling).
 */
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
  for (const [key, raw] of q) {
    let name: string;
    let value: string;
    if (key === 'header') {
      const i = raw.indexOf(':');
      if (i <= 0) return `invalid header '${raw}' (expected name:value)`;
      name = raw.slice(0, i).trim().toLowerCase();
      value = raw.slice(i + 1).trim();
    } else if (key.startsWith('header.')) {
      name = key.slice('header.'.length).trim().toLowerCase();
      if (name === '') return `invalid header parameter '${key}' (expected header.<name>=<value>)`;
      value = raw.trim();
    } else {
      continue;
    }
    // Repeated headers are joined, as Node joins them for the proxy.
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const host = q.get('host') ?? headers['host'] ?? '';
  // `sni=` (empty) states that the client sent none; absent means "what a client would send for this host".
  const givenSni = q.get('sni');
  let sni: string | null = givenSni === '' ? null : givenSni;
  if (givenSni === null && scheme === 'https' && host) sni = host.replace(/:\d+$/, '');
  return { method: (q.get('method') ?? 'GET').toUpperCase(), host, path, headers, scheme, sni };
}
