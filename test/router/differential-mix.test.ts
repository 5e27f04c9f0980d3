/**
 * The indexed router against the linear reference on the whole mix, at several sizes: prefix and regex paths
 * (literal-led, case-insensitive, with leading alternation, optional or quantified first atoms, classes),
 * exact and wildcard hosts with and without ports, methods, headers, snis and priorities. Requests are mostly
 * aimed at a route and then bent (other case, port, method, header, sni, path tail), so near misses are common.
 * Both must return the same route, matched path and captures; and the winner must really accept the request.
 */
import t from 'tap';
import { buildLinearRouter, buildRouter, type MatchRequest, type RouteLike } from '../../src/router/index.js';
import { request, route, type RouteFields } from './cases.js';
import { rng } from './seeded-random.js';

interface Aimed {
  route: RouteLike;
  /** Paths the route's own paths accept. */
  samples: string[];
}

function generator(seed: number, n: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const count = (max: number) => 1 + Math.floor(r() * max);
  // Pools grow with the size so buckets stay realistic (few routes per key) but still collide.
  const names = Array.from({ length: Math.max(4, Math.floor(n / 8)) }, (_, i) => `s${i}`);
  const segment = () => pick([...names, 'api', 'v1', 'users', 'Shop', 'é', '1', '12']);
  const prefix = () => `/${Array.from({ length: count(3) }, segment).join('/')}`;
  const ids = new Set<string>();
  const hex = () => Math.floor(r() * 16).toString(16);
  const id = () => {
    for (;;) {
      const v = `${Array.from({ length: 8 }, hex).join('')}-0000-4000-8000-${Array.from({ length: 12 }, hex).join('')}`;
      if (!ids.has(v)) return ids.add(v), v;
    }
  };
  /** A regex path and paths it accepts. */
  const regex = (): [string, string[]] => {
    const p = prefix();
    const q = prefix();
    const w = pick(names);
    switch (Math.floor(r() * 12)) {
      case 0:
        return [`~${p}/\\d+$`, [`${p}/42`, `${p}/7`]];
      case 1:
        return [`~${p}/(?<id>[a-z]+)`, [`${p}/abc/x`]];
      case 2:
        return [`~${p}(/v\\d+)?/x`, [`${p}/x`, `${p}/v2/x`]];
      case 3:
        return [`~/(?i)${w}/Item`, [`/${w}/item`, `/${w.toUpperCase()}/ITEM`]];
      case 4:
        return [`~/(?:${w}|${pick(names)})/x`, [`/${w}/x`]];
      case 5:
        return [`~${p}|${q}`, [`${p}/z`, q]];
      case 6:
        return [`~/${w}?x+/y`, [`/${w.slice(0, -1)}xx/y`, `/${w}x/y`]];
      case 7:
        return [`~/[a-s]${w}`, [`/s${w}`]];
      case 8:
        return [`~/.*${w}$`, [`/x/${w}`]];
      case 9:
        return [`~/\\.well-known/${w}`, [`/.well-known/${w}`]];
      case 10:
        return [`~/(?i)K\\x{61}${w}`, [`/ka${w}`, `/\u212AA${w}`]];
      default:
        return [`~${p}`, [`${p}/tail`]];
    }
  };
  const host = (): string => {
    const name = pick(names);
    const port = chance(0.2) ? `:${pick([8080, 9000])}` : '';
    const shape = Math.floor(r() * 10);
    if (shape < 5) return `${name}.com${port}`;
    if (shape < 7) return `*.${name}.com${port}`;
    if (shape < 9) return `${name}.*`;
    return pick(['[::1]', '[::1]:9000', 'x*', '*']); // IPv6, and shapes validation refuses (read by every request)
  };
  const sampleHost = (h: string): string => {
    const m = /^(.*?)(:\d+)?$/.exec(h)!;
    const name = m[1]!;
    const port = m[2] !== undefined && chance(0.8) ? m[2] : chance(0.3) ? `:${pick([8080, 9000, 8000])}` : '';
    if (name.startsWith('[')) return h;
    if (name === '*' || name === 'x*') return `x${pick(names)}.com${port}`;
    if (name.startsWith('*')) return `${pick(['a', 'b.c'])}${name.slice(1)}${port}`;
    if (name.endsWith('*')) return `${name.slice(0, -1)}${pick(['org', 'com.au'])}${port}`;
    return `${name}${port}`;
  };
  const headerName = () => pick(['x-h', 'x_h', 'X-H', 'x-tenant']);
  const headerValue = () => (chance(0.2) ? pick(['~*^t\\d$', '~*^Mobile-']) : pick(['1', '2', 't1', ...names.slice(0, 8)]));
  const sni = () => pick([`${pick(names)}.com`, `*.${pick(names)}.com`, `${pick(names)}.*`, `${pick(names)}.com.`]);

  function aimed(): Aimed {
    const f: RouteFields = { id: id() };
    const samples: string[] = [];
    if (chance(0.85)) {
      f.paths = Array.from({ length: count(2) }, () => {
        if (chance(0.5)) {
          const [re, ok] = regex();
          samples.push(...ok);
          return re;
        }
        const p = `${prefix()}${chance(0.2) ? '/' : ''}`;
        samples.push(p, `${p}${pick(['/x', '1', 'abc/'])}`);
        return p;
      });
    }
    if (chance(0.4)) f.hosts = chance(0.05) ? [] : Array.from({ length: count(2) }, host);
    if (chance(0.3)) f.methods = chance(0.7) ? [pick(['GET', 'POST'])] : ['GET', 'PUT'];
    if (chance(0.2)) f.headers = { [headerName()]: Array.from({ length: count(2) }, headerValue), ...(chance(0.2) ? { v: ['a'] } : {}) };
    if (chance(0.1)) f.snis = [sni()];
    if (chance(0.3)) f.regex_priority = Math.floor(r() * 5) - 1;
    if (chance(0.03)) f.protocols = ['tcp'];
    else if (chance(0.1)) f.protocols = pick([['https'], ['ws', 'wss'], ['grpc', 'grpcs']]);
    if (!f.paths && !f.hosts?.length && !f.methods && !f.headers) f.paths = ['/'];
    if (samples.length === 0) samples.push(prefix());
    return { route: route(`r${ids.size}`, f), samples };
  }

  /** A request aimed at `a`, then bent one way or another. */
  function requestFor(a: Aimed | null): MatchRequest {
    const rt = a?.route;
    let path = a ? pick(a.samples) : `${prefix()}${chance(0.3) ? String(Math.floor(r() * 100)) : ''}`;
    if (chance(0.15)) path = path.replace(/[a-z]/g, (c) => (chance(0.5) ? c.toUpperCase() : c));
    if (chance(0.1)) path = path.slice(0, Math.max(1, Math.floor(r() * path.length)));
    if (chance(0.1)) path += pick(['/', '/more', '9']);
    const hosts = rt?.hosts?.length ? rt.hosts : null;
    const hostValue = hosts && chance(0.85) ? sampleHost(pick(hosts)) : chance(0.5) ? sampleHost(host()) : pick(['', 'other.net', 'other.net:9000']);
    const method = rt?.methods && chance(0.85) ? pick(rt.methods) : pick(['GET', 'POST', 'DELETE']);
    const headers: Record<string, string | string[]> = {};
    if (rt?.headers && chance(0.85)) {
      for (const [name, values] of Object.entries(rt.headers)) {
        const v = pick(values);
        const value = v.startsWith('~*') ? pick(['t3', 'mobile-x', 'MOBILE-1', 'nope']) : chance(0.2) ? v.toUpperCase() : v;
        headers[pick([name.toLowerCase().replace(/_/g, '-'), name.toLowerCase().replace(/-/g, '_')])] = chance(0.2) ? ['zzz', value] : value;
      }
    } else if (chance(0.3)) headers[headerName().toLowerCase()] = headerValue().replace('~*', '');
    const https = chance(rt?.snis ? 0.8 : 0.3);
    const sniValue = rt?.snis && chance(0.7) ? sampleHost(rt.snis[0]!.replace(/\.$/, '')).replace(/:\d+$/, '') : pick(['other', 'a.s1.com', 's1.com']);
    return request({ path, host: hostValue, method, headers, scheme: https ? 'https' : 'http', sni: https ? sniValue : null, port: pick([8000, 8080, 9000]) });
  }

  return { aimed, requestFor, chance, pick };
}

/** Independent of the router: does the request carry what each attribute of the route demands (paths aside)? */
function accepts(rt: RouteLike, q: MatchRequest): string | null {
  if (rt.methods?.length && !rt.methods.includes(q.method)) return 'method';
  if (rt.hosts?.length) {
    const split = (h: string) => (/^[^[][^:]*:\d+$/.test(h) ? [h.slice(0, h.indexOf(':')), Number(h.slice(h.indexOf(':') + 1))] as const : [h, null] as const);
    const [name, ownPort] = split(q.host);
    const port = ownPort ?? q.port;
    const ok = rt.hosts.some((h) => {
      const [pattern, want] = split(h);
      if (want !== null && want !== port) return false;
      if (pattern.startsWith('*')) return name.endsWith(pattern.slice(1));
      if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
      return name === pattern;
    });
    if (!ok) return 'host';
  }
  if (rt.snis?.length && q.scheme === 'https') {
    const sni = q.sni ?? '';
    const ok = rt.snis.some((s) => (s.endsWith('*') ? sni.startsWith(s.slice(0, -1)) : s.replace(/\.$/, '').startsWith('*') ? sni.endsWith(s.replace(/\.$/, '').slice(1)) : sni === s.replace(/\.$/, '')));
    if (!ok) return 'sni';
  }
  for (const name of Object.keys(rt.headers ?? {})) {
    const lower = name.toLowerCase();
    if (q.headers[lower.replace(/-/g, '_')] === undefined && q.headers[lower.replace(/_/g, '-')] === undefined) return `header ${name}`;
  }
  return null;
}

t.test('differential on the mix: indexed == linear, and the winner accepts the request', async (t) => {
  const sizes: [routes: number, requests: number, seed: number][] = [
    [10, 400, 1],
    [10, 400, 2],
    [60, 1000, 3],
    [300, 2000, 4],
    [2000, 3000, 5],
  ];
  for (const [n, count, seed] of sizes) {
    const g = generator(seed * 7919, n);
    const aimed = Array.from({ length: n }, g.aimed);
    const routes = aimed.map((a) => a.route);
    const fast = buildRouter(routes);
    const slow = buildLinearRouter(routes);
    let mismatches = 0;
    let wrong = 0;
    let matched = 0;
    let onTarget = 0;
    for (let k = 0; k < count; k++) {
      const target = g.chance(0.8) ? g.pick(aimed) : null;
      const q = g.requestFor(target);
      const a = fast.match(q);
      const b = slow.match(q);
      if (b) matched++;
      if (target && b?.route === target.route) onTarget++;
      if (a?.route !== b?.route || a?.matchedPath !== b?.matchedPath || JSON.stringify(a?.captures) !== JSON.stringify(b?.captures)) {
        mismatches++;
        if (mismatches < 5) t.fail(`${n} routes, seed ${seed}: ${JSON.stringify(q)}: indexed ${a?.route.name} vs linear ${b?.route.name}`);
      }
      const why = a ? accepts(a.route, q) : null;
      if (why !== null) {
        wrong++;
        if (wrong < 5) t.fail(`${n} routes, seed ${seed}: ${JSON.stringify(q)} reached ${a!.route.name} without its ${why}`);
      }
    }
    t.equal(mismatches, 0, `${n} routes: ${count} requests agree (${matched} matched, ${onTarget} the route they aimed at)`);
    t.equal(wrong, 0, `${n} routes: no winner lacks an attribute it demands`);
    t.ok(matched > count / 3 && onTarget > count / 10, `${n} routes: enough hits to be meaningful`);
  }
});
