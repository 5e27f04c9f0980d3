/** Route and request builders, and the routing case table, shared by the router tests and the explain/proxy agreement test. */
import type { MatchRequest, RouteLike } from '../../src/router/index.js';

export type RouteFields = { -readonly [K in keyof RouteLike]?: RouteLike[K] };

let seq = 0;
export function route(name: string, fields: RouteFields): RouteLike {
  seq++;
  return {
    id: fields.id ?? `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    name,
    protocols: ['http', 'https'],
    methods: null,
    hosts: null,
    paths: null,
    headers: null,
    snis: null,
    regex_priority: 0,
    ...fields,
  };
}

export function request(fields: Partial<MatchRequest>): MatchRequest {
  return { method: 'GET', host: 'example.com', path: '/', headers: {}, sni: null, scheme: 'http', port: 8000, ...fields };
}

export interface RoutingCase {
  name: string;
  routes: RouteLike[];
  /** [request, expected route name or null, expected matchedPath?] */
  requests: [Partial<MatchRequest>, string | null, (string | null)?][];
}

const id = (n: number) => `e8fb37f1-102d-461e-9c51-6608a6bb81${String(n).padStart(2, '0')}`;

// Kong spec/01-unit/08-router_spec.lua `select()` use case, ids kept (they decide ties).
const kongUseCase = [
  route('1 host', { id: id(1), hosts: ['domain-1.org', 'domain-2.org'] }),
  route('2 method', { id: id(2), methods: ['TRACE'] }),
  route('3 uri', { id: id(3), paths: ['/my-route'] }),
  route('4 host+uri', { id: id(4), paths: ['/route-4'], hosts: ['domain-1.org', 'domain-2.org'] }),
  route('5 host+method', { id: id(5), hosts: ['domain-1.org', 'domain-2.org'], methods: ['POST', 'PUT', 'PATCH'] }),
  route('6 uri+method', { id: id(6), methods: ['POST', 'PUT', 'PATCH'], paths: ['/route-6'] }),
  route('7 host+uri+method', { id: id(7), hosts: ['domain-with-uri-1.org', 'domain-with-uri-2.org'], methods: ['POST', 'PUT', 'PATCH'], paths: ['/my-route-uri'] }),
  route('8 serviceless', { id: id(8), paths: ['/serviceless'] }),
  route('9 header', { id: id(9), headers: { location: ['my-location-1', 'my-location-2'] } }),
  route('10 headers', { id: id(10), headers: { location: ['my-location-1'], version: ['v1', 'v2'] } }),
  route('11 headers+uri', { id: id(11), headers: { location: ['my-location-1', 'my-location-2'] }, paths: ['/headers-uri'] }),
  route('12 all', { id: id(12), hosts: ['domain-with-headers-1.org', 'domain-with-headers-2.org'], headers: { location: ['my-location-1', 'my-location-2'] }, methods: ['POST', 'PUT', 'PATCH'], paths: ['/headers-host-uri-method'] }),
  route('13 host+port', { id: id(13), hosts: ['domain-1.org:321', 'domain-2.org'] }),
  route('14 port only', { id: id(14), hosts: ['domain-3.org:321'] }),
  route('15 header regex', { id: id(15), headers: { user_agent: ['~*windows|linux|os\\s+x\\s*[\\d\\._]+|solaris|bsd'] } }),
];

/** The routing case table: every router runs it (match.test.ts), and so do explain and a real gateway (test/snapshot). */
export const ROUTING_CASES: RoutingCase[] = [
  {
    name: 'Kong select() use case',
    routes: kongUseCase,
    requests: [
      [{ host: 'domain-1.org' }, '1 host', null],
      [{ host: 'domain-1.org:80' }, '1 host'],
      [{ host: 'domain-1.org:123' }, '1 host'],
      [{ host: 'domain-1.org:321' }, '13 host+port'],
      [{ host: 'domain-1.org', port: 321 }, '13 host+port'],
      [{ host: 'domain-3.org:321' }, '14 port only'],
      [{ host: 'domain-3.org:123' }, null],
      [{ host: 'domain.org', path: '/my-route' }, '3 uri', '/my-route'],
      [{ host: '', path: '/my-route-uri' }, '3 uri', '/my-route'],
      [{ host: 'domain.org', method: 'TRACE' }, '2 method'],
      [{ host: 'domain-1.org', path: '/route-4' }, '4 host+uri'],
      [{ host: 'domain-1.org', method: 'POST' }, '5 host+method'],
      [{ host: 'domain.org', method: 'PUT', path: '/route-6' }, '6 uri+method'],
      [{ host: 'domain-with-uri-2.org', method: 'PUT', path: '/my-route-uri' }, '7 host+uri+method'],
      [{ host: 'domain.org', path: '/serviceless' }, '8 serviceless'],
      [{ host: 'domain.org', headers: { location: 'my-location-1' } }, '9 header'],
      [{ host: 'domain.org', headers: { location: 'my-location-2' } }, '9 header'],
      [{ host: 'domain.org', headers: { location: 'my-location-1', version: 'v2' } }, '10 headers'],
      [{ host: 'domain.org', headers: { location: 'my-location-1', version: 'v3' } }, '9 header'],
      [{ host: 'domain.org', path: '/headers-uri', headers: { location: 'my-location-2' } }, '11 headers+uri'],
      [{ host: 'domain-with-headers-1.org', method: 'PUT', path: '/headers-host-uri-method', headers: { location: 'my-location-2' } }, '12 all'],
      [{ host: 'domain.org', headers: { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)' } }, '15 header regex'],
      [{ host: 'domain.org', headers: { 'user-agent': 'curl/8.0' } }, null],
      [{ host: 'domain.org' }, null],
    ],
  },
  {
    name: 'prefix paths are byte prefixes, case-sensitive',
    routes: [route('foo', { paths: ['/foo'] })],
    requests: [
      [{ path: '/foo' }, 'foo', '/foo'],
      [{ path: '/foo/x' }, 'foo'],
      [{ path: '/foobar' }, 'foo'],
      [{ path: '/Foo' }, null],
      [{ path: '/fo' }, null],
    ],
  },
  {
    name: 'longest prefix wins; the root path is a catch-all',
    routes: [route('root', { paths: ['/'] }), route('short', { paths: ['/a'] }), route('long', { paths: ['/a/b/c'] }), route('mid', { paths: ['/a/b'] })],
    requests: [
      [{ path: '/a/b/c/d' }, 'long'],
      [{ path: '/a/b/x' }, 'mid'],
      [{ path: '/a/x' }, 'short'],
      [{ path: '/zzz' }, 'root', '/'],
    ],
  },
  {
    name: 'non-ASCII prefixes compare on the decoded path and rank by UTF-8 length',
    routes: [route('café', { paths: ['/café'] }), route('cafe-x', { paths: ['/cafex'] })],
    // "/café" is 6 bytes, "/cafex" also 6: equal length, so the larger id (cafe-x, created later) is tried first.
    requests: [
      [{ path: '/café/menu' }, 'café', '/café'],
      [{ path: '/cafex' }, 'cafe-x'],
    ],
  },
  {
    name: 'regex before prefix; regex anchored at start only',
    routes: [route('prefix', { paths: ['/users/1234'] }), route('regex', { paths: ['~/users/(?<id>\\d+)'] })],
    requests: [
      [{ path: '/users/1234' }, 'regex', '/users/1234'],
      [{ path: '/users/12/extra' }, 'regex', '/users/12'],
      [{ path: '/x/users/12' }, null],
    ],
  },
  {
    name: 'regex_priority orders regex routes',
    routes: [route('low', { paths: ['~/v\\d'], regex_priority: 1 }), route('high', { paths: ['~/v1'], regex_priority: 5 }), route('negative', { paths: ['~/'], regex_priority: -3 })],
    requests: [
      [{ path: '/v1' }, 'high'],
      [{ path: '/v2' }, 'low'],
      [{ path: '/x' }, 'negative'],
    ],
  },
  {
    name: 'regex_priority does not lift a regex route over a route with more attributes',
    routes: [route('regex', { paths: ['~/api'], regex_priority: 100 }), route('host+prefix', { paths: ['/api'], hosts: ['example.com'] })],
    requests: [[{ path: '/api' }, 'host+prefix']],
  },
  {
    name: 'hosts: exact (case-sensitive), wildcard suffix and prefix, with port',
    routes: [
      route('exact', { hosts: ['api.example.com'] }),
      route('suffix', { hosts: ['*.example.com'] }),
      route('prefix', { hosts: ['api.*'] }),
      route('port', { hosts: ['api.example.org:8443'] }),
      route('wild-port', { hosts: ['*.example.net:9000'] }),
    ],
    requests: [
      [{ host: 'api.example.com' }, 'exact'],
      [{ host: 'api.example.com:8000' }, 'exact'],
      [{ host: 'www.example.com' }, 'suffix'],
      [{ host: 'a.b.example.com' }, 'suffix'],
      [{ host: 'api.example.net' }, 'prefix'],
      [{ host: 'api.example.org:8443' }, 'port'],
      [{ host: 'api.example.org', port: 8443 }, 'port'],
      [{ host: 'x.example.net:9000' }, 'wild-port'],
      [{ host: 'x.example.net' }, null],
      [{ host: 'example.com' }, null],
      [{ host: 'API.EXAMPLE.COM' }, null],
    ],
  },
  {
    // Kong spec/01-unit/08-router_spec.lua "[wildcard host]": a host with a port matches only when the request's
    // port (the Host's, else the listening one: net.dst.port) is that port; ties between wildcard routes go by id.
    // `route.*:123` is the router's case only: Kong's hosts typedef refuses a port after `.*` (route-checks.test.ts).
    name: 'wildcard hosts with a port (Kong router_spec [wildcard host])',
    routes: [
      route('w1 *.route.com', { id: id(1), hosts: ['*.route.com'] }),
      route('w2 route.*', { id: id(2), hosts: ['route.*'] }),
      route('w3 *.route.net:123', { id: id(3), hosts: ['*.route.net:123'] }),
      route('w4 route.*:123', { id: id(4), hosts: ['route.*:123'] }),
    ],
    requests: [
      [{ host: 'foo.route.com' }, 'w1 *.route.com'],
      [{ host: 'route.org' }, 'w2 route.*'],
      [{ host: 'route.org:123' }, 'w4 route.*:123'], // port-specific wins (larger id)
      [{ host: 'foo.route.com:123' }, 'w1 *.route.com'], // a host without a port matches any port
      [{ host: 'foo.route.net:123' }, 'w3 *.route.net:123'],
      [{ host: 'foo.route.net', port: 123 }, 'w3 *.route.net:123'], // the listening port when the Host has none
      [{ host: 'foo.route.net:456' }, null], // never another port
      [{ host: 'foo.route.net:456', port: 123 }, null], // the Host's port decides, not the listener's
      [{ host: 'foo.route.net:0123' }, 'w3 *.route.net:123'], // Kong's tonumber
      [{ host: 'foo.route.net:123x' }, null], // not a port: the whole text is the host
      [{ host: 'route.net:456' }, 'w2 route.*'], // '*.route.net' needs a label before '.route.net'; w4 another port
      [{ host: 'route.org:124' }, 'w2 route.*'],
    ],
  },
  {
    name: 'a route mixing a port-specific wildcard and a plain wildcard (Kong: submatch_weight)',
    routes: [
      route('any-port', { id: id(1), hosts: ['route.*'] }),
      route('port-80', { id: id(2), hosts: ['route.*:80', 'route.com.*'] }),
    ],
    requests: [
      [{ host: 'route.org:80' }, 'port-80'],
      [{ host: 'route.org', port: 80 }, 'port-80'],
      [{ host: 'route.org:8080' }, 'any-port'],
      [{ host: 'route.com.example:8080' }, 'port-80'],
    ],
  },
  {
    name: 'plain hosts before wildcard hosts, whatever the path length',
    routes: [
      route('wild', { hosts: ['*.example.com'], paths: ['/a/long/path'] }),
      route('plain', { hosts: ['a.example.com'], paths: ['/'] }),
    ],
    requests: [
      [{ host: 'a.example.com', path: '/a/long/path' }, 'plain'],
      [{ host: 'b.example.com', path: '/a/long/path' }, 'wild'],
    ],
  },
  {
    name: 'a route mixing plain and wildcard hosts ranks as wildcard',
    routes: [route('mixed', { hosts: ['a.example.com', '*.example.org'], paths: ['/x'] }), route('plain', { hosts: ['a.example.com'], paths: ['/'] })],
    requests: [[{ host: 'a.example.com', path: '/x' }, 'plain']],
  },
  {
    name: 'IPv6 literal hosts keep their brackets and port text (Kong splits at the first colon)',
    routes: [route('v6', { hosts: ['[::1]'] }), route('v6-port', { hosts: ['[::1]:8000'] })],
    requests: [
      [{ host: '[::1]' }, 'v6'],
      [{ host: '[::1]:8000' }, 'v6-port'],
      [{ host: '[::1]:9000' }, null],
    ],
  },
  {
    name: 'methods',
    routes: [route('get', { methods: ['GET', 'HEAD'], paths: ['/m'] }), route('post', { methods: ['POST'], paths: ['/m'] })],
    requests: [
      [{ path: '/m', method: 'HEAD' }, 'get'],
      [{ path: '/m', method: 'POST' }, 'post'],
      [{ path: '/m', method: 'DELETE' }, null],
    ],
  },
  {
    name: 'headers: names and values case-insensitive, repeated values, regex on the lowered value',
    routes: [
      route('v1', { headers: { 'X-Version': ['V1', 'one'] } }),
      route('re', { headers: { 'x-client': ['~*^Mobile-\\d+$'] } }),
      route('underscore', { headers: { x_tenant: ['acme'] } }),
    ],
    requests: [
      [{ headers: { 'x-version': 'v1' } }, 'v1'],
      [{ headers: { 'x-version': ['zzz', 'ONE'] } }, 'v1'],
      [{ headers: { 'x-client': 'MOBILE-42' } }, 're'],
      [{ headers: { 'x-client': 'desktop' } }, null],
      [{ headers: { 'x-tenant': 'ACME' } }, 'underscore'],
      [{ headers: { x_tenant: 'acme' } }, 'underscore'],
      [{ headers: {} }, null],
    ],
  },
  {
    name: 'more headers beat a longer path (Kong: "more [headers] has priority over longer [paths]")',
    routes: [
      route('long-path', { id: id(1), paths: ['/my-route/hello'], headers: { version: ['v1'] } }),
      route('two-headers', { id: id(2), paths: ['/my-route'], headers: { version: ['v1'], location: ['us-east'] } }),
    ],
    requests: [
      [{ path: '/my-route/hello', headers: { version: 'v1', location: 'us-east' } }, 'two-headers', '/my-route'],
      [{ path: '/my-route/hello/world', headers: { version: 'v1', location: 'us-east' } }, 'two-headers'],
      [{ path: '/my-route/hello', headers: { version: 'v1' } }, 'long-path'],
    ],
  },
  {
    name: 'host and path beat method and path (match weight)',
    routes: [route('method', { methods: ['GET'], paths: ['/x/longer'] }), route('host', { hosts: ['example.com'], paths: ['/x'] })],
    requests: [[{ path: '/x/longer' }, 'host']],
  },
  {
    name: '[method] does not supersede [uri prefix]',
    routes: [route('method', { methods: ['GET'] }), route('uri', { paths: ['/example'] })],
    requests: [
      [{ path: '/example' }, 'uri'],
      [{ path: '/other' }, 'method'],
    ],
  },
  {
    name: 'more attributes beat fewer',
    routes: [route('path', { paths: ['/p/longer/path'] }), route('path+method', { paths: ['/p'], methods: ['GET'] })],
    requests: [
      [{ path: '/p/longer/path' }, 'path+method'],
      [{ path: '/p/longer/path', method: 'PUT' }, 'path'],
    ],
  },
  {
    name: 'snis only checked for https; wildcard and trailing-dot SNIs',
    routes: [
      route('sni', { snis: ['secure.example.com'], paths: ['/s'] }),
      route('wild-sni', { snis: ['*.example.org'], paths: ['/s'] }),
      route('dot-sni', { snis: ['fqdn.example.net.'], paths: ['/s'] }),
      route('any', { paths: ['/s'] }),
    ],
    requests: [
      [{ path: '/s', scheme: 'https', sni: 'secure.example.com' }, 'sni'],
      [{ path: '/s', scheme: 'https', sni: 'a.example.org' }, 'wild-sni'],
      [{ path: '/s', scheme: 'https', sni: 'fqdn.example.net' }, 'dot-sni'],
      [{ path: '/s', scheme: 'https', sni: 'other.example.com' }, 'any'],
      [{ path: '/s', scheme: 'https', sni: null }, 'any'],
      [{ path: '/s', scheme: 'http', sni: null }, 'dot-sni'],
    ],
  },
  {
    name: 'ties broken by route id, larger first',
    routes: [
      route('small', { paths: ['/t'], id: '10000000-0000-4000-8000-000000000000' }),
      route('large', { paths: ['/t'], id: 'f0000000-0000-4000-8000-000000000000' }),
    ],
    requests: [[{ path: '/t' }, 'large']],
  },
  {
    name: 'a route with paths of several lengths competes per length',
    routes: [route('multi', { paths: ['/a', '/a/b/c/d', '~/a/r'] }), route('mid', { paths: ['/a/b'] })],
    requests: [
      [{ path: '/a/b/c/d/e' }, 'multi', '/a/b/c/d'],
      [{ path: '/a/b/x' }, 'mid'],
      [{ path: '/a/x' }, 'multi', '/a'],
      [{ path: '/a/r' }, 'multi', '/a/r'],
    ],
  },
  {
    name: 'split pieces tie-break on their own Kong ids',
    // uuidv5(ns, "<id>#1") = 4c27e75c-… for "/aa", "<id>#2" = 88c08b1f-… for "/b"; the plain routes' 5000… sits
    // between them, so the split route loses "/aa" and wins "/b" although its own id is the smallest.
    routes: [
      route('split', { id: '00000000-0000-4000-8000-000000000001', paths: ['/aa', '/b'] }),
      route('plain-aa', { id: '50000000-0000-4000-8000-00000000000a', paths: ['/aa'] }),
      route('plain-b', { id: '50000000-0000-4000-8000-00000000000b', paths: ['/b'] }),
    ],
    requests: [
      [{ path: '/aa' }, 'plain-aa'],
      [{ path: '/b' }, 'split'],
    ],
  },
  {
    name: 'stream routes are not HTTP routes; grpc routes are',
    routes: [route('tcp', { protocols: ['tcp'], paths: ['/'] }), route('grpc', { protocols: ['grpc'], paths: ['/pkg.Svc'] })],
    requests: [
      [{ path: '/' }, null],
      [{ path: '/pkg.Svc/Call' }, 'grpc'],
    ],
  },
  {
    // Kong EE: ws/wss are http-subsystem protocols and the router never looks at protocols or the Upgrade
    // header; a WebSocket route competes on hosts, paths, headers (and snis for TLS requests) like any route.
    name: 'ws and wss routes are HTTP routes, matched like http and https ones',
    routes: [
      route('ws', { protocols: ['ws'], paths: ['/chat'] }),
      route('http', { paths: ['/chat/history'] }),
      route('wss-sni', { protocols: ['wss'], snis: ['chat.example.com'], paths: ['/secure'] }),
      route('wss', { protocols: ['wss'], paths: ['/secure'] }),
      route('both', { protocols: ['ws', 'wss'], hosts: ['ws.example.com'] }),
    ],
    requests: [
      [{ path: '/chat' }, 'ws', '/chat'],
      [{ path: '/chat', scheme: 'https', sni: 'chat.example.com' }, 'ws'],
      [{ path: '/chat/history' }, 'http'],
      [{ path: '/chat/live' }, 'ws'],
      // SNIs count on TLS requests only, as for https routes (plain text reaches wss-sni; the lifecycle answers 426).
      [{ path: '/secure', scheme: 'https', sni: 'chat.example.com' }, 'wss-sni'],
      [{ path: '/secure', scheme: 'https', sni: 'other.example.com' }, 'wss'],
      [{ path: '/secure' }, 'wss-sni'],
      [{ host: 'ws.example.com', path: '/x' }, 'both', null],
      [{ host: 'ws.example.com:8000', path: '/x', scheme: 'https', sni: 'ws.example.com' }, 'both'],
      [{ path: '/other' }, null],
    ],
  },
];
