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
import { isHttpSubsystemRoute } from '../router/index.js';
import { type PluginServices, standaloneServices } from '../plugins/services.js';
import type { Entities } from '../schema/index.js';


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
 * fail open. The gateway's services (Redis pool, shared dictionaries, queues, metrics) are handed to the
 * factories as they are: factories keep handles, nothing connects or starts.
 */
export function compilePlugins(
  entities: Entities,
  logger: Logger,
  services: PluginServices = standaloneServices(logger),
): CompiledPlugins {
  const shared = { ...services, entities };
  const instances: PluginInstance[] = [];
  entities.plugins.forEach((entity, index) => {
    if (entity.enabled === false) return; // Kong: disabled instances are out of the search entirely
    // Kong (plugins_iterator should_process_plugin): an instance runs in the http subsystem only when one of its
    // protocols belongs to it; a tcp/tls/udp-only instance waits for a stream listener sluice does not have yet.
    if (!isHttpSubsystemRoute(entity.protocols)) return;
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
