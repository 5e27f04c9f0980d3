/**
 * Every plugin sluice knows, by name: the config schemas the loader validates against and the generator
 * writes to schemas/plugins/. Handlers live beside each schema (src/plugins/<name>/handler.ts).
 */
import { schema as postFunction } from './post-function/schema.js';
import { schema as preFunction } from './pre-function/schema.js';
import { schema as requestTermination } from './request-termination/schema.js';
import { schema as requestTransformer } from './request-transformer/schema.js';
import { schema as responseTransformer } from './response-transformer/schema.js';
import { schema as responseTransformerAdvanced } from './response-transformer-advanced/schema.js';
import type { PluginSchemaInfo } from './types.js';

export type { PluginSchemaInfo } from './types.js';

export const pluginCatalog: ReadonlyMap<string, PluginSchemaInfo> = new Map(
  [preFunction, postFunction, requestTermination, requestTransformer, responseTransformer, responseTransformerAdvanced]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => [s.name, s]),
);
