import { resolveVaultRefs } from '../util/vault.js';
import type { Logger } from '../log/logger.js';
import {
  buildChain,
  EMPTY_CHAIN,
  type GroupMembership,
  globalInstances,
  type PluginChain,
  type PluginInstance,
} from '../plugins/chain.js';
import { pluginHandlers } from '../plugins/registry.js';
import type { RedisPool } from '../redis/pool.js';
import { MemoryDicts } from '../shared-dict/memory-dicts.js';
import type { SharedDicts } from '../shared-dict/shared-dict.js';
import type { Entities } from '../schema/index.js';

// Transitional: until compileSnapshot/compileConfig/the reloader forward the gateway's dictionaries, every compile
// shares these, which keeps local rate-limit counters across reloads as before. Once they do, a compile without a
// gateway gets `new MemoryDicts()` of its own here and this constant goes.
const UNTIL_THE_RUNTIME_PASSES_ITS_OWN = new MemoryDicts();

export class PluginCompileError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export interface CompiledPlugins {
  readonly instances: readonly PluginInstance[];
  /** For requests that matched no route (Kong runs only global plugins then). */
  readonly global: PluginChain;
  chainFor(routeId: string, serviceId: string | null): PluginChain;
}

/**
 * Turns every enabled plugin entity into an instance by calling its definition's factory once, at load time.
 * A plugin without a handler is refused rather than silently skipped: an auth plugin that does nothing would
 * fail open. `redis` (the gateway's pool) and `dictionaries` (its shared dictionaries) are handed to the factories
 * as they are: factories keep handles, nothing connects.
 */
export function compilePlugins(
  entities: Entities,
  logger: Logger,
  redis?: RedisPool,
  dictionaries: SharedDicts = UNTIL_THE_RUNTIME_PASSES_ITS_OWN,
): CompiledPlugins {
  const shared = redis !== undefined ? { entities, dictionaries, redis } : { entities, dictionaries };
  const instances: PluginInstance[] = [];
  entities.plugins.forEach((entity, index) => {
    if (entity.enabled === false) return; // Kong: disabled instances are out of the search entirely
    const def = pluginHandlers.get(entity.name);
    if (def === undefined) {
      throw new PluginCompileError(
        // Unreachable after validation (the catalog is derived from the same list); kept for snapshots compiled from unvalidated entities.
        `unknown plugin '${entity.name}'`,
        `plugins[${index}]`,
      );
    }
    // Secrets from {vault://…} references reach the plugin only here; the entity keeps the reference.
    const config = resolveVaultRefs(entity.config, process.env);
    let handlers: PluginInstance['handlers'];
    try {
      handlers = def.create(config, { ...shared, entity, logger: logger.child({ plugin: entity.name, plugin_id: entity.id }) });
    } catch (err) {
      throw new PluginCompileError(`plugin '${entity.name}' (${entity.id}): ${(err as Error).message}`, `plugins[${index}]`);
    }
    instances.push(
      Object.freeze({
        id: entity.id,
        name: entity.name,
        priority: def.schema.priority,
        entity,
        handlers: Object.freeze(handlers),
        buffersResponse: def.buffersResponse?.(config) ?? false,
      }),
    );
  });
  if (instances.length === 0) {
    return { instances, global: EMPTY_CHAIN, chainFor: () => EMPTY_CHAIN };
  }
  const global = buildChain(globalInstances(instances), null, null);
  const membership = groupMembership(entities);
  return {
    instances,
    global,
    chainFor: (routeId, serviceId) => buildChain(instances, routeId, serviceId, membership),
  };
}

/** Consumer id → its consumer groups (Kong Enterprise), for consumer-group-scoped plugins. */
function groupMembership(entities: Entities): GroupMembership {
  const names = new Map(entities.consumer_groups.map((g) => [g.id, g.name]));
  const out = new Map<string, { id: string; name: string }[]>();
  for (const m of entities.consumer_group_members) {
    const name = names.get(m.consumer_group.id);
    if (name === undefined) continue;
    const list = out.get(m.consumer.id) ?? [];
    if (!list.some((g) => g.id === m.consumer_group.id)) list.push({ id: m.consumer_group.id, name });
    out.set(m.consumer.id, list);
  }
  return out;
}
