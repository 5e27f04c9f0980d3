/**
 * The request-path router. At load time every matcher is filed by what a request must have to match it:
 *  - by host: each exact host under its name, each `*.a.com` under its suffix `.a.com`, each `a.*` under its
 *    prefix `a.`; a matcher without hosts (or with a host of no other shape) in the bucket every request reads;
 *  - within that bucket, by path literal in a radix tree: a prefix path under itself, a regex under the text
 *    every one of its matches starts with (Kong anchors regex paths at the start, regex-literal.ts), a
 *    case-insensitive one under that text lower-cased in a second tree, a matcher without paths under '' (a
 *    bucket of a few matchers is just their list: each is tested whole anyway).
 * A request reads the host buckets its Host can be in and, in each, the tree nodes along its path: the lists
 * found hold every matcher that can match. Each list is in rank order and they are merged by rank, so the first
 * full match (methods, ports, snis, headers and the path itself still tested) is exactly what the linear router
 * returns; the cost follows the candidates, not the number of routes.
 */
import { compileMatchers, comparePriority, type HostRule, type Matcher, Probe, test } from './matcher.js';
import { isHttpSubsystemRoute } from './protocols.js';
import { PathTrie } from './path-trie.js';
import { asciiLower } from './regex.js';
import { regexLiteral } from './regex-literal.js';
import type { RouteLike, RouteMatch, Router } from './types.js';

type List<R extends RouteLike> = readonly Matcher<R>[];

/** Up to this many matchers a bucket is one list, each tested whole: cheaper than walking a tree for them. */
const FEW = 8;

class PathIndex<R extends RouteLike> {
  private few: Matcher<R>[] | null = [];
  private exact: PathTrie<Matcher<R>> | null = null;
  private folded: PathTrie<Matcher<R>> | null = null;

  get folds(): boolean {
    return this.folded !== null;
  }

  add(m: Matcher<R>): void {
    const few = this.few;
    if (few === null) return this.file(m);
    if (few[few.length - 1] !== m) few.push(m);
    if (few.length <= FEW) return;
    this.few = null;
    for (const x of few) this.file(x);
  }

  /** Under each path literal: a prefix under itself, a regex under its literal, no paths under ''. */
  private file(m: Matcher<R>): void {
    const exact = (this.exact ??= new PathTrie());
    if (m.prefixes !== null) for (const p of m.prefixes) exact.add(p, m);
    else if (m.regexes !== null) {
      // A matcher whose regexes all failed to compile has no key: it can never match.
      for (const re of m.regexes) {
        const literal = regexLiteral(re);
        (literal.folded ? (this.folded ??= new PathTrie()) : exact).add(literal.text, m);
      }
    } else exact.add('', m);
  }

  collect(path: string, lowered: string, out: List<R>[]): void {
    if (this.few !== null) {
      if (this.few.length > 0) out.push(this.few);
      return;
    }
    this.exact!.collect(path, out);
    this.folded?.collect(lowered, out);
  }
}

function bucket<R extends RouteLike>(map: Map<string, PathIndex<R>>, key: string): PathIndex<R> {
  let index = map.get(key);
  if (index === undefined) map.set(key, (index = new PathIndex()));
  return index;
}

/** Which key lengths a map holds, as flags by length. */
function keyLengths(map: ReadonlyMap<string, unknown>): Uint8Array {
  let longest = 0;
  for (const key of map.keys()) longest = Math.max(longest, key.length);
  const lengths = new Uint8Array(longest + 1);
  for (const key of map.keys()) lengths[key.length] = 1;
  return lengths;
}

/** Routes compiled or filed between two yields of buildRouterSteps. */
const STEP = 500;

export function buildRouter<R extends RouteLike>(routes: readonly R[]): Router<R> {
  const steps = buildRouterSteps(routes);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * buildRouter in steps: it yields every few hundred routes, so a caller can let its event loop serve between
 * them (a reload of 100 000 routes would otherwise hold it for seconds). Same result as sortedMatchers + filing.
 */
export function* buildRouterSteps<R extends RouteLike>(routes: readonly R[]): Generator<void, Router<R>> {
  const matchers: Matcher<R>[] = [];
  // Kong's http subsystem compiles routes with at least one http-subsystem protocol (Kong's kong/runloop/handler.lua new_router).
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i]!;
    if (isHttpSubsystemRoute(r.protocols)) for (const m of compileMatchers(r)) matchers.push(m);
    if (i % STEP === STEP - 1) yield;
  }
  matchers.sort(comparePriority);
  for (let i = 0; i < matchers.length; i++) matchers[i]!.rank = i;
  yield;
  const anyHost = new PathIndex<R>();
  const byHost = new Map<string, PathIndex<R>>();
  const bySuffix = new Map<string, PathIndex<R>>();
  const byPrefix = new Map<string, PathIndex<R>>();
  const hostBucket = (rule: HostRule): PathIndex<R> => {
    if (rule.kind === 0) return bucket(byHost, rule.text);
    // A suffix starts at a dot of the Host, a prefix ends at one: the request probes only its dots. Validation
    // only lets `*.` and `.*` through; any other shape is read by every request.
    if (rule.kind === 1 && rule.text.startsWith('.')) return bucket(bySuffix, rule.text);
    if (rule.kind === 2 && rule.text.endsWith('.')) return bucket(byPrefix, rule.text);
    return anyHost;
  };
  // Matchers arrive in rank order, so every list in every tree is in rank order too.
  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i]!;
    if (m.hosts === null) anyHost.add(m);
    else for (const rule of m.hosts) hostBucket(rule).add(m);
    if (i % STEP === STEP - 1) yield;
  }
  const folding = [anyHost, ...byHost.values(), ...bySuffix.values(), ...byPrefix.values()].some((x) => x.folds);
  // The lengths wildcard keys have: a Host probes only the dots that cut a piece of such a length.
  const suffixLengths = keyLengths(bySuffix);
  const prefixLengths = keyLengths(byPrefix);
  const wildcards = bySuffix.size > 0 || byPrefix.size > 0;
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
      const path = req.path;
      const lowered = folding ? asciiLower(path) : path;
      anyHost.collect(path, lowered, lists);
      const host = probe.host;
      byHost.get(host)?.collect(path, lowered, lists);
      if (wildcards) {
        for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
          if (suffixLengths[host.length - dot] === 1) bySuffix.get(host.slice(dot))?.collect(path, lowered, lists);
          if (prefixLengths[dot + 1] === 1) byPrefix.get(host.slice(0, dot + 1))?.collect(path, lowered, lists);
        }
      }
      const n = lists.length;
      if (n === 0) return null;
      if (n === 1) return first(lists[0]!);
      for (let i = 0; i < n; i++) pos[i] = 0;
      // k-way merge by rank; a matcher filed under several keys comes out once per list, back to back.
      let last = -1;
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
        if (bestRank === last) continue;
        last = bestRank;
        if (test(m, probe)) return { route: m.route, matchedPath: probe.matchedPath, captures: probe.captures };
      }
    },
  };
}
