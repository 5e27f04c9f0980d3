/**
 * Explain and proxy never disagree. Every request of the router case table (test/router/cases.ts), plus rows
 * for escaped paths, strip_path, preserve_host, path_handling, https-only routes, a trusted proxy's
 * X-Forwarded-Proto and hosts bound to the (non-default) listen ports, goes to a real gateway and to the
 * snapshot's explain; what the upstream received (target, Host) or the gateway answered (status, Location)
 * must be what explain said, request by request.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import t, { type Test } from 'tap';
import { parseTrustedIps } from '../../src/proxy/settings.js';
import { checkRouteHost, type RouteLike } from '../../src/router/index.js';
import { gateway, type TestGateway, upstream } from '../helpers/gateway.js';
import { request as caseRequest, ROUTING_CASES } from '../router/cases.js';

interface Sent {
  method: string;
  /** Request target as sent (path and query). */
  target: string;
  /** '' sends no Host header at all. */
  host: string;
  headers: Record<string, string | string[]>;
  scheme: 'http' | 'https';
  sni: string | null;
}

/** A kong.yaml route (JSON), under a service whose path is `servicePath` (null: a route without a service). */
interface RouteRow {
  route: Record<string, unknown>;
  servicePath: string | null | undefined;
}

interface Group {
  name: string;
  rows: RouteRow[];
  requests: Sent[];
  /** The gateway trusts 127.0.0.1 (Kong trusted_ips): X-Forwarded-Proto/-Host count. */
  trusted?: boolean;
}

interface Outcome {
  status: number;
  location?: string | undefined;
  target?: string | undefined;
  host?: string | undefined;
}

const HTTP_ONLY = new Set(['http', 'https']);

/** The router table's routes as kong.yaml routes, each behind its own service path so the upstream target names the route. */
function tableGroups(): Group[] {
  const groups: Group[] = [];
  for (const c of ROUTING_CASES) {
    // Only what a kong.yaml can hold: http/https routes, hosts Kong's schema accepts (not `route.*:123`).
    const routes = c.routes.filter((r) => r.protocols.every((p) => HTTP_ONLY.has(p)) && (r.hosts ?? []).every((h) => checkRouteHost(h) === null));
    if (routes.length === 0) continue;
    const rows = routes.map((r, i) => ({ route: kongRoute(r, i), servicePath: r.name?.includes('serviceless') === true ? null : `/r${i}` }));
    const requests = c.requests.map(([partial]) => {
      const q = caseRequest(partial);
      return { method: q.method, target: onTheWire(q.path), host: q.host, headers: q.headers as Record<string, string | string[]>, scheme: q.scheme, sni: q.sni };
    });
    groups.push({ name: c.name, rows, requests });
  }
  return groups;
}

/** What a client sends for a path with characters outside ASCII: their UTF-8 bytes, percent-encoded. */
const onTheWire = (path: string) => path.replace(/[^\x21-\x7e]+/g, (run) => encodeURIComponent(run));

function kongRoute(r: RouteLike, i: number): Record<string, unknown> {
  const out: Record<string, unknown> = { id: r.id, name: `r${i}`, protocols: r.protocols, regex_priority: r.regex_priority };
  for (const k of ['methods', 'hosts', 'paths', 'headers', 'snis'] as const) if (r[k] !== null) out[k] = r[k];
  return out;
}

const get = (target: string, host = 'example.test', more: Partial<Sent> = {}): Sent => ({
  method: 'GET',
  target,
  host,
  headers: {},
  scheme: 'http',
  sni: null,
  ...more,
});

/** Rows for what the upstream request is made of (Kong's path-handling fixture, Kong's kong/router/utils.lua get_upstream_uri_v0, and escapes). */
function upstreamGroups(): Group[] {
  const pathRows: [servicePath: string, routePath: string | null, strip: boolean, request: string, handling?: 'v1'][] = [
    ['/', '/route', true, '/route'],
    ['/', '/route', false, '/route/'],
    ['/srv', '/rou', true, '/roureq'],
    ['/srv/', '/rou', true, '/rou'],
    ['/service', '/route', true, '/route%2E/req'],
    ['/service', '/route', false, '/route../req'],
    ['/service', '~/rout(e)', true, '/route/req'],
    ['/service/', null, true, '/route'],
    ['/srv', '/rou', false, '/roureq', 'v1'],
    ['/service', '/route/', true, '/route/req', 'v1'],
    ['/service/', '/route', true, '/route', 'v1'],
  ];
  const paths: Group = {
    name: 'strip_path × service.path × path_handling v0/v1',
    rows: pathRows.map(([servicePath, routePath, strip, , handling], i) => ({
      servicePath,
      route: {
        name: `p${i}`,
        hosts: [`row${i}.test`],
        strip_path: strip,
        ...(routePath ? { paths: [routePath] } : {}),
        ...(handling ? { path_handling: handling } : {}),
      },
    })),
    requests: pathRows.map(([, , , req], i) => get(req, `row${i}.test`)),
  };
  const escapes: Group = {
    name: 'escaped paths and queries',
    rows: [
      { servicePath: '/up', route: { name: 'esc', paths: ['/esc'] } },
      { servicePath: '/keep', route: { name: 'keep', paths: ['/keep'], strip_path: false } },
      { servicePath: null, route: { name: 'none', paths: ['/none'] } },
    ],
    requests: [
      get('/esc/a%20b'),
      get('/esc/%7Euser/caf%C3%A9'),
      get('/esc/a%2Fb'),
      get('/esc/a%2fb?x=%2f&y'),
      get('/esc/%25zz'),
      get('/esc/./a/../b'),
      get('/esc/%2E%2E/x'),
      get('/e%73c/x'), // routing sees the decoded path
      get(onTheWire('/keep/ü?q=ü')),
      get('/keep//double'),
      get('/esc?'),
      get('/%zz'), // refused before routing
      get('/../x'),
      get('/none/x'), // a route without a service: 503
      get('/nowhere'),
    ],
  };
  const preserve: Group = {
    name: 'preserve_host',
    rows: [
      { servicePath: '/p', route: { name: 'preserve', paths: ['/preserve'], preserve_host: true } },
      { servicePath: '/s', route: { name: 'service-host', paths: ['/service-host'] } },
    ],
    requests: [
      get('/preserve', 'Client.Example:8080'),
      get('/preserve', 'client.example.'),
      get('/preserve', '[::1]:9'),
      get('/service-host', 'client.example'),
      get('/preserve', ''), // no Host: nginx's 400 comes first
      get('/preserve', 'a..b'),
      get('/preserve', 'a/b'),
    ],
  };
  return [paths, escapes, preserve];
}

/** https-only routes: 426 or a redirect to the request's host and URI, over plain text only. */
function httpsGroups(): Group[] {
  const rows: RouteRow[] = [
    { servicePath: '/tls', route: { name: 'upgrade', protocols: ['https'], paths: ['/upgrade'] } },
    { servicePath: '/tls', route: { name: 'moved', protocols: ['https'], paths: ['/moved'], https_redirect_status_code: 301 } },
    { servicePath: '/tls', route: { name: 'permanent', protocols: ['https'], paths: ['/permanent'], https_redirect_status_code: 308 } },
    { servicePath: '/any', route: { name: 'either', protocols: ['http', 'https'], paths: ['/either'] } },
  ];
  const requests = [
    get('/upgrade'),
    get('/upgrade', 'example.test', { scheme: 'https', sni: 'example.test' }),
    get('/moved/x?a=1', 'Example.Test:8080'),
    get('/moved/x?a=1', 'example.test', { scheme: 'https' }),
    get('/permanent/%41', 'fqdn.example.'),
    get('/either'),
    get('/upgrade', 'example.test', { headers: { 'x-forwarded-proto': 'https' } }),
    get('/moved', 'example.test', { headers: { 'x-forwarded-host': 'front.example' } }),
  ];
  return [
    { name: 'https-only routes', rows, requests },
    // Kong: a trusted peer's X-Forwarded-Proto https is an https request; its X-Forwarded-Host names the redirect.
    { name: 'https-only routes behind a trusted proxy', rows, requests, trusted: true },
  ];
}

/** Hosts bound to the ports the gateway really listens on (ephemeral, so never Kong's 8000/8443). */
function portGroup(http: number, https: number): Group {
  return {
    name: `hosts with the listen ports (${http}, ${https})`,
    rows: [
      { servicePath: '/plain-port', route: { name: 'plain-port', hosts: [`p.test:${http}`] } },
      { servicePath: '/wild-port', route: { name: 'wild-port', hosts: [`*.p.test:${http}`] } },
      { servicePath: '/other-port', route: { name: 'other-port', hosts: [`p.test:${http + 1}`, `*.q.test:${http + 1}`] } },
      { servicePath: '/tls-port', route: { name: 'tls-port', hosts: [`s.test:${https}`] } },
      { servicePath: '/any-port', route: { name: 'any-port', hosts: ['*.q.test'] } },
    ],
    requests: [
      get('/', 'p.test'), // no port in the Host: the listening one
      get('/', `p.test:${http}`),
      get('/', `p.test:${http + 1}`), // the Host's port, whatever the listener
      get('/', `p.test:${http + 2}`),
      get('/', 'x.p.test'),
      get('/', `x.p.test:${http + 1}`),
      get('/', `x.q.test:${http + 1}`),
      get('/', 'x.q.test'),
      get('/', 's.test'),
      get('/', 's.test', { scheme: 'https', sni: 's.test' }),
      get('/', `s.test:${https}`),
    ],
  };
}

function send(port: number, sent: Sent): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...sent.headers };
    if (sent.host !== '') headers.host = sent.host;
    const options = { host: '127.0.0.1', port, method: sent.method, path: sent.target, headers, setHost: false, agent: false, timeout: 5000 };
    const onResponse = (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => {
        const h = res.headers;
        resolve({
          status: res.statusCode ?? 0,
          location: h.location,
          target: h['x-seen-target'] as string | undefined,
          host: h['x-seen-host'] as string | undefined,
        });
      });
    };
    const req =
      sent.scheme === 'https'
        ? httpsRequest({ ...options, servername: sent.sni ?? '', rejectUnauthorized: false }, onResponse)
        : httpRequest(options, onResponse);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

interface Explained {
  response: { status: number; headers?: Record<string, string> } | null;
  upstream: { target: string; host_header: string | null } | null;
}

/** What explain says the client sees, in the terms the client can observe. */
function expected(e: Explained): Outcome {
  if (e.response !== null) return { status: e.response.status, location: e.response.headers?.Location };
  return { status: 200, target: e.upstream?.target, host: e.upstream?.host_header ?? undefined };
}

async function check(t: Test, gw: TestGateway, group: Group, yamlOf: (g: Group) => string): Promise<void> {
  await gw.writeConfig(yamlOf(group));
  const outcome = await gw.reload();
  t.equal(outcome.status, 'swapped', `${group.name}: config loads`);
  if (outcome.status === 'failed') return void t.comment(JSON.stringify(outcome.errors));
  const snap = gw.cell.current;
  const tlsPort = gw.proxySslAddress!.port;
  for (const sent of group.requests) {
    const port = sent.scheme === 'https' ? tlsPort : gw.port;
    const got = await send(port, sent);
    const explained = snap.explain({
      method: sent.method,
      host: sent.host,
      path: sent.target,
      headers: sent.headers as Record<string, string>,
      scheme: sent.scheme,
      sni: sent.scheme === 'https' ? sent.sni : null,
      port,
      trusted: group.trusted === true,
    } as Parameters<typeof snap.explain>[0]) as Explained;
    t.same(got, expected(explained), `${group.name}: ${sent.scheme} ${sent.method} ${sent.target} Host=${JSON.stringify(sent.host)} ${JSON.stringify(sent.headers)}`);
  }
}

t.test('explain says what the gateway does, request by request', async (t) => {
  const up = await upstream(t, 'seen', (req, res) => {
    res.writeHead(200, { 'x-seen-target': req.url ?? '', 'x-seen-host': req.headers.host ?? '' });
    res.end();
  });
  const yamlOf = (g: Group) =>
    JSON.stringify({
      _format_version: '3.0',
      services: g.rows
        .filter((r) => r.servicePath !== null)
        .map((r, i) => ({ name: `s${i}`, url: `${up.url}${r.servicePath ?? ''}`, routes: [r.route] })),
      routes: g.rows.filter((r) => r.servicePath === null).map((r) => r.route),
    });
  const empty = '_format_version: "3.0"\n';
  const plain = await gateway(t, empty, { proxySslListen: '127.0.0.1:0' });
  const trusted = await gateway(t, empty, { proxySslListen: '127.0.0.1:0', settings: { trustedIps: parseTrustedIps('127.0.0.1') } });
  const groups = [...tableGroups(), ...upstreamGroups(), ...httpsGroups(), portGroup(plain.port, plain.proxySslAddress!.port)];
  t.ok(groups.length > 20, `${groups.length} groups`);
  for (const g of groups) await check(t, g.trusted ? trusted : plain, g, yamlOf);

  // The Admin API hands explain decoded text: a character outside ASCII is read as the UTF-8 escapes a client sends.
  const snap = plain.cell.current;
  const explain = (path: string) => {
    const e = snap.explain({ method: 'GET', host: `p.test:${plain.port}`, path, headers: {}, scheme: 'http', sni: null }) as Explained & { matched: unknown };
    return { matched: e.matched, response: e.response, upstream: e.upstream };
  };
  t.same(explain('/café/menü?q=ü'), explain('/caf%C3%A9/men%C3%BC?q=%C3%BC'), 'non-ASCII text is its UTF-8 escapes');
  t.equal(explain('/a b').upstream?.target, '/plain-port/a%20b', 'a space is %20');
});
