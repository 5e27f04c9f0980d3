/** Routing semantics and priority (Kong's kong/router/transform.lua and atc.lua), one table run against both the indexed and the linear router. */
import t from 'tap';
import { buildLinearRouter, buildRouter } from '../../src/router/index.js';
import { request, route, ROUTING_CASES } from './cases.js';

t.test('routing cases (indexed and linear)', async (t) => {
  for (const c of ROUTING_CASES) {
    const routers = { indexed: buildRouter(c.routes), linear: buildLinearRouter(c.routes) };
    for (const [kind, router] of Object.entries(routers)) {
      for (const [r, want, matched] of c.requests) {
        const got = router.match(request(r));
        t.equal(got?.route.name ?? null, want, `${c.name} [${kind}]: ${JSON.stringify(r)}`);
        if (matched !== undefined) t.equal(got?.matchedPath ?? null, matched, `${c.name} [${kind}]: matched path`);
      }
    }
  }
});

t.test('regex captures (Kong uri_captures)', async (t) => {
  const rows: [path: string, request: string, captures: Record<string, string> | null][] = [
    ['~/items/(?<item>\\w+)/(\\d+)', '/items/book/42/rest', { 0: '/items/book/42', 1: 'book', 2: '42', item: 'book' }],
    ['~/users/(?P<user_id>\\d+)/profile/?(?P<scope>[a-z]*)', '/users/1984/profile', { 0: '/users/1984/profile', 1: '1984', 2: '', user_id: '1984', scope: '' }],
    // Kong #13014: a group that did not take part is absent
    ['~/(users/)?1984/(?<subpath>profile)$', '/1984/profile', { 0: '/1984/profile', 2: 'profile', subpath: 'profile' }],
    // no group took part, or none exists: no captures at all
    ['~/a(b)?', '/a', null],
    ['~/plain', '/plain', null],
    ['/items', '/items/x', null],
  ];
  for (const [path, req, want] of rows) {
    for (const router of [buildRouter([route('r', { paths: [path] })]), buildLinearRouter([route('r', { paths: [path] })])]) {
      t.same(router.match(request({ path: req }))?.captures, want, `${path} on ${req}`);
    }
  }
});

t.test('explain lists every candidate with its checks', async (t) => {
  const router = buildLinearRouter([route('a', { paths: ['/a'], methods: ['GET'] }), route('b', { hosts: ['x.com'] })]);
  const out = router.explain(request({ path: '/a', method: 'POST' })) as { route: { name: string }; checks: Record<string, boolean>; matched: boolean }[];
  const a = out.find((o) => o.route.name === 'a')!;
  t.same(a.checks, { methods: false, paths: true });
  t.equal(a.matched, false);
  t.equal(out.length, 2);
});

t.test('size counts the routes given', async (t) => {
  const routes = [route('a', { paths: ['/a', '/bb'] }), route('t', { protocols: ['tcp'] })];
  t.equal(buildRouter(routes).size, 2);
  t.equal(buildLinearRouter(routes).size, 2);
});
