/**
 * Normalize stage, per record (after flatten.ts, before references.ts): Kong's shorthands (service `url`,
 * upstream hash/algorithm), nulls read as "unset" (nullable.ts), defaults (entities, nested records, plugin
 * configs), sets without duplicates, timestamps from the load's clock, and every schema field present
 * (absent = null). May: rewrite a record into its normalized shape. May report only a value it cannot
 * interpret at all (a `url` that does not parse); every rule about a value's validity is a check (checks.ts).
 * May not: read the clock or the environment itself (both come from LoadOptions), or look at other records.
 */
import type { TObject } from '@sinclair/typebox';
import { pluginCatalog } from '../plugins/catalog.js';
import { PROTOCOLS, urlDefaultPort } from '../schema/typedefs.js';
import type { FlatRow } from './flatten.js';
import { acceptsNull } from './nullable.js';
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
  /** The field's schema when it holds records whose own defaults apply (healthchecks, sources, pem). */
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
      .map(([key, s]) => ({
        key,
        def: s.default,
        isSet: s['x-set'] === true,
        nested: holdsRecords(s) ? s : null,
      }));
    plans.set(schema, plan);
  }
  return plan;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function holdsRecords(s: Record<string, unknown>): boolean {
  return isRecord(s.properties) || (isRecord(s.items) && isRecord(s.items.properties));
}

/**
 * Rebuilds the record with every schema field, in schema order: absent or null → default or null, sets without
 * duplicates, input-only keys (`url`, `_comment`, nested children) dropped; with a clock (`now`), stamped. One shape per entity also keeps
 * everything downstream fast.
 */
export function normalizeRow(row: FlatRow, now: number | null, problems: FieldProblem[]): void {
  const v = row.value;
  if (row.def.name === 'services') applyServiceUrl(row, problems);
  if (row.def.name === 'upstreams') applyUpstreamShorthands(v);
  if (row.def.name === 'routes') applyRouteSubschemaDefaults(v);
  const out: Record<string, unknown> = {};
  for (const f of planOf(row.def.fields)) {
    let x = v[f.key];
    if (x === undefined || x === null) x = f.def === undefined ? null : cloneDefault(f.def);
    else if (f.isSet && Array.isArray(x) && x.length > 1) x = dedupe(x);
    if (f.nested !== null) fillNested(f.nested, x);
    out[f.key] = x;
  }
  if (row.def.name === 'plugins') {
    out.config = normalizePluginConfig(out.name, out.config);
    // Kong: the plugin's own protocols typedef carries its default (ip-restriction's includes tcp and tls).
    const info = typeof out.name === 'string' ? pluginCatalog.get(out.name) : undefined;
    if ((v.protocols === undefined || v.protocols === null) && info?.defaultProtocols !== undefined) out.protocols = [...info.defaultProtocols];
  }
  row.value = out;
  if (now !== null) stampRow(row, now);
}

/**
 * created_at and updated_at the file leaves unset, from the load's clock. Separate from normalizeRow so the
 * loader can take content keys before them (src/config/content-key.ts): an entity the file did not change keeps
 * its key from one load to the next.
 */
export function stampRow(row: FlatRow, now: number): void {
  const out = row.value;
  if (out.created_at === null && 'created_at' in out) {
    out.created_at = row.def.name === 'targets' ? now / 1000 : Math.floor(now / 1000);
  }
  if (out.updated_at === null && 'updated_at' in out) out.updated_at = out.created_at;
}

/**
 * A plugin's config with its plugin's defaults filled (Kong: a plugin config is a record with defaults). An
 * unknown plugin keeps its config as written; checks.ts reports the name.
 */
function normalizePluginConfig(name: unknown, config: unknown): Record<string, unknown> {
  const out = isRecord(config) ? config : {};
  const info = typeof name === 'string' ? pluginCatalog.get(name) : undefined;
  if (info) applyDefaults(info.config, out);
  return out;
}

/**
 * Fills JSON Schema `default`s into a record, at every depth (records, lists of records). A null where the
 * schema does not itself admit null means "unset" (nullable.ts): the default, or the key is dropped, so the
 * record reads as if the line were not written. A null on a field that must be set is kept for validation
 * to report.
 */
export function applyDefaults(schema: unknown, value: Record<string, unknown>): void {
  const s = schema as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const props = s.properties;
  if (!props) return;
  for (const k in props) {
    const p = props[k]!;
    const x = value[k];
    if (x === undefined || (x === null && !acceptsNull(p))) {
      if (p.default !== undefined) value[k] = cloneDefault(p.default);
      else if (x === null && !(s.required ?? []).includes(k)) delete value[k];
    }
    fillNested(p, value[k]);
  }
}

function fillNested(schema: unknown, value: unknown): void {
  const s = schema as { properties?: unknown; items?: { properties?: unknown } };
  if (s.properties && isRecord(value)) applyDefaults(s, value);
  else if (s.items?.properties && Array.isArray(value)) for (const item of value) if (isRecord(item)) applyDefaults(s.items, item);
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

/**
 * Kong services.lua: the `url` shorthand is expanded first and wins over protocol, host, port and path written
 * beside it (shorthand_fields are not deprecated: their values take precedence); a URL without a path sets
 * path to null. A null url is unset.
 */
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

/** Kong's upstream shorthands, in Kong's order: algorithm first, then hash_on (upstreams.lua). */
function applyUpstreamShorthands(v: Record<string, unknown>): void {
  if (v.algorithm === 'least-connections' || v.algorithm === 'latency') {
    v.hash_on = 'none';
    return;
  }
  if (v.hash_on === 'none') v.algorithm = 'round-robin';
  else if (v.hash_on !== undefined && v.hash_on !== null) v.algorithm = 'consistent-hashing';
}
