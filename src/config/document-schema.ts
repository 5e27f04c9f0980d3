/**
 * Builds the JSON Schemas for whole kong.yaml documents from the entity registry. Every optional field also
 * admits null (src/config/nullable.ts: Kong reads a null as "unset"), so Kong's and decK's exports validate.
 * Part of the validate stage: these schemas say what a file may contain; they never change a value.
 */
import { pluginCatalog } from '../plugins/catalog.js';
import { ENTITIES, type EntityDef, type EntityName, entityDef, IGNORED_COLLECTIONS } from '../schema/registry.js';
import { nullableOptionals } from './nullable.js';

export type JsonSchema = Record<string, unknown>;

export const FORMAT_VERSIONS = ['1.1', '2.1', '3.0'] as const;
export const SCHEMA_ID_BASE = 'https://sluice.dev/schemas/';

/** Plain JSON copy of a TypeBox schema (drops TypeBox's symbol keys). */
export function plain<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema)) as T;
}

/**
 * An entity's record as a file writes it, with its nestable children. Nested or not, a record has the same
 * fields: Kong's flatten accepts a nested record that names its own parent (and, for plugins, further scopes);
 * src/config/references.ts checks that a named parent is the one it is nested under.
 */
function recordSchema(e: EntityDef, withPluginConfigs: boolean): JsonSchema {
  const s = plain(e.fields) as JsonSchema & { properties: Record<string, JsonSchema> };
  for (const c of e.children) {
    s.properties[c.key] = { type: 'array', items: { $ref: `#/$defs/${entityDef(c.entity).singular}` } };
  }
  if (e.name === 'plugins' && withPluginConfigs) s.allOf = pluginConfigBranches();
  const required = e.foreignKeys.filter((f) => f.required).map((f) => f.field);
  if (required.length > 0) s.description = `${e.singular}: names its ${required.join(', ')}, or is nested under it`;
  return s;
}

/** Editor aid: plugin `config` validated by the named plugin's schema. */
function pluginConfigBranches(): JsonSchema[] {
  return [...pluginCatalog.values()].map((p) => ({
    if: { properties: { name: { const: p.name } }, required: ['name'] },
    then: { properties: { config: plain(p.config) } },
  }));
}

/** decK and Konnect metadata (deliberately accepted; Kong refuses them): sluice has one workspace and reads none of it. */
const DECK_METADATA: Record<string, JsonSchema> = {
  _workspace: { type: 'string', description: 'decK / Kong Enterprise workspace; ignored.' },
  _info: { type: 'object', description: 'decK metadata (select_tags, defaults, …); ignored.' },
  _konnect: { type: 'object', description: 'decK metadata for Konnect (control_plane_name, runtime_group_name); ignored.' },
};

/**
 * The whole-file schema. `withPluginConfigs` adds per-plugin config checks (for editors); the loader checks
 * plugin configs separately, after their defaults are filled, so their errors are reported per plugin.
 */
export function documentSchema(withPluginConfigs: boolean): JsonSchema {
  const $defs: Record<string, JsonSchema> = {};
  for (const e of ENTITIES) $defs[e.singular] = recordSchema(e, withPluginConfigs);
  const properties: Record<string, JsonSchema> = {
    _format_version: {
      type: 'string',
      enum: [...FORMAT_VERSIONS],
      description: 'Declarative format version. 1.1 and 2.1 route paths are migrated to 3.0 rules on load.',
    },
    _transform: { type: 'boolean', default: true, description: 'false: credentials are already transformed.' },
    _comment: { type: 'string' },
    _ignore: { type: 'array' },
    ...DECK_METADATA,
  };
  for (const e of ENTITIES) properties[e.name] = { type: 'array', items: { $ref: `#/$defs/${e.singular}` } };
  for (const c of IGNORED_COLLECTIONS) {
    properties[c.name] = { type: 'array', items: plain(c.fields), description: `Kong's ${c.name}; accepted, not served.` };
  }
  return nullableOptionals({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_ID_BASE}kong.schema.json`,
    title: 'sluice / Kong 3.x declarative configuration (kong.yaml)',
    type: 'object',
    required: ['_format_version'],
    additionalProperties: false,
    properties,
    $defs,
  });
}

/** One entity's standalone schema, as written at top level (for schemas/<entity>.json and the Admin API). */
export function entitySchema(name: EntityName): JsonSchema {
  const e = entityDef(name);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_ID_BASE}${e.singular}.json`,
    title: e.singular,
    ...nullableOptionals(plain(e.fields)),
  };
}

export function pluginSchema(name: string): JsonSchema | null {
  const p = pluginCatalog.get(name);
  if (!p) return null;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_ID_BASE}plugins/${name}.json`,
    title: `${name} plugin config`,
    'x-priority': p.priority,
    ...nullableOptionals(plain(p.config)),
  };
}
