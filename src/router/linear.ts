/** The reference router: every matcher in priority order, tried one by one. Slow, obvious, and the oracle. */
import { compileMatchers, comparePriority, type Matcher, prepare, test } from './matcher.js';
import type { MatchRequest, RouteLike, RouteMatch, Router } from './types.js';

const HTTP = new Set(['http', 'https', 'grpc', 'grpcs']);

/** All matchers of the HTTP routes, sorted by priority, ranks assigned. */
export function sortedMatchers<R extends RouteLike>(routes: readonly R[]): Matcher<R>[] {
  const all: Matcher<R>[] = [];
  for (const r of routes) if (r.protocols.some((p) => HTTP.has(p))) all.push(...compileMatchers(r));
  all.sort(comparePriority);
  all.forEach((m, i) => {
    m.rank = i;
  });
  return all;
}

export function buildLinearRouter<R extends RouteLike>(routes: readonly R[]): Router<R> & { explain(req: MatchRequest): unknown } {
  const matchers = sortedMatchers(routes);
  return {
    size: routes.length,
    match(req) {
      const p = prepare(req);
      for (const m of matchers) {
        const hit = test(m, p);
        if (hit) return { route: m.route, matchedPath: hit.matchedPath, captures: hit.captures } satisfies RouteMatch<R>;
      }
      return null;
    },
    /** Per matcher, in priority order: which attributes it has and whether each one matched. */
    explain(req) {
      const p = prepare(req);
      return matchers.map((m) => {
        const only = (part: Partial<Matcher<RouteLike>>) => test({ ...m, ...blank, ...part } as Matcher<RouteLike>, p) !== null;
        const checks: Record<string, boolean> = {};
        if (m.methods) checks.methods = only({ methods: m.methods });
        if (m.hosts) checks.hosts = only({ hosts: m.hosts });
        if (m.headers) checks.headers = only({ headers: m.headers });
        if (m.snis) checks.snis = only({ snis: m.snis });
        if (m.prefixes || m.regexes) checks.paths = only({ prefixes: m.prefixes, regexes: m.regexes });
        return {
          route: { id: m.route.id, name: m.route.name },
          priority: {
            match_weight: m.weight,
            plain_hosts_only: m.plainHostsOnly,
            header_count: m.headerCount,
            regex: m.isRegex,
            regex_priority: m.regexPriority,
            prefix_length: m.prefixLength,
          },
          checks,
          matched: Object.values(checks).every(Boolean),
        };
      });
    },
  };
}

const blank = { methods: null, hosts: null, headers: null, snis: null, prefixes: null, regexes: null };
