/**
 * One compiled matcher per route and path group (Kong splits a route whose paths differ in kind or length,
 * so each group gets its own priority), with everything the request test needs precomputed.
 */
import { compileRegexPath } from './regex.js';
import type { MatchRequest, RouteLike } from './types.js';

interface HostRule {
  /** 0 exact, 1 suffix (`*.a.com` → ".a.com"), 2 prefix (`a.*` → "a."). */
  readonly kind: 0 | 1 | 2;
  readonly text: string;
  readonly port: number | null;
}

interface HeaderRule {
  readonly name: string;
  readonly values: readonly string[];
  readonly regexes: readonly RegExp[];
}

export interface Matcher<R extends RouteLike> {
  readonly route: R;
  readonly hosts: readonly HostRule[] | null;
  readonly methods: ReadonlySet<string> | null;
  readonly headers: readonly HeaderRule[] | null;
  readonly snis: readonly HostRule[] | null;
  /** Prefix paths of one length, or null. */
  readonly prefixes: readonly string[] | null;
  readonly regexes: readonly RegExp[] | null;
  /** Priority, compared field by field, higher first (spec §5.4, documented order). */
  readonly weight: number;
  readonly plainHostsOnly: boolean;
  readonly headerCount: number;
  readonly isRegex: boolean;
  readonly regexPriority: number;
  readonly prefixLength: number;
  /** All priority fields packed in one number (higher first), so sorting compares one value. */
  readonly key: number;
  /** Position in the global priority order (0 = tried first). */
  rank: number;
}

const SPAN = 2 ** 21;

/** weight (3 bits) · plain hosts (1) · header count (8) · regex (1) · regex_priority or prefix length (21). */
function packKey(weight: number, plain: boolean, headers: number, isRegex: boolean, regexPriority: number, length: number): number {
  const tail = isRegex
    ? Math.min(Math.max(regexPriority + SPAN / 2, 0), SPAN - 1)
    : Math.min(length, SPAN - 1);
  return (((weight * 2 + (plain ? 1 : 0)) * 256 + Math.min(headers, 255)) * 2 + (isRegex ? 1 : 0)) * SPAN + tail;
}

function hostRule(h: string): HostRule {
  let name = h;
  let port: number | null = null;
  const colon = h.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(h.slice(colon + 1)) && !h.endsWith(']')) {
    port = Number(h.slice(colon + 1));
    name = h.slice(0, colon);
  }
  if (name.startsWith('*')) return { kind: 1, text: name.slice(1), port };
  if (name.endsWith('*')) return { kind: 2, text: name.slice(0, -1), port };
  return { kind: 0, text: name, port };
}

const nonEmpty = <T>(v: readonly T[] | null | undefined): v is readonly T[] => v != null && v.length > 0;

/** The route's matchers: one per path group, or one without paths. */
export function compileMatchers<R extends RouteLike>(route: R): Matcher<R>[] {
  const hosts = nonEmpty(route.hosts) ? route.hosts.map(hostRule) : null;
  const methods = nonEmpty(route.methods) ? new Set(route.methods) : null;
  const headerNames = route.headers ? Object.keys(route.headers) : [];
  const headers =
    headerNames.length > 0
      ? headerNames.map((n) => {
          const vals = route.headers![n]!;
          return {
            name: n.toLowerCase(),
            values: vals.filter((v) => !v.startsWith('~*')).map((v) => v.toLowerCase()),
            regexes: vals.filter((v) => v.startsWith('~*')).map((v) => new RegExp(v.slice(2).toLowerCase())),
          };
        })
      : null;
  const snis = nonEmpty(route.snis) ? route.snis.map((s) => hostRule(s.endsWith('.') ? s.slice(0, -1) : s)) : null;
  const weight =
    (hosts ? 1 : 0) + (methods ? 1 : 0) + (headers ? 1 : 0) + (snis ? 1 : 0) + (nonEmpty(route.paths) ? 1 : 0);
  const plainHostsOnly = hosts !== null && hosts.every((h) => h.kind === 0);
  const base = { route, hosts, methods, headers, snis, weight, plainHostsOnly, headerCount: headerNames.length, rank: 0 };
  const key = (isRegex: boolean, regexPriority: number, length: number) =>
    packKey(weight, plainHostsOnly, headerNames.length, isRegex, regexPriority, length);
  if (!nonEmpty(route.paths)) {
    return [{ ...base, prefixes: null, regexes: null, isRegex: false, regexPriority: 0, prefixLength: 0, key: key(false, 0, 0) }];
  }
  const out: Matcher<R>[] = [];
  const regexes: RegExp[] = [];
  const byLength = new Map<number, string[]>();
  for (const p of route.paths) {
    if (p.startsWith('~')) {
      const re = compileRegexPath(p.slice(1));
      if (typeof re !== 'string') regexes.push(re);
    } else {
      const list = byLength.get(p.length);
      if (list) list.push(p);
      else byLength.set(p.length, [p]);
    }
  }
  if (regexes.length > 0) {
    out.push({
      ...base,
      prefixes: null,
      regexes,
      isRegex: true,
      regexPriority: route.regex_priority,
      prefixLength: 0,
      key: key(true, route.regex_priority, 0),
    });
  }
  for (const [len, prefixes] of byLength) {
    out.push({ ...base, prefixes, regexes: null, isRegex: false, regexPriority: 0, prefixLength: len, key: key(false, 0, len) });
  }
  return out;
}

/** Higher priority first; equal priority → larger route id first (Kong: UUID descending). */
export function comparePriority(a: Matcher<RouteLike>, b: Matcher<RouteLike>): number {
  return b.key - a.key || (a.route.id < b.route.id ? 1 : a.route.id > b.route.id ? -1 : 0);
}

/** Request-side values computed once per request and shared by every matcher tested. */
export interface Prepared {
  readonly req: MatchRequest;
  readonly host: string;
  readonly port: number;
}

export function prepare(req: MatchRequest): Prepared {
  let host = req.host;
  let port = req.port;
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !host.endsWith(']')) {
    const p = host.slice(colon + 1);
    if (p !== '' && /^\d+$/.test(p)) {
      port = Number(p);
      host = host.slice(0, colon);
    }
  }
  return { req, host, port };
}

function hostMatches(rules: readonly HostRule[], host: string, port: number): boolean {
  for (const r of rules) {
    if (r.port !== null && r.port !== port) continue;
    if (r.kind === 0 ? host === r.text : r.kind === 1 ? host.endsWith(r.text) && host.length > r.text.length : host.startsWith(r.text) && host.length > r.text.length) {
      return true;
    }
  }
  return false;
}

function headerMatches(rule: HeaderRule, value: string | string[] | undefined): boolean {
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

export interface PathHit {
  matchedPath: string | null;
  captures: Record<string, string> | null;
}

const NO_PATH: PathHit = Object.freeze({ matchedPath: null, captures: null });

/** Tests one matcher; returns what the path part matched, or null. */
export function test(m: Matcher<RouteLike>, p: Prepared): PathHit | null {
  const req = p.req;
  if (m.methods !== null && !m.methods.has(req.method)) return null;
  if (m.hosts !== null && !hostMatches(m.hosts, p.host, p.port)) return null;
  if (m.snis !== null && req.scheme === 'https') {
    const sni = req.sni;
    if (sni === null || !hostMatches(m.snis, sni.endsWith('.') ? sni.slice(0, -1) : sni, -1)) return null;
  }
  if (m.headers !== null) {
    for (const rule of m.headers) if (!headerMatches(rule, req.headers[rule.name])) return null;
  }
  if (m.prefixes !== null) {
    for (const prefix of m.prefixes) if (req.path.startsWith(prefix)) return { matchedPath: prefix, captures: null };
    return null;
  }
  if (m.regexes !== null) {
    for (const re of m.regexes) {
      const r = re.exec(req.path);
      if (r === null) continue;
      return { matchedPath: r[0], captures: r.length > 1 || r.groups ? captures(r) : null };
    }
    return null;
  }
  return NO_PATH;
}

function captures(r: RegExpExecArray): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < r.length; i++) if (r[i] !== undefined) out[i] = r[i]!;
  if (r.groups) for (const [k, v] of Object.entries(r.groups)) if (v !== undefined) out[k] = v;
  return out;
}
