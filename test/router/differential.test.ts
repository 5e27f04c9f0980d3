/** The indexed router must return exactly what the linear reference returns (seeded, bounded random sets). */
import t from 'tap';
import { buildLinearRouter, buildRouter, type RouteLike } from '../../src/router/index.js';
import { request, route, type RouteFields } from './cases.js';
import { rng } from './seeded-random.js';

t.test('differential: indexed router == linear router on random route sets', async (t) => {
  const r = rng(424242);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const segs = ['a', 'b', 'api', 'v1', 'users', 'x', 'é'];
  const hostsPool = ['a.com', 'b.com', '*.a.com', 'b.*', 'a.com:8080', '*.a.com:9000', 'b.*:9000', 'c.org', '[::1]', '[::1]:9000'];
  const randPath = () => `/${Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(segs)).join('/')}${chance(0.2) ? '/' : ''}`;
  // Literal-led, case-insensitive, leading alternation, optional or quantified first atoms (regex-literal.ts).
  const randRegex = () =>
    pick([
      `~${randPath()}\\d*`,
      '~/(?<first>[a-z]+)/(\\d+)?',
      '~/users/(\\w+)$',
      '~/(?i)API',
      '~/(?i)Users/X',
      '~/v\\d',
      `~${randPath()}|${randPath()}`,
      '~/(?:api|v1)/a',
      '~/ap?i',
      '~/a*pi',
      '~/é+',
    ]);
  const hex = () => Math.floor(r() * 16).toString(16);
  let mismatches = 0;
  let portLeaks = 0;
  let compared = 0;
  let matched = 0;
  for (let set = 0; set < 300; set++) {
    const routes: RouteLike[] = [];
    const n = 1 + Math.floor(r() * 30);
    for (let i = 0; i < n; i++) {
      const f: RouteFields = { id: `${Array.from({ length: 8 }, hex).join('')}-0000-4000-8000-000000000000` };
      if (chance(0.7)) f.paths = Array.from({ length: 1 + Math.floor(r() * 3) }, () => (chance(0.25) ? randRegex() : randPath()));
      if (chance(0.4)) f.hosts = chance(0.1) ? [] : Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(hostsPool));
      if (chance(0.3)) f.methods = [pick(['GET', 'POST'])];
      if (chance(0.2)) f.headers = { [pick(['x-h', 'x_h', 'X-H'])]: [pick(['1', '2', '~*^[12]$'])], ...(chance(0.3) ? { v: ['a'] } : {}) };
      if (chance(0.1)) f.snis = [pick(['s.a.com', '*.a.com'])];
      if (chance(0.2)) f.regex_priority = Math.floor(r() * 5) - 1;
      if (chance(0.05)) f.protocols = ['tcp'];
      else if (chance(0.15)) f.protocols = pick([['ws'], ['wss'], ['ws', 'wss'], ['grpc', 'grpcs']]);
      if (!f.paths && !f.hosts?.length && !f.methods && !f.headers) f.paths = ['/'];
      routes.push(route(`r${i}`, f));
    }
    const fast = buildRouter(routes);
    const slow = buildLinearRouter(routes);
    for (let k = 0; k < 50; k++) {
      const https = chance(0.3);
      const q = request({
        path: `${randPath()}${chance(0.3) ? String(Math.floor(r() * 100)) : ''}`,
        host: pick(['a.com', 'b.com', 'x.a.com', 'x.a.com:9000', 'x.a.com:8080', 'b.net:9000', 'b.net', 'a.com:8080', 'c.org', '[::1]', '[::1]:9000', '']),
        method: pick(['GET', 'POST']),
        headers: chance(0.5) ? { [pick(['x-h', 'x_h'])]: pick(['1', '2', ['3', '2']]), ...(chance(0.5) ? { v: 'A' } : {}) } : {},
        scheme: https ? 'https' : 'http',
        sni: https ? pick(['s.a.com', 'z.a.com', 'other']) : null,
        port: pick([8000, 8080, 9000]),
      });
      const a = fast.match(q);
      const b = slow.match(q);
      compared++;
      // Invariant: a route whose hosts all name a port is reached only on one of those ports (the Host's port,
      // else the listening one). IPv6 literals keep their port in the host text (Kong), so they are left out.
      const portOf = (h: string) => /^[^[][^:]*:(\d+)$/.exec(h)?.[1];
      const hosts = a?.route.hosts;
      if (hosts && hosts.length > 0 && hosts.every((h) => portOf(h) !== undefined)) {
        const port = Number(portOf(q.host) ?? q.port);
        if (!hosts.some((h) => Number(portOf(h)) === port)) {
          portLeaks++;
          if (portLeaks < 5) t.fail(`set ${set}: ${JSON.stringify(q)} reached ${a!.route.name} (${hosts.join(', ')})`);
        }
      }
      if (b) matched++;
      if (a?.route !== b?.route || a?.matchedPath !== b?.matchedPath || JSON.stringify(a?.captures) !== JSON.stringify(b?.captures)) {
        mismatches++;
        if (mismatches < 5) t.fail(`set ${set}: ${JSON.stringify(q)}: ${a?.route.name} vs ${b?.route.name}`);
      }
    }
  }
  t.equal(mismatches, 0, `${compared} requests compared, ${matched} matched a route`);
  t.equal(portLeaks, 0, 'no request reached a route restricted to another port');
  t.ok(matched > compared / 4, 'the generator produces enough hits to be meaningful');
});
