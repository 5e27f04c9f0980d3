/**
 * Kong's own schema format (kong/api/api_helpers.lua schema_to_jsonable), derived from sluice's entity and plugin
 * definitions: `{ fields: [{ name: { type, required, default, one_of, between, … } }, …], entity_checks: […] }`.
 * The TypeBox definitions are JSON Schema, so each keyword maps to the Kong attribute saying the same thing;
 * what Kong says with Lua patterns or custom validators (sluice: JS regexes, entity checks in code) is left
 * out, as Kong leaves its functions out. A field may state what JSON Schema cannot in `x-kong: { … }`, which is
 * merged last.
 */
import { plain } from '../config/document-schema.js';
import type { PluginSchemaInfo } from '../plugins/catalog.js';
import { HTTP_PROTOCOLS } from '../plugins/auth/schema-parts.js';
import type { EntityDef } from '../schema/index.js';
import { PROTOCOLS, uuid } from '../schema/typedefs.js';

export type KongField = Record<string, unknown>;
export interface KongSchema {
  readonly fields: readonly Record<string, KongField>[];
  readonly entity_checks: readonly unknown[];
}

type Json = Record<string, unknown>;

/** Input-only keys: Kong's `_comment`/`_ignore` and the service `url` shorthand (a shorthand_field, not a field). */
const INPUT_ONLY = new Set(['_comment', '_ignore', 'url']);
/** Kong lists the primary key and the auto timestamps first in every entity (typedefs.uuid, auto_timestamp_s). */
const LEADING = ['id', 'created_at', 'updated_at'];
const UUID_PATTERN = (uuid() as unknown as { pattern: string }).pattern;

/** `/schemas/{entity}`. */
export function entityKongSchema(def: EntityDef): KongSchema {
  const s = plain(def.fields) as Json;
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const names = Object.keys(props).filter((k) => !INPUT_ONLY.has(k));
  const ordered = [...LEADING.filter((k) => k in props), ...names.filter((k) => !LEADING.includes(k))];
  const fields = ordered.map((name) => {
    const prop = props[name]!;
    let field: KongField;
    const fk = def.foreignKeys.find((f) => f.field === name);
    if (name === 'id') field = { type: 'string', uuid: true, auto: true };
    else if (name === 'created_at' || name === 'updated_at') field = { type: prop.type ?? 'integer', timestamp: true, auto: true };
    else if (fk) field = { type: 'foreign', reference: fk.entity, ...(fk.required ? { required: true } : {}), ...describe(prop) };
    // Kong plugins.lua: `config` is abstract, its shape given by the subschema the plugin's name selects.
    else if (def.name === 'plugins' && name === 'config') field = { type: 'record', abstract: true };
    else field = kongField(prop, isRequired(name, prop, required));
    if (def.unique.includes(name)) field.unique = true;
    return { [name]: field };
  });
  return { fields, entity_checks: [] };
}

/** `/schemas/plugins/{name}`: the plugin's own fields (scopes it refuses, protocols) and its config record. */
export function pluginKongSchema(p: PluginSchemaInfo): KongSchema {
  const fields: Record<string, KongField>[] = [];
  // Kong typedefs.no_route / no_service / no_consumer: a scope the plugin cannot have must stay null.
  if (p.noRoute) fields.push({ route: { type: 'foreign', reference: 'routes', eq: null } });
  if (p.noService) fields.push({ service: { type: 'foreign', reference: 'services', eq: null } });
  if (p.noConsumer) fields.push({ consumer: { type: 'foreign', reference: 'consumers', eq: null } });
  // Kong: typedefs.protocols (any protocol) or the plugin's narrower set; the default is Kong's http set unless
  // the plugin's typedef gives its own.
  const allowed = [...(p.protocols ?? PROTOCOLS)];
  const protocolsDefault = [...(p.defaultProtocols ?? HTTP_PROTOCOLS)];
  fields.push({ protocols: { type: 'set', required: true, default: protocolsDefault, elements: { type: 'string', one_of: allowed } } });
  const { entity_checks: configChecks, ...config } = kongField(plain(p.config) as Json, true);
  fields.push({ config });
  return { fields, entity_checks: prefixed((configChecks as KongField[] | undefined) ?? [], 'config.') };
}

/** Kong states a plugin's checks across config fields at the top of its schema, naming them `config.<field>`. */
function prefixed(checks: readonly KongField[], prefix: string): KongField[] {
  return checks.map((c) =>
    Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Array.isArray(v) ? v.map((f) => `${prefix}${String(f)}`) : v])),
  );
}

/**
 * `/plugins/schema/{name}` (deprecated in Kong): the config record alone, as its own schema; its checks are the
 * plugin's (above), so the record has none of its own.
 */
export function pluginConfigKongSchema(p: PluginSchemaInfo): KongSchema {
  const config = pluginKongSchema(p).fields.at(-1)!['config']!;
  return { fields: (config.fields as Record<string, KongField>[] | undefined) ?? [], entity_checks: [] };
}

/** Kong `required`: the value cannot be null once defaults are filled (sluice fills every default it has). */
function isRequired(name: string, prop: Json, required: ReadonlySet<string>): boolean {
  return required.has(name) || (prop.default !== undefined && prop.default !== null);
}

/** One JSON Schema node → one Kong field definition. */
export function kongField(s: Json, required: boolean): KongField {
  const out: KongField = { ...shape(s) };
  if (required) out.required = true;
  // A record's defaults are its fields' (Kong fills records from them; Kong's own output has no `"default":{}`).
  const emptyRecordDefault = out.type === 'record' && isEmptyObject(s.default);
  if (s.default !== undefined && !emptyRecordDefault) out.default = s.default;
  Object.assign(out, describe(s), s['x-kong'] as Json | undefined);
  return out;
}

function describe(s: Json): KongField {
  return typeof s.description === 'string' ? { description: s.description } : {};
}

/** The type and its constraints, without required/default/description. */
function shape(s: Json): KongField {
  // An object's anyOf/allOf constrain its fields (objectShape); anywhere else anyOf is a union of types.
  if (Array.isArray(s.anyOf) && s.type !== 'object') return unionShape(s.anyOf as Json[]);
  if (Array.isArray(s.enum)) return { type: scalarType(s.type, s.enum[0]), one_of: [...(s.enum as unknown[])] };
  if (s.const !== undefined) return { type: scalarType(s.type, s.const), eq: s.const };
  switch (s.type) {
    case 'string':
      return stringShape(s);
    case 'integer':
    case 'number':
      return numberShape(s);
    case 'boolean':
      return { type: 'boolean' };
    case 'array':
      return {
        type: s['x-set'] === true ? 'set' : 'array',
        elements: s.items && typeof s.items === 'object' ? kongField(s.items as Json, false) : { type: 'json' },
        ...length(s.minItems, s.maxItems),
      };
    case 'object':
      return objectShape(s);
    default:
      // Unknown / any JSON value (Kong 3.x's `json` type).
      return { type: 'json' };
  }
}

/** `X | null` is X (Kong fields are nullable unless required); a union of literals is `one_of`. */
function unionShape(members: readonly Json[]): KongField {
  const present = members.filter((m) => m.type !== 'null');
  if (present.length > 0 && present.every((m) => m.const !== undefined)) {
    return { type: scalarType(present[0]!.type, present[0]!.const), one_of: present.map((m) => m.const) };
  }
  if (present.length === 1) return shape(present[0]!);
  return { type: 'json' };
}

function stringShape(s: Json): KongField {
  const out: KongField = { type: 'string' };
  if (s.pattern === UUID_PATTERN) out.uuid = true;
  // Kong refuses empty strings unless a field says `len_min = 0`; sluice's take them only when neither a
  // minLength nor the pattern refuses them.
  const min = typeof s.minLength === 'number' ? s.minLength : acceptsEmpty(s.pattern) ? 0 : 1;
  if (min !== 1) out.len_min = min;
  if (typeof s.maxLength === 'number') out.len_max = s.maxLength;
  return out;
}

function numberShape(s: Json): KongField {
  const out: KongField = { type: s.type };
  const min = typeof s.minimum === 'number' ? s.minimum : null;
  const max = typeof s.maximum === 'number' ? s.maximum : null;
  if (min !== null && max !== null) out.between = [min, max];
  // Kong has no ≥ of its own: `between` with math.huge, which Kong's JSON writes as "inf" / "-inf".
  else if (min !== null) out.between = [min, 'inf'];
  else if (max !== null) out.between = ['-inf', max];
  if (typeof s.exclusiveMinimum === 'number') out.gt = s.exclusiveMinimum;
  return out;
}

function objectShape(s: Json): KongField {
  const props = s.properties as Record<string, Json> | undefined;
  if (props) {
    const required = new Set((s.required as string[] | undefined) ?? []);
    const fields = Object.entries(props).map(([name, p]) => ({ [name]: kongField(p, isRequired(name, p, required)) }));
    const checks = recordChecks(s, Object.keys(props));
    return { type: 'record', fields, ...(checks.length > 0 ? { entity_checks: checks } : {}) };
  }
  const pattern = s.patternProperties as Record<string, Json> | undefined;
  const values = pattern ? Object.values(pattern)[0] : typeof s.additionalProperties === 'object' ? (s.additionalProperties as Json) : {};
  const keys = s.propertyNames && typeof s.propertyNames === 'object' ? shape(s.propertyNames as Json) : { type: 'string' };
  return { type: 'map', keys, values: kongField(values ?? {}, false) };
}

/**
 * Kong's `at_least_one_of` from the JSON Schema that says it: minProperties: 1 over a record (typedefs.sources),
 * or an anyOf whose branches each require one field (ip-restriction's allow/deny), also inside an allOf.
 */
function recordChecks(s: Json, names: readonly string[]): KongField[] {
  const checks: KongField[] = [];
  if (typeof s.minProperties === 'number' && s.minProperties >= 1) checks.push({ at_least_one_of: [...names] });
  const visit = (node: Json) => {
    if (Array.isArray(node.anyOf)) {
      const one = (node.anyOf as Json[]).map((b) => (Array.isArray(b.required) && b.required.length === 1 ? (b.required[0] as string) : null));
      if (one.length > 0 && one.every((f) => f !== null)) checks.push({ at_least_one_of: one });
    }
    if (Array.isArray(node.allOf)) for (const part of node.allOf as Json[]) visit(part);
  };
  visit(s);
  return checks;
}

function length(min: unknown, max: unknown): KongField {
  return { ...(typeof min === 'number' ? { len_min: min } : {}), ...(typeof max === 'number' ? { len_max: max } : {}) };
}

function scalarType(type: unknown, sample: unknown): string {
  if (typeof type === 'string') return type;
  return typeof sample === 'number' ? (Number.isInteger(sample) ? 'integer' : 'number') : typeof sample === 'boolean' ? 'boolean' : 'string';
}

function acceptsEmpty(pattern: unknown): boolean {
  if (typeof pattern !== 'string') return true;
  try {
    return new RegExp(pattern, 'u').test('');
  } catch {
    return true;
  }
}

const isEmptyObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
