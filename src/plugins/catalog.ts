/**
 * The plugins' declarative side, by name: the config schemas the loader validates against and the generator
 * writes to schemas/plugins/. Derived from the one plugin list (registry.ts).
 */
import { pluginHandlers } from './registry.js';
import type { PluginSchemaInfo } from './types.js';

export type { PluginSchemaInfo } from './types.js';

export const pluginCatalog: ReadonlyMap<string, PluginSchemaInfo> = new Map(
  [...pluginHandlers].map(([name, def]) => [name, def.schema]),
);
