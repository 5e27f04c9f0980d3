/** The strip_path × service.path × route path table (Kong's kong/router/utils.lua get_upstream_uri_v0, Kong's router_path_handling_tests fixture). */
import t from 'tap';
import { buildLinearRouter, normalizePath, type RouteLike, upstreamPath } from '../../src/router/index.js';

type Strip = 'on' | 'off' | 'any';
// [service.path, route path (null = host-only route), strip, request, v0 upstream]
const TABLE: [string, string | null, Strip, string, string][] = [
  ['/', '/', 'any', '/', '/'],
  ['/', '/', 'any', '/route', '/route'],
  ['/', '/', 'any', '/route/', '/route/'],
  ['/', '/', 'any', '/routereq', '/routereq'],
  ['/', '/', 'any', '/route/req', '/route/req'],
  ['/', '/route', 'off', '/route', '/route'],
  ['/', '/route', 'on', '/route', '/'],
  ['/', '/route', 'off', '/route/', '/route/'],
  ['/', '/route', 'on', '/route/', '/'],
  ['/', '/route', 'off', '/routereq', '/routereq'],
  ['/', '/route', 'on', '/routereq', '/req'],
  ['/', '/route/', 'off', '/route/', '/route/'],
  ['/', '/route/', 'on', '/route/', '/'],
  ['/', '/route/', 'off', '/route/req', '/route/req'],
  ['/', '/route/', 'on', '/route/req', '/req'],
  ['/srv', '/rou', 'off', '/roureq', '/srv/roureq'],
  ['/srv', '/rou', 'on', '/roureq', '/srv/req'],
  ['/srv/', '/rou', 'off', '/rou', '/srv/rou'],
  ['/srv/', '/rou', 'on', '/rou', '/srv'],
  ['/service', '/', 'any', '/', '/service'],
  ['/service', '/', 'any', '/route', '/service/route'],
  ['/service', '/', 'any', '/route/', '/service/route/'],
  ['/service', '/', 'any', '/routereq', '/service/routereq'],
  ['/service', '/', 'any', '/route/req', '/service/route/req'],
  ['/service', '/route', 'off', '/route', '/service/route'],
  ['/service', '/route', 'on', '/route', '/service'],
  ['/service', '/route', 'off', '/route/', '/service/route/'],
  ['/service', '/route', 'on', '/route/', '/service/'],
  ['/service', '/route', 'off', '/routereq', '/service/routereq'],
  ['/service', '/route', 'on', '/routereq', '/service/req'],
  ['/service', '/route/', 'off', '/route/', '/service/route/'],
  ['/service', '/route/', 'on', '/route/', '/service/'],
  ['/service', '/route/', 'off', '/route/req', '/service/route/req'],
  ['/service', '/route/', 'on', '/route/req', '/service/req'],
  ['/service/', '/', 'any', '/', '/service/'],
  ['/service/', '/', 'any', '/route', '/service/route'],
  ['/service/', '/', 'any', '/route/', '/service/route/'],
  ['/service/', '/', 'any', '/routereq', '/service/routereq'],
  ['/service/', '/', 'any', '/route/req', '/service/route/req'],
  ['/service/', '/route', 'off', '/route', '/service/route'],
  ['/service/', '/route', 'on', '/route', '/service'],
  ['/service/', '/route', 'off', '/route/', '/service/route/'],
  ['/service/', '/route', 'on', '/route/', '/service/'],
  ['/service/', '/route', 'off', '/routereq', '/service/routereq'],
  ['/service/', '/route', 'on', '/routereq', '/service/req'],
  ['/service/', '/route/', 'off', '/route/', '/service/route/'],
  ['/service/', '/route/', 'on', '/route/', '/service/'],
  ['/service/', '/route/', 'off', '/route/req', '/service/route/req'],
  ['/service/', '/route/', 'on', '/route/req', '/service/req'],
  ['/', null, 'any', '/', '/'],
  ['/', null, 'any', '/route', '/route'],
  ['/', null, 'any', '/route/', '/route/'],
  ['/service', null, 'any', '/', '/service'],
  ['/service', null, 'any', '/route', '/service/route'],
  ['/service', null, 'any', '/route/', '/service/route/'],
  ['/service/', null, 'any', '/', '/service/'],
  ['/service/', null, 'any', '/route', '/service/route'],
  ['/service/', null, 'any', '/route/', '/service/route/'],
];
// The dot-segment rows: with strip on, the `.`/`..` left behind after the prefix is dropped.
const DOTS = ['/route./req', '/route%2E/req', '/route%2e/req', '/route../req', '/route%2E%2E/req', '/route%2e%2E/req'];
for (const req of DOTS) {
  TABLE.push(['/service', '/route', 'on', req, '/service/req'], ['/service/', '/route', 'on', req, '/service/req']);
}
for (const [req, up] of [
  ['/route./req', '/route./req'],
  ['/route%2E/req', '/route./req'],
  ['/route../req', '/route../req'],
  ['/route%2E%2E/req', '/route../req'],
] as const) {
  TABLE.push(['/service', '/route', 'off', req, `/service${up}`], ['/service/', '/route', 'off', req, `/service${up}`]);
}

const strips = (s: Strip) => (s === 'any' ? [true, false] : [s === 'on']);

function route(paths: string[] | null): RouteLike {
  return { id: 'a', name: null, protocols: ['http'], methods: null, hosts: paths ? null : ['h'], paths, headers: null, snis: null, regex_priority: 0 };
}

t.test('v0 table, through the router (prefix paths and their regex twins)', async (t) => {
  let rows = 0;
  for (const [svc, routePath, strip, request, want] of TABLE) {
    const path = normalizePath(request)!;
    // The fixture re-runs each prefix row with the path turned into the regex `~/[0]?<path without />`.
    const variants = routePath === null ? [null] : [routePath, `~/[0]?${routePath.slice(1)}`];
    for (const variant of variants) {
      const m = buildLinearRouter([route(variant === null ? null : [variant])]).match({
        method: 'GET', host: 'h', path, headers: {}, sni: null, scheme: 'http', port: 8000,
      });
      t.ok(m, `${variant} matches ${request}`);
      for (const s of strips(strip)) {
        rows++;
        t.equal(upstreamPath(svc, m?.matchedPath ?? null, path, s), want, `${svc} ${variant ?? '(host)'} strip=${s} ${request}`);
      }
    }
  }
  t.ok(rows > 150, `${rows} rows`);
});

// [service.path, route path, strip, request, v1 upstream] for the rows where v1 differs (Kong's kong/router/utils.lua get_upstream_uri_v0, v1 column).
const V1: [string, string | null, Strip, string, string][] = [
  ['/srv', '/rou', 'off', '/roureq', '/srvroureq'],
  ['/srv', '/rou', 'on', '/roureq', '/srvreq'],
  ['/srv/', '/rou', 'on', '/rou', '/srv/'],
  ['/service', '/', 'any', '/route', '/serviceroute'],
  ['/service', '/', 'any', '/route/', '/serviceroute/'],
  ['/service', '/', 'any', '/routereq', '/serviceroutereq'],
  ['/service', '/', 'any', '/route/req', '/serviceroute/req'],
  ['/service', '/route', 'off', '/route', '/serviceroute'],
  ['/service', '/route', 'off', '/route/', '/serviceroute/'],
  ['/service', '/route', 'off', '/routereq', '/serviceroutereq'],
  ['/service', '/route', 'on', '/routereq', '/servicereq'],
  ['/service', '/route/', 'off', '/route/', '/serviceroute/'],
  ['/service', '/route/', 'on', '/route/', '/service'],
  ['/service', '/route/', 'off', '/route/req', '/serviceroute/req'],
  ['/service', '/route/', 'on', '/route/req', '/servicereq'],
  ['/service/', '/route', 'on', '/route', '/service/'],
  ['/service', null, 'any', '/route', '/serviceroute'],
  ['/service', null, 'any', '/route/', '/serviceroute/'],
  ['/service', '/route', 'off', '/route./req', '/serviceroute./req'],
  ['/service', '/route', 'off', '/route../req', '/serviceroute../req'],
  ...DOTS.map((d): [string, string, 'on', string, string] => ['/service', '/route', 'on', d, '/servicereq']),
];

t.test('path_handling v1 (traditional router only)', async (t) => {
  const differs = new Set(V1.map(([a, b, c, d]) => `${a}|${b}|${c}|${d}`));
  // Rows not in V1 are equal in both columns, except `/service` + strip off rows that V1 lists or that concatenate.
  const rows = [...V1, ...TABLE.filter(([a, b, c, d]) => !differs.has(`${a}|${b}|${c}|${d}`) && !(a === '/service' && b !== null && c === 'off'))];
  for (const [svc, routePath, strip, request, want] of rows) {
    const path = normalizePath(request)!;
    for (const s of strips(strip)) {
      t.equal(upstreamPath(svc, routePath, path, s, true), want, `v1 ${svc} ${routePath ?? '(host)'} strip=${s} ${request}`);
    }
  }
});

t.test('a null service path behaves as "/"', async (t) => {
  t.equal(upstreamPath(null, '/route', '/route/x', true), '/x');
  t.equal(upstreamPath(null, null, '/x', false), '/x');
});
