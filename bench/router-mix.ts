/** The router bench's route mix and the requests aimed at it (bench/router.ts). */
import type { MatchRequest, RouteLike } from '../src/router/types.js';

export const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function route(i: number, fields: Partial<RouteLike>): RouteLike {
  return { id: uuid(i), name: `r${i}`, protocols: ['http', 'https'], methods: null, hosts: null, paths: null, headers: null, snis: null, regex_priority: 0, ...fields };
}

/** Route i of the mix; kinds 0–4 are regex paths (half the routes). */
function mixRoute(i: number): RouteLike {
  switch (i % 10) {
    case 0:
      return route(i, { paths: [`~/api/v${i % 7}/svc${i}/items/(?<id>\\d+)$`], methods: ['GET'] });
    case 1:
      return route(i, { paths: [`~/users/${i}/(orders|carts)/\\d+`], hosts: [`svc${i}.example.com`] });
    case 2:
      return route(i, { paths: [`~/(?i)shop${i}/item-\\d+`] });
    case 3:
      return route(i, { paths: [`~/files/${i}/.*\\.(png|jpg)$`], hosts: [`*.t${i}.example.com`] });
    case 4:
      return route(i, { paths: [`~/svc${i}(/v\\d+)?/status`], headers: { 'x-tenant': [`t${i}`] } });
    case 5:
      return route(i, { paths: [`/svc${i}/`], hosts: [`svc${i}.example.com:8443`] });
    case 6:
      return route(i, { paths: [`/static${i}`], hosts: [`tenant${i}.*`] });
    case 7:
      return route(i, { paths: [`/orders${i}`], methods: ['POST'], snis: [`svc${i}.example.com`], protocols: ['https'] });
    case 8:
      return route(i, { paths: [`/api/v${i % 7}/p${i}`], headers: { 'x-version': [`v${i % 3}`] } });
    default:
      return route(i, { hosts: [`h${i}.example.com`] });
  }
}

/** Routes whose count does not grow with the config: every request has to consider them. */
function fixedRoutes(n: number): RouteLike[] {
  return [
    route(n, { paths: ['/'] }),
    route(n + 1, { headers: { 'x-debug': ['1'] } }),
    route(n + 2, { paths: ['~/(?:health|ready)z?$'] }),
  ];
}

export function mixRoutes(n: number): RouteLike[] {
  const out: RouteLike[] = [];
  for (let i = 0; i < n - 3; i++) out.push(mixRoute(i));
  return out.concat(fixedRoutes(n));
}

function req(fields: Partial<MatchRequest>): MatchRequest {
  return { method: 'GET', host: 'www.example.com', path: '/', headers: {}, sni: null, scheme: 'http', port: 8000, ...fields };
}

/** A request aimed at route i; every fifth one is off by one attribute (method, port, header…) and falls through. */
function mixRequest(i: number, k: number): MatchRequest {
  const miss = k % 5 === 4;
  switch (i % 10) {
    case 0:
      return req({ path: `/api/v${i % 7}/svc${i}/items/${k}`, method: miss ? 'DELETE' : 'GET' });
    case 1:
      return req({ path: `/users/${i}/${k % 2 ? 'orders' : 'carts'}/${k}`, host: miss ? 'other.example.com' : `svc${i}.example.com` });
    case 2:
      return req({ path: `/${k % 2 ? 'SHOP' : 'Shop'}${i}/item-${miss ? 'x' : k}` });
    case 3:
      return req({ path: `/files/${i}/a/b.${miss ? 'gif' : 'png'}`, host: `cdn.t${i}.example.com` });
    case 4:
      return req({ path: `/svc${i}/v2/status`, headers: { 'x-tenant': miss ? 'nobody' : `t${i}` } });
    case 5:
      return req({ path: `/svc${i}/orders/${k}`, host: `svc${i}.example.com:${miss ? 8000 : 8443}` });
    case 6:
      return req({ path: `/static${i}/app.js`, host: `tenant${i}.example.org` });
    case 7:
      return req({ path: `/orders${i}/${k}`, method: 'POST', scheme: 'https', sni: miss ? 'other.example.com' : `svc${i}.example.com` });
    case 8:
      return req({ path: `/api/v${i % 7}/p${i}/x`, headers: { 'x-version': `v${miss ? 9 : i % 3}` } });
    default:
      return req({ path: `/anything/${k}`, host: `h${i}.example.com` });
  }
}

/** The routes `count` requests aim at: `targets` routes spread evenly over the mix (all when targets ≥ routes). */
export function mixTargets(n: number, count: number, targets: number): number[] {
  const routes = n - 3;
  const spread = Math.min(targets, routes);
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const t = (k * 7919) % spread;
    // Evenly spaced, then moved within its ten so every kind of route is aimed at equally often.
    const base = Math.floor((t * routes) / spread);
    out.push(Math.min(routes - 1, base - (base % 10) + (t % 10)));
  }
  return out;
}

export const mixRequests = (targets: readonly number[]): MatchRequest[] => targets.map(mixRequest);
