import type { Logger } from '../log/logger.js';
import type { Pdk } from '../pdk/kong.js';
import type { PhaseName } from '../pdk/phases.js';
import type { Entities, Plugin } from '../schema/index.js';
import type { PluginServices } from './services.js';
import type { PluginSchemaInfo } from './types.js';

/** One handler per phase of src/pdk/phases.ts; async only where Kong's phase can yield (not the filters). */
export interface PluginHandlers {
  /** TLS handshake, global plugins only, before any request: only kong.log, kong.node and kong.client's addresses. */
  certificate?(kong: Pdk): void | Promise<void>;
  rewrite?(kong: Pdk): void | Promise<void>;
  access?(kong: Pdk): void | Promise<void>;
  /** Response status and headers are final here and mutable through kong.response. */
  header_filter?(kong: Pdk): void;
  /** Runs once over the whole (buffered) response body: kong.response.get_raw_body / set_raw_body. */
  body_filter?(kong: Pdk): void;
  /** After the response is sent, off the critical path. */
  log?(kong: Pdk): void | Promise<void>;
  // Kong Enterprise's WebSocket phases; src/pdk/phases.ts says whether sluice runs them yet.
  ws_handshake?(kong: Pdk): void | Promise<void>;
  ws_client_frame?(kong: Pdk): void | Promise<void>;
  ws_upstream_frame?(kong: Pdk): void | Promise<void>;
  ws_close?(kong: Pdk): void | Promise<void>;
}

// A handler slot for every phase of the table and nothing else (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _handlersCoverPhases: Same<keyof PluginHandlers, PhaseName> = true;

/** What a factory gets: its entity, a logger, the snapshot's entities, and the gateway's services. */
export interface PluginCreateContext extends PluginServices {
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
