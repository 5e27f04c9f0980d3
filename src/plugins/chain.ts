import type { Plugin } from '../schema/index.js';
import type { PluginHandlers } from './define.js';

/** A configured plugin, compiled: its entity, handlers and run order. */
export interface PluginInstance {
  readonly id: string;
  readonly name: string;
  readonly priority: number;
  readonly entity: Plugin;
  readonly handlers: PluginHandlers;
  readonly buffersResponse: boolean;
}

/**
 * One plugin name on one route: the instance that applies without a consumer (Kong's route+service > route >
 * service > global), and the consumer-specific winners where consumer-scoped instances exist.
 */
export interface PluginSlot {
  readonly name: string;
  readonly priority: number;
  readonly base: PluginInstance | null;
  readonly byConsumer: ReadonlyMap<string, PluginInstance> | null;
}

/** The plugins of one route (or the global chain for requests that matched no route), in run order. */
export interface PluginChain {
  readonly slots: readonly PluginSlot[];
  /** Any instance in the chain buffers the response body (buffered proxying for this route). */
  readonly buffersResponse: boolean;
  readonly hasConsumerScoped: boolean;
}

export const EMPTY_CHAIN: PluginChain = Object.freeze({ slots: Object.freeze([]), buffersResponse: false, hasConsumerScoped: false });

/** Kong: higher PRIORITY first; equal priorities by plugin name descending. */
export function runOrder(a: { priority: number; name: string }, b: { priority: number; name: string }): number {
  return b.priority - a.priority || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0);
}

interface Scoped {
  readonly route: string | null;
  readonly service: string | null;
  readonly consumer: string | null;
}

function scopeOf(p: Plugin): Scoped {
  return { route: p.route?.id ?? null, service: p.service?.id ?? null, consumer: p.consumer?.id ?? null };
}

/**
 * Kong's precedence (runloop/plugins_iterator lookup_cfg), most specific first:
 * route+service+consumer, route+consumer, service+consumer, route+service, consumer, route, service, global.
 * Returns the rank of an instance for a given route/service/consumer, or -1 when it does not apply.
 */
export function precedenceRank(s: Scoped, route: string | null, service: string | null, consumer: string | null): number {
  if (s.route !== null && s.route !== route) return -1;
  if (s.service !== null && s.service !== service) return -1;
  if (s.consumer !== null && s.consumer !== consumer) return -1;
  const r = s.route !== null;
  const sv = s.service !== null;
  const c = s.consumer !== null;
  if (r && sv && c) return 0;
  if (r && c) return 1;
  if (sv && c) return 2;
  if (r && sv) return 3;
  if (c) return 4;
  if (r) return 5;
  if (sv) return 6;
  return 7;
}

/**
 * Builds the chain for one route (route/service ids; null for the global chain). All precedence is resolved
 * here; at request time only the consumer lookup remains.
 */
export function buildChain(
  instances: readonly PluginInstance[],
  routeId: string | null,
  serviceId: string | null,
): PluginChain {
  const byName = new Map<string, PluginInstance[]>();
  for (const inst of instances) {
    const s = scopeOf(inst.entity);
    if (s.route !== null && s.route !== routeId) continue;
    if (s.service !== null && s.service !== serviceId) continue;
    const list = byName.get(inst.name);
    if (list) list.push(inst);
    else byName.set(inst.name, [inst]);
  }
  const slots: PluginSlot[] = [];
  let hasConsumerScoped = false;
  let buffersResponse = false;
  for (const [name, list] of byName) {
    let base: PluginInstance | null = null;
    let baseRank = 99;
    const consumers = new Set<string>();
    for (const inst of list) {
      const s = scopeOf(inst.entity);
      if (s.consumer !== null) {
        consumers.add(s.consumer);
        continue;
      }
      const rank = precedenceRank(s, routeId, serviceId, null);
      if (rank >= 0 && rank < baseRank) {
        base = inst;
        baseRank = rank;
      }
    }
    let byConsumer: Map<string, PluginInstance> | null = null;
    for (const consumer of consumers) {
      let best: PluginInstance | null = null;
      let bestRank = 99;
      for (const inst of list) {
        const rank = precedenceRank(scopeOf(inst.entity), routeId, serviceId, consumer);
        if (rank >= 0 && rank < bestRank) {
          best = inst;
          bestRank = rank;
        }
      }
      if (best !== null && best !== base) {
        byConsumer ??= new Map();
        byConsumer.set(consumer, best);
      }
    }
    if (base === null && byConsumer === null) continue;
    if (byConsumer !== null) hasConsumerScoped = true;
    const any = base ?? list[0]!;
    if (base?.buffersResponse || (byConsumer && [...byConsumer.values()].some((i) => i.buffersResponse))) buffersResponse = true;
    slots.push(Object.freeze({ name, priority: any.priority, base, byConsumer }));
  }
  slots.sort(runOrder);
  return Object.freeze({ slots: Object.freeze(slots), buffersResponse, hasConsumerScoped });
}

/** Instances that apply to requests matching no route: the global ones (Kong runs only those). */
export function globalInstances(instances: readonly PluginInstance[]): PluginInstance[] {
  return instances.filter((i) => i.entity.route === null && i.entity.service === null && i.entity.consumer === null);
}
