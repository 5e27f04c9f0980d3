/** The reference router: every matcher in priority order, tried one by one. Slow, obvious, and the oracle. */
import { compileMatchers, comparePriority, type Matcher, Probe, test } from './matcher.js';
import { isHttpSubsystemRoute } from './protocols.js';
import type { MatchRequest, RouteLike, RouteMatch, Router } from './types.js';

/** All matchers of the HTTP routes, sorted by priority, ranks assigned. */
export function sortedMatchers<R extends RouteLike>(routes: readonly R[]): Matcher<R>[] {
  const all: Matcher<R>[] = [];
  // Kong's http subsystem compiles routes with at least one http-subsystem protocol (Kong's kong/runloop/handler.lua new_router).
  for (const r of routes) if (isHttpSubsystemRoute(r.protocols)) all.push(...compileMatchers(r));
  all.sort(comparePriority);
  all.forEach((m, i) => {
    m.rank = i;
  });
  return all;
}

export function buildLinearRouter<R extends RouteLike>(routes: readonly R[]): Router<R> & { explain(req: MatchRequest): unknown } {
  const matchers = sortedMatchers(routes);
  const probe = new Probe();
  return {
    size: routes.length,
    match(req) {
      const p = probe.load(req);
      for (const m of matchers) {
        if (test(m, p)) return { route: m.route, matchedPath: p.matchedPath, captures: p.captures } satisfies RouteMatch<R>;
      }
      return null;
    },
    /**
     * Per matcher, in the order they are tried: its priority terms and, for each attribute it has, whether that
     * attribute alone matched. The order is Kong's documented one; Kong 3.x's effective 32-bit key differs (Kong's kong/router/transform.lua get_priority).
     */
    explain(req) {
      const p = new Probe().load(req);
      return matchers.map((m) => {
        const only = (part: Partial<Matcher<RouteLike>>) => test({ ...m, ...blank, ...part } as Matcher<RouteLike>, p);
        const checks: Record<string, boolean> = {};
        if (m.methods) checks.methods = only({ methods: m.methods });
        if (m.hosts) checks.hosts = only({ hosts: m.hosts });
        if (m.headers) checks.headers = only({ headers: m.headers });
        if (m.snis) checks.snis = only({ snis: m.snis });
        if (m.prefixes || m.regexes) checks.paths = only({ prefixes: m.prefixes, regexes: m.regexes });
        return {
          route: { id: m.route.id, name: m.route.name },
          paths: m.prefixes ?? (m.regexes ? m.route.paths?.filter((x) => x.startsWith('~')) ?? [] : null),
          priority: {
            rank: m.rank,
            match_weight: m.weight,
            plain_hosts_only: m.plainHostsOnly,
            header_count: m.headerCount,
            regex: m.isRegex,
            regex_priority: m.regexPriority,
            prefix_length: m.prefixLength,
            tie_break_id: m.tieBreakId,
          },
          checks,
          matched: Object.values(checks).every(Boolean),
        };
      });
    },
  };
}

const blank = { methods: null, hosts: null, headers: null, snis: null, prefixes: null, regexes: null };
