/**
 * The generated JSON Schemas (schemas/*.json at the package root) served by `/schemas/...`. Read from disk on
 * first use and kept; names are checked against the registry / a strict pattern, so a path never escapes.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTITY_BY_NAME, type EntityName } from '../schema/index.js';
import type { SchemaSource } from './context.js';

const PLUGIN_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** src/admin/ and dist/admin/ both sit two levels below the package root. */
export const SCHEMAS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

export function schemaFiles(dir: string = SCHEMAS_DIR): SchemaSource {
  const cache = new Map<string, unknown>();
  // Only found documents are kept: clients can ask for any name, and misses must not grow the cache.
  const load = (file: string): unknown => {
    const hit = cache.get(file);
    if (hit !== undefined) return hit;
    try {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
      cache.set(file, doc);
      return doc;
    } catch {
      return null;
    }
  };
  return {
    entity(name) {
      const def = ENTITY_BY_NAME.get(name as EntityName);
      return def ? load(`${def.singular}.json`) : null;
    },
    plugin(name) {
      return PLUGIN_NAME.test(name) ? load(join('plugins', `${name}.json`)) : null;
    },
  };
}
