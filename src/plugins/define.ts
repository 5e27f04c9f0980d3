import type { Logger } from '../log/logger.js';
import type { Pdk } from '../pdk/kong.js';
import type { Entities, Plugin } from '../schema/index.js';
import type { PluginSchemaInfo } from './types.js';

/** Handlers may be async only where Kong's phase can yield (rewrite, access, log). */
export interface PluginHandlers {
  rewrite?(kong: Pdk): void | Promise<void>;
  access?(kong: Pdk): void | Promise<void>;
  /** Response status and headers are final here and mutable through kong.response. */
  header_filter?(kong: Pdk): void;
  /** Runs once over the whole (buffered) response body: kong.response.get_raw_body / set_raw_body. */
  body_filter?(kong: Pdk): void;
  /** After the response is sent, off the critical path. */
  log?(kong: Pdk): void | Promise<void>;
}

export interface PluginCreateContext {
  readonly entity: Plugin;
  readonly logger: Logger;
  /** Every entity of the snapshot being built (consumers, credentials): lookups are indexed once, here. */
  readonly entities?: Entities;
}

/**
 * The one interface every plugin implements (bundled and serverless alike). `create` runs at config load with
 * the validated config and returns the phase handlers: regexes, functions and lookups are built there, never
 * on the request path.
 */
export interface PluginDefinition<C = Record<string, unknown>> {
  readonly schema: PluginSchemaInfo;
  /** True when this configuration needs the whole response body in body_filter. */
  buffersResponse?(config: C): boolean;
  create(config: C, ctx: PluginCreateContext): PluginHandlers;
}

export function definePlugin<C>(def: PluginDefinition<C>): PluginDefinition<C> {
  return Object.freeze(def);
}
