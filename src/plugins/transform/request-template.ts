/**
 * request-transformer values may hold `$(...)` templates (Kong renders them with Penlight). sluice reads a
 * safe subset instead of running code: `$(headers.name)`, `$(headers["x-name"])`, `$(query_params.q)`,
 * `$(uri_captures[1])`, `$(uri_captures.name)`, `$(shared.key)`, each optionally `or "fallback"`. A missing
 * value renders as the empty string, as in Kong. Anything else is refused when the config is loaded.
 */
export interface TemplateEnv {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly query_params: Readonly<Record<string, string | readonly string[] | true | undefined>>;
  readonly uri_captures: Readonly<Record<string, string | undefined>>;
  readonly shared: Readonly<Record<string, unknown>>;
}

export type Template = (env: TemplateEnv) => string;

type Source = keyof TemplateEnv;
type Part = string | { readonly source: Source; readonly key: string; readonly fallback: string };

const SOURCES = new Set<string>(['headers', 'query_params', 'uri_captures', 'shared']);

// root, then `.name` or `["name"]` / `['name']` / `[1]`, then an optional `or <literal>`.
const EXPRESSION =
  /^\s*([a-z_]+)\s*(?:\.\s*([A-Za-z_][\w]*)|\[\s*(?:"([^"]*)"|'([^']*)'|(\d+))\s*\])\s*(?:or\s+(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?)))?\s*$/;

/** True when the value holds at least one `$(...)` expression and so needs rendering per request. */
export function hasTemplate(value: string): boolean {
  return findExpressions(value).length > 0;
}

/** Compiles a value; throws with Kong's "not in supported format" wording when an expression is outside the subset. */
export function compileTemplate(value: string): Template {
  const found = findExpressions(value);
  if (found.length === 0) return () => value;
  const parts: Part[] = [];
  let at = 0;
  for (const { start, end, inner } of found) {
    if (start > at) parts.push(value.slice(at, start));
    const m = EXPRESSION.exec(inner);
    if (!m || !SOURCES.has(m[1]!)) {
      throw new Error(`value '${value}' is not in supported format, error: sluice templates read headers, query_params, uri_captures or shared, got '$(${inner})'`);
    }
    parts.push({ source: m[1] as Source, key: m[2] ?? m[3] ?? m[4] ?? m[5]!, fallback: m[6] ?? m[7] ?? m[8] ?? '' });
    at = end;
  }
  if (at < value.length) parts.push(value.slice(at));
  return (env) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : (lookup(env, p.source, p.key) ?? p.fallback);
    return out;
  };
}

function lookup(env: TemplateEnv, source: Source, key: string): string | null {
  let v: unknown;
  if (source === 'headers') {
    // Kong's request header table forgives case and `_` for `-`.
    const k = key.toLowerCase();
    v = env.headers[k] ?? env.headers[k.replaceAll('_', '-')];
  } else {
    v = (env[source] as Record<string, unknown>)[key];
  }
  if (v === undefined || v === null || v === false) return null;
  if (Array.isArray(v)) return v.map(String).join(', ');
  return String(v);
}

/** `$(` … the matching `)`, as Penlight's balanced-parenthesis match finds them. */
function findExpressions(value: string): { start: number; end: number; inner: string }[] {
  const out: { start: number; end: number; inner: string }[] = [];
  let i = value.indexOf('$(');
  while (i >= 0) {
    let depth = 0;
    let j = i + 1;
    for (; j < value.length; j++) {
      if (value[j] === '(') depth++;
      else if (value[j] === ')' && --depth === 0) break;
    }
    if (j >= value.length) break; // unbalanced: the rest is plain text
    out.push({ start: i, end: j + 1, inner: value.slice(i + 2, j) });
    i = value.indexOf('$(', j + 1);
  }
  return out;
}
