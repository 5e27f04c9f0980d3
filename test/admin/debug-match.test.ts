/**
 * `GET /debug/match` (and its alias `/sluice/explain`) over real snapshots: the route the endpoint reports must
 * be the one the proxy's router picks for the same request.
 */
import t from 'tap';
import { parseExplainQuery } from '../../src/admin/node-endpoints.js';
import { normalizePath } from '../../src/router/index.js';
import type { MatchRequest } from '../../src/router/types.js';
import type { CompiledSnapshot } from '../../src/snapshot/compile.js';
import { adminOver, snapshotOf } from './fixtures/real-snapshot.js';

const HOSTS_METHODS_HEADERS = `_format_version: "3.0"
services:
  - name: svc
    url: http://127.0.0.1:9/base
    routes:
      - name: host-exact
        hosts: [a.example]
        paths: [/]
      - name: host-wild
        hosts: ["*.wild.example"]
      - name: host-suffix-wild
        hosts: ["api.*"]
        paths: [/v]
      - name: method-post
        methods: [POST]
        paths: [/items]
      - name: items
        paths: [/items]
      - name: header-v2
        paths: [/api]
        headers: { x-version: ["2"] }
      - name: api
        paths: [/api]
      - name: https-only
        protocols: [https]
        paths: [/secure]
`;

const PATHS = `_format_version: "3.0"
services:
  - name: svc
    url: http://127.0.0.1:9
    routes:
      - name: user-by-id
        paths: ["~/users/\\\\d+$"]
      - name: users
        paths: [/users]
      - name: long-prefix
        paths: [/static/images]
      - name: short-prefix
        paths: [/static]
      - name: low-regex
        paths: ["~/v\\\\d+/orders"]
        regex_priority: 0
      - name: high-regex
        paths: ["~/v1/.*"]
        regex_priority: 10
`;

type Case = [name: string, query: string, want: string | null];

const snaps: [string, CompiledSnapshot, Case[]][] = [
  [
    'hosts, methods, headers',
    snapshotOf(HOSTS_METHODS_HEADERS),
    [
      ['exact host', 'host=a.example&path=/anything', 'host-exact'],
      ['exact host with a port', 'host=a.example:8000&path=/', 'host-exact'],
      ['wildcard host (prefix)', 'host=x.wild.example&path=/q', 'host-wild'],
      ['wildcard host (suffix)', 'host=api.anything&path=/v/1', 'host-suffix-wild'],
      ['method POST', 'method=post&path=/items', 'method-post'],
      ['method GET falls to the plain route', 'method=GET&path=/items', 'items'],
      ['header match', 'path=/api/x&header.x-version=2', 'header-v2'],
      ['header name lower-cased', 'path=/api&header.X-Version=2', 'header-v2'],
      ['header value not matching', 'path=/api&header.x-version=3', 'api'],
      ['old header=name:value spelling', 'path=/api&header=X-Version:2', 'header-v2'],
      ['https-only route over https', 'scheme=https&host=b.example&path=/secure', 'https-only'],
      ['no match', 'host=other.example&path=/nothing', null],
    ],
  ],
  [
    'paths',
    snapshotOf(PATHS),
    [
      ['regex beats prefix', 'path=/users/42', 'user-by-id'],
      ['regex not matching falls to prefix', 'path=/users/abc', 'users'],
      ['longest prefix wins', 'path=/static/images/a.png', 'long-prefix'],
      ['shorter prefix', 'path=/static/css/a.css', 'short-prefix'],
      ['regex_priority decides between regexes', 'path=/v1/orders', 'high-regex'],
      ['lower-priority regex when the other misses', 'path=/v2/orders', 'low-regex'],
      ['percent-encoded path is normalized', 'path=/static/%69mages/x', 'long-prefix'],
      ['no match', 'path=/elsewhere', null],
    ],
  ],
];

/** The request the proxy would hand its router, built independently of the endpoint. */
function matchRequestOf(query: string): MatchRequest {
  const parsed = parseExplainQuery(new URLSearchParams(query));
  if (typeof parsed === 'string') throw new Error(parsed);
  return {
    method: parsed.method,
    host: parsed.host,
    path: normalizePath(parsed.path)!,
    headers: parsed.headers,
    sni: parsed.sni,
    scheme: parsed.scheme,
    port: parsed.scheme === 'https' ? 8443 : 8000,
  };
}

interface Explained {
  matched: { route: { id: string; name: string | null } } | null;
  routers_agree: boolean;
}

for (const [title, snap, cases] of snaps) {
  t.test(`/debug/match agrees with the router: ${title}`, async (t) => {
    const call = adminOver(snap);
    for (const [name, query, want] of cases) {
      const res = call('GET', `/debug/match?${query}`);
      t.equal(res.status, 200, `${name}: status`);
      const body = res.body as Explained;
      const routed = snap.proxy.router.match(matchRequestOf(query));
      t.equal(body.matched?.route.id ?? null, routed?.route.id ?? null, `${name}: same route as router.match`);
      t.equal(body.matched?.route.name ?? null, want, `${name}: expected route`);
      t.equal(body.routers_agree, true, `${name}: reference router agrees`);
      t.same(call('GET', `/sluice/explain?${query}`).body, res.body, `${name}: alias answers the same`);
    }
  });
}

t.test('the endpoint reads the current snapshot on every request', async (t) => {
  const a = snapshotOf(HOSTS_METHODS_HEADERS, 1);
  const b = snapshotOf(PATHS, 2);
  let current = a;
  const call = adminOver(() => current);
  const name = () => (call('GET', '/debug/match?path=/users/1').body as Explained).matched?.route.name ?? null;
  t.equal(name(), null);
  current = b;
  t.equal(name(), 'user-by-id');
});

t.test('query parsing', async (t) => {
  const cases: [string, unknown][] = [
    ['', { method: 'GET', host: '', path: '/', headers: {}, scheme: 'http', sni: null }],
    [
      'method=put&host=a.example&path=/x&header.X-Y=z&header.x-y=w&scheme=http&sni=',
      { method: 'PUT', host: 'a.example', path: '/x', headers: { 'x-y': 'z, w' }, scheme: 'http', sni: null },
    ],
    ['scheme=https&host=a.example:8443', { method: 'GET', host: 'a.example:8443', path: '/', headers: {}, scheme: 'https', sni: 'a.example' }],
    ['scheme=https&host=a.example&sni=', { method: 'GET', host: 'a.example', path: '/', headers: {}, scheme: 'https', sni: null }],
    ['scheme=https&sni=b.example', { method: 'GET', host: '', path: '/', headers: {}, scheme: 'https', sni: 'b.example' }],
    ['header.host=h.example', { method: 'GET', host: 'h.example', path: '/', headers: { host: 'h.example' }, scheme: 'http', sni: null }],
    ['header.__proto__=x', { method: 'GET', host: '', path: '/', headers: { ['__proto__']: 'x' }, scheme: 'http', sni: null }],
    ['header.=x', "invalid header parameter 'header.' (expected header.<name>=<value>)"],
    ['header=novalue', "invalid header 'novalue' (expected name:value)"],
    ['path=x', "invalid path 'x' (must start with '/')"],
    ['scheme=ws', "invalid scheme 'ws' (expected 'http' or 'https')"],
  ];
  for (const [query, want] of cases) {
    const got = parseExplainQuery(new URLSearchParams(query));
    t.same(typeof got === 'string' ? got : JSON.parse(JSON.stringify({ ...got, headers: { ...got.headers } })), want, query || '(empty)');
  }
  const call = adminOver(snapshotOf(PATHS));
  t.same(call('GET', '/debug/match?header.=1'), {
    status: 400,
    body: { message: "invalid header parameter 'header.' (expected header.<name>=<value>)" },
  });
});
