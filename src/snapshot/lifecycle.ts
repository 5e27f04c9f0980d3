/**
 * A compiled snapshot is inert: compiling it started no timer, opened no socket and resolved no name, so a
 * compile that fails halfway leaves nothing to clean up (Caddy's provision, then start). The runtime activates
 * a snapshot when it swaps it in, which is when it joins the gateway's shared resources (health checkers,
 * probes, the DNS cache), and disposes it when it retires (after its last request), which gives them back.
 */
import type { BalancerResources } from '../balancer/resources.js';
import type { CompiledSnapshot } from './compile.js';
import type { BalancerPlan } from '../balancer/plan.js';

/** What a gateway shares across its snapshots; created at start, closed at stop. */
export interface SnapshotResources {
  readonly balancers: BalancerResources;
}

/** All or nothing: when a part fails to activate, the parts already active are disposed and the error thrown. */
export function activateSnapshot(snapshot: CompiledSnapshot, resources: SnapshotResources): void {
  const active: BalancerPlan[] = [];
  try {
    for (const b of snapshot.proxy.balancers.values()) {
      b.activate(resources.balancers);
      active.push(b);
    }
  } catch (err) {
    for (const b of active) b.dispose();
    throw err;
  }
}

/** Idempotent; also right for a snapshot that was never activated. */
export function disposeSnapshot(snapshot: CompiledSnapshot): void {
  for (const b of snapshot.proxy.balancers.values()) b.dispose();
}
