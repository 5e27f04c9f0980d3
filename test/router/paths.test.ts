/** normalizePath, escapeUpstreamPath and the full strip_path × service.path table (spec §5.2, §5.6). */
import t from 'tap';
import { checkRouteHost, checkRoutePath, escapeUpstreamPath, normalizePath, upstreamPath } from '../../src/router/index.js';

t.test('normalizePath', async (t) => {
  const cases: [string, string | null][] = [
    ['/', '/'],
    ['/foo%3a', '/foo%3A'],
    ['/fo%6F', '/foo'],
    ['/foo/./bar/../baz', '/foo/baz'],
    ['/foo//bar', '/foo/bar'],
    ['/a/b/..', '/a/'],
    ['/a/.', '/a/'],
    ['/..', '/'],
    ['/%2e%2E/x', '/x'],
    ['/a%2Fb', '/a%2Fb'],
    ['/caf%C3%A9', '/caf%C3%A9'],
    ['/%7Euser', '/~user'],
    ['/bad%zz', null],
    ['/bad%2', null],
    ['/route./req', '/route./req'],
  ];
  for (const [input, want] of cases) t.equal(normalizePath(input), want, input);
});

t.test('escapeUpstreamPath', async (t) => {
  const cases: [string, string][] = [
    ['/plain/path', '/plain/path'],
    ['/a b', '/a%20b'],
    ['/café', '/caf%C3%A9'],
    ['/keep%2F', '/keep%2F'],
    ["/sub-delims!$&'()*+,;=:@", "/sub-delims!$&'()*+,;=:@"],
    ['/quote"<>', '/quote%22%3C%3E'],
  ];
  for (const [input, want] of cases) t.equal(escapeUpstreamPath(input), want, input);
});

// [service.path, route path (null = host route), strip ('on'|'off'|'any'), request, upstream]
const TABLE: [string, string | null, 'on' | 'off' | 'any', string, string][] = [
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
const DOTS = ['/route./req', '/route%2E/req', '/route%2e/req', '/route../req', '/route%2E%2E/req', '/route%2e%2E/req'];
for (const req of DOTS) {
  TABLE.push(['/service', '/route', 'on', req, '/service/req'], ['/service/', '/route', 'on', req, '/service/req']);
}
for (const [req, up] of [
  ['/route./req', 'route./req'],
  ['/route%2E/req', 'route./req'],
  ['/route../req', 'route../req'],
  ['/route%2E%2E/req', 'route../req'],
] as const) {
  TABLE.push(['/service', '/route', 'off', req, `/service/${up}`], ['/service/', '/route', 'off', req, `/service/${up}`]);
}

t.test('upstream path: Kong path_handling v0 table', async (t) => {
  for (const [svc, routePath, strip, request, want] of TABLE) {
    const path = normalizePath(request)!;
    for (const s of strip === 'any' ? [true, false] : [strip === 'on']) {
      // The matched text: the prefix itself, or (regex variant) what `~/[0]?<prefix>` matched.
      const matched = routePath === null ? null : routePath;
      t.equal(upstreamPath(svc, matched, path, s), want, `${svc} ${routePath ?? '(host)'} strip=${s} ${request}`);
    }
  }
});

// [service.path, route path, strip, request, v1 upstream] where v1 differs from v0 (spec §5.6, v1 column).
const V1: [string, string | null, 'on' | 'off' | 'any', string, string][] = [
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

t.test('upstream path: path_handling v1', async (t) => {
  const differs = new Set(V1.map(([a, b, c, d]) => `${a}|${b}|${c}|${d}`));
  // Rows not listed in V1 are the same in both columns, except the `/service` (no trailing slash) rows with
  // strip off, which V1 lists or which concatenate without a slash.
  const rows = [...V1, ...TABLE.filter(([a, b, c, d]) => !differs.has(`${a}|${b}|${c}|${d}`) && !(a === '/service' && b !== null && c === 'off'))];
  for (const [svc, routePath, strip, request, want] of rows) {
    const path = normalizePath(request)!;
    for (const s of strip === 'any' ? [true, false] : [strip === 'on']) {
      t.equal(upstreamPath(svc, routePath, path, s, true), want, `v1 ${svc} ${routePath ?? '(host)'} strip=${s} ${request}`);
    }
  }
});

t.test('route path checks', async (t) => {
  const cases: [string, string | null][] = [
    ['/ok', null],
    ['/ok/', null],
    ['~/users/(?<id>\\d+)$', null],
    ['~/users/(?P<id>\\d+)$', null],
    ['abc', 'should start with: / (fixed path) or ~/ (regex path)'],
    ['~abc', 'should start with: / (fixed path) or ~/ (regex path)'],
    ['/a//b', 'must not have empty segments'],
    ['/a/../b', "non-normalized path, consider use '/b' instead"],
    ['/fo%6F', "non-normalized path, consider use '/foo' instead"],
    ['~/a(b', "invalid regex: '/a(b'"],
    ['~/(?=x)', "invalid regex: '/(?=x)' (look-around assertions are not supported)"],
    ['~/(?<!x)y', "invalid regex: '/(?<!x)y' (look-around assertions are not supported)"],
    ['~/(a)\\1', "invalid regex: '/(a)\\1' (backreferences are not supported)"],
  ];
  for (const [p, want] of cases) {
    const got = checkRoutePath(p);
    if (want === null) t.equal(got, null, p);
    else t.match(got ?? '', want, p);
  }
});

t.test('route host checks', async (t) => {
  const cases: [string, string | null][] = [
    ['example.com', null],
    ['example.com:8080', null],
    ['*.example.com', null],
    ['example.*', null],
    ['*.example.com:8443', null],
    ['10.0.0.1', null],
    ['a.*.com', 'invalid wildcard: must be placed at leftmost or rightmost label'],
    ['*.*.com', 'invalid wildcard: must have at most one wildcard'],
    ['ex*ample.com', 'invalid wildcard: must be placed at leftmost or rightmost label'],
    ['exa mple.com', 'invalid value: exa mple.com'],
    ['example.com:99999', "invalid port number: 'example.com:99999'"],
  ];
  for (const [h, want] of cases) t.equal(checkRouteHost(h), want, h);
});
