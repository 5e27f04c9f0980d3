/**
 * Builds the JSON Schemas for whole kong.yaml documents from the entity registry: each entity as written at
 * top level, and nested copies (Kong: a nested record's foreign keys must be left out; the parent fills them).
 */
import { pluginCatalog } from '../plugins/catalog.js';
import { ENTITIES, type EntityDef, type EntityName, entityDef } from '../schema/registry.js';

export type JsonSchema = Record<string, unknown>;

export const FORMAT_VERSIONS = ['1.1', '2.1', '3.0'] as const;
export const SCHEMA_ID_BASE = 'https://sluice.dev/schemas/';

/** Plain JSON copy of a TypeBox schema (drops TypeBox's symbol keys). */
export function plain<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema)) as T;
}

const defName = (e: EntityDef, parent?: EntityDef) => (parent ? `${e.singular}_in_${parent.singular}` : e.singular);

/** The record schema for an entity, with its nestable children; `parent` set for a nested copy. */
function recordSchema(e: EntityDef, parent: EntityDef | undefined, withPluginConfigs: boolean): JsonSchema {
  const s = plain(e.fields) as JsonSchema & { properties: Record<string, JsonSchema> };
  if (parent) {
    for (const fk of e.foreignKeys) {
      s.properties[fk.field] = { type: 'null', 'x-error': { type: 'value must be null' } };
    }
  }
  for (const c of e.children) {
    s.properties[c.key] = { type: 'array', items: { $ref: `#/$defs/${defName(entityDef(c.entity), e)}` } };
  }
  if (e.name === 'plugins' && withPluginConfigs) s.allOf = pluginConfigBranches();
  if (!parent && e.foreignKeys.some((f) => f.required)) {
    s.description = `${e.singular}: top-level records must name their ${e.foreignKeys
      .filter((f) => f.required)
      .map((f) => f.field)
      .join(', ')}`;
  }
  return s;
}

/** Editor aid: plugin `config` validated by the named plugin's schema. */
function pluginConfigBranches(): JsonSchema[] {
  return [...pluginCatalog.values()].map((p) => ({
    if: { properties: { name: { const: p.name } }, required: ['name'] },
    then: { properties: { config: plain(p.config) } },
  }));
}

/** Every (entity, parent) pair reachable by nesting, so each nested copy gets one definition. */
function nestedPairs(): [EntityDef, EntityDef | undefined][] {
  const out: [EntityDef, EntityDef | undefined][] = [];
  const seen = new Set<string>();
  const visit = (e: EntityDef, parent: EntityDef | undefined) => {
    const key = defName(e, parent);
    if (seen.has(key)) return;
    seen.add(key);
    out.push([e, parent]);
    for (const c of e.children) visit(entityDef(c.entity), e);
  };
  for (const e of ENTITIES) visit(e, undefined);
  return out;
}

/**
 * The whole-file schema. `withPluginConfigs` adds per-plugin config checks (for editors); the loader checks
 * plugin configs separately so their errors are reported per plugin.
 */
export function documentSchema(withPluginConfigs: boolean): JsonSchema {
  const $defs: Record<string, JsonSchema> = {};
  for (const [e, parent] of nestedPairs()) $defs[defName(e, parent)] = recordSchema(e, parent, withPluginConfigs);
  const properties: Record<string, JsonSchema> = {
    _format_version: {
      type: 'string',
      enum: [...FORMAT_VERSIONS],
      description: 'Declarative format version. 1.1 and 2.1 route paths are migrated to 3.0 rules on load.',
    },
    _transform: { type: 'boolean', default: true, description: 'false: credentials are already transformed.' },
    _comment: { type: 'string' },
    _ignore: { type: 'array' },
    _workspace: { type: 'string', description: 'decK / Kong Enterprise; sluice has one workspace and ignores it.' },
    _info: { type: 'object', description: 'decK metadata; ignored.' },
  };
  for (const e of ENTITIES) properties[e.name] = { type: 'array', items: { $ref: `#/$defs/${defName(e)}` } };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_ID_BASE}kong.schema.json`,
    title: 'sluice / Kong 3.x declarative configuration (kong.yaml)',
    type: 'object',
    required: ['_format_version'],
    additionalProperties: false,
    properties,
    $defs,
  };
}

/** One entity's standalone schema, as written at top level (for schemas/<entity>.json and the Admin API). */
export function entitySchema(name: EntityName): JsonSchema {
  const e = entityDef(name);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_ID_BASE}${e.singular}.json`,
    title: e.singular,
    ...plain(e.fields),
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
    ...plain(p.config),
  };
}
