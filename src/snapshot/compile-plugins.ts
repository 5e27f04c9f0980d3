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
import type { Entities, Plugin } from '../schema/index.js';
import { identity, Reuse } from './reuse.js';

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
  reuse: Reuse = new Reuse(),
  keys: readonly string[] = [],
): CompiledPlugins {
  const instances: PluginInstance[] = [];
  entities.plugins.forEach((entity, index) => {
    if (entity.enabled === false) return; // Kong: disabled instances are out of the search entirely
    // Kong (plugins_iterator should_process_plugin): an instance runs in the http subsystem only when one of its
    // protocols belongs to it; a tcp/tls/udp-only instance waits for a stream listener sluice does not have yet.
    if (!isHttpSubsystemRoute(entity.protocols)) return;
    const key = keys[index];
    const cached = key === undefined ? undefined : (reuse.next.plugins.get(key) ?? reuse.previous.plugins.get(key));
    if (cached !== undefined && !cached.readsEntities.value) {
      reuse.next.plugins.set(key!, cached);
      reuse.reused++;
      instances.push(cached.instance);
      return;
    }
    const readsEntities = { value: false };
    const instance = createInstance(entity, index, logger, services, entities, readsEntities);
    reuse.built++;
    if (key !== undefined) reuse.next.plugins.set(key, { instance, readsEntities });
    instances.push(instance);
  });
  if (instances.length === 0) {
    return { instances, global: EMPTY_CHAIN, chainFor: () => EMPTY_CHAIN };
  }
  const global = buildChain(globalInstances(instances), null, null);
  const membership = groupMembership(entities);
  const membershipKey = JSON.stringify([...membership]);
  // Candidates by scope, in instance order: a route's chain is built from the instances that can apply to it, and
  // is the same piece for every route with the same candidates (a chain holds no route id of its own).
  const unscoped: PluginInstance[] = [];
  const byRoute = new Map<string, PluginInstance[]>();
  const byService = new Map<string, PluginInstance[]>();
  for (const inst of instances) {
    const { route, service } = inst.entity;
    if (route) push(byRoute, route.id, inst);
    else if (service) push(byService, service.id, inst);
    else unscoped.push(inst);
  }
  const position = new Map(instances.map((inst, n) => [inst, n]));
  return {
    instances,
    global,
    chainFor(routeId, serviceId) {
      const candidates = mergeInOrder(position, unscoped, byRoute.get(routeId), serviceId === null ? undefined : byService.get(serviceId));
      if (candidates.length === 0) return EMPTY_CHAIN;
      const routeScoped = candidates.some((i) => i.entity.route != null);
      const key = `${routeScoped ? routeId : ''}|${serviceId ?? ''}|${candidates.map(identity).join(',')}|${membershipKey}`;
      return reuse.take('chains', key, () => buildChain(candidates, routeId, serviceId, membership));
    },
  };
}

function createInstance(
  entity: Plugin,
  index: number,
  logger: Logger,
  services: PluginServices,
  entities: Entities,
  readsEntities: { value: boolean },
): PluginInstance {
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
    handlers = def.create(config, {
      ...services,
      entity,
      logger: logger.child({ plugin: entity.name, plugin_id: entity.id }),
      // Noted when read (at create or later): such an instance depends on other entities and is never reused.
      get entities() {
        readsEntities.value = true;
        return entities;
      },
    });
  } catch (err) {
    throw new PluginCompileError(`plugin '${entity.name}' (${entity.id}): ${(err as Error).message}`, `plugins[${index}]`);
  }
  return Object.freeze({
    id: entity.id,
    name: entity.name,
    priority: def.schema.priority,
    entity,
    handlers: Object.freeze(handlers),
    buffersResponse: def.buffersResponse?.(config) ?? false,
  });
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The lists' instances in config order (each list is in that order already). */
function mergeInOrder(position: ReadonlyMap<PluginInstance, number>, ...lists: (readonly PluginInstance[] | undefined)[]): PluginInstance[] {
  const present = lists.filter((l): l is readonly PluginInstance[] => l !== undefined && l.length > 0);
  if (present.length <= 1) return present.length === 0 ? [] : [...present[0]!];
  return present.flat().sort((a, b) => position.get(a)! - position.get(b)!);
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
