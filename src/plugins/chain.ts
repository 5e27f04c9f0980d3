import type { Plugin } from '../schema/index.js';
import type { PluginHandlers } from './define.js';

// RoutePlan and ProxyPlan (src/pdk/proxy-plan.ts) get their plugin fields here: pdk sits below plugins, so it
// cannot name PluginChain itself; declaration merging adds them and every reader sees the full type.
declare module '../pdk/proxy-plan.js' {
  interface RoutePlan {
    readonly plugins: PluginChain;
  }
  interface ProxyPlan {
    /** Plugins for requests that matched no route. */
    readonly globalPlugins: PluginChain;
  }
}

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
  /**
   * The access phase's order: `slots` unless some instance has dynamic `ordering` (Kong Enterprise), which
   * changes the access phase only; every other phase keeps PRIORITY order.
   */
  readonly accessSlots: readonly PluginSlot[];
  /** Any instance in the chain buffers the response body (buffered proxying for this route). */
  readonly buffersResponse: boolean;
  readonly hasConsumerScoped: boolean;
  /** Some instance has a rewrite handler (Kong runs rewrite for global plugins, before routing). */
  readonly hasRewrite: boolean;
  /** Some instance has a ws_* handler: WebSocket handshakes on the route take the frame-relaying path. */
  readonly usesWebSocketPhases: boolean;
  /** Some instance has a log handler: without one, a request of this chain has no log phase to wait for. */
  readonly hasLog: boolean;
}

const WS_PHASES = ['ws_handshake', 'ws_client_frame', 'ws_upstream_frame', 'ws_close'] as const;

const NO_SLOTS: readonly PluginSlot[] = Object.freeze([]);
export const EMPTY_CHAIN: PluginChain = Object.freeze({
  slots: NO_SLOTS,
  accessSlots: NO_SLOTS,
  buffersResponse: false,
  hasConsumerScoped: false,
  hasRewrite: false,
  usesWebSocketPhases: false,
  hasLog: false,
});

/** A consumer's consumer groups (Kong Enterprise), by consumer id. */
export type GroupMembership = ReadonlyMap<string, readonly { readonly id: string; readonly name: string }[]>;

/** Kong: higher PRIORITY first; equal priorities by plugin name descending. */
export function runOrder(a: { priority: number; name: string }, b: { priority: number; name: string }): number {
  return b.priority - a.priority || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0);
}

interface Scoped {
  readonly route: string | null;
  readonly service: string | null;
  readonly consumer: string | null;
  readonly consumerGroup?: string | null;
}

function scopeOf(p: Plugin): Scoped {
  return {
    route: p.route?.id ?? null,
    service: p.service?.id ?? null,
    consumer: p.consumer?.id ?? null,
    consumerGroup: p.consumer_group?.id ?? null,
  };
}

// Kong Enterprise's ladder interleaves consumer-group rungs with the OSS ones (Kong's kong/runloop/plugins_iterator.lua lookup_cfg): positions of the
// OSS ranks 0..7 on it, and of the consumer-group rungs.
const EE_POSITION = [0, 2, 3, 6, 7, 9, 10, 11];
const GROUP_ROUTE_SERVICE = 1;
const GROUP_ROUTE = 4;
const GROUP_SERVICE = 5;
const GROUP = 8;

/** Rank of an instance for a consumer on the Enterprise ladder (lower wins), or -1 when it does not apply. */
function consumerRank(s: Scoped, route: string | null, service: string | null, consumer: string, groups: readonly { id: string }[]): number {
  if (s.consumerGroup == null) {
    const r = precedenceRank(s, route, service, consumer);
    return r < 0 ? -1 : EE_POSITION[r]!;
  }
  if (s.consumer !== null || !groups.some((g) => g.id === s.consumerGroup)) return -1;
  if (s.route !== null && s.route !== route) return -1;
  if (s.service !== null && s.service !== service) return -1;
  if (s.route !== null && s.service !== null) return GROUP_ROUTE_SERVICE;
  if (s.route !== null) return GROUP_ROUTE;
  if (s.service !== null) return GROUP_SERVICE;
  return GROUP;
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
  membership: GroupMembership = new Map(),
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
    const groupScoped = new Set<string>();
    for (const inst of list) {
      const s = scopeOf(inst.entity);
      if (s.consumer !== null) {
        consumers.add(s.consumer);
        continue;
      }
      if (s.consumerGroup) {
        // Applies to the group's members only (never to anonymous or other consumers).
        groupScoped.add(s.consumerGroup);
        continue;
      }
      const rank = precedenceRank(s, routeId, serviceId, null);
      if (rank >= 0 && rank < baseRank) {
        base = inst;
        baseRank = rank;
      }
    }
    if (groupScoped.size > 0) {
      for (const [consumer, groups] of membership) if (groups.some((g) => groupScoped.has(g.id))) consumers.add(consumer);
    }
    let byConsumer: Map<string, PluginInstance> | null = null;
    for (const consumer of consumers) {
      const groups = membership.get(consumer) ?? [];
      let best: PluginInstance | null = null;
      let bestRank = 99;
      let bestGroup = '';
      for (const inst of list) {
        const s = scopeOf(inst.entity);
        const rank = consumerRank(s, routeId, serviceId, consumer, groups);
        if (rank < 0) continue;
        // Several groups at one rung: the alphabetically first group name wins (Kong Enterprise docs).
        const group = s.consumerGroup ? (groups.find((g) => g.id === s.consumerGroup)?.name ?? '') : '';
        if (rank < bestRank || (rank === bestRank && group < bestGroup)) {
          best = inst;
          bestRank = rank;
          bestGroup = group;
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
  const accessSlots = dynamicAccessOrder(slots);
  const hasRewrite = slots.some((s) => s.base?.handlers.rewrite !== undefined);
  const picked = slots.flatMap((s) => [...(s.base ? [s.base] : []), ...(s.byConsumer?.values() ?? [])]);
  const usesWebSocketPhases = picked.some((i) => WS_PHASES.some((p) => i.handlers[p] !== undefined));
  const hasLog = picked.some((i) => i.handlers.log !== undefined);
  return Object.freeze({ slots: Object.freeze(slots), accessSlots, buffersResponse, hasConsumerScoped, hasRewrite, usesWebSocketPhases, hasLog });
}

/**
 * Kong Enterprise dynamic ordering (`ordering.before/after.access`), "legacy" algorithm: walk the plugins in
 * PRIORITY order and, before placing one, place every plugin that must run before it. Cycles are broken by
 * ignoring the edge that closes them.
 */
function dynamicAccessOrder(slots: readonly PluginSlot[]): readonly PluginSlot[] {
  const byName = new Map(slots.map((s) => [s.name, s]));
  const mustPrecede = new Map<string, Set<string>>();
  const edge = (first: string, then: string) => {
    if (!byName.has(first) || !byName.has(then) || first === then) return;
    let set = mustPrecede.get(then);
    if (!set) mustPrecede.set(then, (set = new Set()));
    set.add(first);
  };
  for (const slot of slots) {
    const instances = [slot.base, ...(slot.byConsumer?.values() ?? [])];
    for (const inst of instances) {
      const ordering = inst?.entity.ordering;
      if (!ordering) continue;
      for (const other of ordering.before?.access ?? []) edge(slot.name, other);
      for (const other of ordering.after?.access ?? []) edge(other, slot.name);
    }
  }
  if (mustPrecede.size === 0) return slots;
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const out: PluginSlot[] = [];
  const place = (name: string) => {
    if (placed.has(name) || visiting.has(name)) return;
    visiting.add(name);
    const deps = mustPrecede.get(name);
    if (deps) for (const s of slots) if (deps.has(s.name)) place(s.name);
    visiting.delete(name);
    placed.add(name);
    out.push(byName.get(name)!);
  };
  for (const s of slots) place(s.name);
  return Object.freeze(out);
}

/** Instances that apply to requests matching no route: the global ones (Kong runs only those). */
export function globalInstances(instances: readonly PluginInstance[]): PluginInstance[] {
  return instances.filter(
    (i) => i.entity.route === null && i.entity.service === null && i.entity.consumer === null && i.entity.consumer_group === null,
  );
}
