/**
 * The request-path router. Each matcher goes into at most one index, chosen at load time:
 *  - plain (non-wildcard) hosts → a Map by host name;
 *  - otherwise prefix paths → a Map by the full prefix, probed only at the prefix lengths that exist;
 *  - everything else (regex paths, wildcard hosts, method/header-only routes) → tried on every request.
 * Candidates from the three sources are merged by global rank, so the first full match is exactly what the
 * linear router returns; the cost depends on the candidates, not on the number of routes.
 */
import { type Matcher, Probe, test } from './matcher.js';
import { sortedMatchers } from './linear.js';
import type { RouteLike, RouteMatch, Router } from './types.js';

type List<R extends RouteLike> = readonly Matcher<R>[];

function push<R extends RouteLike>(index: Map<string, Matcher<R>[]>, key: string, m: Matcher<R>): void {
  const list = index.get(key);
  if (!list) index.set(key, [m]);
  else if (list[list.length - 1] !== m) list.push(m); // matchers arrive in rank order: lists stay sorted
}

export function buildRouter<R extends RouteLike>(routes: readonly R[]): Router<R> {
  const matchers = sortedMatchers(routes);
  const byHost = new Map<string, Matcher<R>[]>();
  const byPrefix = new Map<string, Matcher<R>[]>();
  const always: Matcher<R>[] = [];
  const lengths = new Set<number>();
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
  // Longest first (any order works: the merge below goes by rank).
  const prefixLengths = Int32Array.from([...lengths].sort((a, b) => b - a));
  // Scratch reused by every request: match() is synchronous.
  const probe = new Probe();
  const lists: List<R>[] = [];
  const pos: number[] = [];

  function first(list: List<R>): RouteMatch<R> | null {
    for (const m of list) if (test(m, probe)) return { route: m.route, matchedPath: probe.matchedPath, captures: probe.captures };
    return null;
  }

  return {
    size: routes.length,
    match(req) {
      probe.load(req);
      lists.length = 0;
      const hostList = byHost.get(probe.host);
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
      if (n === 1) return first(lists[0]!);
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
        if (test(m, probe)) return { route: m.route, matchedPath: probe.matchedPath, captures: probe.captures };
      }
    },
  };
}
