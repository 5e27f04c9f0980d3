/**
 * One compiled matcher per route and path group. Kong splits a route whose paths differ in kind (regex vs
 * prefix) or in byte length, so each group gets its own priority (Kong's kong/router/transform.lua get_priority). Everything a request test
 * needs is computed here, at load time.
 */
import { routerHostPort } from './host-port.js';
import { asciiLower, compileHeaderRegex, compileRegexPath } from './regex.js';
import { splitRouteId } from './split-id.js';
import type { MatchRequest, RouteLike } from './types.js';

/** 0 exact, 1 suffix (`*.a.com` → ".a.com"), 2 prefix (`a.*` → "a."). */
type HostKind = 0 | 1 | 2;

export interface HostRule {
  readonly kind: HostKind;
  readonly text: string;
  readonly port: number | null;
}

interface HeaderRule {
  /** Kong looks the header up as `x_y` first, then as `x-y` (underscores_in_headers is on). */
  readonly underscored: string;
  readonly dashed: string;
  readonly values: readonly string[];
  readonly regexes: readonly RegExp[];
}

export interface Matcher<R extends RouteLike> {
  readonly route: R;
  /** The route id, or the id Kong gives this split piece; compared last, larger first. */
  readonly tieBreakId: string;
  readonly hosts: readonly HostRule[] | null;
  readonly methods: ReadonlySet<string> | null;
  readonly headers: readonly HeaderRule[] | null;
  readonly snis: readonly HostRule[] | null;
  /** Prefix paths of one byte length, or null. */
  readonly prefixes: readonly string[] | null;
  readonly regexes: readonly RegExp[] | null;
  /** Priority terms, compared in this order, higher first (Kong's kong/router/transform.lua get_priority, the documented order). */
  readonly weight: number;
  readonly plainHostsOnly: boolean;
  readonly headerCount: number;
  readonly isRegex: boolean;
  readonly regexPriority: number;
  readonly prefixLength: number;
  /** Position in the global priority order (0 = tried first). */
  rank: number;
}

function hostRule(value: string): HostRule {
  const { host, port } = routerHostPort(value);
  if (host.startsWith('*')) return { kind: 1, text: host.slice(1), port };
  if (host.endsWith('*')) return { kind: 2, text: host.slice(0, -1), port };
  return { kind: 0, text: host, port };
}

/** Kong strips a trailing dot from exact and suffix SNIs (not from `x.*` ones) and never splits a port. */
function sniRule(sni: string): HostRule {
  if (sni.endsWith('*')) return { kind: 2, text: sni.slice(0, -1), port: null };
  const text = sni.length > 1 && sni.endsWith('.') ? sni.slice(0, -1) : sni;
  return text.startsWith('*') ? { kind: 1, text: text.slice(1), port: null } : { kind: 0, text, port: null };
}

function headerRule(name: string, values: readonly string[]): HeaderRule {
  const underscored = asciiLower(name).replace(/-/g, '_');
  const plain: string[] = [];
  const regexes: RegExp[] = [];
  for (const v of values) {
    if (v.startsWith('~*')) {
      const re = compileHeaderRegex(v.slice(2));
      // An invalid pattern is refused by config validation; if one gets here it simply never matches.
      if (typeof re !== 'string') regexes.push(re);
    } else plain.push(asciiLower(v));
  }
  return { underscored, dashed: underscored.replace(/_/g, '-'), values: plain, regexes };
}

const nonEmpty = <T>(v: readonly T[] | null | undefined): v is readonly T[] => v != null && v.length > 0;

const MAX_HEADER_COUNT = 255;
const PREFIX_LENGTH_MASK = 0x7ffff;

/** The route's matchers: one per path group (all regexes together, prefixes by byte length), or one without paths. */
export function compileMatchers<R extends RouteLike>(route: R): Matcher<R>[] {
  const hosts = nonEmpty(route.hosts) ? route.hosts.map(hostRule) : null;
  const methods = nonEmpty(route.methods) ? new Set(route.methods) : null;
  const headerNames = route.headers ? Object.keys(route.headers) : [];
  const headers = headerNames.length > 0 ? headerNames.map((n) => headerRule(n, route.headers![n]!)) : null;
  const snis = nonEmpty(route.snis) ? route.snis.map(sniRule) : null;
  const paths = nonEmpty(route.paths) ? route.paths : null;
  const weight = (hosts ? 1 : 0) + (methods ? 1 : 0) + (headers ? 1 : 0) + (snis ? 1 : 0) + (paths ? 1 : 0);
  const common: Common = {
    hosts,
    methods,
    headers,
    snis,
    weight,
    // Kong: a hosts list without `*` (even an empty one) sets the plain-host bit.
    plainHostsOnly: route.hosts != null && route.hosts.every((h) => !h.includes('*')),
    headerCount: Math.min(headerNames.length, MAX_HEADER_COUNT),
  };
  const id = route.id.toLowerCase();
  if (paths === null) return [matcher(route, common, id, null, null, 0, 0)];
  // Group key: -1 for regexes, else the byte length (Lua's `#path`); groups numbered by first appearance.
  const groups = new Map<number, string[]>();
  for (const p of paths) {
    const key = p.startsWith('~') ? -1 : Buffer.byteLength(p);
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  const out: Matcher<R>[] = [];
  let groupNumber = 0;
  for (const [key, list] of groups) {
    groupNumber++;
    const tieBreakId = groups.size === 1 ? id : splitRouteId(route.id, groupNumber);
    if (key === -1) {
      const regexes: RegExp[] = [];
      for (const p of list) {
        const re = compileRegexPath(p.slice(1));
        if (typeof re !== 'string') regexes.push(re);
      }
      out.push(matcher(route, common, tieBreakId, null, regexes, route.regex_priority, 0));
    } else {
      out.push(matcher(route, common, tieBreakId, list, null, 0, key & PREFIX_LENGTH_MASK));
    }
  }
  return out;
}

/** What a route's matchers share. */
type Common = Pick<Matcher<RouteLike>, 'hosts' | 'methods' | 'headers' | 'snis' | 'weight' | 'plainHostsOnly' | 'headerCount'>;

/** Every matcher built by one literal, so all share one shape (object spread made building 100 000 routes 2.5× slower). */
function matcher<R extends RouteLike>(
  route: R,
  c: Common,
  tieBreakId: string,
  prefixes: readonly string[] | null,
  regexes: readonly RegExp[] | null,
  regexPriority: number,
  prefixLength: number,
): Matcher<R> {
  return {
    route,
    tieBreakId,
    hosts: c.hosts,
    methods: c.methods,
    headers: c.headers,
    snis: c.snis,
    prefixes,
    regexes,
    weight: c.weight,
    plainHostsOnly: c.plainHostsOnly,
    headerCount: c.headerCount,
    isRegex: regexes !== null,
    regexPriority,
    prefixLength,
    rank: 0,
  };
}

/** Higher priority first; equal priority → larger id first (ATC iterates (priority, UUID) in reverse). */
export function comparePriority(a: Matcher<RouteLike>, b: Matcher<RouteLike>): number {
  return (
    b.weight - a.weight ||
    Number(b.plainHostsOnly) - Number(a.plainHostsOnly) ||
    b.headerCount - a.headerCount ||
    Number(b.isRegex) - Number(a.isRegex) ||
    b.regexPriority - a.regexPriority ||
    b.prefixLength - a.prefixLength ||
    (a.tieBreakId < b.tieBreakId ? 1 : a.tieBreakId > b.tieBreakId ? -1 : 0)
  );
}

/**
 * Request values computed once per request, and the path part of the last successful test. Each router owns
 * one and reuses it: matching is synchronous, so no request ever sees another's values.
 */
export class Probe {
  req: MatchRequest = EMPTY_REQUEST;
  host = '';
  port = 0;
  matchedPath: string | null = null;
  captures: Record<string, string> | null = null;

  load(req: MatchRequest): this {
    this.req = req;
    const raw = req.host;
    const colon = raw.indexOf(':');
    if (colon < 0) {
      this.host = raw;
      this.port = req.port;
    } else {
      const { host, port } = routerHostPort(raw);
      this.host = host;
      this.port = port ?? req.port;
    }
    return this;
  }
}

const EMPTY_REQUEST: MatchRequest = { method: '', host: '', path: '', headers: {}, sni: null, scheme: 'http', port: 0 };

function hostMatches(rules: readonly HostRule[], host: string, port: number): boolean {
  for (const r of rules) {
    if (r.port !== null && r.port !== port) continue;
    if (r.kind === 0 ? host === r.text : r.kind === 1 ? host.endsWith(r.text) : host.startsWith(r.text)) return true;
  }
  return false;
}

function headerMatches(rule: HeaderRule, headers: MatchRequest['headers']): boolean {
  let value = headers[rule.underscored];
  if (value === undefined && rule.dashed !== rule.underscored) value = headers[rule.dashed];
  if (value === undefined) return false;
  if (typeof value === 'string') return headerValueMatches(rule, value.toLowerCase());
  for (const v of value) if (headerValueMatches(rule, v.toLowerCase())) return true;
  return false;
}

function headerValueMatches(rule: HeaderRule, v: string): boolean {
  if (rule.values.includes(v)) return true;
  for (const re of rule.regexes) if (re.test(v)) return true;
  return false;
}

/** Tests one matcher; on success the probe holds what the path part matched. */
export function test(m: Matcher<RouteLike>, p: Probe): boolean {
  const req = p.req;
  if (m.methods !== null && !m.methods.has(req.method)) return false;
  if (m.hosts !== null && !hostMatches(m.hosts, p.host, p.port)) return false;
  // Kong: `net.protocol != "https" || tls.sni == …` — SNIs only count on https requests.
  if (m.snis !== null && req.scheme === 'https' && (req.sni === null || !hostMatches(m.snis, req.sni, -1))) return false;
  if (m.headers !== null) {
    for (const rule of m.headers) if (!headerMatches(rule, req.headers)) return false;
  }
  if (m.prefixes !== null) {
    for (const prefix of m.prefixes) {
      if (req.path.startsWith(prefix)) {
        p.matchedPath = prefix;
        p.captures = null;
        return true;
      }
    }
    return false;
  }
  if (m.regexes !== null) {
    for (const re of m.regexes) {
      re.lastIndex = 0;
      const r = re.exec(req.path);
      if (r === null) continue;
      p.matchedPath = r[0];
      p.captures = r.length > 1 ? captures(r) : null;
      return true;
    }
    return false;
  }
  p.matchedPath = null;
  p.captures = null;
  return true;
}

/** Kong's uri_captures: `0` and every group that took part, plus named ones; none unless a group took part. */
function captures(r: RegExpExecArray): Record<string, string> | null {
  let any = false;
  const out: Record<string, string> = { 0: r[0] };
  for (let i = 1; i < r.length; i++) {
    const v = r[i];
    if (v !== undefined) {
      out[i] = v;
      any = true;
    }
  }
  if (!any) return null;
  if (r.groups) for (const k in r.groups) if (r.groups[k] !== undefined) out[k] = r.groups[k];
  return out;
}
