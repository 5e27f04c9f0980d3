/**
 * What `/schemas/...` serves, derived from the entity registry and the plugin catalog on first use and kept for
 * the server's life: Kong's format (kong-schema.ts) and the generated JSON Schemas (the documents
 * `npm run schemas` writes to schemas/). Only known names are computed, so the caches stay as small as the
 * registry whatever clients ask for.
 */
import { documentSchema, entitySchema, pluginSchema } from '../config/document-schema.js';
import { pluginCatalog } from '../plugins/catalog.js';
import { ENTITY_BY_NAME, type EntityName } from '../schema/index.js';
import type { SchemaSource } from './context.js';
import { entityKongSchema, pluginConfigKongSchema, pluginKongSchema } from './kong-schema.js';

export function schemaSource(): SchemaSource {
  const cache = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  const entity = (name: string) => ENTITY_BY_NAME.get(name as EntityName) ?? null;
  const plugin = (name: string) => pluginCatalog.get(name) ?? null;
  return {
    kongEntity: (name) => {
      const def = entity(name);
      return def && once(`kong:${def.name}`, () => entityKongSchema(def));
    },
    kongPlugin: (name) => {
      const p = plugin(name);
      return p && once(`kong-plugin:${p.name}`, () => pluginKongSchema(p));
    },
    kongPluginConfig: (name) => {
      const p = plugin(name);
      return p && once(`kong-config:${p.name}`, () => pluginConfigKongSchema(p));
    },
    jsonDocument: () => once('json', () => documentSchema(true)),
    jsonEntity: (name) => {
      const def = entity(name);
      return def && once(`json:${def.name}`, () => entitySchema(def.name));
    },
    jsonPlugin: (name) => {
      const p = plugin(name);
      return p && once(`json-plugin:${p.name}`, () => pluginSchema(p.name));
    },
  };
}
