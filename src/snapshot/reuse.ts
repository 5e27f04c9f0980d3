/**
 * What one compile hands the next: the pieces it built (plugin instances, plugin chains, balancers, service plans,
 * route plans), each filed under a key made of the content keys of everything it was built from (src/config/
 * content-key.ts) and the identities of the reused pieces it holds. A reload looks every piece up before building
 * it, so its cost follows what changed: an entity whose content changed has a new key and is built anew, and so
 * is everything that holds it (its key names the new piece's identity). Pieces are frozen when built, so sharing
 * them between snapshots is safe. Only the last successful compile's pieces are kept: memory stays flat.
 */
import type { PluginChain, PluginInstance } from '../plugins/chain.js';
import type { RoutePlan, ServicePlan } from '../pdk/proxy-plan.js';
import type { BalancerPlan } from '../balancer/plan.js';

export interface CachedPlugin {
  readonly instance: PluginInstance;
  /**
   * Set when the factory (or a handler it made, later) read the snapshot's `entities` (an auth plugin's
   * credentials): such an instance depends on more than its own entity and is never reused.
   */
  readonly readsEntities: { value: boolean };
}

export interface CompilePieces {
  readonly plugins: Map<string, CachedPlugin>;
  readonly chains: Map<string, PluginChain>;
  readonly services: Map<string, ServicePlan>;
  readonly routes: Map<string, RoutePlan>;
  /** Shared by the snapshots that hold them: src/snapshot/lifecycle.ts activates and disposes them by count. */
  readonly balancers: Map<string, BalancerPlan>;
  /** Frozen entities by collection and content key (src/snapshot/intern.ts). */
  readonly entities: Map<string, object>;
}

export function emptyPieces(): CompilePieces {
  return { plugins: new Map(), chains: new Map(), services: new Map(), routes: new Map(), balancers: new Map(), entities: new Map() };
}

/**
 * The compile's view of the pieces: `take` finds a piece of the previous compile (or builds it) and files it for
 * the next one. `next` holds only what this compile used.
 */
export class Reuse {
  readonly next: CompilePieces = emptyPieces();
  built = 0;
  reused = 0;
  constructor(readonly previous: CompilePieces = emptyPieces()) {}

  take<K extends keyof CompilePieces, V extends CompilePieces[K] extends Map<string, infer X> ? X : never>(
    kind: K,
    key: string,
    build: () => V,
  ): V {
    const into = this.next[kind] as Map<string, V>;
    let piece = into.get(key) ?? (this.previous[kind] as Map<string, V>).get(key);
    if (piece === undefined) {
      piece = build();
      this.built++;
    } else this.reused++;
    into.set(key, piece);
    return piece;
  }
}

const ids = new WeakMap<object, number>();
let lastId = 0;

/** A number for an object's identity, for keys of pieces that hold it. */
export function identity(o: object | null): number {
  if (o === null) return 0;
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = ++lastId));
  return id;
}
