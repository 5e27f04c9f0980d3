import type { BalancerPlan } from '../snapshot/proxy-plan.js';

/**
 * Releases a retired snapshot's balancers: health checkers no other snapshot uses stop their probe timers.
 * Call it once the snapshot has no requests left (SnapshotCell onRetire) and for the last snapshot on close.
 */
export function disposeBalancers(balancers: ReadonlyMap<string, BalancerPlan>): void {
  for (const b of balancers.values()) b.dispose();
}
