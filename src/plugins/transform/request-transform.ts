import { parseQuery } from '../../pdk/request-body.js';
import { splitColonPair } from './colon-pair.js';
import { compileTemplate, type Template, type TemplateEnv } from './request-template.js';

type Part = 'body' | 'headers' | 'querystring';

/** request-transformer's config (Kong schema shape); absent lists mean nothing to do. */
export interface RequestTransformConfig {
  readonly http_method?: string | null;
  readonly remove?: Partial<Record<Part, readonly string[]>>;
  readonly rename?: Partial<Record<Part, readonly string[]>>;
  readonly replace?: Partial<Record<Part, readonly string[]>> & { readonly uri?: string | null };
  readonly add?: Partial<Record<Part, readonly string[]>>;
  readonly append?: Partial<Record<Part, readonly string[]>>;
}

export type QueryArgs = Record<string, string | string[] | true>;

/** What the plugin sees of the client request. `body` is read only when `needsBody` says so. */
export interface RequestInput {
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly query: Readonly<QueryArgs>;
  readonly body: string | null;
  readonly env: TemplateEnv;
}

/** What to change on the upstream request; absent fields stay as they are. */
export interface RequestChanges {
  method?: string;
  path?: string;
  setHeaders: Record<string, string | string[]>;
  clearHeaders: string[];
  query?: QueryArgs;
  body?: string;
}

export interface RequestTransform {
  /** Whether apply needs the raw body for a request with this Content-Type. */
  needsBody(contentType: string | null): boolean;
  apply(input: RequestInput): RequestChanges;
}

type Entry = { readonly name: string; readonly value: Template | null };
type Lists = Record<'remove' | 'rename' | 'replace' | 'add' | 'append', readonly Entry[]>;
type BodyKind = 'json' | 'form' | null;

const ACTIONS = ['remove', 'rename', 'replace', 'add', 'append'] as const;
const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'TRACE']);

/** Kong's content-type sniffing for request bodies (multipart is not transformed by sluice). */
export function requestBodyKind(contentType: string | null): BodyKind {
  const t = (contentType ?? '').toLowerCase();
  if (t.includes('application/json')) return 'json';
  if (t.includes('application/x-www-form-urlencoded')) return 'form';
  return null;
}

/** Templates compile here, once; Kong's order at request time: uri, method, headers, body, querystring. */
export function compileRequestTransform(config: RequestTransformConfig): RequestTransform {
  const lists = (part: Part): Lists => {
    const out = {} as Record<(typeof ACTIONS)[number], Entry[]>;
    for (const action of ACTIONS) {
      out[action] = (config[action]?.[part] ?? []).map((entry) => {
        const { name, value } = splitColonPair(entry);
        return { name, value: value === null ? null : compileTemplate(value) };
      });
    }
    return out;
  };
  const headers = lists('headers');
  const query = lists('querystring');
  const body = lists('body');
  const uri = config.replace?.uri ? compileTemplate(config.replace.uri) : null;
  const method = config.http_method ? config.http_method.toUpperCase() : null;
  const hasBody = ACTIONS.some((a) => body[a].length > 0);
  const hasQuery = ACTIONS.some((a) => query[a].length > 0);
  const bodyToQuery = method !== null && METHODS_WITHOUT_BODY.has(method);

  return {
    needsBody(contentType) {
      const kind = requestBodyKind(contentType);
      return (hasBody && kind !== null) || (bodyToQuery && kind === 'form');
    },
    apply(input) {
      const out: RequestChanges = { setHeaders: {}, clearHeaders: [] };
      if (uri !== null) {
        const path = uri(input.env);
        if (path !== '') out.path = path;
      }
      const contentType = first(input.headers['content-type']);
      const kind = requestBodyKind(contentType);
      let args: QueryArgs = cloneQuery(input.query);
      let argsChanged = false;
      if (method !== null) {
        out.method = method;
        // Kong: turning a form POST into a GET moves the form fields into the query string.
        if (bodyToQuery && kind === 'form' && input.body) {
          for (const [k, v] of Object.entries(parseQuery(input.body, 1000))) args[k] = mergeArg(args[k], v);
          argsChanged = true;
        }
      }
      transformHeaders(headers, input, out);
      if (hasBody && kind !== null) {
        const next = kind === 'json' ? transformJsonBody(body, input) : transformFormBody(body, input);
        if (next !== null) out.body = next;
      }
      if (hasQuery) {
        args = transformArgs(query, args, input.env);
        argsChanged = true;
      }
      if (argsChanged) out.query = args;
      return out;
    },
  };
}

function transformHeaders(lists: Lists, input: RequestInput, out: RequestChanges): void {
  // Work on a copy without Host: only replace may touch it (Kong).
  const h = Object.create(null) as Record<string, string | string[]>; // a header may be named `constructor`
  for (const k of Object.keys(input.headers)) {
    if (k === 'host') continue;
    const v = input.headers[k]!;
    h[k] = typeof v === 'string' ? v : [...v];
  }
  const removed = new Set<string>();
  for (const { name } of lists.remove) {
    const n = name.toLowerCase();
    if (h[n] !== undefined) {
      delete h[n];
      removed.add(n);
    }
  }
  for (const { name, value } of lists.rename) {
    if (value === null) continue;
    const from = name.toLowerCase();
    const to = value(input.env).toLowerCase();
    if (from === to || h[from] === undefined) continue;
    h[to] = h[from]!;
    delete h[from];
    removed.add(from);
    removed.delete(to);
  }
  let host: string | null = null;
  for (const { name, value } of lists.replace) {
    if (value === null) continue;
    const n = name.toLowerCase();
    if (n === 'host') host = value(input.env);
    else if (h[n] !== undefined) h[n] = value(input.env);
  }
  for (const { name, value } of lists.add) {
    const n = name.toLowerCase();
    if (value === null || n === 'host' || h[n] !== undefined) continue;
    h[n] = value(input.env);
    removed.delete(n);
  }
  for (const { name, value } of lists.append) {
    const n = name.toLowerCase();
    if (value === null || n === 'host') continue;
    h[n] = appendArg(h[n], value(input.env)) as string | string[];
    removed.delete(n);
  }
  for (const k of Object.keys(h)) {
    if (!sameValue(h[k]!, input.headers[k])) out.setHeaders[k] = h[k]!;
  }
  if (host !== null) out.setHeaders.host = host;
  out.clearHeaders.push(...removed);
}

function transformArgs(lists: Lists, args: QueryArgs, env: TemplateEnv): QueryArgs {
  for (const { name } of lists.remove) delete args[name];
  for (const { name, value } of lists.rename) {
    if (value === null) continue;
    const to = value(env);
    if (to === name || args[name] === undefined) continue;
    args[to] = args[name]!;
    delete args[name];
  }
  for (const { name, value } of lists.replace) if (value !== null && args[name] !== undefined) args[name] = value(env);
  for (const { name, value } of lists.add) if (value !== null && args[name] === undefined) args[name] = value(env);
  for (const { name, value } of lists.append) if (value !== null) args[name] = appendArg(args[name], value(env)) as string[];
  return args;
}

type BodyFields = Record<string, unknown>;

/**
 * The shared body rules (Kong): remove, rename and replace only act on a non-empty body; add and append
 * also fill an empty one. Returns whether anything was done (Kong re-encodes then, even for a no-op remove).
 */
function transformFields(lists: Lists, fields: BodyFields, nonEmpty: boolean, env: TemplateEnv, isSet: (v: unknown) => boolean): boolean {
  let touched = false;
  if (nonEmpty) {
    for (const { name } of lists.remove) {
      delete fields[name];
      touched = true;
    }
    for (const { name, value } of lists.rename) {
      if (value === null) continue;
      const to = value(env);
      if (to === name || !Object.hasOwn(fields, name) || !fields[name]) continue;
      fields[to] = fields[name];
      delete fields[name];
      touched = true;
    }
    for (const { name, value } of lists.replace) {
      if (value === null || !Object.hasOwn(fields, name) || !fields[name]) continue;
      fields[name] = value(env);
      touched = true;
    }
  }
  for (const { name, value } of lists.add) {
    if (value === null || (Object.hasOwn(fields, name) && isSet(fields[name]))) continue;
    fields[name] = value(env);
    touched = true;
  }
  for (const { name, value } of lists.append) {
    if (value === null) continue;
    fields[name] = appendArg(Object.hasOwn(fields, name) ? fields[name] : undefined, value(env));
    touched = true;
  }
  return touched;
}

function transformJsonBody(lists: Lists, input: RequestInput): string | null {
  const raw = input.body ?? '';
  let fields: unknown = {};
  if (raw.length > 0) {
    try {
      fields = JSON.parse(raw);
    } catch {
      return null; // Kong leaves a body it cannot decode alone
    }
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return null;
  const obj = Object.assign(Object.create(null) as BodyFields, fields);
  // Lua truthiness for add: false and absent both count as unset.
  return transformFields(lists, obj, raw.length > 0, input.env, (v) => v !== undefined && v !== false) ? JSON.stringify(obj) : null;
}

function transformFormBody(lists: Lists, input: RequestInput): string | null {
  const raw = input.body ?? '';
  const fields = Object.assign(Object.create(null) as BodyFields, parseQuery(raw, 1000));
  if (!transformFields(lists, fields, raw.length > 0, input.env, (v) => v !== undefined)) return null;
  return encodeForm(fields);
}

/** ngx.encode_args: repeated keys for arrays, a bare key for `true`. */
export function encodeForm(fields: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  for (const k of Object.keys(fields)) {
    const v = fields[k];
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one === true) parts.push(encodeURIComponent(k));
      else if (one !== false && one !== undefined && one !== null) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(one))}`);
    }
  }
  return parts.join('&');
}

/** Kong's append_value: a string becomes a pair, an array grows, anything else starts a new list. */
function appendArg(current: unknown, value: string): unknown[] {
  if (typeof current === 'string') return [current, value];
  if (Array.isArray(current)) return [...(current as unknown[]), value];
  return [value];
}

function mergeArg(current: string | string[] | true | undefined, value: string | string[] | true): string | string[] | true {
  if (current === undefined) return value;
  const add = Array.isArray(value) ? value : [String(value)];
  return [...(Array.isArray(current) ? current : [String(current)]), ...add];
}

function cloneQuery(q: Readonly<QueryArgs>): QueryArgs {
  const out = Object.create(null) as QueryArgs; // `constructor`, `__proto__` are arguments like any other
  for (const k of Object.keys(q)) {
    const v = q[k]!;
    out[k] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

function first(v: string | readonly string[] | undefined): string | null {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : (v[0] ?? null);
}

function sameValue(a: string | readonly string[], b: string | readonly string[] | undefined): boolean {
  if (b === undefined) return false;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
