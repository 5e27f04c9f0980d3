/**
 * Per-record normalization after schema validation: Kong's shorthands (service `url`, upstream hash/algorithm),
 * sets without duplicates, timestamps, and every schema field present (absent = null).
 */
import type { TObject } from '@sinclair/typebox';
import { PROTOCOLS, urlDefaultPort } from '../schema/typedefs.js';
import type { FlatRow } from './flatten.js';
import type { Segment } from './parse.js';

export interface FieldProblem {
  readonly path: Segment[];
  /** The problem is the mapping key itself (unknown field): point at the key, not its value. */
  readonly key?: boolean;
  readonly message: string;
  readonly hint?: string;
}

const INPUT_ONLY = new Set(['_comment', '_ignore', 'url']);

interface FieldPlan {
  readonly key: string;
  readonly def: unknown;
  readonly isSet: boolean;
  /** A nested record schema whose own defaults apply (upstream healthchecks). */
  readonly nested: unknown;
}

/** Per entity, computed once: its fields in schema order, with defaults (normalizeRow runs for every record). */
const plans = new WeakMap<object, readonly FieldPlan[]>();

function planOf(schema: TObject): readonly FieldPlan[] {
  let plan = plans.get(schema);
  if (!plan) {
    const props = schema.properties as Record<string, Record<string, unknown>>;
    plan = Object.entries(props)
      .filter(([k]) => !INPUT_ONLY.has(k))
      .map(([key, s]) => ({ key, def: s.default, isSet: s['x-set'] === true, nested: s.properties ? s : null }));
    plans.set(schema, plan);
  }
  return plan;
}

/**
 * Rebuilds the record with every schema field, in schema order: absent → default or null, sets without
 * duplicates, input-only keys (`url`, `_comment`, nested children) dropped. One shape per entity also keeps
 * everything downstream fast.
 */
export function normalizeRow(row: FlatRow, now: number, problems: FieldProblem[]): void {
  const v = row.value;
  if (row.def.name === 'services') applyServiceUrl(row, problems);
  if (row.def.name === 'upstreams') applyUpstreamShorthands(v);
  if (row.def.name === 'routes') applyRouteSubschemaDefaults(v);
  const out: Record<string, unknown> = {};
  for (const f of planOf(row.def.fields)) {
    let x = v[f.key];
    if (x === undefined || x === null) x = f.def === undefined ? null : cloneDefault(f.def);
    else if (f.isSet && Array.isArray(x) && x.length > 1) x = dedupe(x);
    if (f.nested !== null && x !== null && typeof x === 'object' && !Array.isArray(x)) {
      applyDefaults(f.nested, x as Record<string, unknown>);
    }
    out[f.key] = x;
  }
  if (out.created_at === null && 'created_at' in out) {
    out.created_at = row.def.name === 'targets' ? now / 1000 : Math.floor(now / 1000);
  }
  if (out.updated_at === null && 'updated_at' in out) out.updated_at = out.created_at;
  row.value = out;
}

/** Fills JSON Schema `default`s into a value, recursing into nested records (Kong: defaulted records). */
export function applyDefaults(schema: unknown, value: Record<string, unknown>): void {
  const props = (schema as { properties?: Record<string, { default?: unknown; properties?: unknown }> }).properties;
  if (!props) return;
  for (const k in props) {
    const s = props[k]!;
    if (value[k] === undefined && s.default !== undefined) value[k] = cloneDefault(s.default);
    const child = value[k];
    if (s.properties && child && typeof child === 'object' && !Array.isArray(child)) {
      applyDefaults(s, child as Record<string, unknown>);
    }
  }
}

/** Defaults are shared schema values: hand out copies, cheaply for the common flat cases. */
function cloneDefault(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.slice();
  return JSON.parse(JSON.stringify(v)) as unknown;
}

function dedupe(list: unknown[]): unknown[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Kong: `url` replaces protocol, host, port and path (a URL without a path sets path to null). */
function applyServiceUrl(row: FlatRow, problems: FieldProblem[]): void {
  const v = row.value;
  if (typeof v.url === 'string') {
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]+\]|[^/:?#]*)(?::([0-9]*))?([^?#]*)/.exec(v.url);
    if (!m || !m[2]) {
      problems.push({
        path: [...row.path, 'url'],
        message: `invalid url: '${v.url}'`,
        hint: 'use scheme://host[:port][/path], e.g. http://example.com:8080/api',
      });
      return;
    }
    const scheme = m[1]!.toLowerCase();
    v.protocol = scheme;
    v.host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
    // Kong services.lua: 443 only for https (and EE's wss), 80 for every other scheme, grpcs and tls included.
    v.port = m[3] ? Number(m[3]) : urlDefaultPort(scheme);
    v.path = m[4] ? m[4] : null;
    if (!(PROTOCOLS as readonly string[]).includes(scheme)) {
      problems.push({ path: [...row.path, 'url'], message: `expected one of: ${PROTOCOLS.join(', ')}`, hint: `scheme '${scheme}' in url` });
    }
    if (v.port as number > 65535) problems.push({ path: [...row.path, 'url'], message: 'value should be between 0 and 65535' });
  }
  if (v.host === undefined || v.host === null) {
    problems.push({
      path: [...row.path, 'host'],
      message: 'required field missing',
      hint: 'set host (and port, protocol, path) or url',
    });
  }
  v.protocol ??= 'http';
  v.port ??= 80;
}

/**
 * Kong routes_subschemas.lua: a gRPC route's subschema (chosen by its first protocol) defaults strip_path to
 * false, where other routes default it to true; only an explicit `strip_path: true` is then refused.
 */
function applyRouteSubschemaDefaults(v: Record<string, unknown>): void {
  const first = Array.isArray(v.protocols) ? (v.protocols[0] as unknown) : undefined;
  if ((first === 'grpc' || first === 'grpcs') && (v.strip_path === undefined || v.strip_path === null)) v.strip_path = false;
}

/** Kong's upstream shorthands, in Kong's order: algorithm first, then hash_on (spec §2.6). */
function applyUpstreamShorthands(v: Record<string, unknown>): void {
  if (v.algorithm === 'least-connections' || v.algorithm === 'latency') {
    v.hash_on = 'none';
    return;
  }
  if (v.hash_on === 'none') v.algorithm = 'round-robin';
  else if (v.hash_on !== undefined) v.algorithm = 'consistent-hashing';
}
