/**
 * The request-path router. Each matcher goes into at most one index, chosen at load time:
 *  - plain (non-wildcard) hosts → a Map by host name;
 *  - otherwise prefix paths → a Map by the full prefix, probed only at the prefix lengths that exist;
 *  - everything else (regex paths, wildcard hosts, method/header-only routes) → tried on every request.
 * Candidates from the three sources are merged by global rank, so the first full match is exactly what the
 * linear router returns; the cost depends on the candidates, not on the number of routes.
 */
import { type Matcher, prepare, test } from './matcher.js';
import { sortedMatchers } from './linear.js';
import type { RouteLike, RouteMatch, Router } from './types.js';

type List<R extends RouteLike> = readonly Matcher<R>[];

export function buildRouter<R extends RouteLike>(routes: readonly R[]): Router<R> {
  const matchers = sortedMatchers(routes);
  const byHost = new Map<string, Matcher<R>[]>();
  const byPrefix = new Map<string, Matcher<R>[]>();
  const always: Matcher<R>[] = [];
  const lengths = new Set<number>();
  const push = (m: Map<string, Matcher<R>[]>, k: string, v: Matcher<R>) => {
    const list = m.get(k);
    if (list) {
      if (list[list.length - 1] !== v) list.push(v);
    } else m.set(k, [v]);
  };
  for (const m of matchers) {
    if (m.hosts !== null && m.plainHostsOnly) {
      for (const h of m.hosts) push(byHost, h.text, m);
    } else if (m.prefixes !== null) {
      for (const p of m.prefixes) {
        push(byPrefix, p, m);
        lengths.add(p.length);
      }
    } else always.push(m);
  }
  const prefixLengths = Int32Array.from([...lengths].sort((a, b) => b - a));
  // Scratch for the merge: requests are matched synchronously, so one set of buffers serves them all.
  const lists: List<R>[] = [];
  const pos: number[] = [];

  return {
    size: routes.length,
    match(req) {
      const p = prepare(req);
      lists.length = 0;
      const hostList = byHost.get(p.host);
      if (hostList) lists.push(hostList);
      const path = req.path;
      for (let i = 0; i < prefixLengths.length; i++) {
        const len = prefixLengths[i]!;
        if (len > path.length) continue;
        const list = byPrefix.get(len === path.length ? path : path.slice(0, len));
        if (list) lists.push(list);
      }
      if (always.length > 0) lists.push(always);
      const n = lists.length;
      if (n === 0) return null;
      if (n === 1) {
        for (const m of lists[0]!) {
          const hit = test(m, p);
          if (hit) return { route: m.route, matchedPath: hit.matchedPath, captures: hit.captures } satisfies RouteMatch<R>;
        }
        return null;
      }
      for (let i = 0; i < n; i++) pos[i] = 0;
      for (;;) {
        let best = -1;
        let bestRank = Number.MAX_SAFE_INTEGER;
        for (let i = 0; i < n; i++) {
          const m = lists[i]![pos[i]!];
          if (m !== undefined && m.rank < bestRank) {
            bestRank = m.rank;
            best = i;
          }
        }
        if (best < 0) return null;
        const m = lists[best]![pos[best]!]!;
        pos[best]!++;
        const hit = test(m, p);
        if (hit) return { route: m.route, matchedPath: hit.matchedPath, captures: hit.captures } satisfies RouteMatch<R>;
      }
    },
  };
}
