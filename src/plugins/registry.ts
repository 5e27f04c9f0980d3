import type { PluginDefinition } from './define.js';
import postFunction from './post-function/handler.js';
import preFunction from './pre-function/handler.js';
import requestTermination from './request-termination/handler.js';
import requestTransformer from './request-transformer/handler.js';
import responseTransformer from './response-transformer/handler.js';
import responseTransformerAdvanced from './response-transformer-advanced/handler.js';

/** Plugins whose handlers exist, by name. A plugin in the catalog but not here is refused at load (fail closed). */
// Definitions differ in their config type; the loader has validated each config against its own schema.
const definitions = [
  preFunction,
  postFunction,
  requestTermination,
  requestTransformer,
  responseTransformer,
  responseTransformerAdvanced,
] as unknown as PluginDefinition[];

export const pluginHandlers: ReadonlyMap<string, PluginDefinition> = new Map(definitions.map((d) => [d.schema.name, d]));
