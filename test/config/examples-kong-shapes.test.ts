/**
 * The examples in the shapes Kong users have (decK and Konnect dumps, a db_export, a 1.1 file, Supabase's
 * gateway, nested records naming their parent), each served by a real gateway: their upstream hosts are
 * pointed at a local echo server, and real clients check what Kong would answer.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { startTestGateway, waitFor } from '../helpers/gateway.js';
import { request, type Response } from '../helpers/http.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const read = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', 'examples', name), 'utf8');
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface Echo {
  upstream: string;
  url: string;
  headers: Record<string, string | undefined>;
}

interface Probe {
  readonly name: string;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  /** Checked against the response (t.match): upstream echo fields, headers, body. */
  readonly want?: (r: Response) => unknown;
  readonly expect?: unknown;
}

interface ExampleCase {
  readonly file: string;
  /** The file with its upstream hosts pointed at the local echo server. */
  readonly rewrite: (text: string, up: Upstream) => string;
  readonly probes: readonly Probe[];
}

const echo = (r: Response) => r.json<Echo>();

const cases: ExampleCase[] = [
  {
    file: '15-deck-dump-with-nulls.yaml',
    rewrite: (text, up) => text.replace('host: invoices.billing.internal\n    port: 8080', `host: 127.0.0.1\n    port: ${up.port}`),
    probes: [
      { name: 'key-auth on the service: no key', path: '/invoices', status: 401 },
      {
        name: 'a key: proxied to the service path, the key hidden (hide_credentials)',
        path: '/invoices/7?apikey=accounting-key-3f9b',
        status: 200,
        want: (r) => echo(r),
        expect: { url: '/api/7', headers: { 'x-consumer-username': 'accounting' } },
      },
      { name: 'the route plugin with a null body: its trigger terminates', path: '/invoices', headers: { apikey: 'accounting-key-3f9b', 'x-billing-maintenance': '1' }, status: 503, want: (r) => r.json(), expect: { message: 'invoices are read-only during the migration' } },
      { name: 'methods: GET only', path: '/invoices', method: 'POST', headers: { apikey: 'accounting-key-3f9b' }, status: 404 },
    ],
  },
  {
    file: '16-konnect-dump.yaml',
    rewrite: (text, up) => text.replace('http://catalog.shop.internal:8081', up.url),
    probes: [
      { name: 'public route with the service cors', path: '/catalog/shoes', headers: { origin: 'https://shop.example' }, status: 200, want: (r) => [r.headers['access-control-allow-origin'], echo(r).url], expect: ['https://shop.example', '/shoes'] },
      { name: 'admin route without a key', path: '/catalog-admin', status: 401 },
      { name: 'admin route, a consumer of the allowed group', path: '/catalog-admin', headers: { 'x-api-key': 'merchandiser-key-81c2' }, status: 200 },
      { name: 'the route + consumer plugin', path: '/catalog-admin', headers: { 'x-api-key': 'partner-feed-key-07aa' }, status: 403, want: (r) => r.json(), expect: { message: 'partner feeds cannot administer the catalog' } },
    ],
  },
  {
    file: '17-kong-db-export.yaml',
    rewrite: (text, up) => text.replace('target: 10.20.0.11:8080', `target: 127.0.0.1:${up.port}`),
    probes: [
      { name: 'basic-auth on the service: no credentials', path: '/orders', status: 401 },
      { name: 'the stored (hashed, _transform: false) password accepts the plain one', path: '/orders/1', headers: { authorization: basic('ops', '0pen-s3same') }, status: 200, want: (r) => [echo(r).url, r.headers['x-upstream']], expect: ['/1', 'upstream'] },
      { name: 'a wrong password', path: '/orders/1', headers: { authorization: basic('ops', 'nope') }, status: 401 },
    ],
  },
  {
    file: '18-format-1.1-with-nulls.yaml',
    rewrite: (text, up) => text.replace('http://users.legacy.internal:8080', up.url),
    probes: [
      { name: 'a 1.1 regex path (migrated to ~)', path: '/users/42', status: 200, want: (r) => [echo(r).url, typeof r.headers['x-legacy-request-id']], expect: ['/users/42', 'string'] },
      { name: 'the plain prefix path', path: '/users/42x', status: 200, want: (r) => echo(r).url, expect: '/users/42x' },
    ],
  },
  {
    file: '19-supabase-kong.yml',
    rewrite: (text, up) => text.replace(/url: http:\/\/[^/\s]+/g, `url: ${up.url}`),
    probes: [
      { name: 'open auth route', path: '/auth/v1/verify?token=t', status: 200, want: (r) => echo(r).url, expect: '/verify?token=t' },
      {
        name: 'cors preflight',
        path: '/auth/v1/verify',
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
        status: 200,
        want: (r) => r.headers['access-control-allow-origin'],
        expect: '*',
      },
      { name: 'rest without a key', path: '/rest/v1/todos', status: 401 },
      { name: 'rest with the anon key, hidden upstream', path: '/rest/v1/todos?select=*', headers: { apikey: 'anon-key-placeholder' }, status: 200, want: (r) => [echo(r).url, echo(r).headers.apikey], expect: ['/todos?select=*', undefined] },
      { name: 'pg-meta is admin only (acl)', path: '/pg/tables', headers: { apikey: 'anon-key-placeholder' }, status: 403 },
      { name: 'pg-meta with the service_role key', path: '/pg/tables', headers: { apikey: 'service-role-key-placeholder' }, status: 200, want: (r) => echo(r).url, expect: '/tables' },
      // url http:// beside protocol: ws — the url wins, so the service is plain http (Kong expands url first).
      { name: 'realtime: url beside protocol ws', path: '/realtime/v1/websocket?vsn=1.0.0', headers: { apikey: 'anon-key-placeholder' }, status: 200, want: (r) => echo(r).url, expect: '/socket/websocket?vsn=1.0.0' },
      { name: 'dashboard without credentials', path: '/', status: 401 },
      { name: 'dashboard with basic-auth', path: '/project/default', headers: { authorization: basic('supabase', 'dashboard-password-placeholder') }, status: 200, want: (r) => [echo(r).url, echo(r).headers.authorization], expect: ['/project/default', undefined] },
    ],
  },
  {
    file: '20-nested-records-naming-parents.yaml',
    rewrite: (text, up) => text.replace('http://reports.internal:8080', up.url),
    probes: [
      { name: 'the route plugin that names its route', path: '/reports/daily', headers: { apikey: 'analyst-key-5d21' }, status: 200, want: (r) => [r.json(), r.headers['x-report-audience']], expect: [{ report: 'daily', rows: 0 }, 'analyst'] },
      { name: 'to the upstream, with the consumer plugin that names its consumer', path: '/reports/export', headers: { apikey: 'analyst-key-5d21' }, status: 200, want: (r) => [echo(r).url, r.headers['x-report-audience']], expect: ['/', 'analyst'] },
      // Kong's precedence: consumer + service outranks route.
      { name: 'the nested plugin with a further consumer scope', path: '/reports/daily', headers: { apikey: 'auditor-key-9e40' }, status: 403, want: (r) => r.json(), expect: { message: 'auditors have no access to reports' } },
      { name: 'no key', path: '/reports/export', status: 401 },
    ],
  },
  {
    file: '21-deck-dump-lua-functions.yaml',
    rewrite: (text, up) => text.replace('http://orders.internal:8080', up.url),
    probes: [
      { name: 'Lua allow list lets loopback through, its header reaches the upstream', path: '/orders/7', status: 200, want: (r) => [echo(r).url, echo(r).headers['x-edge-checked'], r.headers['x-edge-timed']], expect: ['/v1/7', 'yes', '1'] },
      { name: 'a JSON answer from ngx.say + ngx.exit', path: '/orders-health', status: 200, want: (r) => [r.json(), r.headers['content-type']], expect: [{ status: 'ok', service: 'orders' }, /application\/json/] },
    ],
  },
  {
    file: '22-rate-limited-partner-api.yaml',
    rewrite: (text, up) => text.replace('http://partners.internal:9000', up.url),
    probes: [
      { name: 'no key', path: '/partner', status: 401 },
      { name: 'acme, key hidden, trace id echoed', path: '/partner/a', headers: { 'x-partner-key': 'acme-key-2b7e' }, status: 200, want: (r) => [echo(r).headers['x-partner-key'], r.headers['x-request-trace']], expect: [undefined, /^[0-9a-f-]{36}$/] },
      { name: 'trial 1', path: '/partner/t', headers: { 'x-partner-key': 'trial-key-91c4' }, status: 200 },
      { name: 'trial 2', path: '/partner/t', headers: { 'x-partner-key': 'trial-key-91c4' }, status: 200 },
      { name: 'trial 3: the consumer plugin wins over the global one', path: '/partner/t', headers: { 'x-partner-key': 'trial-key-91c4' }, status: 429, want: (r) => r.json(), expect: { message: 'API rate limit exceeded' } },
      { name: 'acme still has room', path: '/partner/a', headers: { 'x-partner-key': 'acme-key-2b7e' }, status: 200 },
    ],
  },
  {
    file: '23-observability.yaml',
    rewrite: (text, up) => text.replace('http://catalog.internal:8080', up.url).replace('/tmp/sluice-example-23.log', `/tmp/sluice-example-23-${process.pid}.log`),
    probes: [
      { name: 'proxied', path: '/catalog/items', status: 200, want: (r) => echo(r).url, expect: '/items' },
      { name: 'answered by the gateway', path: '/mock-status', status: 200, want: (r) => r.json(), expect: { message: 'up' } },
    ],
  },
];

for (const c of cases) {
  t.test(c.file, async (t) => {
    const up = await startUpstream();
    t.teardown(() => up.close());
    const gw = await startTestGateway(c.rewrite(read(c.file), up));
    t.teardown(() => gw.close());
    t.not(c.rewrite(read(c.file), up), read(c.file), 'the upstream host was rewritten');
    for (const p of c.probes) {
      const r = await request(gw.port, p.path, { method: p.method ?? 'GET', headers: p.headers ?? {} });
      t.equal(r.status, p.status, `${p.name}: ${p.status}`, { body: r.body });
      if (p.want) t.match(p.want(r), p.expect, p.name);
    }
  });
}

t.test('18: the 1.1 paths route as Kong migrates them (Admin API /debug/match)', async (t) => {
  const gw = await startTestGateway(read('18-format-1.1-with-nulls.yaml'));
  t.teardown(() => gw.close());
  for (const [path, route] of [['/users/42', 'user-by-id'], ['/users/42x', 'users']] as const) {
    const r = await request(gw.adminPort, `/debug/match?path=${encodeURIComponent(path)}`);
    t.match(r.json(), { matched: { route: { name: route } } }, `${path} → ${route}`);
  }
});

t.test('23: the requests are counted in /metrics and written by file-log as Kong records', async (t) => {
  const up = await startUpstream();
  t.teardown(() => up.close());
  const log = `/tmp/sluice-example-23-${process.pid}-b.log`;
  const gw = await startTestGateway(read('23-observability.yaml').replace('http://catalog.internal:8080', up.url).replace('/tmp/sluice-example-23.log', log));
  t.teardown(async () => {
    await gw.close();
    rmSync(log, { force: true });
  });
  t.equal((await request(gw.port, '/catalog/a')).status, 200);
  t.equal((await request(gw.port, '/mock-status')).status, 200);
  const metrics = (await request(gw.adminPort, '/metrics')).body;
  t.match(metrics, /kong_http_requests_total\{service="catalog",route="catalog",code="200",source="service"/);
  t.match(metrics, /kong_http_requests_total\{service="",route="status-mock",code="200",source="kong"/);
  const lines = await waitFor('two log lines', () => {
    const text = existsSync(log) ? readFileSync(log, 'utf8').trim() : '';
    const all = text === '' ? [] : text.split('\n');
    return all.length >= 2 ? all : undefined;
  });
  const records = lines.map((l) => JSON.parse(l) as { route: { name: string }; response: { status: number } });
  t.same(records.map((r) => [r.route.name, r.response.status]).sort(), [['catalog', 200], ['status-mock', 200]]);
});
