/** Routing semantics and priority (spec §5.3–5.5), against both the indexed and the linear router. */
import t from 'tap';
import { buildLinearRouter, buildRouter, type MatchRequest, type RouteLike } from '../../src/router/index.js';

let seq = 0;
function route(name: string, fields: Partial<RouteLike>): RouteLike {
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

function req(fields: Partial<MatchRequest>): MatchRequest {
  return { method: 'GET', host: 'example.com', path: '/', headers: {}, sni: null, scheme: 'http', port: 8000, ...fields };
}

interface Case {
  name: string;
  routes: RouteLike[];
  /** [request, expected route name or null, expected matchedPath?] */
  requests: [Partial<MatchRequest>, string | null, string?][];
}

const cases: Case[] = [
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
    name: 'longest prefix wins',
    routes: [route('short', { paths: ['/a'] }), route('long', { paths: ['/a/b/c'] }), route('mid', { paths: ['/a/b'] })],
    requests: [
      [{ path: '/a/b/c/d' }, 'long'],
      [{ path: '/a/b/x' }, 'mid'],
      [{ path: '/a/x' }, 'short'],
    ],
  },
  {
    name: 'regex before prefix; regex anchored at start only; captures',
    routes: [route('prefix', { paths: ['/users/1234'] }), route('regex', { paths: ['~/users/(?<id>\\d+)'] })],
    requests: [
      [{ path: '/users/1234' }, 'regex', '/users/1234'],
      [{ path: '/users/12/extra' }, 'regex', '/users/12'],
      [{ path: '/x/users/12' }, null],
    ],
  },
  {
    name: 'regex_priority orders regex routes',
    routes: [route('low', { paths: ['~/v\\d'], regex_priority: 1 }), route('high', { paths: ['~/v1'], regex_priority: 5 })],
    requests: [
      [{ path: '/v1' }, 'high'],
      [{ path: '/v2' }, 'low'],
    ],
  },
  {
    name: 'hosts: exact, wildcard suffix and prefix, with port',
    routes: [
      route('exact', { hosts: ['api.example.com'] }),
      route('suffix', { hosts: ['*.example.com'] }),
      route('prefix', { hosts: ['api.*'] }),
      route('port', { hosts: ['api.example.org:8443'] }),
    ],
    requests: [
      [{ host: 'api.example.com' }, 'exact'],
      [{ host: 'api.example.com:8000' }, 'exact'],
      [{ host: 'www.example.com' }, 'suffix'],
      [{ host: 'a.b.example.com' }, 'suffix'],
      [{ host: 'api.example.net' }, 'prefix'],
      [{ host: 'api.example.org:8443' }, 'port'],
      [{ host: 'api.example.org', port: 8443 }, 'port'],
      [{ host: 'example.com' }, null],
      [{ host: 'API.EXAMPLE.COM' }, null],
    ],
  },
  {
    name: 'plain hosts before wildcard hosts',
    routes: [route('wild', { hosts: ['*.example.com'], paths: ['/'] }), route('plain', { hosts: ['a.example.com'], paths: ['/'] })],
    requests: [
      [{ host: 'a.example.com' }, 'plain'],
      [{ host: 'b.example.com' }, 'wild'],
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
    name: 'headers: case-insensitive names and values, repeated values, regex',
    routes: [
      route('v1', { headers: { 'X-Version': ['V1', 'one'] } }),
      route('re', { headers: { 'x-client': ['~*^mobile-\\d+$'] } }),
    ],
    requests: [
      [{ headers: { 'x-version': 'v1' } }, 'v1'],
      [{ headers: { 'x-version': ['zzz', 'ONE'] } }, 'v1'],
      [{ headers: { 'x-client': 'Mobile-42' } }, 're'],
      [{ headers: { 'x-client': 'desktop' } }, null],
      [{ headers: {} }, null],
    ],
  },
  {
    name: 'more headers beat a longer path',
    routes: [
      route('long-path', { paths: ['/a/very/long/path'], headers: { a: ['1'] } }),
      route('two-headers', { paths: ['/a'], headers: { a: ['1'], b: ['2'] } }),
    ],
    requests: [[{ path: '/a/very/long/path', headers: { a: '1', b: '2' } }, 'two-headers']],
  },
  {
    name: 'host and path beat method and path (match weight)',
    routes: [route('method', { methods: ['GET'], paths: ['/x'] }), route('host', { hosts: ['example.com'], paths: ['/x'] })],
    requests: [[{ path: '/x' }, 'host']],
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
    name: 'snis only checked for https',
    routes: [route('sni', { snis: ['secure.example.com'], paths: ['/s'] }), route('any', { paths: ['/s'] })],
    requests: [
      [{ path: '/s', scheme: 'https', sni: 'secure.example.com' }, 'sni'],
      [{ path: '/s', scheme: 'https', sni: 'other.example.com' }, 'any'],
      [{ path: '/s', scheme: 'http', sni: null }, 'sni'],
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
    routes: [route('multi', { paths: ['/a', '/a/b/c/d'] }), route('mid', { paths: ['/a/b'] })],
    requests: [
      [{ path: '/a/b/c/d/e' }, 'multi', '/a/b/c/d'],
      [{ path: '/a/b/x' }, 'mid'],
      [{ path: '/a/x' }, 'multi', '/a'],
    ],
  },
  {
    name: 'stream routes are not HTTP routes',
    routes: [route('tcp', { protocols: ['tcp'], paths: ['/'] })],
    requests: [[{ path: '/' }, null]],
  },
];

t.test('routing cases (indexed and linear)', async (t) => {
  for (const c of cases) {
    const routers = { indexed: buildRouter(c.routes), linear: buildLinearRouter(c.routes) };
    for (const [kind, router] of Object.entries(routers)) {
      for (const [r, want, matched] of c.requests) {
        const got = router.match(req(r));
        t.equal(got?.route.name ?? null, want, `${c.name} [${kind}]: ${JSON.stringify(r)}`);
        if (matched !== undefined) t.equal(got?.matchedPath, matched, `${c.name} [${kind}]: matched path`);
      }
    }
  }
});

t.test('regex captures: numbered and named', async (t) => {
  const router = buildRouter([route('cap', { paths: ['~/items/(?<item>\\w+)/(\\d+)'] })]);
  const m = router.match(req({ path: '/items/book/42/rest' }));
  t.same(m?.captures, { 0: '/items/book/42', 1: 'book', 2: '42', item: 'book' });
  const plain = buildRouter([route('p', { paths: ['/items'] })]).match(req({ path: '/items/x' }));
  t.equal(plain?.captures, null);
});

t.test('explain lists every candidate with its checks', async (t) => {
  const router = buildLinearRouter([route('a', { paths: ['/a'], methods: ['GET'] }), route('b', { hosts: ['x.com'] })]);
  const out = router.explain(req({ path: '/a', method: 'POST' })) as { route: { name: string }; checks: Record<string, boolean>; matched: boolean }[];
  const a = out.find((o) => o.route.name === 'a')!;
  t.same(a.checks, { methods: false, paths: true });
  t.equal(a.matched, false);
});

/** Seeded PRNG so a failing case can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

t.test('differential: indexed router == linear router on random route sets', async (t) => {
  const r = rng(424242);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const segs = ['a', 'b', 'api', 'v1', 'users', 'x'];
  const hostsPool = ['a.com', 'b.com', '*.a.com', 'b.*', 'a.com:8080', 'c.org'];
  const randPath = () => `/${Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(segs)).join('/')}${r() < 0.2 ? '/' : ''}`;
  let mismatches = 0;
  let compared = 0;
  for (let set = 0; set < 300; set++) {
    const routes: RouteLike[] = [];
    const n = 1 + Math.floor(r() * 25);
    for (let i = 0; i < n; i++) {
      const f: { -readonly [K in keyof RouteLike]?: RouteLike[K] } = { id: `00000000-0000-4000-8000-${String(Math.floor(r() * 1e12)).padStart(12, '0')}` };
      if (r() < 0.7) f.paths = Array.from({ length: 1 + Math.floor(r() * 2) }, () => (r() < 0.2 ? `~${randPath()}\\d*` : randPath()));
      if (r() < 0.4) f.hosts = [pick(hostsPool)];
      if (r() < 0.3) f.methods = [pick(['GET', 'POST'])];
      if (r() < 0.2) f.headers = { 'x-h': [pick(['1', '2'])] };
      if (r() < 0.2) f.regex_priority = Math.floor(r() * 3);
      if (!f.paths && !f.hosts && !f.methods && !f.headers) f.paths = ['/'];
      routes.push(route(`r${i}`, f));
    }
    const fast = buildRouter(routes);
    const slow = buildLinearRouter(routes);
    for (let k = 0; k < 50; k++) {
      const q = req({
        path: `${randPath()}${r() < 0.3 ? String(Math.floor(r() * 100)) : ''}`,
        host: pick(['a.com', 'b.com', 'x.a.com', 'b.net', 'a.com:8080', 'c.org', '']),
        method: pick(['GET', 'POST']),
        headers: r() < 0.5 ? { 'x-h': pick(['1', '2']) } : {},
      });
      const a = fast.match(q);
      const b = slow.match(q);
      compared++;
      if (a?.route !== b?.route || a?.matchedPath !== b?.matchedPath) {
        mismatches++;
        if (mismatches < 5) t.fail(`mismatch on ${JSON.stringify(q)}: ${a?.route.name} vs ${b?.route.name}`);
      }
    }
  }
  t.equal(mismatches, 0, `${compared} requests compared`);
});
